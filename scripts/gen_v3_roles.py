"""Generate `src/sagelint/catalog_v3.py`: every public import path of each SDK v3 role.

    pip download --no-deps -d wheels sagemaker==3.27.0 sagemaker-core==2.27.0 \
        sagemaker-train==1.27.0 sagemaker-serve==1.27.0 sagemaker-mlops==1.27.0
    python scripts/gen_v3_roles.py wheels            # rewrites src/sagelint/catalog_v3.py
    python scripts/gen_v3_roles.py --check wheels    # exit 1 when the checked-in file differs

The wheels are read as data with `zipfile` and `ast`; nothing is installed or imported.
`ROLES` below is the only hand-written part: role -> the names that *define* it (classes and
functions, `module.Name` where the `class` or `def` statement is). Everything else is found:
the public paths of each defining name (its module, package re-exports, PEP 562 lazy exports,
`__all__`, alias assignments, star re-exports followed transitively, imports inside
top-level `try` / `if`), and the field or parameter names of each (V3_FIELDS), so a field
renamed in a newer wheel shows up as a diff instead of silencing a rule.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import re
import sys
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, Union

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_catalog import ALIAS_FACTORIES, _dotted, _version  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "src" / "sagelint" / "catalog_v3.py"

_RESOURCES = (
    "Model", "Endpoint", "EndpointConfig", "InferenceComponent", "TrainingJob",
    "HyperParameterTuningJob", "ProcessingJob", "TransformJob", "ModelPackage",
)
_SHAPES = (
    "AsyncInferenceClientConfig", "AsyncInferenceConfig", "ContainerDefinition",
    "DataCaptureConfig", "HyperParameterTrainingJobDefinition",
    "InferenceComponentComputeResourceRequirements", "InferenceComponentContainerSpecification",
    "InferenceComponentSpecification", "InferenceComponentStartupParameters", "InstanceGroup",
    "InstancePreference", "OutputDataConfig", "ProcessingClusterConfig",
    "ProcessingInstancePreference", "ProcessingResources", "ProcessingStoppingCondition",
    "ProductionVariant", "ProductionVariantServerlessConfig", "ResourceConfig",
    "TransformResources", "VpcConfig",
)
# role -> its defining names (shared/V3.md section 3). The role keys are what the code asks
# for (`catalog.v3("role")`): add roles, never rename or remove one.
ROLES: Dict[str, Tuple[str, ...]] = {
    "session": ("sagemaker.core.helper.session_helper.Session",),
    "local-session": ("sagemaker.core.local.local_session.LocalSession",),
    "remote": ("sagemaker.core.remote_function.client.remote",),
    "remote-executor": ("sagemaker.core.remote_function.client.RemoteExecutor",),
    "step": ("sagemaker.mlops.workflow.function_step.step",),
    "serverless-config": ("sagemaker.core.inference_config.ServerlessInferenceConfig",),
    "serverless-config-rejected": (
        "sagemaker.core.serverless_inference_config.ServerlessInferenceConfig",
    ),
    "async-config": ("sagemaker.core.inference_config.AsyncInferenceConfig",),
    "resource-requirements": ("sagemaker.core.resource_requirements.ResourceRequirements",),
    "resource-requirements-rejected": (
        "sagemaker.core.compute_resource_requirements.resource_requirements.ResourceRequirements",
    ),
    "compute": (
        "sagemaker.core.training.configs.Compute",
        "sagemaker.core.modules.configs.Compute",
    ),
    "serve-compute": ("sagemaker.serve.configs.Compute",),
    "networking": (
        "sagemaker.core.training.configs.Networking",
        "sagemaker.core.modules.configs.Networking",
    ),
    "serve-network": ("sagemaker.serve.configs.Network",),
    "stopping-condition": ("sagemaker.core.shapes.shapes.StoppingCondition",),
    "checkpoint-config": (
        "sagemaker.core.training.configs.CheckpointConfig",
        "sagemaker.core.shapes.shapes.CheckpointConfig",
    ),
    "source-code": (
        "sagemaker.core.training.configs.SourceCode",
        "sagemaker.core.modules.configs.SourceCode",
    ),
    # ModelTrainer(output_data_config=) takes the training-configs subclass; core resources
    # take the shape (added by the generator's author: not in the hand stub)
    "output-data-config": (
        "sagemaker.core.training.configs.OutputDataConfig",
        "sagemaker.core.shapes.shapes.OutputDataConfig",
    ),
    "model-trainer": ("sagemaker.train.model_trainer.ModelTrainer",),
    "model-builder": ("sagemaker.serve.model_builder.ModelBuilder",),
    "builder-mode": ("sagemaker.serve.mode.function_pointers.Mode",),
    # the `Mode` that model_trainer uses is its own class (not re-exported anywhere)
    "trainer-mode": ("sagemaker.train.model_trainer.Mode",),
    "tuner": ("sagemaker.train.tuner.HyperparameterTuner",),
    "processor": (
        "sagemaker.core.processing.Processor",
        "sagemaker.core.processing.ScriptProcessor",
        "sagemaker.core.processing.FrameworkProcessor",
    ),
    "transformer": ("sagemaker.core.transformer.Transformer",),
    "instance-group": ("sagemaker.core.instance_group.InstanceGroup",),
    "data-capture": ("sagemaker.core.model_monitor.data_capture_config.DataCaptureConfig",),
    "image-uris-retrieve": ("sagemaker.core.image_uris.retrieve",),
    **{f"resource:{name}": (f"sagemaker.core.resources.{name}",) for name in _RESOURCES},
    **{f"shape:{name}": (f"sagemaker.core.shapes.shapes.{name}",) for name in _SHAPES},
}
# Methods whose parameters V3_FIELDS records besides the defining names' own.
METHODS: Tuple[str, ...] = (
    *(f"sagemaker.core.resources.{name}.create" for name in _RESOURCES),
    "sagemaker.serve.model_builder.ModelBuilder.deploy",
    "sagemaker.core.helper.session_helper.Session.create_inference_component",
)
# The wheels read, by distribution name (the meta-package `sagemaker` holds no module).
DISTRIBUTIONS = (
    "sagemaker", "sagemaker_core", "sagemaker_train", "sagemaker_serve", "sagemaker_mlops",
)

Definition = Union[ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef]


@dataclass
class Module:
    name: str
    is_package: bool
    defs: Dict[str, Definition] = field(default_factory=dict)
    # local name -> the absolute dotted name it is bound to (imports, aliases)
    bindings: Dict[str, str] = field(default_factory=dict)
    lazy: Set[str] = field(default_factory=set)  # bound by a PEP 562 `__getattr__`
    assigned: Set[str] = field(default_factory=set)  # `B = A`, `B = deprecated_class(A, ...)`
    stars: List[str] = field(default_factory=list)  # modules this one does `from X import *` of
    exported: Optional[List[str]] = None  # `__all__`, when it is a literal list
    # `__getattr__` that answers `getattr(<module>, name)` for the names of `__all__`
    lazy_all_from: Optional[str] = None

    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]

    def absolute(self, level: int, target: Optional[str]) -> str:
        if level == 0:
            return target or ""
        base = self.package().split(".")
        base = base[: len(base) - (level - 1)]
        return ".".join(base + ([target] if target else []))


def _top_level(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, including those inside top-level `try` and `if` blocks (an
    import guarded by `try: ... except ImportError:` still binds on a normal install)."""
    for node in body:
        if isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _top_level(block)
            for handler in node.handlers:
                yield from _top_level(handler.body)
        elif isinstance(node, ast.If):
            # `if TYPE_CHECKING:` never runs: its imports bind nothing
            written = _dotted(node.test)
            if written is None or written.rsplit(".", 1)[-1] != "TYPE_CHECKING":
                yield from _top_level(node.body)
            yield from _top_level(node.orelse)
        else:
            yield node


