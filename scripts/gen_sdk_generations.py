"""Generate `src/sagelint/sdk_generations.py`: what each SageMaker SDK release does with a v1
or v2 spelling, read from the SDK's own artifacts.

    # full regeneration: the anchors, then bisection of every boundary (downloads into CACHE)
    python scripts/gen_sdk_generations.py --bisect --cache /tmp/sdkgen/cache /work/wheels
    # regenerate from the artifacts already at hand (no network)
    python scripts/gen_sdk_generations.py --cache /tmp/sdkgen/cache /work/wheels
    # check: exit 1 when the checked-in module disagrees with the artifacts given
    python scripts/gen_sdk_generations.py --check /work/wheels [more dirs]

Artifacts are sagemaker sdists or wheels (`sagemaker-X.tar.gz`, `sagemaker-X-py3-none-any.whl`)
and, for a 3.x release, the wheels of its parts (sagemaker-core 2.N, sagemaker-train /
-serve / -mlops 1.N). They are read as data with `tarfile` / `zipfile` and `ast`; nothing is
installed, imported or run.

Every table is computed per release read, then written as release intervals: consecutive
releases read with the same verdict form one interval (the releases between two read ones are
assumed to behave like them: bisection makes each boundary two adjacent releases). A release
not covered by a row's intervals is one the row says nothing about.

`--check` with every artifact the module names (its `READ`) compares bytes. With a subset (CI
has /work/wheels and the few anchors listed in ANCHORS_FOR_CHECK) it checks that every row
computed from those artifacts agrees with the checked-in intervals at those releases, and that
no row is missing.

The hand-written data (run-time outcomes reading code cannot give, SM605's field renames,
target preferences) is `src/sagelint/sdk_curated.py`; this script checks it against the
artifacts and applies it.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import importlib.util
import re
import subprocess
import sys
import tarfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple, Union

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_catalog import _dotted  # noqa: E402
from gen_v3_roles import Module, Tree, _params, fields, read_module  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "src" / "sagelint" / "sdk_generations.py"
CURATED = ROOT / "src" / "sagelint" / "sdk_curated.py"

# The artifacts every regeneration reads (the rest are found by bisection), and those the
# --check of CI reads besides the wheels of /work/wheels: the two sides of each boundary that
# changes a verdict (2.15.0: deprecations.py; 2.154.0: the serde shims leave sagemaker.predictor).
ANCHORS = ("1.72.1", "2.0.0", "2.257.7", "3.0", "3.27.0")
ANCHORS_FOR_CHECK = ("1.72.1", "2.0.0", "2.14.0", "2.15.0", "2.153.0", "2.154.0", "3.0")
V3_PARTS = ("sagemaker_core", "sagemaker_train", "sagemaker_serve", "sagemaker_mlops")
V3_ROOTS = ("sagemaker.core", "sagemaker.train", "sagemaker.serve", "sagemaker.mlops")
MODIFIERS = "sagemaker.cli.compatibility.v2.modifiers"
HELPERS = frozenset({
    "deprecated_class", "deprecated_serialize", "deprecated_deserialize", "removed_function",
    "deprecated_function",
})
WARNING_CALLS = frozenset({"renamed_warning", "removed_warning", "deprecation_warning"})
Verdicts = Tuple[Tuple[str, Optional[str], str], ...]
Definition = Union[ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef]


# ---- versions ------------------------------------------------------------------------------


def vkey(version: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def _sorted_versions(versions: Iterable[str]) -> List[str]:
    return sorted(set(versions), key=vkey)


# ---- reading a release ---------------------------------------------------------------------


class GenTree(Tree):
    """gen_v3_roles' Tree, plus bases written fully dotted after a plain `import sagemaker`
    (`class TensorFlowModel(sagemaker.model.FrameworkModel)`), which v1 and v2 do."""

    def __init__(self, modules: Dict[str, Module]) -> None:
        super().__init__(modules)
        # memoized answers: every table asks the same questions of each release again
        self._memo: Dict[Tuple[str, str, str], object] = {}

    def _cached(self, kind: str, key: str, extra: str, compute: Callable[[], object]) -> object:
        slot = (kind, key, extra)
        if slot not in self._memo:
            self._memo[slot] = compute()
        return self._memo[slot]

    def mro(self, dotted: str) -> List[str]:
        found = self._cached("mro", dotted, "", lambda: Tree.mro(self, dotted))
        assert isinstance(found, list)
        return list(found)

    def public_names(self, module: Module) -> Set[str]:
        found = self._cached("public", module.name, "", lambda: Tree.public_names(self, module))
        assert isinstance(found, set)
        return set(found)

    def star_names(self, module_name: str, seen: Optional[Set[str]] = None) -> Set[str]:
        if seen is not None:
            return Tree.star_names(self, module_name, seen)
        found = self._cached("star", module_name, "", lambda: Tree.star_names(self, module_name))
        assert isinstance(found, set)
        return set(found)

    def resolve(
        self, module_name: str, name: str, seen: Optional[Set[Tuple[str, str]]] = None
    ) -> Optional[str]:
        if seen is not None:
            return Tree.resolve(self, module_name, name, seen)
        found = self._cached("resolve", module_name, name, lambda: Tree.resolve(self, module_name, name))
        assert found is None or isinstance(found, str)
        return found

    def bases(self, dotted: str) -> List[str]:
        found = self._cached("bases", dotted, "", lambda: self._bases(dotted))
        assert isinstance(found, list)
        return list(found)

    def _bases(self, dotted: str) -> List[str]:
        found = Tree.bases(self, dotted)
        node = self.definition(dotted)
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                written = _dotted(base)
                if written and written.startswith("sagemaker."):
                    resolved = self.resolve_dotted(written)
                    if resolved is not None and resolved not in found and resolved != dotted:
                        found.append(resolved)
        return found

    def complete(self, dotted: str) -> bool:
        """Every base of every class in the MRO that names SDK code was found."""
        return bool(self._cached("complete", dotted, "", lambda: self._complete(dotted)))

    def _complete(self, dotted: str) -> bool:
        for owner in self.mro(dotted):
            node = self.definition(owner)
            if not isinstance(node, ast.ClassDef):
                continue
            module = self.modules[owner.rpartition(".")[0]]
            written = [_dotted(b) for b in node.bases]
            sdk = [w for w in written if w and (
                w.startswith("sagemaker.") or w.split(".")[0] in module.defs
                or module.bindings.get(w.split(".")[0], "").startswith("sagemaker"))]
            if len(sdk) > len(self.bases(owner)):
                return False
        return True



@dataclass
class Release:
    version: str
    files: List[str]
    tree: GenTree
    sources: Dict[str, ast.Module] = field(default_factory=dict)
    cache: Dict[str, object] = field(default_factory=dict)

    @property
    def major(self) -> int:
        return vkey(self.version)[0]


def _module_name(path: str) -> Optional[Tuple[str, bool]]:
    """`sagemaker/x/y.py` (wheel) or `sagemaker-1.0/src/sagemaker/x/y.py` (sdist)."""
    found = re.search(r"(?:^|/src/|^[^/]+/)(sagemaker/.+)\.py$", path)
    if found is None or "/tests/" in path or path.split("/")[0] == "tests":
        return None
    parts = found.group(1).split("/")
    is_package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_package else parts), is_package


def _read_sources(files: Sequence[Path]) -> Dict[str, Tuple[bool, str]]:
    out: Dict[str, Tuple[bool, str]] = {}
    for path in files:
        entries: List[Tuple[str, bytes]] = []
        if path.name.endswith(".whl"):
            with zipfile.ZipFile(path) as archive:
                entries = [(n, archive.read(n)) for n in archive.namelist() if n.endswith(".py")]
        else:
            with tarfile.open(path) as archive:
                for member in archive.getmembers():
                    if member.isfile() and member.name.endswith(".py"):
                        handle = archive.extractfile(member)
                        if handle is not None:
                            entries.append((member.name, handle.read()))
        for name, data in sorted(entries):
            found = _module_name(name)
            if found is None:
                continue
            module, is_package = found
            text = data.decode("utf-8", errors="replace")
            # the namespace `sagemaker/__init__.py` of the v3 parts: keep the one with content
            if module in out and len(out[module][1]) >= len(text):
                continue
            out[module] = (is_package, text)
    return out


def read_release(version: str, files: Sequence[Path]) -> Release:
    sources = _read_sources(files)
    modules: Dict[str, Module] = {}
    parsed: Dict[str, ast.Module] = {}
    for name, (is_package, text) in sorted(sources.items()):
        modules[name] = read_module(name, is_package, text)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed[name] = ast.parse(text)
        except SyntaxError:
            parsed[name] = ast.Module(body=[], type_ignores=[])
    return Release(version, sorted(p.name for p in files), GenTree(modules), parsed)


def find_artifacts(folders: Sequence[Path]) -> Dict[str, List[Path]]:
    """sagemaker release -> its files. A 3.x release is its part wheels (2.N / 1.N) plus the
    meta wheel when present; a 1.x / 2.x release one wheel or sdist (the wheel preferred)."""
    files: List[Path] = []
    for folder in folders:
        files += sorted(folder.iterdir()) if folder.is_dir() else [folder]
    sdk: Dict[str, List[Path]] = {}
    parts: Dict[str, Dict[str, Path]] = {}
    for path in files:
        match = re.match(r"(sagemaker(?:[_-](?:core|train|serve|mlops))?)-(\d[^-]*?)(?:\.tar\.gz|-py)",
                         path.name)
        if match is None:
            continue
        dist, version = match.group(1).replace("-", "_"), match.group(2)
        if dist == "sagemaker":
            if version.startswith("3"):
                continue
            if version not in sdk or path.name.endswith(".whl"):
                sdk[version] = [path]
        else:
            minor = ".".join(version.split(".")[1:])
            parts.setdefault("3." + minor, {})[dist] = path
    for version, found in parts.items():
        if set(found) == set(V3_PARTS):
            sdk[version] = [found[name] for name in V3_PARTS]
    return sdk


# ---- facts of one release ------------------------------------------------------------------


def public_modules(release: Release) -> Set[str]:
    return {
        name for name in release.tree.modules
        if not any(part.startswith("_") for part in name.split("."))
        and not name.startswith("sagemaker.cli.compatibility")
    }


def _all_bound(module: ast.Module) -> Set[str]:
    """Every name a module binds at top level (defs, imports, assignments)."""
    names: Set[str] = set()
    for node in module.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, (ast.Try, ast.If)):
            names |= _all_bound(ast.Module(body=list(node.body) + list(node.orelse), type_ignores=[]))
    return names


def shim_kind(release: Release, path: str, depth: int = 0) -> Optional[str]:
    """How `module.name` exists in the release: None (absent), "module", "works", "deprecated"
    (a deprecation shim that warns), "no-op" (`removed_function`)."""
    if path in release.tree.modules:
        return "module"
    module_name, _, name = path.rpartition(".")
    module = release.tree.modules.get(module_name)
    source = release.sources.get(module_name)
    if module is None or source is None or depth > 8:
        return None
    last: Optional[str] = None  # the last top-level binding of the name decides
    for node in source.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            last = "works"
            if isinstance(node.value, ast.Call):
                helper = (_dotted(node.value.func) or "").rsplit(".", 1)[-1]
                if helper == "removed_function":
                    last = "no-op"
                elif helper in HELPERS:
                    last = "deprecated"
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            last = "deprecated" if _warns(node) else "works"
    if last is not None:
        return last
    if name in module.bindings:
        target = module.bindings[name]
        found = shim_kind(release, target, depth + 1)
        if found is not None:
            return found
        return "works" if target.rpartition(".")[0] in release.tree.modules else None
    if name in module.defs or name in _all_bound(source):
        return "works"
    for star in module.stars:
        if name in release.tree.star_names(star):
            return shim_kind(release, f"{star}.{name}", depth + 1)
    return None


def _warns(node: Union[ast.FunctionDef, ast.ClassDef]) -> bool:
    """A def whose body starts by calling a deprecation warning, or decorated `@deprecated`."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (_dotted(target) or "").rsplit(".", 1)[-1] == "deprecated":
            return True
    if isinstance(node, ast.ClassDef):
        return False
    for statement in node.body[:3]:
        for inner in ast.walk(statement):
            if isinstance(inner, ast.Call):
                called = (_dotted(inner.func) or "").rsplit(".", 1)[-1]
                if called in WARNING_CALLS:
                    return True
    return False


