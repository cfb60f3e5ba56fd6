"""What SM603, SM604, SM609 and SM610 share: a file's SageMaker imports and, per import, the
releases it fails or works in (shared/RULES.md SM6).

The import rules judge (`Rule.judges_findings`): a judge sees the whole module, pruned and
gated statements too, so an import is checked even in a file with no SageMaker call. The
generated tables (`sdk_generations`, about 1 MB) are imported only once a file is known to
import something from `sagemaker`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, FrozenSet, List, Optional, Protocol, Sequence, Set, Tuple, Union

import libcst as cst

from sagelint.memory import per_file
from sagelint.sdk_verdicts import Verdicts, import_row, verdicts

if TYPE_CHECKING:
    from sagelint.rules import RuleContext
    from sagelint.sdk_versions import Admitted
    from packaging.version import Version

_SWITCH_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def mentions_sagemaker(text: str) -> bool:
    """The cheap look before parsing: the file names the package in an import."""
    return "sagemaker" in text and "import" in text


@dataclass(frozen=True)
class Imported:
    """One name an import statement brings from the SDK."""

    path: str  # `sagemaker.estimator.Estimator` (from-import) or `sagemaker.session`
    module: str  # the module the import loads: `sagemaker.estimator`
    name: Optional[str]  # the imported name of a from-import; None for `import a.b`
    alias: cst.ImportAlias  # where it is reported
    statement: Union[cst.Import, cst.ImportFrom]


class Named(Protocol):
    """What the verdicts of an import read: an import, or a dotted name read as the import
    it stands for (`sagemaker.Session` as `from sagemaker import Session`, dotted.py)."""

    @property
    def path(self) -> str: ...

    @property
    def module(self) -> str: ...

    @property
    def name(self) -> Optional[str]: ...


def _dotted(node: cst.BaseExpression) -> str:
    return dotted_text(node) or ""


def _handles_import_error(handler: cst.ExceptHandler) -> bool:
    kind = handler.type
    if kind is None:
        return True  # a bare `except:` catches the ImportError too
    names = kind.elements if isinstance(kind, cst.Tuple) else ()
    caught = [_dotted(e.value) for e in names] if names else [_dotted(kind)]
    return any(name.rsplit(".", 1)[-1] in _SWITCH_ERRORS | {"Exception"} for name in caught)


class _Collector:
    """The module's absolute `sagemaker` imports outside version switches and star imports,
    and the aliases of every import inside a version switch: a `try` whose handler catches
    ImportError, its body and its handlers (a handler runs only where the body's import
    failed: `except ImportError: from sagemaker import s3_input as TrainingInput`).

    Imports are statements: the walk goes from statement to statement through the bodies of
    compound statements and reads no expression (LibCST's visitor would rebuild every node
    below, a fifth of the engine's time on dense code)."""

    def __init__(self) -> None:
        self.found: List[Imported] = []
        self.switched: Set[int] = set()
        self.switches = 0

    def block(self, statements: Sequence[cst.CSTNode]) -> None:
        for statement in statements:
            self.statement(statement)

    def suite(self, suite: Optional[cst.CSTNode]) -> None:
        """An indented block or a one-line suite (`if x: import a`), or an `else:` /
        `finally:` holding one."""
        if suite is None:
            return
        if isinstance(suite, (cst.Else, cst.Finally)):
            suite = suite.body
        if isinstance(suite, cst.SimpleStatementSuite):
            self.simple(suite.body)
        elif isinstance(suite, cst.IndentedBlock):
            self.block(suite.body)

    def statement(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.SimpleStatementLine):
            self.simple(node.body)
        elif isinstance(node, cst.Try):
            self.try_(node)
        elif isinstance(node, cst.If):
            self.suite(node.body)
            orelse = node.orelse
            if isinstance(orelse, cst.If):
                self.statement(orelse)
            else:
                self.suite(orelse)
        elif isinstance(node, (cst.For, cst.While)):
            self.suite(node.body)
            self.suite(node.orelse)
        elif isinstance(node, cst.TryStar):
            self.suite(node.body)
            for star in node.handlers:
                self.suite(star.body)
            self.suite(node.orelse)
            self.suite(node.finalbody)
        elif isinstance(node, (cst.With, cst.FunctionDef, cst.ClassDef)):
            self.suite(node.body)
        elif isinstance(node, cst.Match):
            for case in node.cases:
                self.suite(case.body)

    def try_(self, node: cst.Try) -> None:
        switch = any(_handles_import_error(handler) for handler in node.handlers)
        self.switches += switch
        self.suite(node.body)
        for handler in node.handlers:
            self.suite(handler.body)
        self.switches -= switch
        self.suite(node.orelse)  # ordinary code
        self.suite(node.finalbody)

    def simple(self, body: Sequence[cst.BaseSmallStatement]) -> None:
        for statement in body:
            if isinstance(statement, (cst.Import, cst.ImportFrom)):
                self._import(statement)

    def _import(self, node: Union[cst.Import, cst.ImportFrom]) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        if self.switches:
            self.switched.update(id(alias) for alias in node.names)
            return
        if isinstance(node, cst.Import):
            for alias in node.names:
                path = _dotted(alias.name)
                if path.split(".", 1)[0] == "sagemaker" and path != "sagemaker":
                    self.found.append(Imported(path, path, None, alias, node))
            return
        if node.relative or node.module is None:
            return
        module = _dotted(node.module)
        if module.split(".", 1)[0] != "sagemaker":
            return
        for alias in node.names:
            name = _dotted(alias.name)
            self.found.append(Imported(f"{module}.{name}", module, name, alias, node))


def sagemaker_imports(module: cst.CSTNode) -> List[Imported]:
    """The module's `sagemaker` imports outside version switches."""
    return _scan(module)[0]


def switched_aliases(module: cst.CSTNode) -> FrozenSet[int]:
    """The ids of the import aliases inside version switches (any module)."""
    return _scan(module)[1]


def _scan(module: cst.CSTNode) -> Tuple[List[Imported], FrozenSet[int]]:
    if _LAST and _LAST[0][0] is module:
        return _LAST[0][1]  # every SM6 rule asks, for the same module
    collector = _Collector()
    if isinstance(module, cst.Module):
        collector.block(module.body)
    else:
        collector.statement(module)
    scanned = (collector.found, frozenset(collector.switched))
    _LAST[:] = [(module, scanned)]
    return scanned


# The last module walked and what it holds (one entry: rules run file by file).
_LAST: List[Tuple[cst.CSTNode, Tuple[List[Imported], FrozenSet[int]]]] = []
per_file(_LAST.clear)  # the memo holds the tree: let go of it with the file's


# -- verdicts of one import ------------------------------------------------------------------


def row_of(item: Named) -> Optional[Verdicts]:
    return import_row(item.path, item.module, item.name is not None)


def over(row: Verdicts, admitted: "Admitted") -> FrozenSet[str]:
    return verdicts(row, admitted.releases)


def fails_everywhere(item: Named, admitted: "Admitted") -> bool:
    """The import raises under every admitted release (never for an unknown A, which
    stands for every release from 2.0 on)."""
    row = row_of(item)
    return row is not None and admitted.known and over(row, admitted) == {"fails"}


def moved_target(item: Named, admitted: "Admitted") -> Optional[str]:
    """The v3 path of the same object when it exists in every admitted release."""
    from sagelint import sdk_generations as gen

    if item.name is None:
        return None
    moved = gen.MOVED.get(item.path)
    if moved is None:
        return None
    target_module = moved[0].rpartition(".")[0]
    target_row = gen.MODULES.get(target_module)
    if target_row is None or over(target_row, admitted) != {"works"}:
        return None
    return moved[0]


def majors_by_verdict(item: Named, admitted: "Admitted") -> Tuple[FrozenSet[int], FrozenSet[int]]:
    """(majors where the import fails, majors where it works) over the admitted releases."""
    row = row_of(item)
    if row is None or admitted.releases is None:
        return frozenset(), frozenset()
    return _majors_by_verdict(row, admitted.releases)


@lru_cache(maxsize=1024)  # an unpinned install admits hundreds of releases: once per row
def _majors_by_verdict(
    row: Verdicts, releases: FrozenSet["Version"]
) -> Tuple[FrozenSet[int], FrozenSet[int]]:
    failing: Set[int] = set()
    working: Set[int] = set()
    for release in releases:
        found = verdicts(row, frozenset({release}))
        if "fails" in found:
            failing.add(release.major)
        if found - {"fails"}:
            working.add(release.major)
    return frozenset(failing), frozenset(working)


def under(admitted: "Admitted") -> str:
    """How a message names the admitted set: `sagemaker 3.x (sdk-version = "3")`."""
    majors = "/".join(f"{major}.x" for major in sorted(admitted.majors()))
    reason = admitted.text
    where = admitted.where()
    if where:
        reason = f"{reason} at {where}" if reason else where
    return f"sagemaker {majors}" + (f" ({reason})" if reason else "")


def replacement(item: Named, admitted: "Admitted") -> Optional[str]:
    """The SDK's own advice for a removed v2 import (`warn_v2_deprecation`'s nudge for the
    class, else `_V3_REPLACEMENTS` for the top-level module), when the module it names
    exists in every admitted release."""
    from sagelint import sdk_generations as gen

    candidates: List[Tuple[str, str]] = []
    nudge = gen.V2_NUDGES.get(item.path)
    if nudge is not None and nudge[1]:
        candidates.append((nudge[0], nudge[1]))
    parts = item.module.split(".")
    top = parts[1] if len(parts) > 1 else (item.name or "")
    advice = gen.V3_REPLACEMENTS.get(top)
    if advice is not None:
        candidates.append((advice[0], advice[1]))
    for name, line in candidates:
        words = line.split()
        if len(words) < 2 or words[0] != "from":
            continue
        row = gen.MODULES.get(words[1])
        if row is not None and over(row, admitted) == {"works"}:
            return f"{name.strip('`')} (`{line}`)"
    return None


def may_use_sdk(ctx: RuleContext) -> bool:
    """The cheap test before the generated tables are imported: the module imports from
    `sagemaker` (the tables are large; a module that never imports the SDK needs none)."""
    return "sagemaker" in ctx.resolver.index.imported_packages


def covers(alias: Optional[cst.CSTNode], expr: cst.BaseExpression) -> bool:
    """Whether a use reads what an import stands for: `import sagemaker.train` binds
    `sagemaker`, but `sagemaker.estimator.Estimator` after it reads another module (a
    failing `import sagemaker.train` is not the root cause of that use); a `from` import or
    an aliased one binds exactly what it names."""
    if not isinstance(alias, cst.ImportAlias) or alias.asname is not None:
        return True
    name = dotted_text(alias.name)
    if name is None or "." not in name:
        return True
    used = dotted_text(expr)
    return used is not None and (used == name or used.startswith(name + "."))


def dotted_text(node: cst.BaseExpression) -> Optional[str]:
    """`a.b.c` for a chain of names and attributes, None for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_text(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def switch_imports(ctx: RuleContext) -> FrozenSet[int]:
    """The ids of the import aliases inside a `try:` with an `except ImportError` /
    `ModuleNotFoundError` handler, in its body or its handlers: a version switch, which
    SM6 never reports (the code already runs under either generation)."""
    return switched_aliases(ctx.resolver.bindings.module_scope.node)


class NameReads(cst.CSTVisitor):
    """Where a name is written as a name (not as an attribute, a keyword or inside an
    import statement, whose bindings are read off the scope)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.found: List[cst.Name] = []

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name:
            self.found.append(node)
