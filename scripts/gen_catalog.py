"""Generate `src/sagelint/catalog_sdk.py` from the SageMaker SDK's own wheels.

    pip download 'sagemaker==2.*' sagemaker-core sagemaker-train sagemaker-serve \
        sagemaker-mlops --no-deps -d wheels
    python scripts/gen_catalog.py wheels/*.whl > src/sagelint/catalog_sdk.py

The wheels are read with `zipfile` and `ast`: the SDK is never installed or imported. For the
SDK v2 wheel, every class that derives (at any depth) from `sagemaker.estimator.EstimatorBase`
or `sagemaker.model.Model` is found, and with it every public path it can be imported from:
its own module, and each public package (`__init__.py`) or module `__all__` that re-exports
it, also under another name (`from .x import A as B`, `B = deprecated_class(A, ...)`). The v3
packages (sagemaker-core, -train, -serve, -mlops share the `sagemaker` namespace) are read
as one tree for the few classes the rules name there. The output is a Python module of
plain tables, sorted, so the same wheels always give the same bytes.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

ESTIMATOR_ROOT = "sagemaker.estimator.EstimatorBase"
MODEL_ROOT = "sagemaker.model.Model"
# Classes the rules name beyond the two hierarchies, by where they are defined.
V2_NAMED = (
    "sagemaker.pipeline.PipelineModel",
    "sagemaker.local.local_session.LocalSession",
    "sagemaker.serve.builder.model_builder.ModelBuilder",
    "sagemaker.serve.mode.function_pointers.Mode",
    "sagemaker.modules.train.model_trainer.ModelTrainer",
)
V3_NAMED = (
    "sagemaker.serve.model_builder.ModelBuilder",
    "sagemaker.serve.bedrock_model_builder.BedrockModelBuilder",
    "sagemaker.serve.mode.function_pointers.Mode",
    "sagemaker.train.model_trainer.ModelTrainer",
    "sagemaker.core.resources.TrainingJob",
    "sagemaker.core.local.local_session.LocalSession",
)
# v3 model customization: what ModelBuilder(model=...) deploys through inference components.
V3_ROOTS = (("trainer", "sagemaker.train.base_trainer.BaseTrainer"),)
DEPLOY_TIMEOUTS = ("container_startup_health_check_timeout", "model_data_download_timeout")
# Functions whose result is their first argument under another name.
ALIAS_FACTORIES = frozenset({"deprecated_class"})


@dataclass
class Module:
    name: str
    is_package: bool
    classes: Dict[str, ast.ClassDef] = field(default_factory=dict)
    # local name -> the dotted name it refers to (imports and plain aliases)
    bindings: Dict[str, str] = field(default_factory=dict)
    exported: Optional[Set[str]] = None  # __all__, when it is a literal list
    assigned: Set[str] = field(default_factory=set)  # `B = A`, `B = deprecated_class(A, ...)`

    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


def _absolute(module: Module, level: int, target: Optional[str]) -> str:
    if level == 0:
        return target or ""
    base = module.package().split(".")
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def _dotted(node: ast.expr) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _read_module(name: str, is_package: bool, source: str) -> Module:
    module = Module(name, is_package)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return module
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            _read_lazy_exports(module, node)
        elif isinstance(node, ast.ClassDef):
            module.classes[node.name] = node
        elif isinstance(node, ast.ImportFrom):
            source_module = _absolute(module, node.level, node.module)
            for alias in node.names:
                if alias.name != "*":
                    module.bindings[alias.asname or alias.name] = f"{source_module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    module.bindings[alias.asname] = alias.name
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            _read_assignment(module, node.targets[0], node.value)
    return module


def _read_lazy_exports(module: Module, getattr_function: ast.FunctionDef) -> None:
    """A package's `__getattr__` that imports a name on first use (PEP 562) exports it."""
    for node in ast.walk(getattr_function):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                module.bindings.setdefault(alias.asname or alias.name, f"{node.module}.{alias.name}")


def _read_assignment(module: Module, target: ast.expr, value: ast.expr) -> None:
    if not isinstance(target, ast.Name):
        return
    if target.id == "__all__" and isinstance(value, (ast.List, ast.Tuple)):
        module.exported = {
            item.value for item in value.elts
            if isinstance(item, ast.Constant) and isinstance(item.value, str)
        }
        return
    if isinstance(value, ast.Call) and value.args and _dotted(value.func) is not None:
        if str(_dotted(value.func)).rsplit(".", 1)[-1] in ALIAS_FACTORIES:
            value = value.args[0]
    dotted = _dotted(value)
    if dotted is not None:
        module.bindings[target.id] = dotted
        module.assigned.add(target.id)