def _strings(node: ast.expr) -> Optional[List[str]]:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]


def read_module(name: str, is_package: bool, source: str) -> Module:
    module = Module(name, is_package)
    try:
        with warnings.catch_warnings():  # invalid escapes in the SDK's own strings
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except SyntaxError:
        return module
    aliases: Dict[str, str] = {}  # alias assignments, made absolute once all bindings are known
    for node in _top_level(tree.body):
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            _read_lazy(module, node)
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            module.defs[node.name] = node
        elif isinstance(node, ast.ImportFrom):
            source_module = module.absolute(node.level, node.module)
            for alias in node.names:
                if alias.name == "*":
                    module.stars.append(source_module)
                else:
                    module.bindings[alias.asname or alias.name] = f"{source_module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    module.bindings[alias.asname] = alias.name
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            _read_assignment(module, node, aliases)
    for local, dotted in aliases.items():
        head, _, rest = dotted.partition(".")
        if head in module.bindings:
            dotted = module.bindings[head] + ("." + rest if rest else "")
        elif head in module.defs:
            dotted = f"{module.name}.{dotted}"
        else:
            continue
        module.bindings[local] = dotted
        module.assigned.add(local)
    return module


def _read_assignment(
    module: Module, node: Union[ast.Assign, ast.AugAssign, ast.AnnAssign], aliases: Dict[str, str]
) -> None:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if len(targets) != 1 or not isinstance(targets[0], ast.Name) or node.value is None:
        return
    target, value = targets[0].id, node.value
    if target == "__all__":
        names = _strings(value)
        if names is not None:
            base = module.exported if isinstance(node, ast.AugAssign) and module.exported else []
            module.exported = base + names
        return
    if isinstance(value, ast.Call) and value.args and _dotted(value.func) is not None:
        if str(_dotted(value.func)).rsplit(".", 1)[-1] in ALIAS_FACTORIES:
            value = value.args[0]
    dotted = _dotted(value)
    if dotted is not None and not isinstance(node, ast.AugAssign):
        aliases[target] = dotted


