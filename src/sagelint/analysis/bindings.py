"""Reaching bindings per read: which bindings of a name can be the one a read sees.

This replaces LibCST's scope analysis (docs/how-rules-decide.md). One walk over
the module follows control flow the way Python runs it:

- module level (and so a notebook's cells, in order) and each function body are straight-line
  code: a read sees the last binding before it;
- after `if`/`try`/`for`/`while`/`match` a read sees every binding that can flow there
  (a branch that returns or raises contributes nothing);
- a loop body also sees, for every name it binds, a binding from an earlier iteration
  (an unknown one: what exactly is not followed);
- a class body runs in place, with its own namespace in front of the enclosing one; a
  comprehension has its own scope for its targets; functions and lambdas are walked on their
  own, and a name they read but do not bind sees *every* binding of the enclosing scope (the
  function may be called at any time);
- `global` / `nonlocal` bindings belong to the scope they name, and reads of that name there
  also see them (a test on such a name is not known: the other function may have run);
  writes through the module's namespace (`globals()["x"] = ...`, `globals().update(...)`,
  `setattr(sys.modules[__name__], ...)`) bind the name they write, or every name; `del` unbinds; `except ... as e` unbinds `e` after the handler; walrus binds
  in the enclosing function; a star import may rebind anything.

Anything a binding's value cannot be known from (a loop target, `with ... as`, an augmented
assignment, a star import) is a binding of kind OTHER: a read that may see it is unknown.
"""

from __future__ import annotations


import enum
import itertools
import weakref
from typing import (
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
    Union,
)

import libcst as cst

from sagelint.analysis.constants import Known, fold
from sagelint.analysis.walk import children


_SERIAL = itertools.count()


class DefKind(enum.Enum):
    ASSIGN = "assign"  # `name = value` / `name: T = value`: the value is followed
    IMPORT = "import"  # `import a.b`, `from a import b as c`: a qualified name
    FUNCTION = "function"
    CLASS = "class"
    PARAM = "param"
    OTHER = "other"  # bound, but to something not followed
    UNBOUND = "unbound"  # no binding on this path (builtin at module level, NameError else)


class ScopeKind(enum.Enum):
    MODULE = "module"
    FUNCTION = "function"
    CLASS = "class"
    COMPREHENSION = "comprehension"


class Scope:
    # Weakly referable: its bindings point back at it weakly (Def.scope), so that a check's
    # scopes, bindings and the tree they hold are freed without the cyclic collector.
    __slots__ = ("kind", "node", "parent", "defs", "globals", "nonlocals", "locals", "__weakref__")

    def __init__(self, kind: ScopeKind, node: cst.CSTNode, parent: Optional[Scope]) -> None:
        self.kind = kind
        self.node = node
        self.parent = parent
        self.defs: Dict[str, List[Def]] = {}  # every binding of each name, in walk order
        self.globals: Set[str] = set()
        self.nonlocals: Set[str] = set()
        self.locals: Set[str] = set()  # names local to the scope (bound, deleted, annotated)

    def lookup_parent(self) -> Optional[Scope]:
        """The scope a free name of this one is looked up in (class bodies are skipped)."""
        parent = self.parent
        while parent is not None and parent.kind is ScopeKind.CLASS:
            parent = parent.parent
        return parent


class Def:
    """One binding of a name."""

    __slots__ = (
        "name", "node", "kind", "value", "qualified", "_scope", "reads", "serial", "constant"
    )

    def __init__(
        self,
        name: str,
        node: Optional[cst.CSTNode],
        kind: DefKind,
        scope: Optional[Scope],
        value: Optional[cst.BaseExpression] = None,
        qualified: Optional[str] = None,
    ) -> None:
        self.name = name
        self.node = node  # the target Name, ImportAlias, FunctionDef, ClassDef or Param
        self.kind = kind
        # The scope holds its bindings (Scope.defs): a strong pointer back would make every
        # check's scopes a cycle that keeps the whole tree (Scope.node) until the cyclic
        # collector runs. The scope lives as long as the Bindings that made it.
        self._scope = weakref.ref(scope) if scope is not None else None
        self.value = value
        self.qualified = qualified
        self.reads: List[cst.Name] = []  # the reads this binding reaches
        self.serial = next(_SERIAL)  # creation order: module bindings in source order
        # The plain value the assignment gives, when known where it runs (a literal, known
        # names, arithmetic): what a known test reads (`local_mode = False`).
        self.constant: Optional[Known] = None

    @property
    def scope(self) -> Optional[Scope]:
        """The scope the name is bound in (None for UNBOUND and a loop's carried marker)."""
        ref = self._scope
        return ref() if ref is not None else None

    @property
    def sole(self) -> bool:
        """Whether this is the only binding of its name in its scope (a fix may edit the
        literal behind it)."""
        scope = self.scope
        return scope is not None and len(scope.defs.get(self.name, ())) == 1

    def __repr__(self) -> str:
        return f"Def({self.name!r}, {self.kind.value})"


UNBOUND = Def("", None, DefKind.UNBOUND, None)
_NOTHING: FrozenSet[Def] = frozenset()
_UNBOUND_SET: FrozenSet[Def] = frozenset({UNBOUND})

State = Dict[str, FrozenSet[Def]]


def _merge(states: Iterable[Optional[State]]) -> Optional[State]:
    """The bindings that can reach a point several paths join at (None: unreachable)."""
    live = [state for state in states if state is not None]
    if not live:
        return None
    if len(live) == 1:
        return dict(live[0])
    names: Set[str] = set()
    for state in live:
        names.update(state)
    return {
        name: frozenset().union(*(state.get(name, _UNBOUND_SET) for state in live))
        for name in names
    }