@dataclass(frozen=True)
class Site:
    helper: str
    owner: str  # module, module.Class, module.Class.method or module.function
    target: str  # the name bound (assignments) or "" for calls in a body
    args: Tuple[str, ...]  # literal strings and dotted names, in order


def deprecation_sites(release: Release, helpers: Iterable[str]) -> List[Site]:
    wanted = set(helpers)
    sites: List[Site] = []
    for module_name, source in sorted(release.sources.items()):
        _sites_in(module_name, source.body, wanted, sites)
    return sites


def _sites_in(owner: str, body: Sequence[ast.stmt], wanted: Set[str], out: List[Site]) -> None:
    for node in body:
        if isinstance(node, ast.ClassDef):
            _sites_in(f"{owner}.{node.name}", node.body, wanted, out)
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call):
                    site = _site(inner, f"{owner}.{node.name}", "", wanted)
                    if site is not None:
                        out.append(site)
            continue
        target = ""
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            if isinstance(node.targets[0], ast.Name):
                target = node.targets[0].id
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call):
                site = _site(inner, owner, target, wanted)
                if site is not None:
                    out.append(site)


def _site(call: ast.Call, owner: str, target: str, wanted: Set[str]) -> Optional[Site]:
    helper = (_dotted(call.func) or "").rsplit(".", 1)[-1]
    if helper not in wanted:
        return None
    args: List[str] = []
    for arg in call.args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            args.append(arg.value)
        elif isinstance(arg, ast.Call):
            args.append((_dotted(arg.func) or "?") + "()")
        else:
            args.append(_dotted(arg) or "?")
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    for name in ("feature", "v3_replacement", "v3_import"):
        value = keywords.get(name)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            args.append(f"{name}={value.value}")
    return Site(helper, owner, target, tuple(args))


# ---- classes and signatures ----------------------------------------------------------------


def resolve(release: Release, path: str) -> Optional[str]:
    if release.tree.definition(path) is not None:
        return path
    return release.tree.resolve_dotted(path)


def _init_chain(release: Release, cls: str) -> List[ast.FunctionDef]:
    chain: List[ast.FunctionDef] = []
    for owner in release.tree.mro(cls):
        node = release.tree.definition(owner)
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    chain.append(item)
    return chain


def _required(function: ast.FunctionDef) -> Set[str]:
    args = function.args
    positional = args.posonlyargs + args.args
    count = len(positional) - len(args.defaults)
    required = {a.arg for a in positional[:count]}
    required |= {a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None}
    return required - {"self", "cls"}


def _forwarded(release: Release, owner: str, chain: List[ast.FunctionDef]) -> Optional[str]:
    """The class a method or function hands its `**kwargs` to (`return PyTorchModel(...,
    **kwargs)`), when it is one class of the release; None otherwise."""
    if len(chain) != 1 or chain[0].name == "__init__" or chain[0].args.kwarg is None:
        return None
    kwarg = chain[0].args.kwarg.arg
    module_name = owner
    while module_name and module_name not in release.tree.modules:
        module_name = module_name.rpartition(".")[0]
    targets: Set[str] = set()
    for node in ast.walk(chain[0]):
        if isinstance(node, ast.Call) and any(
            k.arg is None and isinstance(k.value, ast.Name) and k.value.id == kwarg
            for k in node.keywords
        ):
            written = _dotted(node.func)
            found = release.tree.resolve(module_name, written) if written and "." not in written else None
            if found is None or not isinstance(release.tree.definition(found), ast.ClassDef):
                return None
            targets.add(found)
    return targets.pop() if len(targets) == 1 else None


def keyword_verdict(
    release: Release, owner: str, old: str, new: str, depth: int = 0
) -> Optional[str]:
    key = f"keyword|{owner}|{old}|{new}|{depth}"
    if key not in release.cache:
        release.cache[key] = _keyword_verdict(release, owner, old, new, depth)
    found = release.cache[key]
    assert found is None or isinstance(found, str)
    return found


