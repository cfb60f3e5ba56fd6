"""Statement pruning: only the statements that can matter are handed to LibCST.

A file with a SageMaker call is mostly other code (a training script's model, a notebook's
plotting), and LibCST's parse, the binding analysis and positions cost in proportion to all
of it. CPython's own syntax tree (which the syntax gate builds anyway, at a fifth of LibCST's
parse) tells which statements can reach a SageMaker call. The units are the top-level
statements and, inside the bodies of classes and functions (at any depth), their statements;
a unit's names are those of its own code (a class or function with a body of its own rows
has the names of its header: decorators, bases, parameters and their defaults, and its
name). Attribute names count as names (`self.x`, `obj.method`: a class member is reached
through them), and so do parameters:

- seeds: units whose text names a trigger package (`sagemaker`, `boto3`, extensions);
- a kept unit keeps every unit that binds a name it reads (forward: where a value comes
  from);
- a seed, or a kept unit that assigns a name (or defines a function or class, or takes a
  parameter), keeps every unit that reads a name it binds (backward: whatever else happens to
  that value, a mutation or another use that makes a fix unsafe, is seen as in the whole
  file);
- a kept unit keeps the class or function it is in; a kept class keeps its statements other
  than methods and nested classes, and its dunder methods (called without their name); a
  kept function keeps every statement that holds control flow the binding analysis reads
  (`return`, `raise`, `yield`, `break`, `continue`, `global`, `nonlocal`, `del`).

The other units are blanked: each of their characters but line breaks becomes a space, so
every row, column and offset of the kept code is what it was; a block left with no statement
gets `...` (or `0` where the row is too short) written over its first blanked statement, at
its indentation. Files that use star imports or dynamic scopes (`exec`, `eval`, `globals()`,
`locals()`, `vars()`) are not pruned.
"""

from __future__ import annotations

import ast
import bisect
import re
from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

_DYNAMIC = frozenset({"exec", "eval", "globals", "locals", "vars", "__import__"})
_NOT_BREAK = re.compile(r"[^\r\n]")
# The rows CPython counts: `str.splitlines` also splits at form feeds and other separators.
_ROWS = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Statements and expressions whose place in a function body the binding analysis reads.
_FLOW = (
    ast.Return, ast.Raise, ast.Break, ast.Continue, ast.Global, ast.Nonlocal, ast.Delete,
    ast.Yield, ast.YieldFrom,
)
# Pattern captures (Python 3.10+).
_MATCH_CAPTURES = tuple(
    getattr(ast, name) for name in ("MatchAs", "MatchStar", "MatchMapping") if hasattr(ast, name)
)

_MODULE, _CLASS, _FUNCTION = 0, 1, 2


def rows_of(text: str) -> List[str]:
    """The text's rows as CPython numbers them, each with its line break."""
    return _ROWS.findall(text)


class _Unit:
    __slots__ = (
        "node", "first", "last", "reads", "binds", "assigns", "seed", "parent", "children",
        "split", "header_last", "structural", "flow",
    )

    def __init__(self, node: ast.stmt, parent: int) -> None:
        decorators = getattr(node, "decorator_list", ())
        self.node = node
        self.first = min([node.lineno, *(d.lineno for d in decorators)])
        self.last = node.end_lineno or node.lineno
        self.reads: Set[str] = set()
        self.binds: Set[str] = set()  # every name the unit binds
        self.assigns: Set[str] = set()  # those bound by assignment (values the resolver reads)
        self.seed = False
        self.parent = parent  # index of the enclosing class or function unit, -1 at top level
        self.children: List[int] = []  # a split unit's statements
        self.split = False  # a class or function whose body statements are units of their own
        self.header_last = self.last  # a split unit: the last row before its body
        self.structural = False  # kept whenever its parent is
        self.flow = False  # holds control flow (see _FLOW)


class _Dynamic(Exception):
    pass


def _first_row(node: ast.stmt) -> int:
    decorators: List[ast.expr] = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


def _own_rows(node: ast.stmt, lines: List[str]) -> bool:
    """Whether the body of a class or function starts on a row of its own (not `def f(): x`)."""
    body = node.body  # type: ignore[attr-defined]
    if not body:
        return False
    first = body[0]
    row = _first_row(first)
    if row > len(lines):
        return False
    if row != first.lineno:  # decorated: a decorator always starts its own row
        return True
    prefix = lines[row - 1].encode("utf-8", "surrogatepass")[: first.col_offset]
    return not prefix.strip(b" \t\f")


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _receiver(node: ast.stmt) -> Optional[str]:
    """The first parameter of a method (`self`, `cls`): its reads are not followed (the
    members it reaches are, by their attribute names)."""
    if not isinstance(node, _DEFS):
        return None
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Name) and decorator.id == "staticmethod":
            return None
    params = [*node.args.posonlyargs, *node.args.args]
    if params and params[0].arg in ("self", "cls"):
        return params[0].arg
    return None