# -- generic traversal: sagelint.analysis.walk (fields that can hold code, in source order)
_children = children


def _target_names(target: cst.CSTNode, out: List[cst.Name]) -> None:
    """The names an assignment target binds (`a`, `a, *b`, `[a, (b, c)]`)."""
    if isinstance(target, cst.Name):
        out.append(target)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _target_names(element.value, out)
    elif isinstance(target, cst.StarredElement):
        _target_names(target.value, out)


# The node classes _bound_in looks at (none of them has a subclass in LibCST).
_BINDING_NODES = frozenset(
    {cst.Assign, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.AsName, cst.NamedExpr,
     cst.Del, cst.Import, cst.ImportFrom, cst.FunctionDef, cst.ClassDef, cst.Lambda,
     cst.MatchAs, cst.MatchStar, cst.MatchMapping}
)


def _bound_in(stmts: Sequence[cst.CSTNode], out: Set[str]) -> None:
    """Names bound by these statements in their own scope (a syntactic scan for loops:
    each of them may carry a binding from an earlier iteration)."""
    stack: List[cst.CSTNode] = list(stmts)
    while stack:
        node = stack.pop()
        if type(node) not in _BINDING_NODES:  # most nodes: no chain of ABC checks
            stack.extend(_children(node))
            continue
        names: List[cst.Name] = []
        if isinstance(node, cst.Assign):
            for target in node.targets:
                _target_names(target.target, names)
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign)):
            _target_names(node.target, names)
        elif isinstance(node, (cst.For, cst.CompFor)):
            _target_names(node.target, names)
        elif isinstance(node, cst.AsName):
            _target_names(node.name, names)
        elif isinstance(node, cst.NamedExpr):
            _target_names(node.target, names)
        elif isinstance(node, cst.Del):
            _target_names(node.target, names)
        elif isinstance(node, (cst.Import, cst.ImportFrom)):
            if isinstance(node.names, cst.ImportStar):
                continue
            for alias in node.names:
                if alias.asname is None:
                    out.add(_dotted(alias.name).split(".", 1)[0])
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            out.add(node.name.value)
            continue  # their bodies are other scopes
        elif isinstance(node, cst.Lambda):
            continue
        elif isinstance(node, (cst.MatchAs, cst.MatchStar)) and node.name is not None:
            names.append(node.name)
        elif isinstance(node, cst.MatchMapping) and node.rest is not None:
            names.append(node.rest)
        out.update(name.value for name in names)
        stack.extend(_children(node))