def _keyword_verdict(
    release: Release, owner: str, old: str, new: str, depth: int = 0
) -> Optional[str]:
    """What passing `old=` (and not `new=`) to `owner` does in this release."""
    cls, _, method = owner.rpartition(".")
    is_method = bool(cls) and release.tree.definition(owner) is None
    if is_method and release.tree.definition(cls) is not None:
        found = release.tree.method(cls, method)
        if found is None:
            return None
        chain = [found[1]]
        site_owners = {f"{found[0]}.{method}"}
    else:
        node = release.tree.definition(owner)
        if node is None:
            return None
        if isinstance(node, ast.ClassDef):
            if not release.tree.complete(owner):
                return None  # a base class the reading cannot follow: say nothing
            chain = _init_chain(release, owner)
            site_owners = {f"{c}.__init__" for c in release.tree.mro(owner)}
        else:
            assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            chain = [node] if isinstance(node, ast.FunctionDef) else []
            site_owners = {owner}
    if not chain:
        return None
    if any(old in _params(f) for f in chain):
        return "works"
    forwarded = _forwarded(release, owner, chain)
    if forwarded is not None:
        return keyword_verdict(release, forwarded, old, new, depth + 1) if depth < 4 else None
    if len(chain) == 1 and chain[0].name != "__init__" and _forwards(chain[0]):
        return None  # handed on to a callee the reading cannot follow
    if any(new in _required(f) for f in chain[:1]):
        return "fails"  # the new spelling is required before any rename can run
    renamed = {
        s.owner for s in deprecation_sites_cached(release)
        if s.helper == "renamed_kwargs" and s.args[:1] == (old,)
    }
    if renamed & site_owners:
        return "deprecated"
    if all(f.args.kwarg is not None for f in chain):
        return "no-op"
    return "fails"


_SITES: Dict[str, List[Site]] = {}


def deprecation_sites_cached(release: Release) -> List[Site]:
    if release.version not in _SITES:
        _SITES[release.version] = deprecation_sites(
            release, ("renamed_kwargs", "removed_kwargs", "removed_function", "warn_v2_deprecation")
        )
    return _SITES[release.version]


def is_closed(release: Release, cls: str) -> bool:
    """A pydantic model with `extra="forbid"` in its MRO, or a class whose `__init__` chain
    has no `**kwargs`."""
    for owner in release.tree.mro(cls):
        node = release.tree.definition(owner)
        if not isinstance(node, ast.ClassDef):
            continue
        for item in node.body:
            if isinstance(item, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "model_config" for t in item.targets
            ):
                for inner in ast.walk(item.value):
                    if (
                        isinstance(inner, ast.keyword) and inner.arg == "extra"
                        and isinstance(inner.value, ast.Constant) and inner.value.value == "forbid"
                    ):
                        return True
    chain = _init_chain(release, cls)
    if chain:
        return chain[0].args.kwarg is None
    # a @dataclass without its own __init__: the generated one takes exactly the fields
    node = release.tree.definition(cls)
    return isinstance(node, ast.ClassDef) and any(
        (_dotted(d.func if isinstance(d, ast.Call) else d) or "").rsplit(".", 1)[-1] == "dataclass"
        for d in node.decorator_list
    )


def signature(release: Release, dotted: str) -> Tuple[str, ...]:
    key = f"signature|{dotted}"
    if key not in release.cache:
        release.cache[key] = fields(release.tree, dotted)
    found = release.cache[key]
    assert isinstance(found, tuple)
    return found


# ---- tables --------------------------------------------------------------------------------


class Observations:
    """row key -> release -> verdict (None: the row's subject is absent there)."""

    def __init__(self) -> None:
        self.rows: Dict[str, Dict[str, Optional[str]]] = {}

    def note(self, key: str, version: str, verdict: Optional[str]) -> None:
        self.rows.setdefault(key, {})[version] = verdict


def intervals(observed: Dict[str, Optional[str]]) -> Verdicts:
    out: List[Tuple[str, Optional[str], str]] = []
    group: Optional[Tuple[str, str, str]] = None
    for version in _sorted_versions(observed):
        verdict = observed[version]
        if group is not None and verdict == group[2]:
            group = (group[0], version, group[2])
            continue
        if group is not None:
            out.append(group)
        group = (version, version, verdict) if verdict is not None else None
    if group is not None:
        out.append(group)
    return tuple(out)


def _modifier_literals(release: Release) -> Dict[str, Dict[str, object]]:
    """module -> {NAME: literal} and {Class.property: literal} of the upgrade tool's modifiers
    (`return <literal>` properties, module constants; comprehensions over a constant tuple)."""
    out: Dict[str, Dict[str, object]] = {}
    for name, source in release.sources.items():
        if not name.startswith(MODIFIERS + "."):
            continue
        scope: Dict[str, object] = {}
        for node in source.body:
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                value = _literal(node.value, scope)
                if value is not None:
                    scope[node.targets[0].id] = value
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.body:
                        last = item.body[-1]
                        if isinstance(last, ast.Return) and last.value is not None:
                            value = _literal(last.value, scope)
                            if value is not None:
                                scope[f"{node.name}.{item.name}"] = value
        out[name.rsplit(".", 1)[-1]] = scope
    return out


def _literal(node: ast.expr, scope: Dict[str, object]) -> Optional[object]:
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    if isinstance(node, ast.DictComp) and isinstance(node.key, ast.Name):
        generator = node.generators[0]
        source = _literal(generator.iter, scope)
        value = _literal(node.value, scope)
        if isinstance(generator.target, ast.Name) and isinstance(source, (tuple, list, set)):
            if value is not None:
                return {item: value for item in source}
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return None


@dataclass
class Tables:
    read: List[Release]
    keywords: Observations = field(default_factory=Observations)
    keyword_new: Dict[str, str] = field(default_factory=dict)
    names: Observations = field(default_factory=Observations)
    name_targets: Dict[str, Tuple[Optional[str], str]] = field(default_factory=dict)
    noop_keywords: Observations = field(default_factory=Observations)
    noop_calls: Observations = field(default_factory=Observations)
    modules: Observations = field(default_factory=Observations)
    closed: Observations = field(default_factory=Observations)
    closed_fields: Observations = field(default_factory=Observations)
    positional: Dict[str, Dict[str, Tuple[str, ...]]] = field(default_factory=dict)
    v2_modules: Dict[str, Tuple[str, Optional[str]]] = field(default_factory=dict)
    moved: Dict[str, Tuple[str, str]] = field(default_factory=dict)
    removed_modules: Tuple[str, ...] = ()
    replacements: Dict[str, Tuple[str, str, str]] = field(default_factory=dict)
    v2_nudges: Dict[str, Tuple[str, str]] = field(default_factory=dict)
    frameworks: Dict[str, bool] = field(default_factory=dict)
    aliases: Dict[str, str] = field(default_factory=dict)


def _keyword_rows(latest: Release) -> Dict[Tuple[str, str], str]:
    """(owner as a v2 path, old keyword) -> new keyword: the upgrade tool's ParamRenamer
    subclasses and train_* list, and every renamed_kwargs call site of the latest v2."""
    literals = _modifier_literals(latest)
    rows: Dict[Tuple[str, str], str] = {}
    training = literals["training_params"]
    estimators = training["ESTIMATORS"]
    assert isinstance(estimators, dict)
    estimator_paths = [f"{ns}.{name}" for name, namespaces in estimators.items() for ns in namespaces]
    params = training["PARAMS"]
    assert isinstance(params, tuple)
    for path in estimator_paths:
        for old in params:
            rows[(path, old)] = old[len("train_"):]
    renamers = literals["renamed_params"]
    for key, calls in renamers.items():
        if not key.endswith(".calls_to_modify") or not isinstance(calls, dict):
            continue
        cls = key.split(".")[0]
        old = renamers.get(f"{cls}.old_param_name")
        new = renamers.get(f"{cls}.new_param_name")
        assert isinstance(old, str) and isinstance(new, str)
        for name, namespaces in calls.items():
            for ns in namespaces:
                if name == "create_model":  # a receiver spelled like an estimator: every estimator
                    for path in estimator_paths:
                        rows[(f"{path}.create_model", old)] = new
                elif ns in ("sagemaker_session", "sess"):
                    rows[(f"sagemaker.session.Session.{name}", old)] = new
                elif ns.startswith("sagemaker."):
                    rows[(f"{ns}.{name}", old)] = new
    airflow = literals["airflow"]
    functions = airflow["FUNCTION_NAMES"]
    assert isinstance(functions, tuple)
    old = str(airflow["ModelConfigImageURIRenamer.old_param_name"])
    new = str(airflow["ModelConfigImageURIRenamer.new_param_name"])
    for name in functions:
        rows[(f"sagemaker.workflow.airflow.{name}", old)] = new
    return rows


