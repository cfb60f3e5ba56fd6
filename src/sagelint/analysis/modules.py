"""Other modules of the project: which file an import names, and that file's analysis.

docs/how-rules-decide.md ("Other modules of the project"): an import that resolves to a Python
file of the checked project makes that module's top-level names readable as they are when
the module has run (the bindings that reach its end). Searched, in Python's order for a
script: the importing file's folder, the project root, `root/src`; a relative import from
the importing file's package. An installed package, the standard library, a name no file
answers: unknown.

A module is parsed and analysed once per run (a memo keyed by absolute path and content
hash, bounded: a large project does not keep every tree). It is read through the checked
file's `ProjectFiles` (the read is recorded: a cached result goes stale when the module
changes), never imported or executed. A module that does not parse is unknown; so is one
that imports the importing module, directly or through the modules it imports (a cycle: what
an importer sees depends on the order the modules run in).
"""

from __future__ import annotations

import ast
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Set, Tuple

import libcst as cst

from sagelint.analysis.bindings import Bindings, Def, DefKind
from sagelint.analysis.index import ModuleIndex
from sagelint.memory import per_file
from sagelint.project import ProjectFiles, read_hash
from sagelint.project import module_file as module_file
from sagelint.project import submodule as submodule

if TYPE_CHECKING:
    from sagelint.analysis.positions import Positions
    from sagelint.catalog_classes import Catalog
    from sagelint.suppression import Suppressions

# Modules kept analysed at once (least recently used go first).
MAX_MODULES = 64
# How many modules the cycle check reads past the imported one.
MAX_CYCLE_MODULES = 32
# Deeper syntax trees are not handed to LibCST (as sagelint.engine.MAX_SYNTAX_DEPTH).
_MAX_DEPTH = 1000

# Builds a module's resolver: the resolver hands in its own class (this module is below the
# resolver, which reads other modules through it, and does not name it).
MakeResolver = Callable[[ModuleIndex, Bindings, "Catalog"], Any]


class Foreign:
    """One analysed module of the project: its text, tree, index, bindings and resolver.

    Positions and `# noqa` comments are computed when a diagnostic is placed in it."""

    def __init__(
        self, path: str, text: str, module: cst.Module, catalog: Catalog, tree: ast.Module,
        make: MakeResolver,
    ) -> None:
        self.path = path
        self.text = text
        self.module = module
        self.tree = tree
        self.catalog = catalog
        self.index = ModuleIndex(module)
        self.bindings = Bindings(module)
        self.make = make
        self.resolver: Any = make(self.index, self.bindings, catalog)  # read as its class
        self.resolver.module_path = path
        self._imports: Optional[Dict[cst.CSTNode, Tuple[int, str, bool]]] = None
        self._cycles: Dict[str, bool] = {}  # importer -> whether this module imports it
        self._positions: Optional[Positions] = None
        self._suppressions: Optional[Suppressions] = None

    def imports(self) -> Dict[cst.CSTNode, Tuple[int, str, bool]]:
        if self._imports is None:
            self._imports = import_statements(self.module)
        return self._imports

    def cyclic(self, importer: str, project: ProjectFiles) -> bool:
        """Whether this module imports `importer` (directly or not): remembered for the run
        (the modules it reads are the run's)."""
        found = self._cycles.get(importer)
        if found is None:
            found = self._cycles[importer] = cyclic(self, importer, project)
        return found

    def positions(self) -> Positions:
        if self._positions is None:
            from sagelint.analysis.positions import Positions
            from sagelint.fixes import line_starts

            self._positions = Positions(
                self.module, self.text, line_starts(self.text), self.tree, self.index
            )
        return self._positions

    def suppressions(self) -> Suppressions:
        if self._suppressions is None:
            from sagelint.suppression import parse_suppressions

            self._suppressions = parse_suppressions(self.text)
        return self._suppressions


# (absolute path, hash of its bytes) -> its analysis (None: it does not parse)
_MEMO: "OrderedDict[Tuple[str, str], Optional[Foreign]]" = OrderedDict()
# The modules whose names are being resolved, innermost last (a value that leads back into
# one of them is a cycle: unknown).
_ACTIVE: List[str] = []


def forget_all() -> None:
    """Drop every analysed module (tests; a run keeps them for its files)."""
    _MEMO.clear()


# The modules the file being checked has read, kept until its check ends even when the memo
# lets them go (a check that reads more than MAX_MODULES still places every diagnostic).
_READ: List[Foreign] = []
per_file(_READ.clear)


def holder(node: cst.CSTNode) -> Optional[Foreign]:
    """The analysed module a node of another module belongs to (a diagnostic about it is
    reported there); None when no module read by this check holds it."""
    for foreign in reversed(_READ):
        if node in foreign.index.unit_of:
            return foreign
    return None


