"""What the code means, without running it.

`syntax` judges whether a Python accepts the text (SM001); `prune` surveys CPython's tree
once (depth, units, file-creating calls) and blanks what cannot hold a finding; `gate` decides
from that survey whether LibCST is needed at all; `walk` and `index` traverse LibCST's tree
once (calls, bindings, uses, blocks); `bindings` and `calls` answer which bindings reach a
read, through calls of the module's own functions; `resolve` says what an expression is known
to be; `positions` computes source positions only for nodes that are reported.
"""