def _owner_def(release: Release, path: str) -> Optional[str]:
    """The defining path of a class or function (or `Class.method`) written as `path`."""
    found = resolve(release, path)
    if found is not None:
        return found
    head, _, method = path.rpartition(".")
    cls = resolve(release, head) if head else None
    if cls is not None and isinstance(release.tree.definition(cls), ast.ClassDef):
        return f"{cls}.{method}"
    return None


def _classes(release: Release) -> List[str]:
    if "classes" not in release.cache:
        release.cache["classes"] = _all_classes(release)
    found = release.cache["classes"]
    assert isinstance(found, list)
    return found


def _all_classes(release: Release) -> List[str]:
    return sorted(
        f"{m.name}.{name}" for m in release.tree.modules.values()
        for name, node in m.defs.items() if isinstance(node, ast.ClassDef)
    )


def _public_paths(release: Release, wanted: Set[str]) -> Dict[str, str]:
    """Every public `module.Name` bound to a wanted definition, counting names a module imports
    from the SDK (`from sagemaker.predictor import Predictor` works in v2 though `predictor`
    only imports it)."""
    if "public_paths" not in release.cache:
        every: Dict[str, str] = {}
        for module in release.tree.modules.values():
            if any(part.startswith("_") for part in module.name.split(".")):
                continue
            if module.name.startswith("sagemaker.cli.compatibility"):
                continue
            names = release.tree.public_names(module) | {
                n for n, target in module.bindings.items()
                if target.startswith("sagemaker.") and not n.startswith("_")
            }
            for name in names:
                found = release.tree.resolve(module.name, name)
                if found is not None:
                    every[f"{module.name}.{name}"] = found
        release.cache["public_paths"] = every
    table = release.cache["public_paths"]
    assert isinstance(table, dict)
    return {path: found for path, found in table.items() if found in wanted}


def _subclasses(release: Release, bases: Set[str]) -> Set[str]:
    return {cls for cls in _classes(release) if bases & set(release.tree.mro(cls))}


def _module_public_names(release: Release, module_name: str) -> Set[str]:
    module = release.tree.modules[module_name]
    names = release.tree.public_names(module)
    source = release.sources.get(module_name)
    if source is not None:  # `csv_serializer = _CsvSerializer()`: an instance is a name too
        names |= {
            n for n in _all_bound(source)
            if not n.startswith("_") and not n.isupper() and n not in ("logger", "absolute_import")
            and n not in {b.split(".")[0] for b in release.tree.modules}
        }
    return names - {"absolute_import", "print_function", "annotations"}


# ---- v3's own removed-module list ------------------------------------------------------------