def _collect(tree: ast.Module, lines: List[str]) -> List[_Unit]:
    units: List[_Unit] = []
    # (node, unit index, nested, ignored name, context kind when the node starts a unit)
    stack: List[Tuple[ast.AST, int, bool, Optional[str], int]] = [
        (node, -1, False, None, _MODULE) for node in reversed(tree.body)
    ]
    while stack:
        current, index, nested, ignored, starts = stack.pop()
        if starts >= 0:
            assert isinstance(current, ast.stmt)
            unit = _Unit(current, index)
            parent_index = index
            index = len(units)
            units.append(unit)
            if parent_index >= 0:
                units[parent_index].children.append(index)
            if starts == _CLASS:
                unit.structural = not isinstance(current, (*_DEFS, ast.ClassDef)) or _is_dunder(
                    current.name
                )
                if isinstance(current, ast.Expr) and isinstance(current.value, ast.Constant):
                    unit.structural = False  # a docstring
                elif isinstance(current, ast.Pass):
                    unit.structural = False
            if isinstance(current, (*_DEFS, ast.ClassDef)) and _own_rows(current, lines):
                unit.split = True
                unit.header_last = _first_row(current.body[0]) - 1
                unit.binds.add(current.name)
                if not (starts == _CLASS and _is_dunder(current.name)):
                    # (a dunder method is called without its name: kept with its class)
                    unit.assigns.add(current.name)
                kind = _CLASS if isinstance(current, ast.ClassDef) else _FUNCTION
                receiver = _receiver(current) if starts == _CLASS else None
                inner_ignored = receiver if receiver is not None else ignored
                for statement in reversed(current.body):
                    stack.append((statement, index, False, inner_ignored, kind))
                if isinstance(current, ast.ClassDef):
                    header: List[ast.AST] = [
                        *current.decorator_list, *current.bases, *current.keywords
                    ]
                else:
                    header = [*current.decorator_list]
                    if current.returns is not None:
                        header.append(current.returns)
                    arguments = current.args
                    params = [
                        *arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                        *(p for p in (arguments.vararg, arguments.kwarg) if p is not None),
                    ]
                    for param in params:
                        if param.arg != receiver:
                            unit.reads.add(param.arg)
                            unit.binds.add(param.arg)
                            unit.assigns.add(param.arg)
                        if param.annotation is not None:
                            header.append(param.annotation)
                    header.extend(arguments.defaults)
                    header.extend(d for d in arguments.kw_defaults if d is not None)
                header.extend(getattr(current, "type_params", ()))
                for part in header:
                    stack.append((part, index, False, ignored, -1))
                continue
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                # Its calls pass values in and take its results out: they matter like
                # readers of an assigned name.
                unit.binds.add(current.name)
                unit.assigns.add(current.name)
        unit = units[index]
        if isinstance(current, ast.Name):
            name = current.id
            if isinstance(current.ctx, ast.Load):
                if name != ignored:
                    unit.reads.add(name)
                if name in _DYNAMIC:
                    raise _Dynamic()
            elif not nested:
                unit.binds.add(name)
                unit.assigns.add(name)
            else:
                unit.reads.add(name)  # a local that shares a global's name: keep both
        elif isinstance(current, ast.Attribute):
            if isinstance(current.ctx, ast.Load):
                unit.reads.add(current.attr)
            else:
                unit.binds.add(current.attr)
                unit.assigns.add(current.attr)
        elif isinstance(current, (ast.Import, ast.ImportFrom)):
            for alias in current.names:
                if alias.name == "*":
                    raise _Dynamic()
                name = alias.asname or alias.name.split(".", 1)[0]
                (unit.reads if nested else unit.binds).add(name)
        elif isinstance(current, _FLOW):
            unit.flow = True
            if isinstance(current, (ast.Global, ast.Nonlocal)):
                # A function rebinding a module name: it reads and binds it.
                unit.reads.update(current.names)
                unit.binds.update(current.names)
                unit.assigns.update(current.names)
        elif isinstance(current, ast.arg):
            unit.reads.add(current.arg)
        elif isinstance(current, _MATCH_CAPTURES):  # `case {"k": v, **rest}`, `case [*xs]`
            for capture in (getattr(current, "name", None), getattr(current, "rest", None)):
                if isinstance(capture, str):
                    (unit.reads if nested else unit.binds).add(capture)
        inner = nested or isinstance(current, _SCOPES)
        for child in ast.iter_child_nodes(current):
            stack.append((child, index, inner, ignored, -1))
    for unit in units:
        if unit.flow and unit.parent >= 0 and isinstance(units[unit.parent].node, _DEFS):
            unit.structural = True
    return units


