"""Statement pruning: only the top-level statements that can matter are handed to LibCST.

A file with a SageMaker call is mostly other code (a training script's model, a notebook's
plotting), and LibCST's parse, scope analysis and positions cost in proportion to all of it.
CPython's own syntax tree (which the syntax gate builds anyway, at a fifth of LibCST's parse)
tells which top-level statements can reach a SageMaker call:

- seeds: statements whose text names a trigger package (`sagemaker`, `boto3`, extensions);
- a kept statement keeps every statement that binds a name it reads (forward: where a value
  comes from);
- a seed, or a kept statement that assigns a name (or defines a function or class), keeps
  every statement that reads a name it binds (backward: whatever else happens to that value, a mutation or another use that makes
  a fix unsafe, is seen as in the whole file).

The other statements are blanked: each of their characters but line breaks becomes a space,
so every row, column and offset of the kept code is what it was. Files that use star
imports or dynamic scopes (`exec`, `eval`, `globals()`, `locals()`, `vars()`) are not pruned.
"""

from __future__ import annotations

import ast
import re
from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

_DYNAMIC = frozenset({"exec", "eval", "globals", "locals", "vars", "__import__"})
_NOT_BREAK = re.compile(r"[^\r\n]")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# Pattern captures (Python 3.10+).
_MATCH_CAPTURES = tuple(
    getattr(ast, name) for name in ("MatchAs", "MatchStar", "MatchMapping") if hasattr(ast, name)
)


class _Statement:
    __slots__ = ("first", "last", "reads", "binds", "assigns", "seed")

    def __init__(self, node: ast.stmt) -> None:
        decorators = getattr(node, "decorator_list", ())
        self.first = min([node.lineno, *(d.lineno for d in decorators)])
        self.last = node.end_lineno or node.lineno
        self.reads: Set[str] = set()
        self.binds: Set[str] = set()  # every name the statement binds at module level
        self.assigns: Set[str] = set()  # those bound by assignment (values the resolver reads)
        self.seed = False


class _Dynamic(Exception):
    pass


def _names(node: ast.stmt, statement: _Statement) -> None:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        # Its calls pass values in and take its results out: they matter like readers of
        # an assigned name.
        statement.binds.add(node.name)
        statement.assigns.add(node.name)
    stack: List[Tuple[ast.AST, bool]] = [(node, False)]
    reads, binds, assigns = statement.reads, statement.binds, statement.assigns
    while stack:
        current, nested = stack.pop()
        if isinstance(current, ast.Name):
            if isinstance(current.ctx, ast.Load):
                reads.add(current.id)
                if current.id in _DYNAMIC:
                    raise _Dynamic()
            elif not nested:
                binds.add(current.id)
                assigns.add(current.id)
            else:
                reads.add(current.id)  # a local that shares a global's name: keep both
        elif isinstance(current, (ast.Import, ast.ImportFrom)):
            for alias in current.names:
                if alias.name == "*":
                    raise _Dynamic()
                name = alias.asname or alias.name.split(".", 1)[0]
                (reads if nested else binds).add(name)
        elif isinstance(current, (ast.Global, ast.Nonlocal)):
            # A function rebinding a module name: it reads and binds it.
            reads.update(current.names)
            binds.update(current.names)
            assigns.update(current.names)
        elif isinstance(current, ast.arg):
            reads.add(current.arg)
        elif isinstance(current, _MATCH_CAPTURES):  # `case {"k": v, **rest}`, `case [*xs]`
            for capture in (getattr(current, "name", None), getattr(current, "rest", None)):
                if isinstance(capture, str):
                    (reads if nested else binds).add(capture)
        inner = nested or isinstance(current, _SCOPES)
        for child in ast.iter_child_nodes(current):
            stack.append((child, inner))


def prune(
    text: str, tree: ast.Module, triggers: Iterable[str], lines: Optional[List[str]] = None
) -> Optional[str]:
    """The text with irrelevant top-level statements blanked; None when nothing can be
    blanked (or the file must be read whole)."""
    body = tree.body
    if len(body) < 2:
        return None
    lines = lines if lines is not None else text.splitlines(keepends=True)
    words = tuple(triggers)
    statements: List[_Statement] = []
    try:
        for node in body:
            statement = _Statement(node)
            _names(node, statement)
            segment = "".join(lines[statement.first - 1 : statement.last])
            statement.seed = any(word in segment for word in words)
            statements.append(statement)
    except _Dynamic:
        return None
    extra: Set[int] = set()
    while True:
        kept = _closure(statements, extra)
        if len(kept) == len(statements):
            return None
        keep_rows: Set[int] = set()
        for index in kept:
            keep_rows.update(range(statements[index].first, statements[index].last + 1))
        # A statement sharing a row with a kept one (`a = 1; b = (` ... `)`) cannot be
        # blanked in part: it is kept whole, with what it needs.
        sharing = {
            index
            for index, statement in enumerate(statements)
            if index not in kept
            and (statement.first in keep_rows or statement.last in keep_rows)
        }
        if not sharing:
            break
        extra |= sharing
    out = list(lines)
    blanked = False
    for index, statement in enumerate(statements):
        if index in kept:
            continue
        for row in range(statement.first, statement.last + 1):
            if row not in keep_rows and row <= len(out):
                out[row - 1] = _NOT_BREAK.sub(" ", out[row - 1])
                blanked = True
    return "".join(out) if blanked else None


def _closure(statements: List[_Statement], extra: Iterable[int] = ()) -> FrozenSet[int]:
    binders: Dict[str, List[int]] = {}
    readers: Dict[str, List[int]] = {}
    for index, statement in enumerate(statements):
        for name in statement.binds:
            binders.setdefault(name, []).append(index)
        for name in statement.reads:
            readers.setdefault(name, []).append(index)
    kept: Set[int] = set()
    work = [index for index, statement in enumerate(statements) if statement.seed]
    work.extend(index for index in extra if not statements[index].seed)
    expanded_back: Set[str] = set()
    expanded_forward: Set[str] = set()
    kept.update(work)
    while work:
        index = work.pop()
        statement = statements[index]
        backward = statement.binds if statement.seed else statement.assigns
        for name in statement.reads:
            if name not in expanded_forward:
                expanded_forward.add(name)
                work.extend(i for i in binders.get(name, ()) if i not in kept)
                kept.update(binders.get(name, ()))
        for name in backward:
            if name not in expanded_back:
                expanded_back.add(name)
                work.extend(i for i in readers.get(name, ()) if i not in kept)
                kept.update(readers.get(name, ()))
                # Other bindings of the name matter as much as its readers.
                work.extend(i for i in binders.get(name, ()) if i not in kept)
                kept.update(binders.get(name, ()))
    return frozenset(kept)