def _evaluate(node: ast.expr, scope: Dict[str, object], functions: Dict[str, ast.FunctionDef]) -> object:
    """A tiny evaluator for the literal tables of `sagemaker/core/deprecations.py`: constants,
    tuples, dicts, sets, f-strings, `+`, `a if b else c`, names of module constants, and calls of
    the module's own one-`return` helpers. Anything else is an error, never a guess."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in scope:
            raise ValueError(f"unknown name {node.id}")
        return scope[node.id]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items = [_evaluate(e, scope, functions) for e in node.elts]
        return tuple(items) if not isinstance(node, ast.Set) else frozenset(items)
    if isinstance(node, ast.Dict):
        return {
            _evaluate(k, scope, functions): _evaluate(v, scope, functions)
            for k, v in zip(node.keys, node.values) if k is not None
        }
    if isinstance(node, ast.JoinedStr):
        return "".join(str(_evaluate(v, scope, functions)) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        return _evaluate(node.value, scope, functions)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _evaluate(node.left, scope, functions), _evaluate(node.right, scope, functions)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
    if isinstance(node, ast.IfExp):
        test = _evaluate(node.test, scope, functions)
        return _evaluate(node.body if test else node.orelse, scope, functions)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == "frozenset" and len(node.args) == 1:
            value = _evaluate(node.args[0], scope, functions)
            if isinstance(value, (tuple, frozenset)):
                return frozenset(value)
        function = functions.get(node.func.id)
        if function is not None and isinstance(function.body[-1], ast.Return):
            params = [a.arg for a in function.args.args]
            defaults = function.args.defaults
            local = dict(scope)
            for name, default in zip(params[len(params) - len(defaults):], defaults):
                local[name] = _evaluate(default, scope, functions)
            for name, arg in zip(params, node.args):
                local[name] = _evaluate(arg, scope, functions)
            for statement in function.body[:-1]:
                if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
                    local[statement.targets[0].id] = _evaluate(statement.value, local, functions)
            value = function.body[-1].value
            if value is not None:
                return _evaluate(value, local, functions)
    raise ValueError(f"not a literal: {ast.dump(node)[:80]}")


def v3_removed(release: Release) -> Tuple[Tuple[str, ...], Dict[str, Tuple[str, str, str]]]:
    source = release.sources.get("sagemaker.core.deprecations")
    if source is None:
        return (), {}
    scope: Dict[str, object] = {}
    functions = {n.name: n for n in source.body if isinstance(n, ast.FunctionDef)}
    for node in source.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("_REMOVED_V2_MODULES", "_V3_REPLACEMENTS", "_CORE_RES"):
                scope[name] = _evaluate(node.value, scope, functions)
    removed = scope.get("_REMOVED_V2_MODULES", frozenset())
    replacements = scope.get("_V3_REPLACEMENTS", {})
    assert isinstance(removed, frozenset) and isinstance(replacements, dict)
    table: Dict[str, Tuple[str, str, str]] = {}
    for key, value in replacements.items():
        assert isinstance(value, tuple) and len(value) == 3
        table[str(key)] = (str(value[0]), str(value[1]), str(value[2]))
    return tuple(sorted(str(name) for name in removed)), table


# ---- building ------------------------------------------------------------------------------


_CURATED: List[ModuleType] = []


def _curated() -> ModuleType:
    if _CURATED:
        return _CURATED[0]
    spec = importlib.util.spec_from_file_location("sdk_curated", CURATED)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _CURATED.append(module)
    return module


def _method_verdict(release: Release, owner: str) -> Optional[str]:
    """`Class.method`: "no-op" when bound to `removed_function(...)`, "works" when defined."""
    cls, _, name = owner.rpartition(".")
    cls_def = resolve(release, cls)
    if cls_def is None:
        return None
    for base in release.tree.mro(cls_def):
        node = release.tree.definition(base)
        if not isinstance(node, ast.ClassDef):
            continue
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == name:
                return "works"
            if (
                isinstance(item, ast.Assign) and isinstance(item.value, ast.Call)
                and any(isinstance(t, ast.Name) and t.id == name for t in item.targets)
            ):
                helper = (_dotted(item.value.func) or "").rsplit(".", 1)[-1]
                return "no-op" if helper == "removed_function" else "works"
    return None


def _noop_verdict(release: Release, owner: str, keyword: str, depth: int = 0) -> Optional[str]:
    key = f"noop|{owner}|{keyword}|{depth}"
    if key not in release.cache:
        release.cache[key] = _noop_verdict_uncached(release, owner, keyword, depth)
    found = release.cache[key]
    assert found is None or isinstance(found, str)
    return found


def _noop_verdict_uncached(release: Release, owner: str, keyword: str, depth: int = 0) -> Optional[str]:
    """Passing `keyword=` to `owner` (a class or `Class.method`): works (a parameter), no-op
    (a `removed_kwargs` site, or swallowed by `**kwargs` all along the chain), or fails."""
    defining = _owner_def(release, owner)
    if defining is None:
        return None
    node = release.tree.definition(defining)
    if isinstance(node, ast.ClassDef):
        if not release.tree.complete(defining):
            return None  # a base class the reading cannot follow: say nothing
        chain = _init_chain(release, defining)
        owners = {f"{c}.__init__" for c in release.tree.mro(defining)}
    else:
        cls, _, method = defining.rpartition(".")
        found = release.tree.method(cls, method) if release.tree.definition(cls) else None
        if found is None:
            return None
        chain, owners = [found[1]], {f"{found[0]}.{method}"}
    if not chain:
        return None
    if any(keyword in _params(f) for f in chain):
        return "works"
    # removed_kwargs only warns and leaves the keyword in kwargs: when a method hands its
    # **kwargs on, the callee decides (Estimator.create_model -> Model(...)), removed_kwargs
    # site or not
    if len(chain) == 1 and chain[0].name != "__init__" and _forwards(chain[0]):
        target = _forwarded(release, defining, chain)
        if target is not None and depth < 4:
            return _noop_verdict(release, target, keyword, depth + 1)
        outcome = _curated().NOOP_OUTCOMES.get((defining.rsplit(".", 1)[-1], keyword))
        return outcome[0] if outcome else None
    sites = deprecation_sites_cached(release)
    if any(s.helper == "removed_kwargs" and s.args[:1] == (keyword,) and s.owner in owners for s in sites):
        return "no-op"
    return "no-op" if all(f.args.kwarg is not None for f in chain) else "fails"


def _forwards(function: ast.FunctionDef) -> bool:
    """The function passes its own **kwargs on to some call."""
    kwarg = function.args.kwarg.arg if function.args.kwarg else None
    return kwarg is not None and any(
        isinstance(node, ast.Call) and any(
            k.arg is None and isinstance(k.value, ast.Name) and k.value.id == kwarg
            for k in node.keywords)
        for node in ast.walk(function)
    )


def build(releases: List[Release]) -> Tables:
    releases = sorted(releases, key=lambda r: vkey(r.version))
    v1 = [r for r in releases if r.major == 1]
    v2 = [r for r in releases if r.major == 2]
    v3 = [r for r in releases if r.major == 3]
    if not v2 or not v3:
        raise SystemExit("need at least one 2.x and one 3.x release")
    latest2, latest3 = v2[-1], v3[-1]
    curated = _curated()
    tables = Tables(releases)

    # SM601: renamed keywords (the upgrade tool's rows and every renamed_kwargs site)
    rows = _keyword_rows(latest2)
    sites = deprecation_sites_cached(latest2)
    site_classes = {
        s.owner.rpartition(".")[0]: None for s in sites
        if s.helper == "renamed_kwargs" and s.owner.endswith(".__init__")
    }
    for cls in site_classes:
        olds = {s.args[0]: s.args[1] for s in sites if s.helper == "renamed_kwargs"
                and s.owner == f"{cls}.__init__" and len(s.args) >= 2}
        for path in _public_paths(latest2, _subclasses(latest2, {cls})):
            for old, new in olds.items():
                rows[(path, old)] = new
    for (owner, old), new in sorted(rows.items()):
        key = f"{owner}|{old}"
        tables.keyword_new[key] = new
        for release in releases:
            defining = _owner_def(release, owner)
            verdict = keyword_verdict(release, defining, old, new) if defining else None
            tables.keywords.note(key, release.version, verdict)
    for (owner, old), (computed, actual, _source) in curated.KEYWORD_OUTCOMES.items():
        row = tables.keywords.rows.get(f"{owner}|{old}")
        if row is None:
            raise SystemExit(f"sdk_curated.KEYWORD_OUTCOMES: no row {owner} {old}")
        for version, verdict in row.items():
            if verdict == computed:
                row[version] = actual

    # SM602: v1 names gone or shimmed in the latest v2, and the v2 shims themselves
    candidates: Set[str] = set()
    for release in v1:
        for module_name in public_modules(release):
            candidates |= {f"{module_name}.{n}" for n in _module_public_names(release, module_name)}
            candidates.add(module_name)
    shim_sites: Dict[str, Site] = {}
    for release in v2:
        if "shim_sites" not in release.cache:
            release.cache["shim_sites"] = deprecation_sites(release, HELPERS)
        found_sites = release.cache["shim_sites"]
        assert isinstance(found_sites, list)
        for site in found_sites:
            if site.target:
                shim_sites[f"{site.owner}.{site.target}"] = site
    candidates |= set(shim_sites)
    literals = _modifier_literals(latest2)
    candidates |= _modifier_name_paths(literals)
    serde = literals["serde"]
    old_to_new = serde["OLD_CLASS_NAME_TO_NEW_CLASS_NAME"]
    new_spaces = serde["NEW_CLASS_NAME_TO_NAMESPACES"]
    assert isinstance(old_to_new, dict) and isinstance(new_spaces, dict)
    for path in sorted(candidates):
        if shim_kind(latest2, path) in ("works", "module") and path not in shim_sites:
            continue
        tables.name_targets[path] = _name_target(latest2, path, shim_sites, old_to_new, new_spaces, curated)
        for release in releases:
            if release.major == 3:
                continue
            kind = shim_kind(release, path)
            tables.names.note(path, release.version, "works" if kind == "module" else kind or "fails")

    # SM606: removed_kwargs no-ops, v1-only estimator keywords, removed_function calls
    noop_rows: Set[Tuple[str, str]] = set()
    for site in sites:
        if site.helper == "removed_kwargs" and site.args:
            owner = site.owner.removesuffix(".__init__")
            cls = owner if site.owner.endswith(".__init__") else owner.rpartition(".")[0]
            method = "" if site.owner.endswith(".__init__") else "." + owner.rpartition(".")[2]
            for path in _public_paths(latest2, _subclasses(latest2, {cls})):
                noop_rows.add((path + method, site.args[0]))
    estimators = {owner for owner, old in rows if old.startswith("train_")}
    for release in v1:
        for owner in sorted(estimators):
            defining = _owner_def(release, owner)
            if defining is None or not isinstance(release.tree.definition(defining), ast.ClassDef):
                continue
            for param in {p for f in _init_chain(release, defining) for p in _params(f)}:
                if (owner, param) in rows:
                    continue
                later = _owner_def(latest2, owner)
                if later and _noop_verdict(latest2, owner, param) == "no-op":
                    noop_rows.add((owner, param))
    for owner, keyword in sorted(noop_rows):
        for release in releases:
            tables.noop_keywords.note(f"{owner}|{keyword}", release.version, _noop_verdict(release, owner, keyword))
    for site in deprecation_sites(latest2, ("removed_function",)):
        if site.target and resolve(latest2, site.owner) and isinstance(latest2.tree.definition(site.owner), ast.ClassDef):
            for path in _public_paths(latest2, _subclasses(latest2, {site.owner})):
                for release in releases:
                    tables.noop_calls.note(f"{path}.{site.target}", release.version,
                                           _method_verdict(release, f"{path}.{site.target}"))
        elif site.target:
            path = f"{site.owner}.{site.target}"
            for release in releases:
                kind = shim_kind(release, path) if release.major < 3 else None
                tables.noop_calls.note(path, release.version, kind if kind != "module" else None)

    # module paths in every release read, and the v2 -> v3 fates and same-object moves
    module_sets = {r.version: public_modules(r) for r in releases}
    every = set().union(*module_sets.values())
    for name in sorted(every):
        for release in releases:
            tables.modules.note(name, release.version, "works" if name in module_sets[release.version] else "fails")
    _moves(tables, latest2, latest3, module_sets[latest2.version], module_sets[latest3.version], curated)

    # SM605: closed classes and their fields per release
    closed = set(curated.CLOSED_V3) | set(curated.CLOSED_V2)
    shapes = latest3.tree.modules.get("sagemaker.core.shapes.shapes")
    if shapes is not None:
        closed |= {f"sagemaker.core.shapes.shapes.{n}" for n, d in shapes.defs.items()
                   if isinstance(d, ast.ClassDef) and n != "Base"}
    for cls in sorted(closed):
        for release in releases:
            defining = resolve(release, cls)
            if defining is None or not isinstance(release.tree.definition(defining), ast.ClassDef):
                tables.closed.note(cls, release.version, None)
                continue
            # the field list rides along, so that two read releases with different fields
            # never merge into one interval (the releases between them stay uncovered)
            verdict = "fails" if is_closed(release, defining) else "works"
            names = signature(release, defining)
            tables.closed.note(cls, release.version, verdict + "\0" + ",".join(sorted(names)))
            for name in names:
                tables.closed_fields.note(f"{cls}|{name}", release.version, "works")
    for row in tables.closed_fields.rows.values():
        for release in releases:
            row.setdefault(release.version, None)
    for cls, renames in curated.FIELD_RENAMES.items():  # the hand-written SM605 renames
        present = set(signature(latest3, cls)) if resolve(latest3, cls) == cls else set()
        for old, new in renames.items():
            if new not in present or old in present:
                raise SystemExit(f"sdk_curated.FIELD_RENAMES {cls}: {old} -> {new} does not hold")

    # SM607: the first positional parameters of Model and the airflow functions
    for path in curated.POSITIONAL:
        for release in releases:
            defining = resolve(release, path)
            if defining is not None:
                params = signature(release, defining)[:2]
                tables.positional.setdefault(path, {})[release.version] = params

    # SM608: framework classes of the latest v2 and whether py_version has a default
    bases = {"sagemaker.estimator.Framework", "sagemaker.model.FrameworkModel"}
    for cls in sorted(_subclasses(latest2, bases) - bases):
        chain = _init_chain(latest2, cls)
        if not chain or "framework_version" not in _params(chain[0]):
            continue
        init = chain[0]
        names = _params(init)
        defaults = dict(zip([a.arg for a in init.args.args][len(init.args.args) - len(init.args.defaults):],
                            init.args.defaults))
        default = defaults.get("py_version")
        has_default = "py_version" not in names or not (
            default is None or (isinstance(default, ast.Constant) and default.value is None))
        for path in _public_paths(latest2, {cls}):
            tables.frameworks[path] = has_default

    # v3's own removed-module list and replacements; v2's warn_v2_deprecation texts
    tables.removed_modules, tables.replacements = v3_removed(latest3)
    for site in sites:
        if site.helper == "warn_v2_deprecation":
            named = dict(a.split("=", 1) for a in site.args if "=" in a)
            if "v3_replacement" in named:
                tables.v2_nudges[site.owner.removesuffix(".__init__")] = (
                    named["v3_replacement"], named.get("v3_import", ""))
    return tables


def _modifier_name_paths(literals: Dict[str, Dict[str, object]]) -> Set[str]:
    """`namespace.Name` of the upgrade tool's name tables (`{Name: (namespaces...)}` and
    `X_NAME` with `X_NAMESPACES`), module-qualified namespaces only."""
    out: Set[str] = set()
    for module in ("serde", "tfs", "predictors", "training_input", "image_uris"):
        scope = literals.get(module, {})
        for key, value in scope.items():
            pairs: List[Tuple[str, object]] = []
            if isinstance(value, dict) and "." not in key:
                pairs = [(str(k), v) for k, v in value.items()]
            elif key.endswith("_NAMESPACES") and isinstance(scope.get(key[: -len("SPACES")]), str):
                pairs = [(str(scope[key[: -len("SPACES")]]), value)]
            for name, spaces in pairs:
                if isinstance(spaces, tuple):
                    out |= {f"{ns}.{name}" for ns in spaces if str(ns).startswith("sagemaker")}
    return out


def _name_target(
    release: Release, path: str, shim_sites: Dict[str, Site], old_to_new: Dict[str, str],
    new_spaces: Dict[str, Tuple[str, ...]], curated: ModuleType,
) -> Tuple[Optional[str], str]:
    """(target path, kind): "same" (same arguments), "instance" (the shim is a
    default-constructed instance of the target), "function" (a hand-listed one), or
    (None, "removed" / "no-op")."""
    if path in curated.NAME_TARGETS:
        target, kind, _source = curated.NAME_TARGETS[path]
        return target, kind
    leaf = path.rsplit(".", 1)[-1]
    site = shim_sites.get(path) or next(
        (shim_sites[k] for k in sorted(shim_sites) if k.rsplit(".", 1)[-1] == leaf), None)
    if site is not None and site.helper == "removed_function":
        return None, "no-op"
    if site is not None and site.args:
        written = site.args[0]
        kind = "instance" if written.endswith("()") else "same"
        name = written.removesuffix("()")
        if name in new_spaces:
            return f"{new_spaces[name][0]}.{name}", kind
        module = release.tree.modules.get(site.owner)
        if module is not None:
            head, _, rest = name.partition(".")
            bound = module.bindings.get(head)
            if bound is not None and bound != f"{site.owner}.{head}":
                return bound + ("." + rest if rest else ""), kind
            if head in module.defs:
                local = f"{site.owner}.{name}"
                # `class JsonGet(NewJsonGet)` then `JsonGet = deprecated_class(JsonGet, ...)`
                bases = release.tree.bases(local)
                if bases and bases[0].rsplit(".", 1)[-1] == name:
                    return bases[0], kind
                return local, kind
    if leaf in old_to_new and old_to_new[leaf] in new_spaces:
        new = old_to_new[leaf]
        return f"{new_spaces[new][0]}.{new}", "same"
    return None, "removed"


def _is_shim_module(release: Release, name: str) -> bool:
    """A module that warns on import that it moved (`sagemaker.train.configs`)."""
    source = release.sources.get(name)
    if source is None:
        return False
    for node in source.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            if (_dotted(node.value.func) or "").endswith("warnings.warn"):
                return True
    return False


def _compatible(release2: Release, d2: str, release3: Release, d3: str) -> Optional[str]:
    p2, p3 = signature(release2, d2), signature(release3, d3)
    node2, node3 = release2.tree.definition(d2), release3.tree.definition(d3)
    if isinstance(node2, ast.ClassDef) != isinstance(node3, ast.ClassDef):
        return None
    if p2 == p3:
        return "same"
    if p3[: len(p2)] == p2:
        return "extended"
    if not set(p2) <= set(p3):
        return None
    if isinstance(node3, ast.ClassDef) and release3.tree.method(d3, "__init__") is None:
        return "extended"  # a keyword-only model (pydantic, dataclass): order does not matter
    common = 0
    while common < len(p2) and p2[common] == p3[common]:
        common += 1
    return f"positional<={common}"


def _moves(
    tables: Tables, latest2: Release, latest3: Release, modules2: Set[str], modules3: Set[str],
    curated: ModuleType,
) -> None:
    for name in sorted(modules2):
        if name in modules3:
            tables.v2_modules[name] = ("unchanged", name)
            continue
        sub = name.removeprefix("sagemaker.")
        found = [f"{root}.{sub}" for root in V3_ROOTS if f"{root}.{sub}" in modules3]
        found = [m for m in found if not _is_shim_module(latest3, m)]
        tables.v2_modules[name] = ("moved", found[0]) if found else ("gone", None)
    by_leaf: Dict[str, List[str]] = {}
    for module in latest3.tree.modules.values():
        if any(p.startswith("_") for p in module.name.split(".")) or _is_shim_module(latest3, module.name):
            continue
        for leaf in module.defs:
            if not leaf.startswith("_"):
                by_leaf.setdefault(leaf, []).append(f"{module.name}.{leaf}")
    wanted: Set[str] = set()
    choice: Dict[str, Tuple[str, str]] = {}
    for module_name in sorted(modules2):
        for leaf in sorted(latest2.tree.public_names(latest2.tree.modules[module_name])):
            d2 = resolve(latest2, f"{module_name}.{leaf}")
            if d2 is None or not d2.startswith("sagemaker."):
                continue
            if d2 not in choice:
                picked = _pick(latest2, d2, latest3, by_leaf.get(d2.rsplit(".", 1)[-1], []), curated)
                if picked is None:
                    continue
                choice[d2] = picked
                wanted.add(picked[0])
            tables.moved[f"{module_name}.{leaf}"] = choice[d2]
    # the v3 path written for each target: its defining path when public, else the shortest
    public3 = _public_paths(latest3, wanted)
    best: Dict[str, str] = {}
    for path, defining in sorted(public3.items(), key=lambda item: (len(item[0]), item[0])):
        if not _is_shim_module(latest3, path.rpartition(".")[0]):
            best.setdefault(defining, path)
    for path, (d3, compat) in list(tables.moved.items()):
        target = d3 if d3 in public3 else best.get(d3)
        if target is None or target == path:
            del tables.moved[path]
        else:
            tables.moved[path] = (target, compat)


def _pick(
    latest2: Release, d2: str, latest3: Release, candidates: List[str], curated: ModuleType
) -> Optional[Tuple[str, str]]:
    module2 = d2.rpartition(".")[0]
    preferred = curated.PREFERRED_V3_MODULES.get(module2)
    if preferred is not None:
        candidates = [c for c in candidates if c.rpartition(".")[0] == preferred] or candidates
    compatible = [(c, _compatible(latest2, d2, latest3, c)) for c in candidates]
    found = [(c, k) for c, k in compatible if k is not None]
    if len(found) > 1:
        sub = module2.removeprefix("sagemaker.")
        same = [(c, k) for c, k in found if c.rpartition(".")[0] in {f"{r}.{sub}" for r in V3_ROOTS}]
        found = same if len(same) == 1 else found
    if len(found) != 1:
        return None  # none, or ambiguous: not a one-to-one move
    return found[0][0], str(found[0][1])


# ---- output --------------------------------------------------------------------------------


def _split(key: str) -> Tuple[str, str]:
    owner, _, name = key.partition("|")
    return owner, name


def render(tables: Tables) -> str:
    read = [(r.version, ", ".join(r.files)) for r in tables.read]
    lines = [
        '"""SageMaker SDK generations: what each release does with a v1 or v2 spelling.',
        "",
        "GENERATED by scripts/gen_sdk_generations.py from the SDK's own artifacts (read as data),",
        "with the hand-written rows of sdk_curated.py applied: do not edit by hand.",
        "",
        "Releases read (sagemaker version: artifacts):",
        *[f"- {version}: {files}" for version, files in read],
        "",
        "Verdicts = ((first, last, verdict), ...): the release intervals (inclusive, by PEP 440",
        'order) a row covers, verdict in "works", "deprecated", "no-op", "fails". A release no',
        "interval covers is one the row says nothing about (the subject is absent there, or the",
        "release lies between two read releases that differ). `sdk_verdicts.verdicts` folds them.",
        "",
        "RENAMED_KEYWORDS: callable path -> old keyword -> (new keyword, Verdicts of passing the",
        "  old one). Paths as the SDK's upgrade tool lists them and every public path of a class",
        "  with a `renamed_kwargs` site (and its subclasses); `Class.method` for methods.",
        "RENAMED_NAMES: path (module or module.name) -> (target path or None, kind, Verdicts):",
        '  kind "same" (same arguments), "instance" (use `Target()`), "function" (arguments',
        '  differ), "removed", "no-op". v1 names gone or shimmed in the latest v2, and v2 shims.',
        "NOOP_KEYWORDS: callable path -> keyword -> Verdicts (no-op where accepted and ignored).",
        "NOOP_CALLS: `Class.method` or function path -> Verdicts (no-op: `removed_function`).",
        'MODULES: module path -> Verdicts ("works" present, "fails" absent) over every release read.',
        'V2_MODULES: v2 module (latest v2) -> ("unchanged" | "moved" | "gone", v3 module or None).',
        "MOVED: v2 public path -> (v3 path of the same object, compatibility): \"same\" parameter",
        '  list, "extended" (trailing or keyword-only additions), "positional<=N" (the same',
        "  parameters, positions differ after N). Absent: no same object (removed or different).",
        'CLOSED_CLASSES: class path -> Verdicts of an unknown keyword ("fails": closed signature;',
        '  "works": open). CLOSED_FIELDS: class path -> field -> Verdicts ("works" where it exists).',
        "POSITIONAL: callable path -> ((first, last, first two parameters), ...).",
        "FRAMEWORKS: v2 framework estimator / model path -> whether py_version has a default.",
        "V3_REMOVED_MODULES: sagemaker-core's `_REMOVED_V2_MODULES` (top-level v2 modules).",
        "V3_REPLACEMENTS: its `_V3_REPLACEMENTS`: module -> (replacement, import line, docs module).",
        "V2_NUDGES: v2 class (or function) -> (v3 replacement, v3 import) of `warn_v2_deprecation`.",
        '"""',
        "",
        "from typing import Dict, Optional, Tuple",
        "",
        "Verdicts = Tuple[Tuple[str, Optional[str], str], ...]",
        "",
        f"READ: Tuple[str, ...] = {tuple(v for v, _ in read)!r}",
        "",
    ]
    keyword_rows: Dict[str, Dict[str, Tuple[str, Verdicts]]] = {}
    for key, observed in tables.keywords.rows.items():
        owner, old = _split(key)
        found = intervals(observed)
        if found:
            keyword_rows.setdefault(owner, {})[old] = (tables.keyword_new[key], found)
    lines += _nested("RENAMED_KEYWORDS", "Dict[str, Dict[str, Tuple[str, Verdicts]]]", keyword_rows)
    names = {
        path: (*tables.name_targets[path], intervals(observed))
        for path, observed in tables.names.rows.items() if intervals(observed)
    }
    lines += _flat("RENAMED_NAMES", "Dict[str, Tuple[Optional[str], str, Verdicts]]", names)
    noop: Dict[str, Dict[str, Verdicts]] = {}
    for key, observed in tables.noop_keywords.rows.items():
        owner, keyword = _split(key)
        if any(v == "no-op" for v in observed.values()):
            noop.setdefault(owner, {})[keyword] = intervals(observed)
    lines += _nested("NOOP_KEYWORDS", "Dict[str, Dict[str, Verdicts]]", noop)
    calls = {k: intervals(o) for k, o in tables.noop_calls.rows.items() if intervals(o)}
    lines += _flat("NOOP_CALLS", "Dict[str, Verdicts]", calls)
    lines += _flat("MODULES", "Dict[str, Verdicts]", {k: intervals(o) for k, o in tables.modules.rows.items()})
    lines += _flat("V2_MODULES", "Dict[str, Tuple[str, Optional[str]]]", tables.v2_modules)
    lines += _flat("MOVED", "Dict[str, Tuple[str, str]]", tables.moved)
    closed = {k: _strip(intervals(o)) for k, o in tables.closed.rows.items() if intervals(o)}
    lines += _flat("CLOSED_CLASSES", "Dict[str, Verdicts]", closed)
    fields_table: Dict[str, Dict[str, Verdicts]] = {}
    for key, observed in tables.closed_fields.rows.items():
        cls, name = _split(key)
        if cls in closed:
            fields_table.setdefault(cls, {})[name] = intervals(observed)
    lines += _nested("CLOSED_FIELDS", "Dict[str, Dict[str, Verdicts]]", fields_table)
    positional: Dict[str, Tuple[Tuple[str, Optional[str], Tuple[str, ...]], ...]] = {}
    for path, by_version in tables.positional.items():
        grouped = intervals({v: "\0".join(p) for v, p in by_version.items()})
        positional[path] = tuple((a, b, tuple(p.split("\0"))) for a, b, p in grouped)
    lines += _flat("POSITIONAL", "Dict[str, Tuple[Tuple[str, Optional[str], Tuple[str, ...]], ...]]", positional)
    lines += _flat("FRAMEWORKS", "Dict[str, bool]", tables.frameworks)
    lines += ["V3_REMOVED_MODULES: Tuple[str, ...] = ("]
    lines += [f"    {name!r}," for name in tables.removed_modules]
    lines += [")", ""]
    lines += _flat("V3_REPLACEMENTS", "Dict[str, Tuple[str, str, str]]", tables.replacements)
    lines += _flat("V2_NUDGES", "Dict[str, Tuple[str, str]]", tables.v2_nudges)
    return "\n".join(lines).rstrip("\n") + "\n"