def prune(
    text: str, tree: ast.Module, triggers: Iterable[str], lines: Optional[List[str]] = None
) -> Optional[str]:
    """The text with irrelevant statements blanked; None when nothing can be blanked (or
    the file must be read whole)."""
    body = tree.body
    if not body:
        return None
    lines = lines if lines is not None else rows_of(text)
    words = tuple(triggers)
    try:
        units = _collect(tree, lines)
    except _Dynamic:
        return None
    if len(units) < 2:
        return None
    trigger_rows = [row for row, line in enumerate(lines, 1) if any(w in line for w in words)]
    for unit in units:
        last = unit.header_last if unit.split else unit.last
        at = bisect.bisect_left(trigger_rows, unit.first)
        unit.seed = at < len(trigger_rows) and trigger_rows[at] <= last
    extra: Set[int] = set()
    while True:
        kept = _closure(units, extra)
        if len(kept) == len(units):
            return None
        keep_rows: Set[int] = set()
        for index in kept:
            unit = units[index]
            keep_rows.update(range(unit.first, (unit.header_last if unit.split else unit.last) + 1))
        # A unit sharing a row with a kept one (`a = 1; b = (` ... `)`) cannot be blanked in
        # part: it is kept whole, with what it needs.
        sharing = {
            index
            for index, unit in enumerate(units)
            if index not in kept
            and (unit.parent < 0 or unit.parent in kept)
            and (unit.first in keep_rows or unit.last in keep_rows)
        }
        if not sharing:
            break
        extra |= sharing
    out = list(lines)
    blanked = False
    for index, unit in enumerate(units):
        if index in kept or (unit.parent >= 0 and unit.parent not in kept):
            continue
        for row in range(unit.first, unit.last + 1):
            if row not in keep_rows and row <= len(out):
                out[row - 1] = _NOT_BREAK.sub(" ", out[row - 1])
                blanked = True
    for index in kept:
        unit = units[index]
        if unit.split and not any(child in kept for child in unit.children):
            _placeholder(out, lines, units[unit.children[0]].first)
    return "".join(out) if blanked else None


def _placeholder(out: List[str], lines: List[str], row: int) -> None:
    """`...` over a blanked row, at the indentation it had: a block keeps a statement."""
    original = lines[row - 1]
    content = original.rstrip("\r\n")
    indent = len(content) - len(content.lstrip(" \t\f"))
    room = len(content) - indent
    filler = "..." if room >= 3 else "0"
    blank = out[row - 1]
    out[row - 1] = original[:indent] + filler + blank[indent + len(filler):]


def _closure(units: List[_Unit], extra: Iterable[int] = ()) -> FrozenSet[int]:
    binders: Dict[str, List[int]] = {}
    readers: Dict[str, List[int]] = {}
    for index, unit in enumerate(units):
        for name in unit.binds:
            binders.setdefault(name, []).append(index)
        for name in unit.reads:
            readers.setdefault(name, []).append(index)
    kept: Set[int] = set()
    work = [index for index, unit in enumerate(units) if unit.seed]
    work.extend(index for index in extra if not units[index].seed)
    expanded_back: Set[str] = set()
    expanded_forward: Set[str] = set()
    kept.update(work)

    def keep(indices: Iterable[int]) -> None:
        for i in indices:
            if i not in kept:
                kept.add(i)
                work.append(i)

    while work:
        index = work.pop()
        unit = units[index]
        if unit.parent >= 0 and unit.parent not in kept:
            keep((unit.parent,))
        if unit.split:
            keep(child for child in unit.children if units[child].structural)
        backward = unit.binds if unit.seed else unit.assigns
        for name in unit.reads:
            if name not in expanded_forward:
                expanded_forward.add(name)
                keep(binders.get(name, ()))
        for name in backward:
            if name not in expanded_back:
                expanded_back.add(name)
                keep(readers.get(name, ()))
                # Other bindings of the name matter as much as its readers.
                keep(binders.get(name, ()))
    return frozenset(kept)
