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
- names are those of Python's scopes: a function's own names (bound there, not declared
  `global` or `nonlocal`; a comprehension's or a lambda's are theirs, and a walrus target is
  not counted as one) are names of that function only, read also by the functions nested in
  it; any other name is the module's, and so are a class body's names;
- a kept unit keeps the class or function it is in; a kept class keeps its statements other
  than methods and nested classes, and its dunder methods (called without their name); a
  kept function keeps every statement that holds control flow the binding analysis reads
  (`return`, `raise`, `yield`, `global`, `nonlocal`, `del`).

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
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

_DYNAMIC = frozenset({"exec", "eval", "globals", "locals", "vars", "__import__"})
_NOT_BREAK = re.compile(r"[^\r\n]")
# The rows CPython counts: `str.splitlines` also splits at form feeds and other separators.
_ROWS = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# Scopes of their own: what they bind is not bound where they are (a comprehension's targets
# included; its walrus targets are, see _FREE).
_SCOPES = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp,
    ast.DictComp, ast.GeneratorExp,
)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Statements and expressions whose place in a function body the binding analysis reads.
# (`break` and `continue` are not among them: a statement of a function body holds them only
# inside a loop of its own, which is kept or blanked whole.)
_FLOW = (
    ast.Return, ast.Raise, ast.Global, ast.Nonlocal, ast.Delete, ast.Yield, ast.YieldFrom,
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
        "split", "header_last", "structural", "flow", "scope", "inner",
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
        self.scope = 0  # the scope its statement runs in (an index into the survey's scopes)
        self.inner = 0  # a split class or function: the scope of its body


class _Scope:
    __slots__ = ("kind", "parent", "locals", "globals", "nonlocals")

    def __init__(self, kind: int, parent: int) -> None:
        self.kind = kind  # _MODULE, _CLASS or _FUNCTION
        self.parent = parent
        self.locals: Set[str] = set()
        self.globals: Set[str] = set()
        self.nonlocals: Set[str] = set()


# A unit's names are resolved to keys once the walk has seen every scope: a name of a
# function's own (bound there, not declared global or nonlocal) becomes `name\0scope`, any
# other name stays itself. Names that need no resolution are recorded already as keys:
# attribute names (`\1name`, resolved to `name`: members are reached by attribute, whatever
# the scope) and parameters (`name\0scope`).
_SCOPED = "\0"
_PLAIN = "\1"
# A binding that does not make its name a local of the function it is in (a walrus target,
# which may be in a comprehension or a lambda): resolved as a read there is, so that it binds
# what the reads of that name see.
_FREE = "\2"
_MARKS = (_PLAIN, _FREE)


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


class Survey:
    """What one walk over CPython's tree tells the engine before LibCST sees the file: how
    deep it nests, its units for pruning, its imports and calls (sagelint.analysis.gate), and the
    calls that may create files (SM402)."""

    __slots__ = (
        "units", "dynamic", "too_deep", "creating", "imports", "bound", "stored", "callees",
        "calls",
    )

    def __init__(self) -> None:
        self.units: List[_Unit] = []
        self.dynamic = False  # a star import or a dynamic scope: not pruned, not gated
        self.too_deep = False
        self.creating: List[ast.Call] = []  # calls by a name in paths._CREATING
        self.imports: List[Tuple[Optional[str], str]] = []  # (top-level package, bound name)
        self.bound: Set[str] = set()  # names bound otherwise than by import, def or class
        self.stored: Set[str] = set()  # attribute names assigned to
        self.callees: Set[str] = set()  # the last name of each called name or attribute
        self.calls = 0


def survey(
    tree: ast.Module,
    lines: List[str],
    limit: Optional[int] = None,
    creating: FrozenSet[str] = frozenset(),
) -> Survey:
    """One iterative walk over the tree (it may be deep); stops at the first node deeper
    than `limit` levels (`too_deep`)."""
    result = Survey()
    units = result.units
    scopes = [_Scope(_MODULE, -1)]
    bound, stored, callees = result.bound, result.stored, result.callees
    deepest = limit if limit is not None else -1
    # (node, depth, unit index, nested, ignored name, context kind when it starts a unit)
    stack: List[Tuple[ast.AST, int, int, bool, Optional[str], int]] = [
        (node, 1, -1, False, None, _MODULE) for node in reversed(tree.body)
    ]
    pop, push = stack.pop, stack.append
    while stack:
        current, depth, index, nested, ignored, starts = pop()
        if depth > deepest >= 0:
            result.too_deep = True
            return result
        if starts >= 0:
            assert isinstance(current, ast.stmt)
            unit = _Unit(current, index)
            parent_index = index
            index = len(units)
            units.append(unit)
            if parent_index >= 0:
                units[parent_index].children.append(index)
                unit.scope = units[parent_index].inner
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
                unit.inner = len(scopes)
                scopes.append(_Scope(kind, unit.scope))
                own = f"{_SCOPED}{unit.inner}"
                receiver = _receiver(current) if starts == _CLASS else None
                inner_ignored = receiver if receiver is not None else ignored
                inner = depth + 1
                for statement in reversed(current.body):
                    push((statement, inner, index, False, inner_ignored, kind))
                header: List[Tuple[ast.AST, int]]
                if isinstance(current, ast.ClassDef):
                    header = [
                        (part, inner)
                        for part in (*current.decorator_list, *current.bases, *current.keywords)
                    ]
                else:
                    header = [(part, inner) for part in current.decorator_list]
                    if current.returns is not None:
                        header.append((current.returns, inner))
                    arguments = current.args
                    params = [
                        *arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                        *(p for p in (arguments.vararg, arguments.kwarg) if p is not None),
                    ]
                    for param in params:
                        bound.add(param.arg)
                        scopes[unit.inner].locals.add(param.arg)
                        if param.arg != receiver:
                            key = param.arg + own
                            unit.reads.add(key)
                            unit.binds.add(key)
                            unit.assigns.add(key)
                        if param.annotation is not None:
                            header.append((param.annotation, depth + 3))
                    header.extend((default, depth + 2) for default in arguments.defaults)
                    header.extend(
                        (default, depth + 2) for default in arguments.kw_defaults
                        if default is not None
                    )
                header.extend((part, inner) for part in getattr(current, "type_params", ()))
                for part, at in header:
                    push((part, at, index, False, ignored, -1))
                continue
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                # Its calls pass values in and take its results out: they matter like
                # readers of an assigned name.
                unit.binds.add(current.name)
                unit.assigns.add(current.name)
        unit = units[index]
        kind_of = type(current)
        if kind_of is ast.Name or kind_of is ast.Attribute:
            if depth + 1 > deepest >= 0:  # its context is a level below it
                result.too_deep = True
                return result
        if kind_of is ast.NamedExpr:
            target = current.target  # type: ignore[attr-defined]
            bound.add(target.id)
            unit.binds.add(_FREE + target.id)
            unit.assigns.add(_FREE + target.id)
            push((current.value, depth + 1, index, nested, ignored, -1))  # type: ignore[attr-defined]
            if depth + 2 > deepest >= 0:  # the target and its context
                result.too_deep = True
                return result
            continue
        if kind_of is ast.Name:
            name = current.id  # type: ignore[attr-defined]
            if type(current.ctx) is ast.Load:  # type: ignore[attr-defined]
                if name != ignored:
                    unit.reads.add(name)
                if name in _DYNAMIC:
                    result.dynamic = True
            else:
                bound.add(name)
                if not nested:
                    unit.binds.add(name)
                    unit.assigns.add(name)
                else:
                    unit.reads.add(name)  # a local that shares a global's name: keep both
            continue  # its one child is its context
        if kind_of is ast.Attribute:
            attribute = _PLAIN + current.attr  # type: ignore[attr-defined]
            if type(current.ctx) is ast.Load:  # type: ignore[attr-defined]
                unit.reads.add(attribute)
            else:
                stored.add(current.attr)  # type: ignore[attr-defined]
                unit.binds.add(attribute)
                unit.assigns.add(attribute)
            push((current.value, depth + 1, index, nested, ignored, -1))  # type: ignore[attr-defined]
            continue
        if kind_of is ast.Call:
            result.calls += 1
            func = current.func  # type: ignore[attr-defined]
            last = func.attr if type(func) is ast.Attribute else getattr(func, "id", None)
            if isinstance(last, str):
                callees.add(last)
                if last in creating:
                    result.creating.append(current)  # type: ignore[arg-type]
        elif kind_of is ast.Import or kind_of is ast.ImportFrom:
            module = getattr(current, "module", None)
            relative = getattr(current, "level", 0)
            for alias in current.names:  # type: ignore[attr-defined]
                if alias.name == "*":
                    result.dynamic = True
                    continue
                name = alias.asname or alias.name.split(".", 1)[0]
                if kind_of is ast.Import:
                    top: Optional[str] = alias.name.split(".", 1)[0]
                else:
                    top = module.split(".", 1)[0] if module and not relative else None
                result.imports.append((top, name))
                (unit.reads if nested else unit.binds).add(name)
        elif isinstance(current, _FLOW):
            unit.flow = True
            if isinstance(current, (ast.Global, ast.Nonlocal)):
                # A function rebinding a module name: it reads and binds it.
                scope = scopes[unit.scope]
                (scope.globals if isinstance(current, ast.Global) else scope.nonlocals).update(
                    current.names
                )
                bound.update(current.names)
                unit.reads.update(current.names)
                unit.binds.update(current.names)
                unit.assigns.update(current.names)
        elif kind_of is ast.arg:
            bound.add(current.arg)  # type: ignore[attr-defined]
            unit.reads.add(current.arg)  # type: ignore[attr-defined]
        elif isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # Not a unit of its own (in a block that is not split): it binds its name.
            (unit.reads if nested else unit.binds).add(current.name)
            if not nested:
                unit.assigns.add(current.name)
        elif kind_of is ast.ExceptHandler:
            name = current.name  # type: ignore[attr-defined]
            if name is not None:
                bound.add(name)
                (unit.reads if nested else unit.binds).add(name)
                if not nested:
                    unit.assigns.add(name)
        elif isinstance(current, _MATCH_CAPTURES):  # `case {"k": v, **rest}`, `case [*xs]`
            for capture in (getattr(current, "name", None), getattr(current, "rest", None)):
                if isinstance(capture, str):
                    bound.add(capture)
                    (unit.reads if nested else unit.binds).add(capture)
        inner_nested = nested or isinstance(current, _SCOPES)
        below = depth + 1
        for child in ast.iter_child_nodes(current):
            push((child, below, index, inner_nested, ignored, -1))
    for unit in units:
        if unit.flow and unit.parent >= 0 and isinstance(units[unit.parent].node, _DEFS):
            unit.structural = True
    _resolve(units, scopes)
    return result


def _resolve(units: List[_Unit], scopes: List[_Scope]) -> None:
    """Each unit's names as keys: the locals of different functions are different names."""
    for unit in units:
        scope = scopes[unit.scope]
        if scope.kind == _FUNCTION:
            scope.locals.update(n for n in unit.binds if n[0] not in _MARKS and _SCOPED not in n)
    cache: Dict[Tuple[int, str], Tuple[str, ...]] = {}

    def lookup(at: int, name: str) -> Tuple[str, ...]:
        """The keys a read of `name` in scope `at` may see."""
        found = cache.get((at, name))
        if found is not None:
            return found
        keys: List[str] = []
        where = at
        while where >= 0:
            scope = scopes[where]
            if scope.kind == _MODULE:
                keys.append(name)
                break
            if scope.kind == _CLASS:
                if where == at:
                    keys.append(name)  # the class's own names, or those around it
                where = scope.parent
                continue
            if name in scope.globals:
                keys.append(name)
                break
            if name in scope.locals and name not in scope.nonlocals:
                keys.append(f"{name}{_SCOPED}{where}")
                break
            where = scope.parent
        result = cache[(at, name)] = tuple(dict.fromkeys(keys))
        return result

    def bind(at: int, name: str) -> Tuple[str, ...]:
        scope = scopes[at]
        if scope.kind != _FUNCTION or name in scope.globals:
            return (name,)
        if name in scope.nonlocals:
            return lookup(scope.parent, name) if scope.parent >= 0 else (name,)
        return (f"{name}{_SCOPED}{at}",)

    for unit in units:
        unit.reads = _keys(unit.reads, unit.scope, lookup, lookup)
        unit.binds = _keys(unit.binds, unit.scope, bind, lookup)
        unit.assigns = _keys(unit.assigns, unit.scope, bind, lookup)


def _keys(
    names: Set[str],
    at: int,
    resolve: Callable[[int, str], Tuple[str, ...]],
    lookup: Callable[[int, str], Tuple[str, ...]],
) -> Set[str]:
    keys: Set[str] = set()
    for name in names:
        if name[0] == _PLAIN:
            keys.add(name[1:])
        elif name[0] == _FREE:
            keys.update(lookup(at, name[1:]))
        elif _SCOPED in name:
            keys.add(name)
        else:
            keys.update(resolve(at, name))
    return keys


def prune(
    text: str,
    tree: ast.Module,
    triggers: Iterable[str],
    lines: Optional[List[str]] = None,
    surveyed: Optional[Survey] = None,
) -> Optional[str]:
    """The text with irrelevant statements blanked; None when nothing can be blanked (or
    the file must be read whole). `surveyed`: the tree's survey, when there is one."""
    if not tree.body:
        return None
    lines = lines if lines is not None else rows_of(text)
    words = tuple(triggers)
    if surveyed is None:
        surveyed = survey(tree, lines)
    if surveyed.dynamic or surveyed.too_deep:
        return None
    units = surveyed.units
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