def _strip(found: Verdicts) -> Verdicts:
    return tuple((first, last, verdict.split("\0")[0]) for first, last, verdict in found)


def _flat(name: str, annotation: str, table: Dict[str, object]) -> List[str]:
    out = [f"{name}: {annotation} = {{"]
    out += [f"    {key!r}: {table[key]!r}," for key in sorted(table)]
    return out + ["}", ""]


def _nested(name: str, annotation: str, table: Dict[str, Dict[str, object]]) -> List[str]:
    out = [f"{name}: {annotation} = {{"]
    for key in sorted(table):
        out.append(f"    {key!r}: {{")
        out += [f"        {inner!r}: {table[key][inner]!r}," for inner in sorted(table[key])]
        out.append("    },")
    return out + ["}", ""]


# ---- bisection -----------------------------------------------------------------------------


def _release_list(path: Optional[Path]) -> List[str]:
    """sagemaker's releases from `pip index versions sagemaker` (or a saved copy of it)."""
    text = path.read_text() if path else subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "sagemaker"],
        capture_output=True, text=True, check=True).stdout
    found = re.search(r"Available versions: (.*)", text)
    if found is None:
        raise SystemExit("no 'Available versions:' line in the release list")
    return _sorted_versions(v.strip() for v in found.group(1).split(","))