def _dotted(node: cst.BaseExpression) -> str:
    """An import's dotted name (`a.b.c`): only names and attributes make one."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    raise TypeError(f"not a dotted name: {type(node).__name__}")


# -- writes through the module's namespace --------------------------------------------------
# `globals()["x"] = v`, `globals().update(...)`, `setattr(sys.modules[__name__], "x", v)`:
# a binding of `x` (or of any name when the key is not a literal). A shadowed `globals` is
# still taken for the builtin: that only makes more names unknown.
_NAMESPACE_METHODS = frozenset(
    {"update", "setdefault", "__setitem__", "pop", "popitem", "clear", "__delitem__"}
)
ANY_NAME = None  # a write whose name is not known: every module name


def _this_module(node: cst.BaseExpression) -> bool:
    """`sys.modules[__name__]`: the module object itself."""
    if not isinstance(node, cst.Subscript) or len(node.slice) != 1:
        return False
    index = node.slice[0].slice
    base = node.value
    return (
        isinstance(base, cst.Attribute) and base.attr.value == "modules"
        and isinstance(base.value, cst.Name) and base.value.value == "sys"
        and isinstance(index, cst.Index) and isinstance(index.value, cst.Name)
        and index.value.value == "__name__"
    )


def _namespace(node: cst.BaseExpression, at_module: bool) -> bool:
    """The module's namespace as a dict: `globals()`, `vars(sys.modules[__name__])`,
    `sys.modules[__name__].__dict__`, and at module level `vars()` / `locals()` (in a
    function they are its own locals, which writes do not change)."""
    if isinstance(node, cst.Attribute):
        return node.attr.value == "__dict__" and _this_module(node.value)
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Name):
        return False
    called = node.func.value
    if not node.args:
        return called == "globals" or (at_module and called in ("vars", "locals"))
    return called == "vars" and len(node.args) == 1 and _this_module(node.args[0].value)


def _key(node: Optional[cst.BaseExpression]) -> Optional[str]:
    """The name a literal key writes (ANY_NAME when it is not a literal identifier)."""
    if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
        try:
            value = node.evaluated_value
        except Exception:  # an escape LibCST parses but Python does not accept
            return ANY_NAME
        if isinstance(value, str) and value.isidentifier():
            return value
    return ANY_NAME


def _subscript_key(node: cst.Subscript) -> Optional[str]:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return ANY_NAME
    return _key(node.slice[0].slice.value)


def _update_names(call: cst.Call) -> List[Tuple[Optional[str], cst.CSTNode]]:
    """What `<namespace>.update(...)` writes: keywords and the string keys of a dict
    literal; anything else may write any name."""
    out: List[Tuple[Optional[str], cst.CSTNode]] = []
    for arg in call.args:
        if arg.keyword is not None:
            out.append((arg.keyword.value, arg.keyword))
        elif arg.star or not isinstance(arg.value, cst.Dict):
            out.append((ANY_NAME, arg))
        else:
            for element in arg.value.elements:
                if isinstance(element, cst.DictElement):
                    out.append((_key(element.key), element.key))
                else:
                    out.append((ANY_NAME, element))
    return out


# -- the walk -----------------------------------------------------------------------------
class _Frame:
    __slots__ = ("scope", "state", "fallback")

    def __init__(self, scope: Scope, state: Optional[State], fallback: Optional[_Frame]) -> None:
        self.scope = scope
        self.state = state
        # Class bodies and comprehensions run in place: a name they do not bind is looked
        # up in the frame around them, as it is at that moment.
        self.fallback = fallback


class Bindings:
    """The reaching bindings of every read of a name in one module."""

    def __init__(self, module: cst.Module) -> None:
        distrust: FrozenSet[Tuple[cst.CSTNode, str]] = frozenset()
        while True:
            self._start(module)
            walker = _Walker(self, distrust)
            walker.run(module)
            doubtful = walker.doubtful()
            if not doubtful:
                break
            # A test read a name another function rebinds (`global`, `nonlocal`, a write
            # through `globals()`): the branch it chose may not be the one that runs. Walk
            # again, that name's tests unknown (code they made unreachable may know more).
            distrust |= doubtful

    def _start(self, module: cst.Module) -> None:
        self.module_scope = Scope(ScopeKind.MODULE, module, None)
        self.reads: Dict[cst.Name, FrozenSet[Def]] = {}
        self.defs_by_node: Dict[cst.CSTNode, Def] = {}
        self.scope_of_function: Dict[cst.CSTNode, Scope] = {}
        self.star_import = False
        # The tests of `if` / `elif` / `while` / `x if c else y` whose value is known where
        # they run (docs/how-rules-decide.md: known conditions choose their branch).
        self.tests: Dict[cst.CSTNode, bool] = {}
        # Other modules of the project (sagelint.analysis.modules) read a module's names as
        # they are when it has run: the bindings that reach its end, and the names a function
        # may rebind (`global`, writes through the namespace; every name when `rebinds_any`).
        self.end: State = {}
        self.rebound: Set[str] = set()
        self.rebinds_any = False

    def at_end(self, name: str) -> Optional[FrozenSet[Def]]:
        """The bindings of a module name that reach the end of the module; None when a
        function may rebind it (then any binding may be the one an importer sees)."""
        if self.rebinds_any or name in self.rebound:
            return None
        return self.end.get(name)

    def known_test(self, node: cst.CSTNode) -> Optional[bool]:
        """Whether an `if`, `while` or conditional expression always takes its body (True)
        or never (False); None when its test is not known."""
        return self.tests.get(node)

    def reaching(self, name: cst.Name) -> Optional[FrozenSet[Def]]:
        """The bindings a read can see (UNBOUND among them at module level means the
        builtin); None when the node is not a read the walk saw."""
        return self.reads.get(name)

    def only(self, name: cst.Name) -> Optional[Def]:
        """The one binding a read sees; None when it sees none or several (a path on which
        the name is unbound counts as one more)."""
        found = self.reads.get(name)
        if not found or len(found) != 1:
            return None
        (binding,) = found
        return binding

    def def_of(self, node: cst.CSTNode) -> Optional[Def]:
        """The binding a target node (a Name, ImportAlias, def, class or Param) creates."""
        return self.defs_by_node.get(node)


class _Walker:
    def __init__(self, result: Bindings, distrust: FrozenSet[Tuple[cst.CSTNode, str]]) -> None:
        self.result = result
        # (scope node, name): names a test may not be known from
        self.distrust = distrust
        self.test_names: Set[Tuple[Scope, str]] = set()  # names known tests read
        # A function writes through the module's namespace with a key not known: any
        # module name may change whenever it runs.
        self.rebinds_any = False
        self.frame = _Frame(result.module_scope, {}, None)
        self.loops: List[Tuple[List[State], List[State]]] = []  # (breaks, continues)
        self.collectors: List[Dict[str, Set[Def]]] = []  # defs made inside open try bodies
        self.conditional = 0  # inside `b` of `a and b` / `x if c else y`: bindings may happen
        self.deferred: List[Tuple[cst.CSTNode, Scope, Optional[cst.Parameters]]] = []
        self.free: List[Tuple[cst.Name, Scope]] = []  # reads resolved once every scope is known
        # A loop body's reads may see a binding from an earlier iteration: a placeholder
        # per (loop, name), replaced at the end by what the body leaves at its end.
        self.carried: Dict[Tuple[int, str], Def] = {}
        self.phi: Dict[Def, FrozenSet[Def]] = {}
        # Bindings made into a scope from another one (`global`, `nonlocal`): the scope's
        # own reads of the name may see them too.
        self.foreign: Dict[Tuple[int, str], Set[Def]] = {}
        self.direct: Dict[Tuple[int, str], List[cst.Name]] = {}

    # -- driving ---------------------------------------------------------------------------
    def run(self, module: cst.Module) -> None:
        self.block(module.body)
        # What an importer of the module sees (sagelint.analysis.modules).
        self.result.end = dict(self.frame.state) if self.frame.state is not None else {}
        while self.deferred:
            node, scope, params = self.deferred.pop(0)
            self.function_body(node, scope, params)
        self.resolve_free()
        self.resolve_foreign()
        self.resolve_phi()
        module_id = id(self.result.module_scope)
        self.result.rebound = {name for key, name in self.foreign if key == module_id}
        self.result.rebinds_any = self.rebinds_any
        for node, defs in self.result.reads.items():
            for binding in defs:
                if binding.kind is not DefKind.UNBOUND:
                    binding.reads.append(node)

    def function_body(
        self, node: cst.CSTNode, scope: Scope, params: Optional[cst.Parameters]
    ) -> None:
        self.frame = _Frame(scope, {}, None)
        self.loops, self.collectors, self.conditional = [], [], 0
        if params is not None:
            for param in _all_params(params):
                self.bind(param.name.value, param, DefKind.PARAM)
        if isinstance(node, cst.Lambda):
            self.expr(node.body)
        elif isinstance(node, cst.FunctionDef):
            self.suite(node.body)

    def resolve_free(self) -> None:
        """A name a function reads but does not bind: every binding of it in the nearest
        enclosing scope that binds it (a builtin when none does)."""
        reads = self.result.reads
        for node, scope in self.free:
            name = node.value
            if name in scope.locals and name not in scope.globals | scope.nonlocals:
                reads[node] = _NOTHING  # read before any binding: NameError
                continue
            target = self._owner(name, scope)
            if target is None:
                reads[node] = _UNBOUND_SET
            else:
                reads[node] = frozenset(target.defs.get(name, ())) or _UNBOUND_SET

    def resolve_foreign(self) -> None:
        reads = self.result.reads
        for key, defs in self.foreign.items():
            for node in self.direct.get(key, ()):
                reads[node] = reads.get(node, _NOTHING) | defs

    def resolve_phi(self) -> None:
        if not self.phi:
            return
        memo: Dict[Def, FrozenSet[Def]] = {}
        reads = self.result.reads
        for node, defs in reads.items():
            if any(binding in self.phi for binding in defs):
                out: Set[Def] = set()
                for binding in defs:
                    if binding in self.phi:
                        out.update(self._expand(binding, frozenset({binding}), memo))
                    else:
                        out.add(binding)
                reads[node] = frozenset(out)

    def _expand(
        self, marker: Def, seen: FrozenSet[Def], memo: Dict[Def, FrozenSet[Def]]
    ) -> FrozenSet[Def]:
        """The bindings a loop's carried marker stands for, the markers among them expanded
        (a method, not a recursive closure: that would be a reference cycle keeping the walk
        and its tree until the cyclic collector runs)."""
        done = memo.get(marker)
        if done is not None:
            return done
        out: Set[Def] = set()
        for binding in self.phi.get(marker, _NOTHING):
            if binding in self.phi:
                if binding not in seen:
                    out.update(self._expand(binding, seen | {binding}, memo))
            else:
                out.add(binding)
        memo[marker] = frozenset(out)
        return memo[marker]

    def _owner(self, name: str, scope: Scope) -> Optional[Scope]:
        if name in scope.globals:
            return self.result.module_scope
        current = scope.lookup_parent()
        while current is not None:
            if current.kind is ScopeKind.MODULE or (
                name in current.locals and name not in current.nonlocals
            ):
                return current
            current = current.lookup_parent()
        return None

    # -- bindings and reads ----------------------------------------------------------------
    @property
    def state(self) -> Optional[State]:
        return self.frame.state

    def bind(
        self,
        name: str,
        node: cst.CSTNode,
        kind: DefKind,
        value: Optional[cst.BaseExpression] = None,
        qualified: Optional[str] = None,
        frame: Optional[_Frame] = None,
    ) -> None:
        frame = frame or self.frame
        scope = frame.scope
        owner = scope
        if name in scope.globals:
            owner = self.result.module_scope
        elif name in scope.nonlocals:
            owner = self._owner(name, scope) or scope
        binding = self.result.defs_by_node.get(node)
        if binding is None:
            binding = Def(name, node, kind, owner, value, qualified)
            if kind is DefKind.ASSIGN and value is not None and frame.state is not None:
                binding.constant = fold(value, self.known_name)
            self.result.defs_by_node[node] = binding
            owner.defs.setdefault(name, []).append(binding)
            owner.locals.add(name)
            if owner is not scope:
                self.foreign.setdefault((id(owner), name), set()).add(binding)
        scope.locals.add(name)
        if scope.kind is not ScopeKind.COMPREHENSION:
            for collector in self.collectors:
                collector.setdefault(name, set()).add(binding)
        if frame.state is None:
            return
        if self.conditional:
            frame.state[name] = frame.state.get(name, _UNBOUND_SET) | {binding}
        else:
            frame.state[name] = frozenset({binding})

    # -- known tests -------------------------------------------------------------------------
    def known_name(self, node: cst.Name) -> Optional[Known]:
        """A name's plain value where the walk is, when every binding that reaches it gives
        the same one (a parameter, a name the function does not bind, a builtin: None)."""
        name, frame = node.value, self.frame
        while True:
            state = frame.state
            if state is None or name in frame.scope.globals | frame.scope.nonlocals:
                return None
            found = state.get(name)
            if found is None and frame.fallback is not None:
                frame = frame.fallback  # a class body reads the scope around it
                continue
            break
        if not found or UNBOUND in found:
            return None
        if (frame.scope.node, name) in self.distrust:
            return None
        self.test_names.add((frame.scope, name))
        first: Optional[Known] = None
        for binding in found:
            constant = binding.constant
            if constant is None:
                return None
            if first is None:
                first = constant
            elif type(first.value) is not type(constant.value) or first.value != constant.value:
                return None
        return first

    def known(self, node: cst.CSTNode, test: cst.BaseExpression) -> Optional[bool]:
        """The truth of a test, when known; recorded for the resolver."""
        if self.frame.state is None:
            return None
        value = fold(test, self.known_name)
        if value is None:
            return None
        self.result.tests[node] = bool(value.value)
        return bool(value.value)

    def doubtful(self) -> FrozenSet[Tuple[cst.CSTNode, str]]:
        """(scope node, name) of the names tests were known from that another function
        rebinds (`global`, `nonlocal`, the module's namespace)."""
        module = self.result.module_scope
        return frozenset(
            (scope.node, name) for scope, name in self.test_names
            if (id(scope), name) in self.foreign or (self.rebinds_any and scope is module)
        ) - self.distrust

    def unbind(self, name: str) -> None:
        self.frame.scope.locals.add(name)
        if self.frame.state is not None:
            self.frame.state[name] = _UNBOUND_SET

    def read(self, node: cst.Name) -> None:
        found = self._lookup(node, self.frame)
        if found is not None:
            previous = self.result.reads.get(node)
            self.result.reads[node] = found if previous is None else previous | found

    def _lookup(self, node: cst.Name, frame: _Frame) -> Optional[FrozenSet[Def]]:
        name, scope, state = node.value, frame.scope, frame.state
        if state is None:
            return _NOTHING  # unreachable code: nothing is known there
        if name in scope.globals or name in scope.nonlocals:
            self.free.append((node, scope))
            return None
        found = state.get(name)
        self.direct.setdefault((id(scope), name), []).append(node)
        if scope.kind is ScopeKind.MODULE:
            return found if found is not None else _UNBOUND_SET
        if frame.fallback is not None:
            if found is None or UNBOUND in found:
                outer = self._lookup(node, frame.fallback)
                if outer is None:
                    return None
                return (found or _NOTHING) - _UNBOUND_SET | outer
            return found
        if found is None:
            self.free.append((node, scope))
            return None
        return found - _UNBOUND_SET  # a path where it is unbound raises NameError

    # -- statements ------------------------------------------------------------------------
    def block(self, body: Sequence[cst.CSTNode]) -> None:
        for statement in body:
            self.statement(statement)

    def suite(self, suite: cst.BaseSuite) -> None:
        self.block(suite.body)  # IndentedBlock.body or SimpleStatementSuite.body

    def statement(self, node: cst.CSTNode) -> None:
        handler = _STATEMENTS.get(type(node))
        if handler is not None:
            handler(self, node)
        else:
            for child in _children(node):
                self.expr(child)

    def simple_line(self, node: cst.SimpleStatementLine) -> None:
        self.block(node.body)

    def expr_statement(self, node: cst.Expr) -> None:
        self.expr(node.value)

    def assign(self, node: cst.Assign) -> None:
        self.expr(node.value)
        for target in node.targets:
            self.target(target.target, node.value)

    def ann_assign(self, node: cst.AnnAssign) -> None:
        self.expr(node.annotation.annotation)
        if node.value is None:
            if isinstance(node.target, cst.Name):
                self.frame.scope.locals.add(node.target.value)
            else:
                self.target(node.target, None)
            return
        self.expr(node.value)
        self.target(node.target, node.value)

    def aug_assign(self, node: cst.AugAssign) -> None:
        self.expr(node.target)
        self.expr(node.value)
        if isinstance(node.target, cst.Name):
            self.bind(node.target.value, node.target, DefKind.OTHER)
        else:  # `a.b += 1`, `a[k] += 1`: reads of `a`, done above
            self.namespace_target(node.target)

    def target(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        if isinstance(target, cst.Name):
            if value is not None:
                self.bind(target.value, target, DefKind.ASSIGN, value)
            else:
                self.bind(target.value, target, DefKind.OTHER)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                inner = element.value
                if isinstance(element, cst.StarredElement):
                    self.target(inner, None)
                else:
                    self.target(inner, None)
        elif isinstance(target, cst.StarredElement):
            self.target(target.value, None)
        else:  # an attribute or subscript: its parts are read
            self.expr(target)
            self.namespace_target(target)

    def delete(self, node: cst.Del) -> None:
        self._delete(node.target)

    def _delete(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.unbind(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._delete(element.value)
        else:
            self.expr(target)
            self.namespace_target(target)

    def returns(self, node: Union[cst.Return, cst.Raise]) -> None:
        for child in _children(node):
            self.expr(child)
        self.frame.state = None

    def jump(self, node: Union[cst.Break, cst.Continue]) -> None:
        if self.loops and self.frame.state is not None:
            breaks, continues = self.loops[-1]
            (breaks if isinstance(node, cst.Break) else continues).append(self.frame.state)
        self.frame.state = None

    def declare(self, node: Union[cst.Global, cst.Nonlocal]) -> None:
        names = {item.name.value for item in node.names}
        scope = self.frame.scope
        if scope.kind is ScopeKind.MODULE:
            return
        (scope.globals if isinstance(node, cst.Global) else scope.nonlocals).update(names)

    def import_(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = _dotted(alias.name)
            if alias.asname is not None:
                names: List[cst.Name] = []
                _target_names(alias.asname.name, names)
                for name in names:
                    self.bind(name.value, alias, DefKind.IMPORT, qualified=dotted)
            else:
                top = dotted.split(".", 1)[0]
                self.bind(top, alias, DefKind.IMPORT, qualified=top)

    def import_from(self, node: cst.ImportFrom) -> None:
        module = _dotted(node.module) if node.module is not None else ""
        relative = bool(node.relative)
        if isinstance(node.names, cst.ImportStar):
            self._star()
            return
        for alias in node.names:
            imported = _dotted(alias.name)
            qualified = None if relative else f"{module}.{imported}"
            bound = imported
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound = alias.asname.name.value
            self.bind(bound, alias, DefKind.IMPORT, qualified=qualified)

    def _star(self) -> None:
        """`from m import *` may rebind any name: each becomes unknown from here on, and so
        does every builtin (the module may define one)."""
        self.result.star_import = True
        state = self.frame.state
        if state is None:
            return
        marker = Def("*", None, DefKind.OTHER, self.frame.scope)
        for name in list(state):
            state[name] = state[name] | {marker}

    # -- compound statements ---------------------------------------------------------------
    def if_(self, node: cst.If) -> None:
        self.expr(node.test)
        taken = self.known(node, node.test)
        entry = self._copy()
        self.suite(node.body)
        after_body = self.frame.state
        self.frame.state = entry
        if isinstance(node.orelse, cst.If):
            self.if_(node.orelse)
        elif isinstance(node.orelse, cst.Else):
            self.suite(node.orelse.body)
        # A known test: only the branch it takes flows on. The other one is still walked
        # (from the same entry: its own code is read as written), its end is dropped.
        if taken is True:
            self.frame.state = after_body
        elif taken is None:
            self.frame.state = _merge((after_body, self.frame.state))

    def for_(self, node: cst.For) -> None:
        self.expr(node.iter)
        self._loop(node, node.body, node.orelse, node.target, None)

    def while_(self, node: cst.While) -> None:
        self._loop(node, node.body, node.orelse, None, node.test)

    def _loop(
        self,
        node: cst.CSTNode,
        body: cst.BaseSuite,
        orelse: Optional[cst.Else],
        target: Optional[cst.BaseExpression],
        test: Optional[cst.BaseExpression],
    ) -> None:
        entry = self._copy()
        before = self._copy()
        markers: Dict[str, Def] = {}
        carried: Set[str] = set()
        _bound_in(body.body, carried)
        if target is not None:
            names: List[cst.Name] = []
            _target_names(target, names)
            carried.update(name.value for name in names)
        if entry is not None:
            for name in carried:  # a binding from an earlier iteration, not followed
                key = (id(node), name)
                marker = self.carried.get(key)
                if marker is None:
                    marker = self.carried[key] = Def(name, None, DefKind.OTHER, None)
                markers[name] = marker
                entry[name] = entry.get(name, _UNBOUND_SET) | {marker}
        self.frame.state = entry
        head = self._copy()
        taken: Optional[bool] = None
        if test is not None:
            self.expr(test)
            taken = self.known(node, test)
            head = self._copy()
        if target is not None:
            self.target(target, None)
        breaks: List[State] = []
        continues: List[State] = []
        self.loops.append((breaks, continues))
        self.suite(body)
        self.loops.pop()
        for name, marker in markers.items():  # what an iteration hands the next one
            carried_defs = set(self.phi.get(marker, _NOTHING))
            for state in (self.frame.state, *continues):
                if state is not None:
                    carried_defs.update(state.get(name, _UNBOUND_SET))
            carried_defs.discard(marker)
            self.phi[marker] = frozenset(carried_defs)
        self.frame.state = _merge((head, self.frame.state, *continues))
        if taken is True:  # `while True:` ends only through a `break`
            self.frame.state = None
        elif taken is False:  # the body never runs: what came before flows on
            self.frame.state = before
            breaks = []
        if orelse is not None:
            self.suite(orelse.body)
        self.frame.state = _merge((self.frame.state, *breaks))

    def try_(self, node: Union[cst.Try, cst.TryStar]) -> None:
        entry = self._copy()
        made: Dict[str, Set[Def]] = {}
        self.collectors.append(made)
        self.suite(node.body)
        self.collectors.pop()
        if node.orelse is not None:
            self.suite(node.orelse.body)
        ends: List[Optional[State]] = [self.frame.state]
        handler_entry = None
        if entry is not None:  # an exception may come from anywhere in the body
            handler_entry = dict(entry)
            for made_name, defs in made.items():
                handler_entry[made_name] = (
                    handler_entry.get(made_name, _UNBOUND_SET) | frozenset(defs)
                )
        for handler in node.handlers:
            self.frame.state = dict(handler_entry) if handler_entry is not None else None
            if handler.type is not None:
                self.expr(handler.type)
            names: List[cst.Name] = []
            if handler.name is not None:
                _target_names(handler.name.name, names)
            for name in names:
                self.bind(name.value, name, DefKind.OTHER)
            self.suite(handler.body)
            for name in names:
                self.unbind(name.value)
            ends.append(self.frame.state)
        if node.finalbody is not None:
            self.frame.state = _merge((*ends, handler_entry))
            self.suite(node.finalbody.body)
            if all(end is None for end in ends):
                self.frame.state = None
            return
        self.frame.state = _merge(ends)

    def with_(self, node: cst.With) -> None:
        for item in node.items:
            self.expr(item.item)
            if item.asname is not None:
                self.target(item.asname.name, None)
        self.suite(node.body)

    def match(self, node: cst.Match) -> None:
        self.expr(node.subject)
        entry = self._copy()
        ends: List[Optional[State]] = [entry]  # no case may match
        for case in node.cases:
            self.frame.state = dict(entry) if entry is not None else None
            self._pattern(case.pattern)
            if case.guard is not None:
                self.expr(case.guard)
            self.suite(case.body)
            ends.append(self.frame.state)
        self.frame.state = _merge(ends)

    def _pattern(self, pattern: cst.CSTNode) -> None:
        stack = [pattern]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.MatchValue):
                self.expr(node.value)
                continue
            if isinstance(node, cst.MatchClass):
                self.expr(node.cls)
            if isinstance(node, (cst.MatchAs, cst.MatchStar)) and node.name is not None:
                self.bind(node.name.value, node.name, DefKind.OTHER)
            if isinstance(node, cst.MatchMapping):
                if node.rest is not None:
                    self.bind(node.rest.value, node.rest, DefKind.OTHER)
                for element in node.elements:
                    self.expr(element.key)
            for child in _children(node):
                if not isinstance(child, (cst.Name, cst.Attribute)) or isinstance(
                    node, (cst.MatchSequenceElement, cst.MatchOrElement)
                ):
                    stack.append(child)

    def function_def(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            self.expr(decorator.decorator)
        self._parameters_outside(node.params)
        if node.returns is not None:
            self.expr(node.returns.annotation)
        scope = self._function_scope(node)
        self.deferred.append((node, scope, node.params))
        self.bind(node.name.value, node, DefKind.FUNCTION)

    def _function_scope(self, node: cst.CSTNode) -> Scope:
        scope = self.result.scope_of_function.get(node)
        if scope is None:
            scope = Scope(ScopeKind.FUNCTION, node, self.frame.scope)
            self.result.scope_of_function[node] = scope
        return scope

    def _parameters_outside(self, params: cst.Parameters) -> None:
        """Defaults and annotations run where the function is defined."""
        for param in _all_params(params):
            if param.default is not None:
                self.expr(param.default)
            if param.annotation is not None:
                self.expr(param.annotation.annotation)

    def class_def(self, node: cst.ClassDef) -> None:
        for decorator in node.decorators:
            self.expr(decorator.decorator)
        for arg in (*node.bases, *node.keywords):
            self.expr(arg.value)
        scope = self.result.scope_of_function.get(node)
        if scope is None:
            scope = Scope(ScopeKind.CLASS, node, self.frame.scope)
            self.result.scope_of_function[node] = scope
        outer = self.frame
        loops, collectors, conditional = self.loops, self.collectors, self.conditional
        self.loops, self.collectors, self.conditional = [], [], 0
        self.frame = _Frame(scope, {} if outer.state is not None else None, outer)
        self.suite(node.body)
        self.frame = outer
        self.loops, self.collectors, self.conditional = loops, collectors, conditional
        self.bind(node.name.value, node, DefKind.CLASS)

    def type_alias(self, node: cst.CSTNode) -> None:
        name = getattr(node, "name", None)
        if isinstance(name, cst.Name):
            self.bind(name.value, name, DefKind.OTHER)

    def _copy(self) -> Optional[State]:
        state = self.frame.state
        return dict(state) if state is not None else None

    # -- expressions -----------------------------------------------------------------------
    def expr(self, node: cst.CSTNode) -> None:
        handler = _EXPRESSIONS.get(type(node))
        if handler is not None:
            handler(self, node)
            return
        for child in _children(node):
            self.expr(child)

    def name(self, node: cst.Name) -> None:
        self.read(node)

    def attribute(self, node: cst.Attribute) -> None:
        self.expr(node.value)

    def call(self, node: cst.Call) -> None:
        self.expr(node.func)
        for arg in node.args:
            self.expr(arg.value)
        for name, where in self._namespace_call(node):
            self.namespace_write(name, where)

    def _namespace_call(self, node: cst.Call) -> List[Tuple[Optional[str], cst.CSTNode]]:
        """The names a call writes into the module's namespace: `globals().update(...)`
        and its other writing methods, `setattr` / `delattr` on the module object."""
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _NAMESPACE_METHODS:
            if not _namespace(func.value, self._at_module()):
                return []
            if func.attr.value == "update":
                return _update_names(node)
            if func.attr.value in ("popitem", "clear") or not node.args:
                return [(ANY_NAME, node)]
            first = node.args[0]
            return [(ANY_NAME if first.keyword or first.star else _key(first.value), first)]
        if (
            isinstance(func, cst.Name) and func.value in ("setattr", "delattr")
            and len(node.args) >= 2 and _this_module(node.args[0].value)
        ):
            return [(_key(node.args[1].value), node.args[1])]
        return []

    def _at_module(self) -> bool:
        return self.frame.scope.kind is ScopeKind.MODULE

    def namespace_target(self, target: cst.BaseExpression) -> None:
        """An assignment or `del` of `globals()[key]` or `sys.modules[__name__].name`."""
        if isinstance(target, cst.Subscript) and _namespace(target.value, self._at_module()):
            self.namespace_write(_subscript_key(target), target)
        elif isinstance(target, cst.Attribute) and _this_module(target.value):
            self.namespace_write(target.attr.value, target)

    def namespace_write(self, name: Optional[str], node: cst.CSTNode) -> None:
        """A write of a module name through the module's namespace: in code that runs in
        place (module level, a class body or comprehension there), a binding where it is;
        in a function, a binding that may happen whenever it is called (as `global`)."""
        frame = self.frame
        while frame.scope.kind is not ScopeKind.MODULE and frame.fallback is not None:
            frame = frame.fallback
        if frame.scope.kind is ScopeKind.MODULE:
            if name is ANY_NAME:
                self._rebind_all(frame)
            else:
                self.bind(name, node, DefKind.OTHER, frame=frame)
            return
        if name is ANY_NAME:
            self.rebinds_any = True
            return
        module = self.result.module_scope
        if node not in self.result.defs_by_node:
            binding = Def(name, node, DefKind.OTHER, module)
            self.result.defs_by_node[node] = binding
            module.defs.setdefault(name, []).append(binding)
            module.locals.add(name)
            self.foreign.setdefault((id(module), name), set()).add(binding)

    def _rebind_all(self, frame: _Frame) -> None:
        """Every name the module has bound so far may be another value from here on."""
        state = frame.state
        if state is None:
            return
        marker = Def("*", None, DefKind.OTHER, frame.scope)
        for name in list(state):
            state[name] = state[name] | {marker}

    def arg(self, node: cst.Arg) -> None:
        self.expr(node.value)

    def named_expr(self, node: cst.NamedExpr) -> None:
        self.expr(node.value)
        frame = self.frame
        while frame.scope.kind is ScopeKind.COMPREHENSION and frame.fallback is not None:
            frame = frame.fallback
        if isinstance(node.target, cst.Name):
            self.bind(node.target.value, node.target, DefKind.ASSIGN, node.value, frame=frame)

    def if_exp(self, node: cst.IfExp) -> None:
        self.expr(node.test)
        self.known(node, node.test)
        self.conditional += 1
        self.expr(node.body)
        self.expr(node.orelse)
        self.conditional -= 1

    def boolean(self, node: cst.BooleanOperation) -> None:
        self.expr(node.left)
        self.conditional += 1
        self.expr(node.right)
        self.conditional -= 1

    def lambda_(self, node: cst.Lambda) -> None:
        self._parameters_outside(node.params)
        self.deferred.append((node, self._function_scope(node), node.params))

    def comprehension(
        self, node: Union[cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp]
    ) -> None:
        self.expr(node.for_in.iter)  # the first iterable runs in the enclosing scope
        scope = self.result.scope_of_function.get(node)
        if scope is None:
            scope = Scope(ScopeKind.COMPREHENSION, node, self.frame.scope)
            self.result.scope_of_function[node] = scope
        outer = self.frame
        fallback = outer
        while fallback.scope.kind is ScopeKind.CLASS and fallback.fallback is not None:
            fallback = fallback.fallback  # a class body's names are not visible in it
        self.frame = _Frame(scope, {} if outer.state is not None else None, fallback)
        self.conditional += 1  # it may run zero times: its walruses may not happen
        comp: Optional[cst.CompFor] = node.for_in
        first = True
        while comp is not None:
            if not first:
                self.expr(comp.iter)
            first = False
            conditional, self.conditional = self.conditional, 0
            self.target(comp.target, None)
            self.conditional = conditional
            for condition in comp.ifs:
                self.expr(condition.test)
            comp = comp.inner_for_in
        if isinstance(node, cst.DictComp):
            self.expr(node.key)
            self.expr(node.value)
        else:
            self.expr(node.elt)
        self.conditional -= 1
        self.frame = outer


def _all_params(params: cst.Parameters) -> List[cst.Param]:
    out = [*params.posonly_params, *params.params, *params.kwonly_params]
    if isinstance(params.star_arg, cst.Param):
        out.append(params.star_arg)
    if params.star_kwarg is not None:
        out.append(params.star_kwarg)
    return out


_Handler = Callable[[_Walker, Any], None]
_STATEMENTS: Dict[type, _Handler] = {
    cst.SimpleStatementLine: _Walker.simple_line,
    cst.Expr: _Walker.expr_statement,
    cst.Assign: _Walker.assign,
    cst.AnnAssign: _Walker.ann_assign,
    cst.AugAssign: _Walker.aug_assign,
    cst.Del: _Walker.delete,
    cst.Return: _Walker.returns,
    cst.Raise: _Walker.returns,
    cst.Break: _Walker.jump,
    cst.Continue: _Walker.jump,
    cst.Global: _Walker.declare,
    cst.Nonlocal: _Walker.declare,
    cst.Import: _Walker.import_,
    cst.ImportFrom: _Walker.import_from,
    cst.If: _Walker.if_,
    cst.For: _Walker.for_,
    cst.While: _Walker.while_,
    cst.Try: _Walker.try_,
    cst.TryStar: _Walker.try_,
    cst.With: _Walker.with_,
    cst.Match: _Walker.match,
    cst.FunctionDef: _Walker.function_def,
    cst.ClassDef: _Walker.class_def,
    cst.TypeAlias: _Walker.type_alias,
    cst.Pass: lambda walker, node: None,
}
_EXPRESSIONS: Dict[type, _Handler] = {
    cst.Name: _Walker.name,
    cst.Attribute: _Walker.attribute,
    cst.Call: _Walker.call,
    cst.Arg: _Walker.arg,
    cst.NamedExpr: _Walker.named_expr,
    cst.IfExp: _Walker.if_exp,
    cst.BooleanOperation: _Walker.boolean,
    cst.Lambda: _Walker.lambda_,
    cst.ListComp: _Walker.comprehension,
    cst.SetComp: _Walker.comprehension,
    cst.GeneratorExp: _Walker.comprehension,
    cst.DictComp: _Walker.comprehension,
    # Strings hold no names (f-strings do, and go through the generic walk).
    cst.SimpleString: lambda walker, node: None,
    cst.Integer: lambda walker, node: None,
    cst.Float: lambda walker, node: None,
    cst.Imaginary: lambda walker, node: None,
}
