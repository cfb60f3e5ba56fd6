"""The per-file gate: whether any call of a file can produce a finding, read from CPython's
tree before LibCST sees the file. When none can, the file is not parsed by LibCST at all
(most files a SageMaker repository holds import `boto3` or `sagemaker` for something else,
or only name them).

Two looks, the cheap one first:

- names (sagelint.analysis.prune.Survey): the file imports one of the surfaces' packages,
  and some call's last name is a method the surfaces' table claims, the last name of a
  qualified name it holds, or a name the file binds otherwise;
- reach (`_Reach`, one more walk, only for a file the first look passes): a call passes
  only when its callee resolves through the file's imports to a key of the surfaces' table
  (`sagemaker.pytorch.PyTorch(...)`, `Model.create(...)`), or it is a method the table claims
  called on a value that may be an SDK object, or a call of a name that may hold one (a
  function whose body may reach one, an alias, a parameter). Which values may be one is
  followed as the binding analysis follows them, only more loosely: a name, attribute name,
  parameter, loop or `with` target may hold one when anything bound to it mentions a name
  that may (an import from a surface package, or one of these), iterated to a fixpoint. Names
  are not told apart by scope; a star import from a surface package, a dynamic scope or a
  `setattr` with such a value passes the file.

The SM6 rules that read SDK paths without a surface (`Rule.reads_imports`: a v1 keyword, a
v1 name, an ignored argument) pass a file by the same reach, with the paths of the generation
tables they read.

Every name comes from `sagelint.gate_table`, generated from the surfaces' table, the rules
and the generation tables by `python -m sagelint.docs` (a test fails while it is stale): the
gate decides with no surface, rule, generation table or LibCST imported.
"""

from __future__ import annotations

import ast
import bisect
from functools import lru_cache
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple, Union

from sagelint.analysis.prune import Survey

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Whether an import of a top-level name (None: a relative import) may be a module of the
# checked file's project (sagelint.analysis.modules): its names may be SDK objects, and its
# functions may build or deploy one (a path into them).
ProjectImport = Callable[[Optional[str]], bool]
# The path the reach gives a name imported from a project module.
_PROJECT = "\0project"
# A fixpoint this many rounds deep is not looked for: the file passes.
_MAX_ROUNDS = 50


class Gate:
    """The names a call needs for any surface to take it (built once per run, from the
    surfaces' table: its method names, and the last names of its qualified names; the engine
    reads them from the generated table, `surface_names`)."""

    def __init__(
        self,
        methods: Iterable[str],
        qualified: Iterable[str],
        packages: FrozenSet[str],
        reads_imports: bool = False,
    ) -> None:
        qualified = list(qualified)
        self.packages = packages
        self.methods = frozenset(methods)
        self.keys = frozenset(qualified)
        self.names = frozenset(key.rsplit(".", 1)[-1] for key in qualified)
        # SM6 rules that read SDK paths of calls in a module importing `sagemaker`.
        self.reads_imports = reads_imports
        # A table name outside the surfaces' packages could be reached from any import.
        self.sound = all(key.split(".", 1)[0] in packages for key in qualified)

    def may_find(self, surveyed: Survey, project: Optional[ProjectImport] = None) -> bool:
        """False only when no call of the surveyed file can produce a finding. `project`:
        which imports may be modules of the file's project (their names count as maybe)."""
        sdk = self.reads_imports and any(top == "sagemaker" for top, _ in surveyed.imports)
        if sdk and surveyed.calls:
            renamed = sdk_paths()[2]
            if any(path in renamed for path, _, is_from in surveyed.sdk_imports if is_from):
                return True  # SM602 reports the import of a v1 name (in a module with calls)
        local = _project_names(surveyed, project)
        if not self._names_may_find(surveyed, sdk_paths()[1] if sdk else frozenset(), local):
            return False
        if surveyed.dynamic or not self.sound:
            return True
        return _Reach(self, surveyed, sdk, project if local else None).passes()

    def _names_may_find(
        self, surveyed: Survey, sdk_names: FrozenSet[str], local: FrozenSet[str] = frozenset()
    ) -> bool:
        """The first look: some call's last name could be a surface's (or, `sdk_names`, the
        last name of an SDK path an SM6 rule reads)."""
        if surveyed.dynamic or surveyed.too_deep or not self.sound:
            return True
        surface = {name for top, name in surveyed.imports if top in self.packages} | local
        if not surface:
            return False  # no import can bring a SageMaker class into this module
        if not surveyed.calls:
            return False
        if local and any(
            (chain := _chain(call.func)) is not None and chain[1] and chain[0] in local
            for call in surveyed.call_nodes
        ):
            return True  # `helpers.deploy_endpoint(...)` after `import helpers`: a path into it
        for callee in surveyed.callees:
            if (
                callee in self.methods
                or callee in self.names
                or callee in sdk_names
                or callee in surface
                or callee in surveyed.bound
                or callee in surveyed.stored
            ):
                return True
        return False


