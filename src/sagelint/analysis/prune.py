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

- seeds: units whose text names a trigger package (`sagemaker`, `boto3`, extensions) or a
  word a surface's route on any receiver's method needs (`endpoint_config_name`);
- a kept unit keeps every unit that binds a name it reads (forward: where a value comes
  from);
- a seed, or a kept unit that assigns a name (or defines a function or class, or takes a
  parameter), keeps every unit that reads a name it binds (backward: whatever else happens to
  that value, a mutation or another use that makes a fix unsafe, is seen as in the whole
  file);
- a name that kept units read only as the object whose method a call statement calls
  (`logger` of `logger.info(x)`, `log` of `self.log.info(x)`) tells what is called, which
  the analysis works out from the units that bind the name and what they read, never from
  its other readers: those units are kept for the name only, without the backward step,
  until a kept unit reads the name otherwise (a value that may be a SageMaker object comes
  from a seed by names, each step backward, so its units are kept whole);
- names are those of Python's scopes: a function's own names (bound there, not declared
  `global` or `nonlocal`; a comprehension's or a lambda's are theirs, and a walrus target is
  not counted as one) are names of that function only, read also by the functions nested in
  it; any other name is the module's, and so are a class body's names;
- a kept unit keeps the class or function it is in; a kept class keeps its statements other
  than methods and nested classes, and its dunder methods (called without their name); a
  kept function keeps every statement that holds control flow the binding analysis reads
  (`return`, `raise`, `yield`, `global`, `nonlocal`, `del`);
- what a function returns is read only where a call of it is resolved for its value: until
  a kept unit reads the function's name otherwise than as what a call statement calls
  (`main()`, `self.run()`: the value is dropped), a `return` statement kept for its place in
  the flow alone keeps `return` and has what it returns blanked, with what only that read.
  One that reads a kept value (`return env` hands the dict on) is kept whole.

The other units are blanked: each of their characters but line breaks becomes a space, so
every row, column and offset of the kept code is what it was; a block left with no statement
gets `...` (or `0` where the row is too short) written over its first blanked statement, at
its indentation. Files that use star imports or dynamic scopes (`exec`, `eval`, `globals()`,
`locals()`, `vars()`), or write attributes by name (`setattr`, `delattr`, `__dict__`,
`__setattr__`: any attribute of a module class may change), are not pruned.
"""

from __future__ import annotations

import ast
import bisect
import re
from typing import (
    Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, Union,
    cast,
)

_DYNAMIC = frozenset({"exec", "eval", "globals", "locals", "vars", "__import__"})
# Writes of attributes by a name not written as an attribute (#28: one may make any
# attribute of a module class unknown, wherever it is): such files are not pruned either.
_DYNAMIC_ATTRIBUTES = frozenset({"setattr", "delattr"})
_DYNAMIC_MEMBERS = frozenset({"__dict__", "__setattr__", "__delattr__"})
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
_Def = Union[ast.FunctionDef, ast.AsyncFunctionDef]
# Statements and expressions whose place in a function body the binding analysis reads.
# (`break` and `continue` are not among them: a statement of a function body holds them only
# inside a loop of its own, which is kept or blanked whole.)
_FLOW = (
    ast.Return, ast.Raise, ast.Global, ast.Nonlocal, ast.Delete, ast.Yield, ast.YieldFrom,
    ast.While,  # `while True:` ends only through a `break`
)
# Pattern captures (Python 3.10+).
_MATCH_CAPTURES = tuple(
    getattr(ast, name) for name in ("MatchAs", "MatchStar", "MatchMapping") if hasattr(ast, name)
)

_MODULE, _CLASS, _FUNCTION = 0, 1, 2

# How a unit reads a name other than for its value, in a call statement (its value dropped),
# as bits of what such a read lacks: as what is called (`main` of `main()`, `run` of
# `self.run()`: what it returns is not read), or as the object whose method is called
# (`logger` and `log` of `logger.info(...)` and `self.log.info(...)`: read to tell what is
# called only). Two reads of a name in a unit lack what both lack (0: read for its value).
_CALLED, _RECEIVER = 1, 2


def rows_of(text: str) -> List[str]:
    """The text's rows as CPython numbers them, each with its line break."""
    return _ROWS.findall(text)