class Tree:
    """The modules of one SDK tree and what their names refer to."""

    def __init__(self, modules: Dict[str, Module]) -> None:
        self.modules = modules

    def canonical(self, dotted: str, seen: Optional[Set[str]] = None) -> Optional[str]:
        """`module.Class` where a dotted name's class is defined, or None."""
        seen = set() if seen is None else seen
        if dotted in seen:
            return None
        seen.add(dotted)
        module_name, _, name = dotted.rpartition(".")
        module = self.modules.get(module_name)
        if module is None:
            return None
        if name in module.classes:
            return dotted
        target = module.bindings.get(name)
        if target is None:
            return None
        return self.canonical(self._in_module(module, target), seen)

    def _in_module(self, module: Module, dotted: str) -> str:
        """A dotted name as written in a module, made absolute through its bindings."""
        head, _, rest = dotted.partition(".")
        if head in module.bindings:
            return module.bindings[head] + ("." + rest if rest else "")
        if head in module.classes:
            return f"{module.name}.{dotted}"
        return dotted

    def bases(self, canonical: str) -> List[str]:
        module_name, _, name = canonical.rpartition(".")
        module = self.modules[module_name]
        out = []
        for base in module.classes[name].bases:
            dotted = _dotted(base)
            resolved = self.canonical(self._in_module(module, dotted)) if dotted else None
            if resolved is not None:
                out.append(resolved)
        return out

    def all_classes(self) -> Iterable[str]:
        for module in self.modules.values():
            for name in module.classes:
                yield f"{module.name}.{name}"

    def derives_from(self, canonical: str, root: str, seen: Optional[Set[str]] = None) -> bool:
        seen = set() if seen is None else seen
        if canonical == root:
            return True
        if canonical in seen:
            return False
        seen.add(canonical)
        return any(self.derives_from(base, root, seen) for base in self.bases(canonical))

    def method(self, canonical: str, name: str) -> Optional[ast.FunctionDef]:
        """The method as inherited (depth first, left to right: enough for these classes)."""
        module_name, _, cls = canonical.rpartition(".")
        for node in self.modules[module_name].classes[cls].body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                return node
        for base in self.bases(canonical):
            found = self.method(base, name)
            if found is not None:
                return found
        return None

    def public_paths(self, wanted: Set[str]) -> Dict[str, str]:
        """Every public `module.Name` that is one of the wanted classes -> that class."""
        out: Dict[str, str] = {}
        for module in self.modules.values():
            if any(part.startswith("_") for part in module.name.split(".")):
                continue
            names = set(module.classes) | set(module.bindings)
            for name in names:
                if name.startswith("_"):
                    continue
                defined_here = name in module.classes
                exported = module.is_package or (
                    module.exported is not None and name in module.exported
                )
                # An alias assigned in a module is a public name kept for old code.
                if not (defined_here or exported or name in module.assigned):
                    continue
                canonical = self.canonical(f"{module.name}.{name}")
                if canonical in wanted:
                    out[f"{module.name}.{name}"] = canonical
        return out


def read_tree(wheels: Iterable[Path]) -> Tree:
    modules: Dict[str, Module] = {}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for info in archive.infolist():
                path = info.filename
                if not path.startswith("sagemaker/") or not path.endswith(".py"):
                    continue
                parts = path[: -len(".py")].split("/")
                is_package = parts[-1] == "__init__"
                if is_package:
                    parts = parts[:-1]
                name = ".".join(parts)
                source = archive.read(info).decode("utf-8", errors="replace")
                modules[name] = _read_module(name, is_package, source)
    return Tree(modules)


def takes_timeouts(tree: Tree, canonical: str) -> Optional[str]:
    """How the class's deploy() takes the endpoint timeouts: "named", "kwargs", or None."""
    deploy = tree.method(canonical, "deploy")
    if deploy is None:
        return None
    names = {arg.arg for arg in deploy.args.args + deploy.args.kwonlyargs}
    if all(name in names for name in DEPLOY_TIMEOUTS):
        return "named"
    return "kwargs" if deploy.args.kwarg is not None else None