def _project_names(surveyed: Survey, project: Optional[ProjectImport]) -> FrozenSet[str]:
    """The names the file imports from what may be modules of its project."""
    if project is None:
        return frozenset()
    return frozenset(name for top, name in surveyed.imports if project(top))


@lru_cache(maxsize=1)
def sdk_paths() -> Tuple[FrozenSet[str], FrozenSet[str], FrozenSet[str]]:
    """What the SM6 rules that read calls look up (sagelint.rules.generations): the SDK paths
    of calls and methods, their last names, and the from-import paths SM602 reports. Read
    from the generated table (sagelint.gate_table), not from the generation tables."""
    from sagelint.gate_table import SDK_CALLS, SDK_RENAMED

    lasts = frozenset(path.rsplit(".", 1)[-1] for path in SDK_CALLS)
    return SDK_CALLS, lasts, SDK_RENAMED


def known_sdk_import(surveyed: Survey) -> bool:
    """Whether some absolute `sagemaker` import of the file is one the generation tables know
    (the SM6 import judges report nothing about any other): `sdk_verdicts.import_row` has a
    row for it, read off the generated table's modules."""
    if not surveyed.sdk_imports:
        return False
    from sagelint.gate_table import SDK_MODULES

    return any(
        module in SDK_MODULES or (is_from and path in SDK_MODULES)
        for path, module, is_from in surveyed.sdk_imports
    )


def surface_module_names() -> Tuple[str, ...]:
    """The modules of the `sagelint.surfaces` package, by name, listed from its folder without
    importing it: the generated table records those it was written from."""
    import importlib.util

    from sagelint.module_listing import iter_modules

    spec = importlib.util.find_spec("sagelint.surfaces")
    folders = list(spec.submodule_search_locations or []) if spec else []
    return tuple(sorted(name for _, name, _ in iter_modules(folders)))


def table_is_current() -> bool:
    """Whether the generated table was written from the surface modules installed: a module
    added since (a new surface) is not in it, and the engine then reads the live surfaces."""
    from sagelint.gate_table import SURFACE_MODULES

    return surface_module_names() == SURFACE_MODULES


def surface_names(
    extensions: Iterable[str] = (),
) -> Tuple[FrozenSet[str], FrozenSet[str], FrozenSet[str], FrozenSet[str]]:
    """The surfaces' method names, qualified names, packages and words (`Route.words`), for
    the built-in catalogue with the user's classes added (`extend-model-classes`,
    `extend-estimator-classes`): the generated table's, plus each added class path (the
    surfaces claim every class of the catalogue by its path) and its top-level package.
    Imports no surface."""
    from sagelint.gate_table import METHODS, PACKAGES, QUALIFIED, WORDS

    added = frozenset(extensions)
    return (
        METHODS,
        QUALIFIED | added,
        PACKAGES | {path.split(".", 1)[0] for path in added},
        WORDS,
    )