def _gaps(tables: Tables, known: List[str]) -> Set[str]:
    """A release between each two consecutive read 1.x/2.x releases where a bisected row
    changes and which are not adjacent in the release list."""
    out: Set[str] = set()
    bisected = (tables.keywords, tables.names, tables.noop_keywords, tables.noop_calls, tables.closed)
    for observations in bisected:
        for observed in observations.rows.values():
            read = _sorted_versions(observed)
            for low, high in zip(read, read[1:]):
                if vkey(low)[0] != vkey(high)[0]:
                    continue  # a major boundary is a release boundary already
                if observed.get(low) != observed.get(high):
                    between = [v for v in known if vkey(low) < vkey(v) < vkey(high)]
                    if between:
                        out.add(between[len(between) // 2])
    return out


def _download(version: str, cache: Path) -> List[Path]:
    """The sdist of a 1.x / 2.x release; the part wheels of a 3.x one (3.N.P is built from
    sagemaker-core 2.N.P and sagemaker-train / -serve / -mlops 1.N.P)."""
    if not version.startswith("3"):
        pins = [("--no-binary", f"sagemaker=={version}")]
    else:
        rest = version.split(".", 1)[1]
        pins = [("--only-binary", f"{dist.replace('_', '-')}=={'2' if dist == 'sagemaker_core' else '1'}.{rest}")
                for dist in V3_PARTS]
    for option, pin in pins:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", option, ":all:", pin,
             "-d", str(cache)], check=False, capture_output=True)
    return find_artifacts([cache]).get(version, [])


