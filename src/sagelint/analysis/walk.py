"""Read-only traversal of a LibCST tree, without LibCST's visitor machinery.

`Module.visit` rebuilds every node on the way back up (even for a visitor that changes
nothing), calls visit/leave for every node, whitespace and punctuation included, and each
`isinstance` against a LibCST class is a Python-level ABC check. Our passes only read the
tree, so they walk it directly:

- the children of a node are read from the fields that can hold code (whitespace,
  punctuation, comments and line breaks are skipped), in the order LibCST visits them, which
  is source order (a decorator before its function's body, `a` before `b` in `a if b else c`);
- the fields are worked out once per node class and cached, and so is, per value type,
  whether a field holds a node, a sequence of nodes, or neither.

`every_child` also walks the whitespace fields: comments and commas live there.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Iterator, List, Tuple

import libcst as cst

# Fields that hold only punctuation, whitespace, comments or line breaks (with any field
# whose name says "whitespace").
SKIPPED_FIELDS = frozenset(
    {"lpar", "rpar", "comma", "semicolon", "equal", "colon", "dot", "leading_lines",
     "header", "footer", "lines_after_decorators", "operator", "newline", "star_tok",
     "asynchronous", "whitespace_after_arg", "prefix", "quote"}
)

_FIELDS: Dict[type, Tuple[str, ...]] = {}
_ALL_FIELDS: Dict[type, Tuple[str, ...]] = {}

# What a field's value is, by its type.
_OTHER, _NODE, _SEQUENCE = 0, 1, 2
_KINDS: Dict[type, int] = {list: _SEQUENCE, tuple: _SEQUENCE, type(None): _OTHER, str: _OTHER}


def kind_of(value_type: type) -> int:
    found = _KINDS.get(value_type)
    if found is None:
        found = _NODE if issubclass(value_type, cst.CSTNode) else _OTHER
        _KINDS[value_type] = found
    return found


def visit_order(cls: type) -> Tuple[str, ...]:
    """The fields of a node class in the order LibCST's visitor reads them.

    Each class's `_visit_and_replace_children` names the fields it visits as string
    constants (`visit_required(self, "func", self.func, visitor)`), in that order; fields it
    does not visit hold no nodes. A class whose method cannot be read that way falls back
    to the dataclass order (tests/test_walk.py checks the order against LibCST's)."""
    names = [f.name for f in dataclasses.fields(cls)]
    method = getattr(cls, "_visit_and_replace_children", None)
    code = getattr(method, "__code__", None)
    if code is None:
        return tuple(names)
    known = set(names)
    ordered = [c for c in code.co_consts if isinstance(c, str) and c in known]
    return tuple(dict.fromkeys(ordered))


def child_fields(cls: type) -> Tuple[str, ...]:
    """The fields of a node class that can hold code, in visit order (cached per class)."""
    found = _FIELDS.get(cls)
    if found is None:
        found = tuple(
            name
            for name in visit_order(cls)
            if name not in SKIPPED_FIELDS and "whitespace" not in name
        )
        _FIELDS[cls] = found
    return found


def all_fields(cls: type) -> Tuple[str, ...]:
    """Every field of a node class that can hold a node, in visit order (cached)."""
    found = _ALL_FIELDS.get(cls)
    if found is None:
        found = _ALL_FIELDS[cls] = visit_order(cls)
    return found


def children(node: cst.CSTNode) -> List[cst.CSTNode]:
    """The child nodes that can hold code, in source order."""
    cls = type(node)
    fields = _FIELDS.get(cls)
    return _gather(node, child_fields(cls) if fields is None else fields, False)


def every_child(node: cst.CSTNode) -> List[cst.CSTNode]:
    """All child nodes, whitespace, punctuation and comments included, in source order."""
    cls = type(node)
    fields = _ALL_FIELDS.get(cls)
    return _gather(node, all_fields(cls) if fields is None else fields, True)


def _gather(node: cst.CSTNode, fields: Tuple[str, ...], mixed: bool) -> List[cst.CSTNode]:
    """The nodes held by these fields of a node, in order; with `mixed`, the items of a
    sequence that are not nodes are left out."""
    out: List[cst.CSTNode] = []
    for name in fields:
        value = getattr(node, name)
        kind = _KINDS.get(type(value))
        if kind is None:
            kind = kind_of(type(value))
        if kind == _NODE:
            out.append(value)
        elif kind == _SEQUENCE:
            if mixed:
                out.extend(item for item in value if kind_of(type(item)) == _NODE)
            else:
                out.extend(value)
    return out


def every_node(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under `root` (itself included), whitespace and comments too, in source
    order (iteratively: the tree may be deep)."""
    stack: List[cst.CSTNode] = [root]
    pop, extend = stack.pop, stack.extend
    while stack:
        node = pop()
        yield node
        found = every_child(node)
        found.reverse()
        extend(found)