class _Unit:
    __slots__ = (
        "node", "first", "last", "reads", "binds", "assigns", "seed", "parent", "children",
        "split", "header_last", "structural", "flow", "stops", "scope", "inner", "uses",
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
        self.stops = False  # may end the run of the code it is in: a `raise` or a `while`
        self.scope = 0  # the scope its statement runs in (an index into the survey's scopes)
        self.inner = 0  # a split class or function: the scope of its body
        # The names it reads other than for their values, and how (_CALLED, _RECEIVER; see
        # _closure). None: it reads every name for its value.
        self.uses: Optional[Dict[str, int]] = None

    def moved(self, units: int, scopes: int) -> "_Unit":
        """A copy for a module whose units and scopes before this one's part number `units`
        and `scopes` more (scope 0, the module's, stays). The name sets are shared: names are
        resolved into new sets, never changed in place."""
        copy = _Unit.__new__(_Unit)
        copy.node, copy.first, copy.last = self.node, self.first, self.last
        copy.reads, copy.binds, copy.assigns = self.reads, self.binds, self.assigns
        if scopes and self.split and self.inner:
            # Its parameters, named by the scope of its body while walked (descend_split).
            own, now = f"{_SCOPED}{self.inner}", f"{_SCOPED}{self.inner + scopes}"
            copy.reads, copy.binds, copy.assigns = (
                {name.replace(own, now) if name.endswith(own) else name for name in names}
                for names in (self.reads, self.binds, self.assigns)
            )
        copy.seed, copy.split, copy.header_last = self.seed, self.split, self.header_last
        copy.structural, copy.flow, copy.stops = self.structural, self.flow, self.stops
        copy.uses = self.uses
        copy.parent = self.parent + units if self.parent >= 0 else -1
        copy.children = [child + units for child in self.children]
        copy.scope = self.scope + scopes if self.scope else 0
        copy.inner = self.inner + scopes if self.inner else 0
        return copy


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


def _own_rows(node: Union[_Def, ast.ClassDef], lines: List[str]) -> bool:
    """Whether the body of a class or function starts on a row of its own (not `def f(): x`)."""
    body = node.body
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
        "calls", "sdk_imports", "call_nodes", "import_nodes", "binding_nodes",
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
        # The absolute `sagemaker` imports as the SM6 import rules read them: (path, module,
        # whether a from-import), `import sagemaker` included (sagelint.rules.generations).
        self.sdk_imports: List[Tuple[str, str, bool]] = []
        # The gate's first look at what calls reach (sagelint.analysis.gate).
        self.call_nodes: List[ast.Call] = []
        self.import_nodes: List[Union[ast.Import, ast.ImportFrom]] = []
        # Its second look (how values may flow): the nodes that bind (BINDING_KINDS).
        self.binding_nodes: List[ast.AST] = []


# The walk -----------------------------------------------------------------------------------

# A statement's place: (index of the unit it belongs to, inside a scope of its own nested in
# that unit's code, the method receiver whose reads are not followed, the kind of block when
# the node starts a unit (_MODULE, _CLASS, _FUNCTION) or -1).
_Frame = Tuple[int, bool, Optional[str], int]
_TOP: _Frame = (-1, False, None, _MODULE)
# A concern's handler for one kind of node.
_Observer = Callable[[Any], None]
# Children the walk never visits, whose levels still count toward the depth limit: a name's
# or an attribute's context, a walrus's target and its context.
_UNSEEN_LEVELS: Dict[type, int] = {ast.Name: 1, ast.Attribute: 1, ast.NamedExpr: 2}
_LOAD = ast.Load


def survey(
    tree: ast.Module,
    lines: List[str],
    limit: Optional[int] = None,
    creating: FrozenSet[str] = frozenset(),
) -> Survey:
    """One walk over the tree that every concern reads: the depth limit (it stops at the
    first node deeper than `limit` levels: `too_deep`), pruning's units (_Units), the gate's
    names (_Names) and the calls that may create files (_CreatingCalls)."""
    result, units = _walked(tree, lines, limit, creating)
    if not result.too_deep:
        units.finish()
    return result


def _walked(
    tree: ast.Module, lines: List[str], limit: Optional[int], creating: FrozenSet[str]
) -> Tuple[Survey, _Units]:
    """The walk of `survey`, its units' names not yet resolved to their scopes."""
    result = Survey()
    units = _Units(result.units, lines)
    tables = [_Names(result).table(), {kind: result.binding_nodes.append for kind in BINDING_KINDS}]
    if creating:
        tables.append(_CreatingCalls(result.creating, creating).table())
    if not _walk(tree, limit, units, _observers(tables)):
        result.too_deep = True
    return result, units


class Part:
    """The survey of some top-level statements of a module, walked alone (their rows are
    the module's) and not finished: what `joined` needs to make the module's survey with
    the other parts', as `survey` of the whole tree would give it. A part is never changed
    by joining: the language server keeps parts of unchanged statements across edits
    (sagelint.analysis.front)."""

    __slots__ = ("walked", "scopes")

    def __init__(
        self, tree: ast.Module, lines: List[str], limit: Optional[int], creating: FrozenSet[str]
    ) -> None:
        self.walked, units = _walked(tree, lines, limit, creating)
        self.scopes = units.scopes


def joined(parts: Sequence[Part], lines: List[str]) -> Survey:
    """The survey of a module whose top-level statements are those of `parts`, in order:
    equal to `survey` of the module's tree. Units and scopes are copied with their indices
    moved (a part's scope 0 is the module's); their names are resolved on the copies."""
    result = Survey()
    scopes = [_Scope(_MODULE, -1)]
    units = result.units
    for part in parts:
        walked = part.walked
        if walked.too_deep:
            result.too_deep = True
            return result
        moved, shift = len(units), len(scopes) - 1
        module = scopes[0]
        own = part.scopes[0]
        module.locals |= own.locals
        module.globals |= own.globals
        module.nonlocals |= own.nonlocals
        for scope in part.scopes[1:]:
            copy = _Scope(scope.kind, scope.parent + shift if scope.parent > 0 else scope.parent)
            copy.locals = set(scope.locals)
            copy.globals = scope.globals
            copy.nonlocals = scope.nonlocals
            scopes.append(copy)
        units.extend(unit.moved(moved, shift) for unit in walked.units)
        result.dynamic = result.dynamic or walked.dynamic
        result.creating += walked.creating
        result.imports += walked.imports
        result.bound |= walked.bound
        result.stored |= walked.stored
        result.callees |= walked.callees
        result.calls += walked.calls
        result.sdk_imports += walked.sdk_imports
        result.call_nodes += walked.call_nodes
        result.import_nodes += walked.import_nodes
        result.binding_nodes += walked.binding_nodes
    finishing = _Units(units, lines)
    finishing.scopes = scopes
    finishing.finish()
    return result


def _observers(tables: List[Dict[type, _Observer]]) -> Dict[type, _Observer]:
    """One handler per kind of node: the concerns' handlers of that kind, in order."""
    claimed: Dict[type, List[_Observer]] = {}
    for table in tables:
        for kind, handler in table.items():
            claimed.setdefault(kind, []).append(handler)
    return {kind: handlers[0] if len(handlers) == 1 else _each(handlers)
            for kind, handlers in claimed.items()}


def _each(handlers: List[_Observer]) -> _Observer:
    def observe(node: Any) -> None:
        for handler in handlers:
            handler(node)
    return observe


def _walk(
    tree: ast.Module, limit: Optional[int], units: _Units, observers: Dict[type, _Observer]
) -> bool:
    """Visit each node once, depth first and iteratively (a tree may be deep): the observers
    of its kind, then the units (a statement of a body starts one; a split class or function
    pushes its own body and header). False at the first node deeper than `limit` levels,
    counting the ones not visited (_UNSEEN_LEVELS)."""
    deepest = limit if limit is not None else -1
    # Only a node this deep may be too deep, counting its unseen levels (a cheap first test).
    near = deepest - max(_UNSEEN_LEVELS.values())
    stack: List[Tuple[ast.AST, int, _Frame]] = [(node, 1, _TOP) for node in reversed(tree.body)]
    pop, push = stack.pop, stack.append
    unseen, observer, handler = _UNSEEN_LEVELS.get, observers.get, units.handlers().get
    iter_child_nodes = ast.iter_child_nodes
    name, attribute, walrus = ast.Name, ast.Attribute, ast.NamedExpr
    found = units.units
    while stack:
        node, depth, frame = pop()
        kind = type(node)
        if depth > near and deepest >= 0 and depth + unseen(kind, 0) > deepest:
            return False
        observe = observer(kind)
        if observe is not None:
            observe(node)
        index, nested, ignored, starts = frame
        if starts >= 0:
            index = units.start(cast(ast.stmt, node), index, starts)
            if found[index].split:
                units.descend_split(cast(Any, node), index, depth, ignored, starts, push)
                continue
            frame = (index, nested, ignored, -1)
        handle = handler(kind)
        if handle is not None:
            handle(found[index], node, nested, ignored)
        if kind is name:
            continue  # its one child is its context
        if kind is attribute or kind is walrus:
            push((cast(Any, node).value, depth + 1, frame))  # not its context or target
            continue
        if not nested and isinstance(node, _SCOPES):
            frame = (index, True, ignored, -1)
        for child in iter_child_nodes(node):
            push((child, depth + 1, frame))
    return True


# The gate's names ------------------------------------------------------------------------

# What sagelint.analysis.gate follows values through: assignments, loops, `with`, handlers,
# functions (their parameters, what they return), classes, `match`.
BINDING_KINDS: Tuple[type, ...] = (
    ast.Assign, ast.AugAssign, ast.AnnAssign, ast.NamedExpr, ast.For, ast.AsyncFor,
    ast.comprehension, ast.withitem, ast.ExceptHandler, ast.FunctionDef, ast.AsyncFunctionDef,
    ast.Lambda, ast.ClassDef, ast.Return, ast.Yield, ast.YieldFrom,
    *(getattr(ast, name) for name in ("Match",) if hasattr(ast, name)),
)


class _Names:
    """What sagelint.analysis.gate reads: imports, names bound otherwise, attributes stored
    to, called names; and whether the file uses a star import or a dynamic scope."""

    def __init__(self, result: Survey) -> None:
        self.result = result
        self.bound = result.bound

    def table(self) -> Dict[type, _Observer]:
        captures = {kind: self.capture for kind in _MATCH_CAPTURES}
        return {
            ast.Name: self.name, ast.NamedExpr: self.walrus, ast.Attribute: self.attribute,
            ast.Call: self.call, ast.Import: self.imported, ast.ImportFrom: self.imported,
            ast.Global: self.declared, ast.Nonlocal: self.declared, ast.arg: self.argument,
            ast.FunctionDef: self.function, ast.AsyncFunctionDef: self.function,
            ast.ExceptHandler: self.handler, **captures,
        }

    def name(self, node: ast.Name) -> None:
        if type(node.ctx) is not _LOAD:
            self.bound.add(node.id)
        elif node.id in _DYNAMIC or node.id in _DYNAMIC_ATTRIBUTES:
            self.result.dynamic = True

    def walrus(self, node: ast.NamedExpr) -> None:
        self.bound.add(node.target.id)

    def attribute(self, node: ast.Attribute) -> None:
        if type(node.ctx) is not _LOAD:
            self.result.stored.add(node.attr)
        if node.attr in _DYNAMIC_MEMBERS:
            self.result.dynamic = True

    def call(self, node: ast.Call) -> None:
        self.result.calls += 1
        self.result.call_nodes.append(node)
        last = _last_name(node)
        if last is not None:
            self.result.callees.add(last)

    def imported(self, node: Union[ast.Import, ast.ImportFrom]) -> None:
        self.result.import_nodes.append(node)
        relative = isinstance(node, ast.ImportFrom) and node.level
        module = node.module if isinstance(node, ast.ImportFrom) else None
        for alias in node.names:
            if alias.name == "*":
                self.result.dynamic = True
                continue
            if isinstance(node, ast.Import):
                top: Optional[str] = alias.name.split(".", 1)[0]
                if top == "sagemaker":  # `import sagemaker` too: its dotted names are read
                    self.result.sdk_imports.append((alias.name, alias.name, False))
            else:
                top = module.split(".", 1)[0] if module and not relative else None
                if top == "sagemaker" and module:
                    self.result.sdk_imports.append((f"{module}.{alias.name}", module, True))
            self.result.imports.append((top, _imported_name(alias)))

    def declared(self, node: Union[ast.Global, ast.Nonlocal]) -> None:
        self.bound.update(node.names)

    def argument(self, node: ast.arg) -> None:
        self.bound.add(node.arg)

    def function(self, node: _Def) -> None:
        # Its parameters (a function split into units has them read off its header).
        self.bound.update(param.arg for param in _parameters(node.args))

    def handler(self, node: ast.ExceptHandler) -> None:
        if node.name is not None:
            self.bound.add(node.name)

    def capture(self, node: ast.AST) -> None:
        for capture in _captures(node):
            self.bound.add(capture)


# Dotted names read through SDK imports ----------------------------------------------------


def sdk_dotted_names(tree: ast.Module, surveyed: Survey, text: str = "") -> FrozenSet[str]:
    """Every dotted name of the tree read through a name that an absolute `sagemaker` import
    binds, qualified by that import: `sagemaker.session.Session` for `sm.session.Session`
    after `import sagemaker as sm`, each shorter chain of it too. A superset of the dotted
    names the SDK-generation rules read (they follow only a name bound by one import, and
    only as a callee or an argument): asked, before LibCST parses, whether one of them may
    need the whole module. A second walk, taken only then, and (given the tree's `text`)
    only over the top-level statements whose rows hold one of those names as a word."""
    roots: Dict[str, Set[str]] = {}
    for node in surveyed.import_nodes:
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level or module.split(".", 1)[0] != "sagemaker":
                continue
            for alias in node.names:
                roots.setdefault(alias.asname or alias.name, set()).add(f"{module}.{alias.name}")
            continue
        for alias in node.names:
            if alias.name.split(".", 1)[0] != "sagemaker":
                continue
            qualified = alias.name if alias.asname else "sagemaker"
            roots.setdefault(_imported_name(alias), set()).add(qualified)
    found: Set[str] = set()
    if not roots:
        return frozenset()
    for each in (node for statement in _naming(tree, roots, text) for node in ast.walk(statement)):
        if type(each) is not ast.Attribute:
            continue
        parts: List[str] = []
        head: ast.expr = each
        while isinstance(head, ast.Attribute):
            parts.append(head.attr)
            head = head.value
        if isinstance(head, ast.Name) and head.id in roots:
            tail = ".".join(reversed(parts))
            found.update(f"{root}.{tail}" for root in roots[head.id])
    return frozenset(found)


def _naming(tree: ast.Module, names: Iterable[str], text: str) -> List[ast.stmt]:
    """The top-level statements whose rows hold one of `names` as a word (every statement
    when the text is not plain ASCII, where CPython normalises names, or breaks rows at a
    lone carriage return)."""
    if not text or not text.isascii() or "\r" in text:
        return tree.body
    pattern = re.compile(r"\b(?:%s)\b" % "|".join(map(re.escape, names)))
    rows: List[int] = []
    row, at = 1, 0
    for match in pattern.finditer(text):
        row += text.count("\n", at, match.start())
        at = match.start()
        rows.append(row)
    out = []
    for statement in tree.body:
        index = bisect.bisect_left(rows, _first_row(statement))
        if index < len(rows) and rows[index] <= (statement.end_lineno or statement.lineno):
            out.append(statement)
    return out


# SM402's file-creating calls -------------------------------------------------------------


class _CreatingCalls:
    """The calls by a name that may create a file (sagelint.paths.CREATING), in order."""

    def __init__(self, found: List[ast.Call], names: FrozenSet[str]) -> None:
        self.found = found
        self.names = names

    def table(self) -> Dict[type, _Observer]:
        return {ast.Call: self.call}

    def call(self, node: ast.Call) -> None:
        if _last_name(node) in self.names:
            self.found.append(node)


def _last_name(node: ast.Call) -> Optional[str]:
    """The last name of what is called (`f` of `a.b.f(...)` and of `f(...)`)."""
    func = node.func
    last = func.attr if type(func) is ast.Attribute else getattr(func, "id", None)
    return last if isinstance(last, str) else None


def _imported_name(alias: ast.alias) -> str:
    return alias.asname or alias.name.split(".", 1)[0]


def _parameters(arguments: ast.arguments) -> List[ast.arg]:
    return [
        *arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
        *(p for p in (arguments.vararg, arguments.kwarg) if p is not None),
    ]


def _captures(node: ast.AST) -> Iterator[str]:
    """The names a pattern binds (`case {"k": v, **rest}`, `case [*xs]`)."""
    for capture in (getattr(node, "name", None), getattr(node, "rest", None)):
        if isinstance(capture, str):
            yield capture


# Pruning's units -------------------------------------------------------------------------

# What a unit records of one kind of node: (unit, node, nested, ignored name).
_UnitHandler = Callable[[_Unit, Any, bool, Optional[str]], None]


class _Units:
    """The units of pruning and the names each reads and binds, in Python's scopes."""

    def __init__(self, units: List[_Unit], lines: List[str]) -> None:
        self.units = units
        self.lines = lines
        self.scopes = [_Scope(_MODULE, -1)]
        # The names and attributes of the call statement being walked that are read other
        # than for their values: id of the node -> _CALLED or _RECEIVER.
        self.lesser: Dict[int, int] = {}

    def handlers(self) -> Dict[type, _UnitHandler]:
        """Each kind of node's handler, bound to these units: built for a walk and not kept
        (kept here, the bound methods would make the units a reference cycle that holds the
        file's statements until the cyclic collector runs)."""
        captures: Dict[type, _UnitHandler] = {kind: self.capture for kind in _MATCH_CAPTURES}
        flow: Dict[type, _UnitHandler] = {kind: self.flow for kind in _FLOW}
        return {
            ast.Name: self.name, ast.NamedExpr: self.walrus, ast.Attribute: self.attribute,
            ast.Import: self.imported, ast.ImportFrom: self.imported, ast.arg: self.argument,
            ast.FunctionDef: self.definition, ast.AsyncFunctionDef: self.definition,
            ast.ClassDef: self.definition, ast.ExceptHandler: self.handler, ast.Expr: self.statement,
            **captures, **flow,
        }

    def start(self, node: ast.stmt, parent: int, starts: int) -> int:
        """A new unit for a statement of a module, class or function body."""
        units = self.units
        unit = _Unit(node, parent)
        index = len(units)
        units.append(unit)
        if parent >= 0:
            units[parent].children.append(index)
            unit.scope = units[parent].inner
        if starts == _CLASS:
            unit.structural = not isinstance(node, (*_DEFS, ast.ClassDef)) or _is_dunder(node.name)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                unit.structural = False  # a docstring
            elif isinstance(node, ast.Pass):
                unit.structural = False
        if not isinstance(node, (*_DEFS, ast.ClassDef)):
            return index
        # Its calls pass values in and take its results out: they matter like readers of an
        # assigned name.
        unit.binds.add(node.name)
        if _own_rows(node, self.lines):
            unit.split = True
            unit.header_last = _first_row(node.body[0]) - 1
            if starts == _CLASS and _is_dunder(node.name):
                return index  # a dunder method is called without its name: kept with its class
        unit.assigns.add(node.name)
        return index

    def descend_split(
        self,
        node: Union[_Def, ast.ClassDef],
        index: int,
        depth: int,
        ignored: Optional[str],
        starts: int,
        push: Callable[[Tuple[ast.AST, int, _Frame]], None],
    ) -> None:
        """A split class or function: its body statements are units of their own, in a new
        scope; its parameters are names of that scope, read and bound by its header."""
        unit = self.units[index]
        kind = _CLASS if isinstance(node, ast.ClassDef) else _FUNCTION
        unit.inner = len(self.scopes)
        self.scopes.append(_Scope(kind, unit.scope))
        receiver = _receiver(node) if starts == _CLASS else None
        inner_ignored = receiver if receiver is not None else ignored
        inner = depth + 1
        body: _Frame = (index, False, inner_ignored, kind)
        for statement in reversed(node.body):
            push((statement, inner, body))
        header: List[Tuple[ast.AST, int]]
        if isinstance(node, ast.ClassDef):
            header = [(part, inner) for part in (*node.decorator_list, *node.bases, *node.keywords)]
        else:
            header = [(part, inner) for part in node.decorator_list]
            if node.returns is not None:
                header.append((node.returns, inner))
            own = f"{_SCOPED}{unit.inner}"
            for param in _parameters(node.args):
                self.scopes[unit.inner].locals.add(param.arg)
                if param.arg != receiver:
                    key = param.arg + own
                    unit.reads.add(key)
                    unit.binds.add(key)
                    unit.assigns.add(key)
                if param.annotation is not None:
                    header.append((param.annotation, depth + 3))
            header.extend((default, depth + 2) for default in node.args.defaults)
            header.extend(
                (default, depth + 2) for default in node.args.kw_defaults if default is not None
            )
        header.extend((part, inner) for part in getattr(node, "type_params", ()))
        frame: _Frame = (index, False, ignored, -1)
        for part, at in header:
            push((part, at, frame))

    def statement(self, unit: _Unit, node: ast.Expr, nested: bool, ignored: Optional[str]) -> None:
        lesser = self.lesser
        lesser.clear()  # the last call statement's nodes are all walked
        if type(node.value) is not ast.Call:
            return
        func = node.value.func
        lesser[id(func)] = _CALLED
        while type(func) is ast.Attribute:
            func = func.value
            lesser[id(func)] = _RECEIVER

    def name(self, unit: _Unit, node: ast.Name, nested: bool, ignored: Optional[str]) -> None:
        if type(node.ctx) is _LOAD:
            if node.id != ignored:
                self._read(unit, node.id, node)
        elif not nested:
            unit.binds.add(node.id)
            unit.assigns.add(node.id)
        else:
            _also_read(unit, (node.id,))  # a local that shares a global's name: keep both

    def _read(self, unit: _Unit, name: str, node: ast.expr) -> None:
        """A read of a name or an attribute name, in a call statement other than for its
        value (_CALLED, _RECEIVER) or else for its value (as is every name a unit reads
        otherwise). A unit's reads of a name combine (_CALLED, _RECEIVER)."""
        lesser = self.lesser
        kind = lesser.pop(id(node), 0) if lesser else 0
        reads, uses = unit.reads, unit.uses
        if kind and name not in reads:
            if uses is None:
                uses = unit.uses = {}
            uses[name] = kind
        elif uses is not None and name in uses:
            kind &= uses[name]
            if kind:
                uses[name] = kind
            else:
                del uses[name]
        reads.add(name)

    def walrus(self, unit: _Unit, node: ast.NamedExpr, nested: bool, ignored: Optional[str]) -> None:
        unit.binds.add(_FREE + node.target.id)
        unit.assigns.add(_FREE + node.target.id)

    def attribute(
        self, unit: _Unit, node: ast.Attribute, nested: bool, ignored: Optional[str]
    ) -> None:
        attribute = _PLAIN + node.attr
        if type(node.ctx) is _LOAD:
            self._read(unit, attribute, node)
        else:
            unit.binds.add(attribute)
            unit.assigns.add(attribute)

    def imported(
        self,
        unit: _Unit,
        node: Union[ast.Import, ast.ImportFrom],
        nested: bool,
        ignored: Optional[str],
    ) -> None:
        names = [_imported_name(alias) for alias in node.names if alias.name != "*"]
        if nested:
            _also_read(unit, names)
        else:
            unit.binds.update(names)

    def flow(self, unit: _Unit, node: ast.AST, nested: bool, ignored: Optional[str]) -> None:
        unit.flow = True
        if not nested and isinstance(node, (ast.Raise, ast.While)):
            unit.stops = True
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            # A function rebinding a module name: it reads and binds it.
            scope = self.scopes[unit.scope]
            (scope.globals if isinstance(node, ast.Global) else scope.nonlocals).update(
                node.names
            )
            _also_read(unit, node.names)
            unit.binds.update(node.names)
            unit.assigns.update(node.names)

    def argument(self, unit: _Unit, node: ast.arg, nested: bool, ignored: Optional[str]) -> None:
        _also_read(unit, (node.arg,))

    def definition(
        self,
        unit: _Unit,
        node: Union[_Def, ast.ClassDef],
        nested: bool,
        ignored: Optional[str],
    ) -> None:
        # Not a unit of its own (in a block that is not split): it binds its name.
        if nested:
            _also_read(unit, (node.name,))
        else:
            unit.binds.add(node.name)
            unit.assigns.add(node.name)

    def handler(
        self, unit: _Unit, node: ast.ExceptHandler, nested: bool, ignored: Optional[str]
    ) -> None:
        if node.name is not None:
            if nested:
                _also_read(unit, (node.name,))
            else:
                unit.binds.add(node.name)
                unit.assigns.add(node.name)

    def capture(self, unit: _Unit, node: ast.AST, nested: bool, ignored: Optional[str]) -> None:
        if nested:
            _also_read(unit, list(_captures(node)))
        else:
            unit.binds.update(_captures(node))

    def finish(self) -> None:
        """Once every node is seen: a function's control flow is structural; names resolve
        to their scopes' keys."""
        units = self.units
        for unit in units:
            if unit.flow and unit.parent >= 0 and isinstance(units[unit.parent].node, _DEFS):
                unit.structural = True
        _resolve(units, self.scopes)


def _also_read(unit: _Unit, names: Sequence[str]) -> None:
    """Names a unit reads for their values."""
    unit.reads.update(names)
    if unit.uses is not None:
        for name in names:
            unit.uses.pop(name, None)


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
        uses = unit.uses
        if not uses:
            unit.reads = _keys(unit.reads, unit.scope, lookup, lookup)
        else:
            # Two names may be one key (`log` and `self.log`): their reads combine.
            valued = _keys(unit.reads - uses.keys(), unit.scope, lookup, lookup)
            called = _keys({n for n, k in uses.items() if k == _CALLED}, unit.scope, lookup, lookup)
            receiving = _keys(
                {n for n, k in uses.items() if k == _RECEIVER}, unit.scope, lookup, lookup
            )
            unit.reads = valued | called | receiving
            resolved = dict.fromkeys(receiving - valued - called, _RECEIVER)
            resolved.update(dict.fromkeys(called - valued - receiving, _CALLED))
            unit.uses = resolved or None
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
        kept, shallow = _closure(units, lines, extra)
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
    for index in shallow:
        _blank_value(out, lines, cast(ast.Return, units[index].node))
        blanked = True
    return "".join(out) if blanked else None


def _blank_value(out: List[str], lines: List[str], node: ast.Return) -> None:
    """`return` without what it returns: the rest of the statement blanked."""
    first, last = node.lineno, node.end_lineno or node.lineno
    for row in range(first, last + 1):
        line = lines[row - 1]
        start = _column(line, node.col_offset + len("return")) if row == first else 0
        end = _column(line, node.end_col_offset) if row == last and node.end_col_offset is not None else len(line)
        out[row - 1] = out[row - 1][:start] + _NOT_BREAK.sub(" ", line[start:end]) + out[row - 1][end:]


def _column(line: str, offset: int) -> int:
    """The index in `line` of CPython's column `offset` (counted in UTF-8 bytes)."""
    if line.isascii():
        return offset
    return len(line.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "surrogatepass"))