def _chain(node: ast.expr) -> Optional[Tuple[str, List[str]]]:
    """`a.b.c` -> ("a", ["b", "c"]); None for what is not a dotted name."""
    attrs: List[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return node.id, attrs[::-1]
    return None


def _mentions(*nodes: Optional[ast.AST]) -> FrozenSet[str]:
    """Every name and attribute name the nodes mention (names are not told apart by scope,
    nor attribute names from names: a value stored as `self.est` is read as `self.est`)."""
    out: Set[str] = set()
    add = out.add
    stack: List[Any] = [node for node in nodes if node is not None]
    pop, extend, children = stack.pop, stack.extend, ast.iter_child_nodes
    name_kind, attribute_kind, constant_kind = ast.Name, ast.Attribute, ast.Constant
    while stack:
        node = pop()
        kind = type(node)
        if kind is name_kind:
            add(node.id)
            continue  # its one child is its context
        if kind is constant_kind:
            continue
        if kind is attribute_kind:
            add(node.attr)
            stack.append(node.value)
            continue
        extend(children(node))
    return frozenset(out)


_KEPT = "_sagelint_mentions"
_KEPT_ARGUMENTS = "_sagelint_arguments"  # a call's arguments alone: not what it mentions


def _mentioned(node: ast.AST) -> FrozenSet[str]:
    """`_mentions(node)`, kept on the node: CPython's trees of unchanged statements are kept
    across the language server's checks (sagelint.analysis.front), and a node's names never
    change (nothing changes a tree)."""
    found: Optional[FrozenSet[str]] = getattr(node, _KEPT, None)
    if found is None:
        found = _mentions(node)
        setattr(node, _KEPT, found)
    return found


def _call_mentions(node: ast.Call) -> FrozenSet[str]:
    """What a call's arguments mention, kept on the call (see `_mentioned`)."""
    found: Optional[FrozenSet[str]] = getattr(node, _KEPT_ARGUMENTS, None)
    if found is None:
        found = _mentions(*node.args, *(keyword.value for keyword in node.keywords))
        setattr(node, _KEPT_ARGUMENTS, found)
    return found


def _handles(target: ast.expr, out: Set[str]) -> Set[str]:
    """The names by which what is bound to `target` is read again: a name, an attribute's
    name, the container of an item (`d["k"] = v`: `d`)."""
    if isinstance(target, ast.Name):
        out.add(target.id)
    elif isinstance(target, ast.Attribute):
        out.add(target.attr)
    elif isinstance(target, (ast.Subscript, ast.Starred)):
        _handles(target.value, out)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            _handles(element, out)
    return out


def _owner(
    node: ast.expr | ast.stmt,
    defs: List[Union[ast.FunctionDef, ast.AsyncFunctionDef]],
    starts: List[Tuple[int, int]],
) -> Optional[str]:
    """The name of the innermost function whose code holds `node`."""
    at = (node.lineno, node.col_offset)
    index = bisect.bisect_right(starts, at) - 1
    while index >= 0:
        found = defs[index]
        end = (found.end_lineno or found.lineno, found.end_col_offset or 0)
        if at < end:
            return found.name
        index -= 1
    return None


def _parameter_names(arguments: ast.arguments) -> FrozenSet[str]:
    params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    params += [p for p in (arguments.vararg, arguments.kwarg) if p is not None]
    return frozenset(param.arg for param in params)


def _captures(pattern: ast.AST) -> Set[str]:
    """The names a `case` pattern binds."""
    out: Set[str] = set()
    for sub in ast.walk(pattern):
        for capture in (getattr(sub, "name", None), getattr(sub, "rest", None)):
            if isinstance(capture, str):
                out.add(capture)
    return out


class _Function:
    """A function or lambda: its name (None for a lambda), parameters, what its header
    (decorators, defaults) mentions."""

    __slots__ = ("name", "params", "header", "given")

    def __init__(self, name: Optional[str], params: FrozenSet[str], header: FrozenSet[str]) -> None:
        self.name = name
        self.params = params
        self.header = header
        self.given = False  # its parameters may hold an SDK object


class _Reach:
    """Which values of a file may be SDK objects, and whether some call can then produce a
    fact (see the module's docstring)."""

    def __init__(
        self, gate: Gate, surveyed: Survey, sdk: bool, project: Optional[ProjectImport] = None
    ) -> None:
        self.gate = gate
        self.project = project
        self.local: Set[str] = set()  # names imported from modules of the project
        self.surveyed = surveyed
        self.sdk = sdk  # the SM6 call rules run on this file
        self.paths: Dict[str, Set[str]] = {}  # a name -> the surface paths imports bind it to
        self.bindings: List[Tuple[FrozenSet[str], FrozenSet[str]]] = []  # (handles, mentions)
        self.functions: List[_Function] = []
        self.classes: List[Tuple[str, FrozenSet[str], List[_Function]]] = []
        self.calls = surveyed.call_nodes
        self.arguments: Dict[str, List[FrozenSet[str]]] = {}  # callee's last name -> mentions
        self.escaping: Set[str] = set()  # names read otherwise than as what a call calls
        self.admitted = False  # passes whatever the values (a star import)
        self.renamed_import = False  # SM602's from-import of a renamed v1 name
        renamed = sdk_paths()[2] if sdk else frozenset()
        for node in surveyed.import_nodes:
            self._import(node, gate.packages, renamed)

    def _direct(self) -> bool:
        """The cheap look first: a call of a key through the imports (most files that pass
        have one)."""
        keys = self.gate.keys
        calls = sdk_paths()[0] if self.sdk else frozenset()
        paths = self.paths
        for call in self.calls:
            chain = _chain(call.func)
            if chain is None or chain[0] not in paths:
                continue
            for path in paths[chain[0]]:
                qualified = ".".join([path, *chain[1]])
                if qualified in keys or qualified in calls:
                    return True
        return False

    # -- reading the tree -------------------------------------------------------------------
    def _read(self, surveyed: Survey) -> None:
        """What each binding the survey met binds and mentions; a function's returned values
        are bound to its name (the innermost function around them, by position)."""
        for call in self.calls:
            self._call(call)
        nodes = surveyed.binding_nodes
        defs = sorted(
            (node for node in nodes if isinstance(node, _DEFS)),
            key=lambda node: (node.lineno, node.col_offset),
        )
        starts = [(node.lineno, node.col_offset) for node in defs]
        by_node: Dict[int, _Function] = {}
        classes: List[Tuple[str, FrozenSet[str], List[ast.AST]]] = []
        for node in nodes:
            if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)):
                owner = _owner(node, defs, starts)
                if owner is not None and node.value is not None:
                    self.bindings.append((frozenset({owner}), _mentioned(node.value)))
            else:
                self._statement(node, by_node, classes)
        self.classes = [
            (name, header, [by_node[id(method)] for method in methods if id(method) in by_node])
            for name, header, methods in classes
        ]
        # A function passed as a value (`map(f, ...)`, `cb = f`) is called where the gate
        # does not see: what mentions it.
        for _, mentions in self.bindings:
            self.escaping |= mentions
        for found in self.arguments.values():
            for mentions in found:
                self.escaping |= mentions

    def _statement(
        self,
        node: ast.AST,
        by_node: Dict[int, _Function],
        classes: List[Tuple[str, FrozenSet[str], List[ast.AST]]],
    ) -> None:
        """Record what `node` binds."""
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None:
                self._bind(targets, node.value)
        elif isinstance(node, ast.NamedExpr):
            self._bind([node.target], node.value)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            self._bind([node.target], node.iter)
        elif isinstance(node, ast.withitem):
            if node.optional_vars is not None:
                self._bind([node.optional_vars], node.context_expr)
        elif isinstance(node, ast.ExceptHandler):
            if node.name is not None and node.type is not None:
                self.bindings.append((frozenset({node.name}), _mentions(node.type)))
        elif isinstance(node, (*_DEFS, ast.Lambda)):
            by_node[id(node)] = self._function(node)
        elif isinstance(node, ast.ClassDef):
            header = _mentions(*node.bases, *node.keywords, *node.decorator_list)
            methods: List[ast.AST] = [n for n in node.body if isinstance(n, _DEFS)]
            classes.append((node.name, header, methods))
        elif type(node).__name__ == "Match":  # Python 3.10+
            match: Any = node
            subject = _mentions(match.subject)
            for case in match.cases:
                self.bindings.append((frozenset(_captures(case.pattern)), subject))

    def _import(
        self, node: Union[ast.Import, ast.ImportFrom], packages: FrozenSet[str],
        renamed: FrozenSet[str],
    ) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".", 1)[0]
                if top in packages:
                    bound = alias.asname or top
                    path = alias.name if alias.asname else bound
                    self.paths.setdefault(bound, set()).add(path)
                elif self.project is not None and self.project(top):
                    self._local(alias.asname or top)
            return
        module = node.module
        top_module = None if node.level or not module else module.split(".", 1)[0]
        if top_module not in packages:
            if self.project is not None and self.project(top_module):
                for alias in node.names:
                    if alias.name != "*":
                        self._local(alias.asname or alias.name)
            return
        assert module is not None
        for alias in node.names:
            if alias.name == "*":
                self.admitted = True  # any name may be a surface's
                continue
            path = f"{module}.{alias.name}"
            self.paths.setdefault(alias.asname or alias.name, set()).add(path)
            if path in renamed:
                self.renamed_import = True

    def _local(self, name: str) -> None:
        """A name from a module of the project: it may be an SDK object (`from models
        import MODEL`) or a function that returns or deploys one."""
        self.local.add(name)
        self.paths.setdefault(name, set()).add(_PROJECT)

    def _bind(self, targets: Iterable[ast.expr], value: ast.expr) -> None:
        handles: Set[str] = set()
        for target in targets:
            _handles(target, handles)
        if handles:
            self.bindings.append((frozenset(handles), _mentioned(value)))

    def _call(self, node: ast.Call) -> None:
        arguments = _call_mentions(node)
        func = node.func
        last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if isinstance(last, str):
            self.arguments.setdefault(last, []).append(arguments)
        if isinstance(func, ast.Attribute):
            # `models.append(est)`, `d.update(k=est)`: the receiver may hold what it is given.
            receiver = _handles(func.value, set())
            if receiver:
                self.bindings.append((frozenset(receiver), arguments))
        elif last == "setattr":
            self.bindings.append((frozenset({"\0setattr"}), arguments))

    def _function(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]) -> _Function:
        args = node.args
        defaults = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        if isinstance(node, ast.Lambda):
            found = _Function(None, _parameter_names(args), _mentions(*defaults))
        else:
            header = _mentions(*defaults, *node.decorator_list)
            found = _Function(node.name, _parameter_names(args), header)
        self.functions.append(found)
        return found

    # -- the fixpoint -----------------------------------------------------------------------
    def passes(self) -> bool:
        """Whether some call of the file can produce a fact (or an SM6 finding)."""
        if self.admitted or (self.renamed_import and self.calls) or self._direct():
            return True
        self._read(self.surveyed)
        tainted = self._tainted()
        if tainted is None or "\0setattr" in tainted:
            return True
        imported = set(self.paths)
        bound = tainted - imported | {name for name in tainted & imported if self._rebound(name)}
        return any(self._passes(call, tainted, bound) for call in self.calls)

    def _rebound(self, name: str) -> bool:
        return any(name in handles for handles, _ in self.bindings) or any(
            function.name == name or name in function.params for function in self.functions
        ) or any(name == cls for cls, _, _ in self.classes)

    def _tainted(self) -> Optional[Set[str]]:
        """The names that may hold an SDK object (None: no fixpoint in reach)."""
        tainted: Set[str] = set(self.paths)
        for _ in range(_MAX_ROUNDS):
            before = len(tainted)
            for handles, mentions in self.bindings:
                if not mentions.isdisjoint(tainted):
                    tainted |= handles
            given_any = any(
                not mentions.isdisjoint(tainted)
                for found in self.arguments.values() for mentions in found
            )
            for cls, header, methods in self.classes:
                if cls not in tainted and not header.isdisjoint(tainted):
                    tainted.add(cls)
                    for method in methods:
                        method.given = True
                elif (given_any and cls in self.escaping) or any(
                    not mentions.isdisjoint(tainted) for mentions in self.arguments.get(cls, ())
                ):
                    for method in methods:  # `Job(est)`: its `__init__` is given `est`
                        method.given = True
            for function in self.functions:
                name = function.name
                if function.given:
                    continue
                if (
                    not function.header.isdisjoint(tainted)
                    or (given_any and (name is None or name in self.escaping))
                    or (name is not None and any(
                        not mentions.isdisjoint(tainted)
                        for mentions in self.arguments.get(name, ())
                    ))
                ):
                    function.given = True
                if function.given:
                    tainted |= function.params
            if len(tainted) == before:
                return tainted
        return None

    def _passes(self, call: ast.Call, tainted: Set[str], bound: Set[str]) -> bool:
        gate, func = self.gate, call.func
        lasts = sdk_paths()[1] if self.sdk else frozenset()
        calls = sdk_paths()[0] if self.sdk else frozenset()
        if isinstance(func, ast.Attribute) and (func.attr in gate.methods or func.attr in lasts):
            if not _mentioned(func.value).isdisjoint(tainted):
                return True  # a method the table claims, on what may be an SDK object
        chain = _chain(func)
        if chain is None:
            return not _mentioned(func).isdisjoint(tainted)
        root, attrs = chain
        if root in self.local:
            return True  # a function of a module of the project: a path into it
        for path in self.paths.get(root, ()):
            qualified = ".".join([path, *attrs])
            if qualified in gate.keys or qualified in calls:
                return True
        if not attrs:
            return root in bound  # an alias, a helper, a parameter that may hold one
        # A method of a helper class or a stored factory (`self.make()`), or a class reached
        # through a name bound to a module (`pt = sagemaker.pytorch; pt.PyTorch()`).
        return not bound.isdisjoint(attrs) or (root in bound and attrs[-1] in gate.names)