def _read_lazy(module: Module, getattr_function: ast.FunctionDef) -> None:
    """A `__getattr__` (PEP 562) that imports a name on first use exports it: `if name ==
    "X": from m import X`, or `from pkg import mod; return getattr(mod, name)` for the names
    of `__all__`."""
    imported: Dict[str, str] = {}
    for node in ast.walk(getattr_function):
        if isinstance(node, ast.ImportFrom):
            source_module = module.absolute(node.level, node.module)
            for alias in node.names:
                local = alias.asname or alias.name
                imported[local] = f"{source_module}.{alias.name}"
                if not local.startswith("_") or local == alias.name:
                    module.bindings.setdefault(local, imported[local])
                    module.lazy.add(local)
    for node in ast.walk(getattr_function):
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "getattr" and node.args
            and isinstance(node.args[0], ast.Name) and node.args[0].id in imported
        ):
            module.lazy_all_from = imported[node.args[0].id]


class Tree:
    """The modules of the v3 wheels (one `sagemaker` namespace) and what their names are."""

    def __init__(self, modules: Dict[str, Module]) -> None:
        self.modules = modules
        for module in modules.values():
            if module.lazy_all_from and module.exported:
                for name in module.exported:
                    if name not in module.bindings and name not in module.defs:
                        module.bindings[name] = f"{module.lazy_all_from}.{name}"
                        module.lazy.add(name)

    def definition(self, dotted: str) -> Optional[Definition]:
        module_name, _, name = dotted.rpartition(".")
        module = self.modules.get(module_name)
        return module.defs.get(name) if module is not None else None

    def star_names(self, module_name: str, seen: Optional[Set[str]] = None) -> Set[str]:
        """The names `from <module> import *` binds: its `__all__`, else its public names
        (own, imported, and those it got through its own star imports)."""
        seen = set() if seen is None else seen
        module = self.modules.get(module_name)
        if module is None or module_name in seen:
            return set()
        seen.add(module_name)
        if module.exported is not None:
            return set(module.exported)
        names = set(module.defs) | set(module.bindings)
        for star in module.stars:
            names |= self.star_names(star, seen)
        return {name for name in names if not name.startswith("_")}

    def resolve(
        self, module_name: str, name: str, seen: Optional[Set[Tuple[str, str]]] = None
    ) -> Optional[str]:
        """Where `module.name` is defined (`module.Name` of a class or def), or None."""
        seen = set() if seen is None else seen
        if (module_name, name) in seen:
            return None
        seen.add((module_name, name))
        module = self.modules.get(module_name)
        if module is None:
            return None
        if name in module.defs:
            return f"{module_name}.{name}"
        if name in module.bindings:
            return self.resolve_dotted(module.bindings[name], seen)
        for star in reversed(module.stars):  # the last star import wins
            if name in self.star_names(star):
                found = self.resolve(star, name, seen)
                if found is not None:
                    return found
        return None

    def resolve_dotted(
        self, dotted: str, seen: Optional[Set[Tuple[str, str]]] = None
    ) -> Optional[str]:
        parts = dotted.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module_name = ".".join(parts[:cut])
            if module_name in self.modules:
                rest = parts[cut:]
                if len(rest) == 1:
                    return self.resolve(module_name, rest[0], seen)
                # `pkg.sub.Name` written through a name bound to a module
                bound = self.modules[module_name].bindings.get(rest[0])
                if bound is not None and bound in self.modules:
                    return self.resolve_dotted(".".join([bound] + rest[1:]), seen)
                return None
        return None

    def public_names(self, module: Module) -> Set[str]:
        """The names a module offers as its API (section 2 of shared/V3.md)."""
        names = set(module.defs) | module.lazy | module.assigned
        if module.is_package:
            names |= set(module.bindings)
        if module.exported is not None:
            names |= set(module.exported)
        for star in module.stars:
            names |= self.star_names(star)
        return {name for name in names if not name.startswith("_")}

    def public_paths(self, wanted: Set[str]) -> Dict[str, str]:
        """Every public `module.Name` bound to one of the wanted definitions -> that one."""
        out: Dict[str, str] = {}
        for module in self.modules.values():
            if any(part.startswith("_") for part in module.name.split(".")):
                continue
            for name in self.public_names(module):
                found = self.resolve(module.name, name)
                if found in wanted:
                    out[f"{module.name}.{name}"] = found
        return out

    def bases(self, dotted: str) -> List[str]:
        """The base classes of a class that are in the wheels, where each is defined."""
        node = self.definition(dotted)
        module = self.modules[dotted.rpartition(".")[0]]
        out: List[str] = []
        if not isinstance(node, ast.ClassDef):
            return out
        for base in node.bases:
            written = _dotted(base)
            if written is None:
                continue
            head, _, rest = written.partition(".")
            if head in module.defs and not rest:
                found: Optional[str] = f"{module.name}.{head}"
            elif head in module.bindings:
                found = self.resolve_dotted(module.bindings[head] + ("." + rest if rest else ""))
            else:
                found = self.resolve(module.name, head) if not rest else None
            if found is not None and found != dotted:
                out.append(found)
        return out

    def mro(self, dotted: str) -> List[str]:
        """The class, then its bases in the wheels (depth first, each once)."""
        order: List[str] = []

        def visit(name: str) -> None:
            if name in order:
                return
            order.append(name)
            for base in self.bases(name):
                visit(base)

        visit(dotted)
        return order

    def method(self, dotted: str, name: str) -> Optional[Tuple[str, ast.FunctionDef]]:
        for owner in self.mro(dotted):
            node = self.definition(owner)
            assert isinstance(node, ast.ClassDef)
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == name:
                    return owner, item
        return None