def _placeholder(out: List[str], lines: List[str], row: int) -> None:
    """`...` over a blanked row, at the indentation it had: a block keeps a statement."""
    original = lines[row - 1]
    content = original.rstrip("\r\n")
    indent = len(content) - len(content.lstrip(" \t\f"))
    room = len(content) - indent
    filler = "..." if room >= 3 else "0"
    blank = out[row - 1]
    out[row - 1] = original[:indent] + filler + blank[indent + len(filler):]


def _bare(unit: _Unit, lines: List[str]) -> bool:
    """A `return` statement with a value that binds nothing (no walrus) and that ends its
    row (or a comment does): `return` alone is left of it when its value is blanked."""
    node = unit.node
    if type(node) is not ast.Return or node.value is None or unit.binds:
        return False
    if any(isinstance(each, (ast.Yield, ast.YieldFrom)) for each in ast.walk(node.value)):
        return False  # (`return (yield x)`: its function stays a generator)
    row, end = node.end_lineno, node.end_col_offset
    if row is None or end is None or row > len(lines):
        return False
    line = lines[row - 1]
    rest = line[_column(line, end):].strip()
    return not rest or rest.startswith("#")


def _at_import(units: List[_Unit], index: int) -> bool:
    """Whether a unit runs as the module is imported: at the top level or in a class body."""
    parent = units[index].parent
    while parent >= 0:
        if isinstance(units[parent].node, _DEFS):
            return False
        parent = units[parent].parent
    return True