# -- which file an import names ---------------------------------------------------------------
def import_statements(module: cst.Module) -> Dict[cst.CSTNode, Tuple[int, str, bool]]:
    """Each import alias of a module -> (relative level, the module it names, whether a
    `from` import)."""
    found: Dict[cst.CSTNode, Tuple[int, str, bool]] = {}
    stack: List[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Import):
            for alias in node.names:
                found[alias] = (0, _dotted(alias.name), False)
        elif isinstance(node, cst.ImportFrom):
            if isinstance(node.names, cst.ImportStar):
                continue
            name = _dotted(node.module) if node.module is not None else ""
            for alias in node.names:
                found[alias] = (len(node.relative), name, True)
        elif not isinstance(node, cst.BaseExpression):
            stack.extend(_statement_children(node))
    return found


def _statement_children(node: cst.CSTNode) -> List[cst.CSTNode]:
    from sagelint.analysis.walk import children

    return [child for child in children(node) if not isinstance(child, cst.BaseExpression)]


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


# -- analysed modules -------------------------------------------------------------------------
def load(
    path: str, project: ProjectFiles, catalog: Catalog, make: MakeResolver
) -> Optional[Foreign]:
    """The analysis of the module at `path` (read through `project`, and so recorded);
    None when it cannot be read or parsed."""
    seen = project.reads.get(path)  # read already by this check: known by its hash
    key = (path, seen) if seen is not None else None
    if key is None or not _usable(key, catalog):
        data = project.read(Path(path))
        if data is None:
            return None
        key = (path, read_hash(data))
        if not _usable(key, catalog):
            _MEMO[key] = _analyse(path, data, catalog, make)
            while len(_MEMO) > MAX_MODULES:
                _MEMO.popitem(last=False)
    _MEMO.move_to_end(key)
    found = _MEMO[key]
    if found is not None and (not _READ or _READ[-1] is not found):
        if found in _READ:
            _READ.remove(found)
        _READ.append(found)  # the most recently read last: searched first
    if found is not None:
        # Its own imports are read for the file being checked: recorded there.
        found.resolver.project = project
    return found


def _usable(key: Tuple[str, str], catalog: Catalog) -> bool:
    if key not in _MEMO:
        return False
    found = _MEMO[key]
    return found is None or found.catalog is catalog


def _analyse(path: str, data: bytes, catalog: Catalog, make: MakeResolver) -> Optional[Foreign]:
    try:
        text = data.decode("utf-8")
        tree = ast.parse(text)
    except (UnicodeDecodeError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if _deeper_than(tree, _MAX_DEPTH):
        return None
    try:
        module = cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return None
    return Foreign(path, text, module, catalog, tree, make)


def _deeper_than(tree: ast.AST, limit: int) -> bool:
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return False


def imports_of(foreign: Foreign, project: ProjectFiles) -> Set[str]:
    """The project files a module imports (anywhere in it)."""
    out: Set[str] = set()
    for level, name, _ in foreign.imports().values():
        found = module_file(name, level, foreign.path, project)
        if found is not None:
            out.add(found)
    return out


def cyclic(target: Foreign, importer: str, project: ProjectFiles) -> bool:
    """Whether `target` imports `importer`, directly or through the modules it imports
    (read up to MAX_CYCLE_MODULES of them; past that, taken as a cycle)."""
    seen: Set[str] = {target.path}
    work = [target]
    while work:
        current = work.pop()
        for path in imports_of(current, project):
            if path == importer:
                return True
            if path in seen:
                continue
            seen.add(path)
            if len(seen) > MAX_CYCLE_MODULES:
                return True
            found = load(path, project, current.catalog, current.make)
            if found is not None:
                work.append(found)
    return False


class Entered:
    """`with Entered(path):` while a value is resolved inside the module at `path`."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __enter__(self) -> None:
        _ACTIVE.append(self.path)

    def __exit__(self, *exc: object) -> None:
        _ACTIVE.pop()


def active(path: str) -> bool:
    return path in _ACTIVE


def entered() -> Tuple[str, ...]:
    """The modules being resolved now (for `Resumed`)."""
    return tuple(_ACTIVE)


class Resumed:
    """`with Resumed(outside):` while an argument of a call from another module is read in
    that module: the modules entered since the call (the callee's, and those it read) are
    not being resolved there. Without this, `deploy_endpoint(build_model(...))` from a.py
    would find helpers.py active while reading a.py's argument, and stop at
    `build_model(...)` as if it were a cycle; a real cycle of imports is refused when the
    module is loaded (`cyclic`), and the paths into functions refuse recursion."""

    def __init__(self, outside: Tuple[str, ...]) -> None:
        self.outside = outside
        self.saved: List[str] = []

    def __enter__(self) -> None:
        self.saved = _ACTIVE[:]
        _ACTIVE[:] = self.outside

    def __exit__(self, *exc: object) -> None:
        _ACTIVE[:] = self.saved


def end_defs(foreign: Foreign, name: str) -> Optional[List[Def]]:
    """The bindings of `name` that reach the end of a module (what an importer reads);
    None when unknown (rebound by a function, unbound on a path, not bound)."""
    found = foreign.bindings.at_end(name)
    if not found:
        return None
    defs = [binding for binding in found if binding.kind is not DefKind.UNBOUND]
    if len(defs) != len(found):
        return None  # unbound on some path: `from m import x` may fail there
    defs.sort(key=lambda binding: binding.serial)
    return defs