def read_tree(wheels: Iterable[Path]) -> Tree:
    modules: Dict[str, Module] = {}
    for wheel in sorted(wheels, key=lambda path: path.name):
        with zipfile.ZipFile(wheel) as archive:
            for info in sorted(archive.infolist(), key=lambda info: info.filename):
                path = info.filename
                if not path.startswith("sagemaker/") or not path.endswith(".py"):
                    continue
                parts = path[: -len(".py")].split("/")
                is_package = parts[-1] == "__init__"
                if is_package:
                    parts = parts[:-1]
                name = ".".join(parts)
                if name in modules and len(modules[name].bindings) + len(modules[name].defs):
                    continue  # the namespace `sagemaker/__init__.py` of several wheels
                source = archive.read(info).decode("utf-8", errors="replace")
                modules[name] = read_module(name, is_package, source)
    return Tree(modules)


# ---- fields and parameters ------------------------------------------------------------


def _params(function: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> List[str]:
    """Parameter names a caller can pass by keyword or position (no self/cls, no * / **)."""
    args = function.args
    names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    if names and names[0] in ("self", "cls"):
        names = names[1:]
    return [name for name in names if not name.startswith("_")]  # `remote(_func=None, ...)`


def _kwargs_keys(tree: Tree, owner: str, function: ast.FunctionDef, seen: Set[str]) -> List[str]:
    """The keys a method reads from its `**kwargs` (`kwargs.get("k")`, `kwargs["k"]`, `"k" in
    kwargs`), following `self.other(..., **kwargs)` into the same class's methods: how
    `ModelBuilder.deploy` takes its timeouts."""
    if function.args.kwarg is None or function.name in seen:
        return []
    seen.add(function.name)
    kwarg = function.args.kwarg.arg
    keys: List[str] = []
    for node in ast.walk(function):
        key: Optional[ast.expr] = None
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "pop") and isinstance(node.func.value, ast.Name)
            and node.func.value.id == kwarg and node.args
        ):
            key = node.args[0]
        elif (
            isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
            and node.value.id == kwarg
        ):
            key = node.slice
        elif (
            isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.In)
            and isinstance(node.comparators[0], ast.Name) and node.comparators[0].id == kwarg
        ):
            key = node.left
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            keys.append(key.value)
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "self"
            and any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id == kwarg
                    for k in node.keywords)
        ):
            found = tree.method(owner, node.func.attr)
            if found is not None:
                keys += _kwargs_keys(tree, owner, found[1], seen)
    return keys


