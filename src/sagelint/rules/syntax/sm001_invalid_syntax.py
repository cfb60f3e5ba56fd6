"""SM001 invalid-syntax: File cannot be parsed."""

from __future__ import annotations

from typing import Iterator

from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext


class InvalidSyntax(Rule):
    """
    ## What it does
    Reports a file that cannot be parsed, with the parser's reason and the position CPython
    gives for it.

    ## Why is this bad?
    A file that does not parse cannot be checked: every other rule is skipped for it. The run
    goes on with the other files. `# noqa` cannot silence this diagnostic.

    Code is a syntax error only if no Python that sagelint supports (3.9 to the newest LibCST
    reads) accepts it: a Python 3.12 f-string (`f"{d["k"]}"`) is not one when sagelint runs
    on 3.11. A notebook cell is read as IPython reads it first (magics, automagic lines,
    common indentation); a cell that still does not parse is reported under its cell.

    ## Example
    ```python
    model = PyTorchModel(env={"A": "1"}
    ```

    ## Use instead
    ```python
    model = PyTorchModel(env={"A": "1"})
    ```

    ## Fix safety
    There is no fix.

    ## Options
    - `target-version` (`"py39"` … `"py314"`): judge by that Python only; constructs newer
      than it (`match`, `except*`, `type`, PEP 701 f-strings, ...) are then syntax errors.
    """

    severity = Severity.ERROR
    reports_syntax_errors = True
    summary = "File cannot be parsed"
    invalid = ("import sagemaker\nmodel = sagemaker.Model(\n",)
    valid = ("import sagemaker\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return iter(())  # the engine reports under this rule what does not parse
