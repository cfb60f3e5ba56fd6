"""Names of other modules of the project that something may change (issue #28).

`config.SERVER_ENV["K"] = "900"` in the checked file, `config.STARTUP = 900` in a module it
imports, a helper that calls `SERVER_ENV.update(...)` after `from config import SERVER_ENV`:
the value config.py leaves a name bound to is then not what a call reads. A name X of a
project module is unknown wherever, in the checked file or in a project module the check
reaches from it (what it imports, transitively, up to modules.MAX_CYCLE_MODULES), something
may change it:

- REBIND: `<m>.X = ...`, `<m>.X += ...`, `del <m>.X`, `setattr(<m>, "X", ...)` (any name bound
  by an import may be the module: every such name counts) -- every value;
- ITEM: a store or `del` of an item or attribute of `<m>.X`, or of `X` after `from M import X`
  in another module; `<m>.X` (or that `X`) passed to a call not known to leave it as it is,
  or held somewhere else (assigned, returned, put in a list) -- dicts, lists and objects;
- METHOD: a method call other than the known read-only ones -- dicts and lists (a method
  call on a SageMaker object is not a change of what built it, as in the checked file).

A module's own changes of its names are followed by its own analysis, and the checked
module's changes of a name bound by `from M import X` by `Resolver._imported_value`: those
are not counted here for the module that follows them. The scan reads CPython trees, once
per tree (a module's tree lives as long as its analysis, kept per path and hash).
"""

from __future__ import annotations

import ast
import weakref
from typing import TYPE_CHECKING, Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst

from sagelint.analysis import modules
from sagelint.project import ProjectFiles

if TYPE_CHECKING:
    from sagelint.catalog_classes import Catalog

REBIND, ITEM, METHOD = "rebind", "item", "method"
# What changes a value of each sort.
SCALAR_KINDS = frozenset({REBIND})
OBJECT_KINDS = frozenset({REBIND, ITEM})
DATA_KINDS = frozenset({REBIND, ITEM, METHOD})
# Methods that leave a dict, list or string as it is.
_READ_METHODS = frozenset({
    "get", "copy", "items", "keys", "values", "__contains__", "__len__", "__getitem__",
    "count", "index", "format", "startswith", "endswith", "split", "strip", "lower", "upper",
    "join", "replace", "encode",
})
# Calls that leave their arguments as they are: a few builtins, and the SDK's classes and
# functions (the checked file's own dicts are followed the same way).
_PURE_CALLS = frozenset({
    "print", "len", "str", "repr", "dict", "list", "sorted", "int", "float", "bool", "tuple",
    "isinstance", "format",
})
_PURE_DOTTED = frozenset({"json.dumps", "os.environ.get", "os.getenv", "logging.info"})
_SDK_PACKAGES = frozenset({"sagemaker", "boto3"})
# Parents where a read of a value neither changes it nor hands it on.
_READ_PARENTS = (
    ast.Compare, ast.BinOp, ast.UnaryOp, ast.FormattedValue, ast.JoinedStr, ast.Expr,
    ast.If, ast.While, ast.Assert,
)  # not `a or b`: its result may be the value itself


class Writes:
    """What one module may change: X -> kinds, through `<m>.X`; (X, local name) -> kinds,
    through a name bound by `from M import X [as local]`; `everything`: anything may be
    changed (`setattr` of a name not written out, `vars(m)`, `m.__dict__`)."""

    def __init__(self) -> None:
        self.attrs: Dict[str, Set[str]] = {}
        self.bare: Dict[Tuple[str, str], Set[str]] = {}
        self.everything = False
        # How many `from ... import` bindings each local name has (a module's resolver
        # follows its own changes of such a name only when it has one).
        self.from_bindings: Dict[str, int] = {}


_SCANNED: "weakref.WeakKeyDictionary[ast.Module, Writes]" = weakref.WeakKeyDictionary()


def writes_of(tree: ast.Module) -> Writes:
    found = _SCANNED.get(tree)
    if found is None:
        found = _SCANNED[tree] = _scan(tree)
    return found