def _unique(names: Iterable[str]) -> Tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _is_class_var(annotation: ast.expr) -> bool:
    written = _dotted(annotation.value if isinstance(annotation, ast.Subscript) else annotation)
    return written is not None and written.rsplit(".", 1)[-1] == "ClassVar"


def fields(tree: Tree, dotted: str) -> Tuple[str, ...]:
    """A function's parameters; a class's `__init__` parameters when a class of the wheels
    writes one, else its annotated fields (pydantic models, dataclasses), inherited first;
    for a class with neither (an Enum), the names it assigns (its members)."""
    node = tree.definition(dotted)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return _unique(_params(node))
    init = tree.method(dotted, "__init__")
    if init is not None and _params(init[1]):
        return _unique(_params(init[1]) + _kwargs_keys(tree, dotted, init[1], set()))
    names: List[str] = []
    for owner in reversed(tree.mro(dotted)):
        owner_node = tree.definition(owner)
        assert isinstance(owner_node, ast.ClassDef)
        for item in owner_node.body:
            if (
                isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
                and not item.target.id.startswith("_") and not _is_class_var(item.annotation)
            ):
                names.append(item.target.id)
    if not names and isinstance(node, ast.ClassDef):
        names = [
            target.id for item in node.body if isinstance(item, ast.Assign)
            for target in item.targets
            if isinstance(target, ast.Name) and not target.id.startswith("_")
        ]
    return _unique(names)


def method_params(tree: Tree, dotted: str) -> Tuple[str, ...]:
    owner, _, name = dotted.rpartition(".")
    found = tree.method(owner, name)
    if found is None:
        raise SystemExit(f"{dotted} is not in the wheels: update METHODS")
    return _unique(_params(found[1]) + _kwargs_keys(tree, found[0], found[1], set()))


# ---- output -------------------------------------------------------------------------