def model_data_position(tree: Tree, canonical: str) -> Optional[int]:
    """Where `model_data` is among the positional parameters of the class's constructor
    (self not counted); None when it has none."""
    init = tree.method(canonical, "__init__")
    if init is None:
        return None
    names = [arg.arg for arg in init.args.posonlyargs + init.args.args][1:]
    return names.index("model_data") if "model_data" in names else None


def _version(wheel: Path) -> str:
    match = re.match(r"([A-Za-z0-9_]+)-([^-]+)-", wheel.name)
    return f"{match.group(1).replace('_', '-')} {match.group(2)}" if match else wheel.name


def generate(wheels: List[Path]) -> str:
    v2_wheels = [w for w in wheels if re.match(r"sagemaker-2\.", w.name)]
    v3_wheels = [w for w in wheels if re.match(r"sagemaker_(core|train|serve|mlops)-", w.name)]
    if len(v2_wheels) != 1 or not v3_wheels:
        raise SystemExit("give one sagemaker 2.x wheel and the sagemaker-core/-train/-serve/-mlops wheels")
    v2 = read_tree(v2_wheels)
    v3 = read_tree(v3_wheels)
    # canonical -> (kind, deploy timeouts, model_data position)
    kinds: Dict[str, Tuple[str, Optional[str], Optional[int]]] = {}
    for canonical in sorted(v2.all_classes()):
        for kind, root in (("estimator", ESTIMATOR_ROOT), ("model", MODEL_ROOT)):
            if v2.derives_from(canonical, root):
                position = model_data_position(v2, canonical) if kind == "model" else None
                kinds[canonical] = (kind, takes_timeouts(v2, canonical), position)
    for canonical in V2_NAMED:
        if canonical not in v2.all_classes():
            raise SystemExit(f"{canonical} is not in the v2 wheel: update V2_NAMED")
        kinds.setdefault(canonical, ("named", takes_timeouts(v2, canonical), None))
    v2_paths = v2.public_paths(set(kinds))
    v3_known = set(v3.all_classes())
    v3_wanted = set()
    for canonical in sorted(v3_known):
        for kind, root in V3_ROOTS:
            if canonical != root and v3.derives_from(canonical, root):
                kinds.setdefault(canonical, (kind, None, None))
                v3_wanted.add(canonical)
    for canonical in V3_NAMED:
        if canonical not in v3_known:
            raise SystemExit(f"{canonical} is not in the v3 wheels: update V3_NAMED")
        kinds.setdefault(canonical, ("named", takes_timeouts(v3, canonical), None))
        v3_wanted.add(canonical)
    v3_paths = v3.public_paths(v3_wanted)
    return render(wheels, kinds, v2_paths, v3_paths)


def render(
    wheels: List[Path],
    kinds: Dict[str, Tuple[str, Optional[str], Optional[int]]],
    v2_paths: Dict[str, str],
    v3_paths: Dict[str, str],
) -> str:
    lines = [
        '"""Generated by scripts/gen_catalog.py from the SDK wheels: do not edit by hand.',
        "",
        "Read from: " + ", ".join(sorted(_version(w) for w in wheels)) + ".",
        "",
        "CLASSES: where each class is defined -> (kind, how its deploy() takes the endpoint",
        'timeouts: "named" parameters, only through "kwargs", or None when it has no deploy;',
        "for a model, the position of `model_data` among its constructor's parameters).",
        "V2_PATHS / V3_PATHS: every public import path -> where that class is defined.",
        '"""',
        "",
        "from typing import Dict, Optional, Tuple",
        "",
        "CLASSES: Dict[str, Tuple[str, Optional[str], Optional[int]]] = {",
    ]
    for canonical in sorted(kinds):
        kind, timeouts, position = kinds[canonical]
        lines.append(f"    {canonical!r}: ({kind!r}, {timeouts!r}, {position!r}),")
    lines.append("}")
    for title, paths in (("V2_PATHS", v2_paths), ("V3_PATHS", v3_paths)):
        lines += ["", f"{title}: Dict[str, str] = {{"]
        for path in sorted(paths):
            lines.append(f"    {path!r}: {paths[path]!r},")
        lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheels", nargs="+", type=Path)
    parser.add_argument("--output", type=Path, help="write here instead of standard output")
    args = parser.parse_args(argv)
    text = generate(args.wheels)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