def _scan(tree: ast.Module) -> Writes:
    out = Writes()
    imported: Set[str] = set()  # names bound by an import (any may be a module)
    star = False  # `from settings import *`: any name not bound here may be another's
    origin: Dict[str, str] = {}  # name bound by `from M import X [as name]` -> X
    sdk: Set[str] = set()  # names bound by an import of the SDK
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".", 1)[0]
                imported.add(local)
                if alias.name.split(".", 1)[0] in _SDK_PACKAGES:
                    sdk.add(local)
        elif isinstance(node, ast.ImportFrom):
            top = (node.module or "").split(".", 1)[0]
            for alias in node.names:
                if alias.name == "*":
                    star = star or top not in _SDK_PACKAGES or node.level > 0
                    continue
                local = alias.asname or alias.name
                imported.add(local)
                origin[local] = alias.name
                out.from_bindings[local] = out.from_bindings.get(local, 0) + 1
                if node.level == 0 and top in _SDK_PACKAGES:
                    sdk.add(local)
    if star:
        for name in _unbound_names(tree):
            origin.setdefault(name, name)
    if not imported and not origin:
        return out
    parents: Dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    sdk_objects = _sdk_objects(tree, sdk)
    scan = _Scan(out, imported, origin, sdk, sdk_objects, parents)
    for node in ast.walk(tree):
        scan.visit(node)
    return out


def _unbound_names(tree: ast.Module) -> Set[str]:
    """Names a module reads but never binds itself (after a star import: maybe its)."""
    bound: Set[str] = set()
    read: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add(node.asname or node.name.split(".", 1)[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return read - bound


def _sdk_objects(tree: ast.Module, sdk: Set[str]) -> Set[str]:
    """Names every binding in the module binds to a call of the SDK (`model =
    PyTorchModel(...)`): their methods keep their arguments."""
    stores: Dict[str, int] = {}
    sdk_stores: Dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            stores[node.id] = stores.get(node.id, 0) + 1
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and _sdk_call(node.value, sdk):
                sdk_stores[target.id] = sdk_stores.get(target.id, 0) + 1
    return {name for name, count in sdk_stores.items() if stores.get(name, 0) == count}


def _sdk_call(node: ast.expr, sdk: Set[str]) -> bool:
    return isinstance(node, ast.Call) and _root_name(node.func) in sdk


def _root_name(node: ast.expr) -> Optional[str]:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node: ast.expr) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


class _Scan:
    def __init__(
        self,
        out: Writes,
        imported: Set[str],
        origin: Dict[str, str],
        sdk: Set[str],
        sdk_objects: Set[str],
        parents: Dict[ast.AST, ast.AST],
    ) -> None:
        self.out = out
        self.imported = imported
        self.origin = origin
        self.sdk = sdk
        self.sdk_objects = sdk_objects
        self.parents = parents

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.Call):
            self._setattr(node)
        if isinstance(node, ast.Attribute) and node.attr == "__dict__":
            if _root_name(node.value) in self.imported:
                self.out.everything = True
        if isinstance(node, ast.Name) and node.id in self.origin:
            if isinstance(node.ctx, ast.Load):
                self._use(node, None, (self.origin[node.id], node.id))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id not in self.imported:
                return
            if isinstance(node.ctx, (ast.Store, ast.Del)):
                self._mark(node.attr, None, REBIND)
            else:
                self._use(node, node.attr, None)

    def _mark(self, attr: Optional[str], bare: Optional[Tuple[str, str]], kind: str) -> None:
        if attr is not None:
            self.out.attrs.setdefault(attr, set()).add(kind)
        if bare is not None:
            self.out.bare.setdefault(bare, set()).add(kind)

    def _setattr(self, call: ast.Call) -> None:
        if not (isinstance(call.func, ast.Name) and call.func.id in ("setattr", "delattr", "vars")):
            return
        if not call.args or _root_name(call.args[0]) not in self.imported:
            return
        if call.func.id == "vars" or len(call.args) < 2:
            self.out.everything = True
            return
        name = call.args[1]
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            self._mark(name.value, None, REBIND)
        else:
            self.out.everything = True

    def _use(
        self, node: ast.expr, attr: Optional[str], bare: Optional[Tuple[str, str]]
    ) -> None:
        """A read of `<m>.X` or of a name from `from M import X`: what its place does to it."""
        top: ast.AST = node
        while True:
            parent = self.parents.get(top)
            if isinstance(parent, ast.Subscript) and parent.value is top:
                if isinstance(parent.ctx, (ast.Store, ast.Del)):
                    self._mark(attr, bare, ITEM)
                    return
                top = parent
                continue
            if isinstance(parent, ast.Attribute) and parent.value is top:
                if isinstance(parent.ctx, (ast.Store, ast.Del)):
                    self._mark(attr, bare, ITEM)
                    return
                call = self.parents.get(parent)
                if isinstance(call, ast.Call) and call.func is parent:
                    if parent.attr not in _READ_METHODS:
                        self._mark(attr, bare, METHOD)
                    return
                top = parent
                continue
            break
        if top is not node:
            return  # an item or attribute read (as the checked file's dicts are followed)
        parent = self.parents.get(top)
        if isinstance(parent, (ast.keyword, ast.Starred)):
            parent = self.parents.get(parent)
            if isinstance(parent, ast.Call) and not self._keeps(parent):
                self._mark(attr, bare, ITEM)
            elif not isinstance(parent, ast.Call):
                self._mark(attr, bare, ITEM)
            return
        if isinstance(parent, ast.Call):
            if parent.func is not top and not self._keeps(parent):
                self._mark(attr, bare, ITEM)
            return
        if isinstance(parent, ast.Subscript) and parent.slice is top:
            return  # a key
        if isinstance(parent, _READ_PARENTS) or (
            isinstance(parent, ast.IfExp) and parent.test is top
        ):
            return
        self._mark(attr, bare, ITEM)  # held elsewhere: anything may happen to it there

    def _keeps(self, call: ast.Call) -> bool:
        func = call.func
        if isinstance(func, ast.Name) and func.id in _PURE_CALLS:
            return True
        dotted = _dotted(func)
        if dotted is not None and dotted in _PURE_DOTTED:
            return True
        root = _root_name(func)
        if root in self.sdk:
            return True
        # `model.deploy(...)` on a name only ever bound to an SDK call.
        return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (
            func.value.id in self.sdk_objects
        )