def _closure(
    units: List[_Unit], lines: List[str], extra: Iterable[int] = ()
) -> Tuple[FrozenSet[int], FrozenSet[int]]:
    """The units kept, and those of them that are `return` statements kept for their place
    in the flow only (what they return is blanked).

    A unit is kept whole (its values matter: it keeps the readers of what it assigns) or
    for a name only: a name a kept unit reads only as the object whose method a call
    statement calls (`logger` of `logger.info(x)`) tells what is called, which the analysis
    works out from the bindings of the name, not from what else reads it. So the units that
    bind it, and those they read in turn, are kept for that alone, without the readers of
    what they assign; a unit kept so is kept whole once some unit reads it otherwise.

    The value a function returns is read only where a call of it is resolved for its value:
    a kept function that no kept unit reads for its value (`main()` as a statement is not
    such a read; `obj.helper.run()` reads `helper`, which may be a property, for its value)
    keeps its `return` statements without their values; they are kept whole once one
    does.

    A statement that may end the module's run (`raise`, `while`, at the top level or in a
    class body) is kept: the binding analysis sees no code after one that does."""
    binders: Dict[str, List[int]] = {}
    readers: Dict[str, List[int]] = {}
    functions: Dict[str, List[int]] = {}  # a function's name -> its split units
    for index, unit in enumerate(units):
        for name in unit.binds:
            binders.setdefault(name, []).append(index)
        for name in unit.reads:
            readers.setdefault(name, []).append(index)
        node = unit.node
        if unit.split and isinstance(node, _DEFS) and not _is_dunder(node.name):
            own = f"{_SCOPED}{unit.inner}"  # its parameters' keys end so
            for key in unit.binds:
                if key.partition(_SCOPED)[0] == node.name and not key.endswith(own):
                    functions.setdefault(key, []).append(index)
    named = {index for indices in functions.values() for index in indices}
    kept: Set[int] = set()
    naming: Set[int] = set()  # kept for a name only
    shallow: Set[int] = set()
    pending: Dict[int, List[int]] = {}  # a function -> its returns kept shallow
    valued: Set[int] = set()  # the functions some kept unit reads for their values
    work = [index for index, unit in enumerate(units) if unit.seed]
    work.extend(index for index in extra if not units[index].seed)
    work.extend(
        index for index, unit in enumerate(units)
        if unit.stops and not unit.seed and _at_import(units, index)
    )
    expanded_back: Set[str] = set()
    expanded_forward: Set[str] = set()
    expanded_naming: Set[str] = set()
    expanded_values: Set[str] = set()
    kept.update(work)

    def keep(indices: Iterable[int], whole: bool = True) -> None:
        """Keep units whole, or for a name only (`whole` false); a unit kept for a name
        only, or a shallow return, kept whole is walked again."""
        for i in indices:
            if i not in kept:
                kept.add(i)
                work.append(i)
                if not whole:
                    naming.add(i)
            elif whole and (i in naming or i in shallow):
                naming.discard(i)
                shallow.discard(i)
                work.append(i)

    while work:
        index = work.pop()
        unit = units[index]
        whole = index not in naming
        if unit.parent >= 0 and (unit.parent not in kept or (whole and unit.parent in naming)):
            keep((unit.parent,), whole)  # (a whole unit's class or function is whole)
        if unit.split:
            for child in unit.children:
                if not units[child].structural or (
                    child in kept and not (whole and child in naming)
                ):
                    continue  # (a child kept for a name only is kept whole with its parent)
                if index in named and index not in valued and _bare(units[child], lines):
                    naming.discard(child)
                    kept.add(child)
                    shallow.add(child)
                    pending.setdefault(index, []).append(child)
                else:
                    keep((child,), whole)
        uses = unit.uses or {}
        for name in unit.reads:
            how = uses.get(name, 0)
            if whole and how != _RECEIVER:
                if name not in expanded_forward:
                    expanded_forward.add(name)
                    keep(binders.get(name, ()))
            elif name not in expanded_forward and name not in expanded_naming:
                expanded_naming.add(name)
                keep(binders.get(name, ()), whole=False)
            if how != _CALLED and name not in expanded_values:
                expanded_values.add(name)
                for function in functions.get(name, ()):
                    valued.add(function)
                    keep(pending.pop(function, ()))
        if not whole:
            continue
        for name in unit.binds if unit.seed else unit.assigns:
            if name not in expanded_back:
                expanded_back.add(name)
                keep(readers.get(name, ()))
                # Other bindings of the name matter as much as its readers.
                keep(binders.get(name, ()))
    return frozenset(kept), frozenset(shallow)