def select_wheels(paths: Sequence[Path]) -> List[Path]:
    """The v3 wheels among the given files and directories, one per distribution."""
    files: List[Path] = []
    for path in paths:
        files += sorted(path.glob("*.whl")) if path.is_dir() else [path]
    chosen: Dict[str, Path] = {}
    for wheel in files:
        match = re.match(r"([A-Za-z0-9_]+)-([^-]+)-", wheel.name)
        if match is None or match.group(1) not in DISTRIBUTIONS:
            continue
        if match.group(1) == "sagemaker" and not match.group(2).startswith("3."):
            continue  # the v2 SDK
        if match.group(1) in chosen:
            first = chosen[match.group(1)].name
            raise SystemExit(f"two wheels of {match.group(1)}: {first}, {wheel.name}")
        chosen[match.group(1)] = wheel
    missing = [name for name in DISTRIBUTIONS if name not in chosen]
    if missing:
        raise SystemExit("missing wheels: " + ", ".join(missing))
    return [chosen[name] for name in DISTRIBUTIONS]


def generate(wheels: List[Path]) -> str:
    tree = read_tree(wheels)
    wanted: Set[str] = set()
    for role, names in ROLES.items():
        for name in names:
            if tree.definition(name) is None:
                raise SystemExit(f"{name} (role {role}) is not defined in the wheels: update ROLES")
            wanted.add(name)
    paths = tree.public_paths(wanted)
    roles: Dict[str, List[str]] = {}
    for role, names in ROLES.items():
        roles[role] = sorted(path for path, found in paths.items() if found in names)
    table: Dict[str, Tuple[str, ...]] = {name: fields(tree, name) for name in wanted}
    table.update({name: method_params(tree, name) for name in METHODS})
    return render(wheels, roles, paths, table)


def render(
    wheels: List[Path],
    roles: Dict[str, List[str]],
    paths: Dict[str, str],
    table: Dict[str, Tuple[str, ...]],
) -> str:
    lines = [
        '"""SDK v3 roles: every public import path of each class or function a rule reads.',
        "",
        "Generated by scripts/gen_v3_roles.py: do not edit by hand (edit its ROLES and rerun).",
        "Read from: " + ", ".join(_version(w) for w in wheels) + ".",
        "",
        "V3_ROLES: role -> every public path of its defining names.",
        "V3_PATHS: public path -> the defining name (`module.Name` of the class or def).",
        "V3_FIELDS: defining name (or `Class.method`) -> its field or parameter names: `__init__`",
        "parameters of a class that writes one, else annotated fields of pydantic models and",
        "dataclasses (inherited ones first), else the members of an Enum; for methods and",
        "functions their parameters; then the keys `**kwargs` is read with (followed into",
        "`self.<method>(**kwargs)`).",
        '"""',
        "",
        "from typing import Dict, FrozenSet, Tuple",
        "",
        "V3_ROLES: Dict[str, FrozenSet[str]] = {",
    ]
    for role in sorted(roles):
        lines.append(f"    {role!r}: frozenset({{")
        lines += [f"        {path!r}," for path in roles[role]]
        lines.append("    }),")
    lines += ["}", "", "V3_PATHS: Dict[str, str] = {"]
    lines += [f"    {path!r}: {paths[path]!r}," for path in sorted(paths)]
    lines += ["}", "", "V3_FIELDS: Dict[str, Tuple[str, ...]] = {"]
    for name in sorted(table):
        lines.append(f"    {name!r}: (")
        lines += [f"        {item!r}," for item in table[name]]
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "wheels", nargs="+", type=Path, help="the v3 wheels, or directories of them"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    parser.add_argument("--check", action="store_true", help="compare with --output, write nothing")
    args = parser.parse_args(argv)
    text = generate(select_wheels(args.wheels))
    if not args.check:
        args.output.write_text(text, encoding="utf-8")
        return 0
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    if current == text:
        return 0
    diff = difflib.unified_diff(
        current.splitlines(), text.splitlines(), str(args.output), "generated", lineterm="", n=1
    )
    sys.stderr.write("\n".join(diff) + "\n")
    sys.stderr.write(f"{args.output} is out of date: run scripts/gen_v3_roles.py on the wheels\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