# -- the modules a check reaches ---------------------------------------------------------------
class Guard:
    """The changes every module a check reaches may make (None when not all are known)."""

    def __init__(self, by_module: Optional[Dict[str, Writes]]) -> None:
        self.by_module = by_module

    def changed(self, name: str, kinds: FrozenSet[str], asking: Optional[str], own: Optional[str]) -> bool:
        if self.by_module is None:
            return True
        for path, writes in self.by_module.items():
            if writes.everything:
                return True
            if kinds & writes.attrs.get(name, set()):
                return True
            for (origin, local), found in writes.bare.items():
                if origin != name or not kinds & found:
                    continue
                if path == asking and local == own and writes.from_bindings.get(local) == 1:
                    continue  # followed by the asking module's own resolver
                return True
        return False


class _Root:
    """The checked module of a check: what it changes and the project files it imports
    (no tree of it is kept: a module's analysis may outlive its check)."""

    def __init__(self, tree: ast.Module, path: str, imports: Set[str]) -> None:
        self.tree_id = id(tree)
        self.path = path
        self.writes = writes_of(tree)
        self.imports = imports
        self.guard: Optional[Guard] = None


# ProjectFiles of a check -> its checked module
_ROOTS: "weakref.WeakKeyDictionary[ProjectFiles, _Root]" = weakref.WeakKeyDictionary()


def register(project: ProjectFiles, tree: ast.Module, path: str, module: cst.Module) -> None:
    """The checked module of the check that reads through `project` (its changes count)."""
    known = _ROOTS.get(project)
    if known is None or known.tree_id != id(tree) or known.path != path:
        _ROOTS[project] = _Root(tree, path, _imported_files(module, path, project))


def guard(
    project: Optional[ProjectFiles], catalog: Catalog, make: modules.MakeResolver
) -> Optional[Guard]:
    """The guard of the check that reads through `project`; None: no checked module is
    known (then nothing of another module is known)."""
    if project is None:
        return None
    root = _ROOTS.get(project)
    if root is None:
        return None
    if root.guard is None:
        root.guard = _reach(project, root, catalog, make)
    return root.guard


def _reach(
    project: ProjectFiles, root: _Root, catalog: Catalog, make: modules.MakeResolver
) -> Guard:
    by_module: Dict[str, Writes] = {root.path: root.writes}
    work: List[Tuple[str, Set[str]]] = [(root.path, root.imports)]
    while work:
        _, files = work.pop()
        for found in files:
            if found in by_module:
                continue
            if len(by_module) > modules.MAX_CYCLE_MODULES:
                return Guard(None)
            foreign = modules.load(found, project, catalog, make)
            if foreign is None:
                return Guard(None)  # a module that does not parse may change anything
            by_module[found] = writes_of(foreign.tree)
            work.append((found, _imported_files(foreign.module, found, project)))
    return Guard(by_module)


def _imported_files(module: cst.Module, importer: str, project: ProjectFiles) -> Set[str]:
    """The project files a module's imports run (a package's submodules too)."""
    out: Set[str] = set()
    for alias, (level, name, is_from) in modules.import_statements(module).items():
        base = modules.module_file(name, level, importer, project)
        if base is not None:
            out.add(base)
        if is_from and base is not None and isinstance(alias, cst.ImportAlias):
            inner = modules.submodule(base, modules._dotted(alias.name))
            if inner is not None:
                out.add(inner)
    return out