def generate(folders: Sequence[Path], bisect: bool, cache: Optional[Path],
             releases_file: Optional[Path], rounds: int = 1000,
             progress: Optional[Callable[[Tables], None]] = None) -> Tables:
    if bisect and cache is not None:  # the anchors every regeneration reads
        cache.mkdir(parents=True, exist_ok=True)
        present = find_artifacts(list(folders) + [cache])
        for version in ANCHORS:
            if version not in present:
                _download(version, cache)
    artifacts = find_artifacts(list(folders) + ([cache] if cache and cache.exists() else []))
    releases = [read_release(v, files) for v, files in sorted(artifacts.items(), key=lambda i: vkey(i[0]))]
    tables = build(releases)
    if not bisect:
        return tables
    assert cache is not None
    known = _release_list(releases_file)
    for _round in range(rounds):
        if progress is not None:
            progress(tables)  # each round's tables are valid: their gaps are only narrower
        wanted = sorted(_gaps(tables, known), key=vkey)
        if not wanted:
            return tables
        for version in wanted:
            print(f"gen_sdk_generations: reading sagemaker {version}", file=sys.stderr)
            files = _download(version, cache)
            known.remove(version)  # asked once: an unreadable release is not asked again
            if files:
                releases.append(read_release(version, files))
        tables = build(releases)
    return tables


# ---- check ---------------------------------------------------------------------------------


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("sdk_generations_checked_in", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _covers(found: Verdicts, version: str) -> Optional[str]:
    for first, last, verdict in found:
        if vkey(first) <= vkey(version) <= vkey(last or "9999"):
            return verdict
    return None


def partial_check(tables: Tables, checked_in: ModuleType) -> List[str]:
    """Problems where the checked-in tables disagree with the releases read."""
    problems: List[str] = []
    versions = [r.version for r in tables.read]

    def compare(what: str, observed: Dict[str, Optional[str]], found: Optional[Verdicts]) -> None:
        for version in versions:
            expected = observed.get(version)
            actual = _covers(found or (), version)
            if expected is not None and actual != expected:
                problems.append(f"{what}: {version} is {expected}, the table says {actual}")

    for key, observed in tables.keywords.rows.items():
        owner, old = _split(key)
        row = checked_in.RENAMED_KEYWORDS.get(owner, {}).get(old)
        compare(f"RENAMED_KEYWORDS {owner} {old}", observed, row[1] if row else None)
    for path, observed in tables.names.rows.items():
        row = checked_in.RENAMED_NAMES.get(path)
        compare(f"RENAMED_NAMES {path}", observed, row[2] if row else None)
    for key, observed in tables.noop_keywords.rows.items():
        owner, keyword = _split(key)
        if any(v == "no-op" for v in observed.values()):
            compare(f"NOOP_KEYWORDS {key}", observed, checked_in.NOOP_KEYWORDS.get(owner, {}).get(keyword))
    for path, observed in tables.noop_calls.rows.items():
        compare(f"NOOP_CALLS {path}", observed, checked_in.NOOP_CALLS.get(path))
    for path, observed in tables.modules.rows.items():
        compare(f"MODULES {path}", observed, checked_in.MODULES.get(path))
    for path, observed in tables.closed.rows.items():
        plain = {v: (o.split("\0")[0] if o else None) for v, o in observed.items()}
        compare(f"CLOSED_CLASSES {path}", plain, checked_in.CLOSED_CLASSES.get(path))
    for key, observed in tables.closed_fields.rows.items():
        cls, name = _split(key)
        if cls in checked_in.CLOSED_CLASSES:
            compare(f"CLOSED_FIELDS {key}", observed, checked_in.CLOSED_FIELDS.get(cls, {}).get(name))
    latest = {tables.read[-1].version, [r for r in tables.read if r.major == 2][-1].version}
    if latest <= set(checked_in.READ):
        for name in ("V2_MODULES", "MOVED", "FRAMEWORKS", "V3_REPLACEMENTS", "V2_NUDGES"):
            mine = _load_text_table(render(tables), name)
            if mine != getattr(checked_in, name):
                problems.append(f"{name} differs from what the latest releases give")
    return problems


def _load_text_table(text: str, name: str) -> object:
    namespace: Dict[str, object] = {}
    exec(compile(text, "<generated>", "exec"), namespace)  # noqa: S102 - our own output
    return namespace[name]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path, help="folders (or files) of artifacts")
    parser.add_argument("--cache", type=Path, help="folder of downloaded artifacts (read, and written by --bisect)")
    parser.add_argument("--bisect", action="store_true", help="download releases until every boundary is exact")
    parser.add_argument("--releases", type=Path, help="saved `pip index versions sagemaker` output")
    parser.add_argument("--rounds", type=int, default=1000, help="stop bisecting after N rounds")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    parser.add_argument("--check", action="store_true", help="compare with --output, write nothing")
    args = parser.parse_args(argv)
    def write(tables: Tables) -> None:
        args.output.write_text(render(tables), encoding="utf-8")

    bisect = args.bisect and not args.check
    tables = generate(args.folders, bisect, args.cache, args.releases, args.rounds,
                      write if bisect else None)
    text = render(tables)
    if not args.check:
        args.output.write_text(text, encoding="utf-8")
        return 0
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    checked_in = _load(args.output)
    if set(checked_in.READ) <= {r.version for r in tables.read}:
        if current == text:
            return 0
        diff = difflib.unified_diff(current.splitlines(), text.splitlines(), str(args.output),
                                    "generated", lineterm="", n=1)
        sys.stderr.write("\n".join(list(diff)[:200]) + "\n")
        sys.stderr.write(f"{args.output} is out of date: run scripts/gen_sdk_generations.py\n")
        return 1
    problems = partial_check(tables, checked_in)
    for problem in problems[:100]:
        sys.stderr.write(problem + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
