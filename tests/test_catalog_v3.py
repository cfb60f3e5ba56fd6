"""The generated SDK v3 role table (`catalog_v3`, written by scripts/gen_v3_roles.py) is
well formed, and, when the pinned wheels are at hand (`SAGELINT_SDK_WHEELS=<dir>`, which
`.ci/run` downloads), is exactly what the generator makes of them."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from sagelint.catalog_v3 import V3_FIELDS, V3_PATHS, V3_ROLES

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "scripts" / "gen_v3_roles.py"
DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
WHEELS = os.environ.get("SAGELINT_SDK_WHEELS", "")


def _pinned() -> List[str]:
    """`name==version` of the wheels the checked-in table names in its header."""
    import sagelint.catalog_v3 as module

    header = re.search(r"Read from: (.*)\.", module.__doc__ or "")
    assert header, "catalog_v3 names no wheels"
    return [item.strip().replace(" ", "==") for item in header.group(1).split(",")]


def _wheel_files() -> List[Path]:
    """The pinned wheels in SAGELINT_SDK_WHEELS (other versions there are ignored)."""
    if not WHEELS or not Path(WHEELS).is_dir():
        return []
    found = []
    for pin in _pinned():
        name, version = pin.split("==")
        matches = sorted(Path(WHEELS).glob(f"{name.replace('-', '_')}-{version}-*.whl"))
        if not matches:
            return []
        found.append(matches[0])
    return found


NEEDS_WHEELS = pytest.mark.skipif(
    not _wheel_files(),
    reason="SAGELINT_SDK_WHEELS is not a folder holding the pinned SDK v3 wheels "
    f"({', '.join(_pinned())}; .ci/run downloads them): the generated table is not re-checked",
)


@pytest.mark.parametrize("role", sorted(V3_ROLES))
def test_every_role_has_paths(role: str) -> None:
    assert V3_ROLES[role], f"role {role} has no public path"


def test_every_path_is_a_public_dotted_name() -> None:
    paths = {path for paths in V3_ROLES.values() for path in paths} | set(V3_PATHS)
    bad = [p for p in paths if not DOTTED.match(p) or any(s.startswith("_") for s in p.split("."))]
    assert not bad


def test_paths_and_roles_agree() -> None:
    in_roles = {path for paths in V3_ROLES.values() for path in paths}
    assert in_roles == set(V3_PATHS)
    for role, paths in V3_ROLES.items():
        defining = {V3_PATHS[path] for path in paths}
        # a defining name is a public path of its own role (its module is public)
        assert defining <= paths, (role, defining - paths)


def test_ci_downloads_the_wheels_the_table_was_made_from() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    pins = re.search(r"^pins=\((.*)\)$", ci, re.MULTILINE)
    assert pins, ".ci/run pins no SDK v3 wheels"
    assert sorted(pins.group(1).split()) == sorted(_pinned())


def test_every_definition_has_fields_recorded() -> None:
    assert set(V3_PATHS.values()) <= set(V3_FIELDS)


# ---- with the wheels -----------------------------------------------------------------


def _modules(wheels: List[Path]) -> Dict[str, ast.Module]:
    """The `sagemaker` modules of the v3 wheels, parsed (not imported)."""
    out: Dict[str, ast.Module] = {}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                if name.startswith("sagemaker/") and name.endswith(".py"):
                    dotted = name[: -len(".py")].replace("/", ".").removesuffix(".__init__")
                    with warnings.catch_warnings():  # the SDK's own invalid escapes
                        warnings.simplefilter("ignore", SyntaxWarning)
                        warnings.simplefilter("ignore", DeprecationWarning)
                        out[dotted] = ast.parse(archive.read(name))
    return out


def _defined(tree: Optional[ast.Module], name: str) -> bool:
    return tree is not None and any(
        isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name == name
        for node in ast.walk(tree)
    )


@NEEDS_WHEELS
def test_the_checked_in_table_is_what_the_wheels_give() -> None:
    run = subprocess.run(
        [sys.executable, str(GENERATOR), "--check", *map(str, _wheel_files())],
        capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr[-4000:]


@NEEDS_WHEELS
def test_every_defining_name_exists_in_the_wheels() -> None:
    modules = _modules(_wheel_files())
    missing: List[str] = []
    for definition in sorted(set(V3_PATHS.values())):
        module, _, name = definition.rpartition(".")
        if not _defined(modules.get(module), name):
            missing.append(definition)
    assert not missing


def _write_wheel(path: Path, files: Dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def test_generator_finds_every_kind_of_path_without_importing(tmp_path: Path) -> None:
    """A toy namespace with each kind of public path of section 2 of V3.md; the generator's
    reading code runs on it (in process: nothing of the toy is imported)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import gen_v3_roles as gen
    finally:
        sys.path.pop(0)
    wheel = _write_wheel(tmp_path / "sagemaker_core-9.0.0-py3-none-any.whl", {
        "sagemaker/core/__init__.py": "raise SystemExit('imported')\nfrom .a import Thing\n",
        "sagemaker/core/a.py": "class Thing:\n    def __init__(self, size=1, *, name=None): ...\n"
        "Other = Thing\n",
        "sagemaker/core/b.py": "__all__ = ['Thing']\nfrom sagemaker.core.a import Thing\n",
        "sagemaker/core/shim.py": "from sagemaker.core.b import *\n",
        "sagemaker/core/shim2.py": "from .shim import *\n",
        "sagemaker/core/plain.py": "from sagemaker.core.a import Thing  # not public here\n",
        "sagemaker/core/guarded/__init__.py": "try:\n    from sagemaker.core.a import Thing\n"
        "except ImportError:\n    pass\n",
        "sagemaker/core/lazy/__init__.py": "def __getattr__(name):\n    if name == 'Thing':\n"
        "        from sagemaker.core.a import Thing\n        return Thing\n",
        "sagemaker/core/_private/__init__.py": "from sagemaker.core.a import Thing\n",
        "sagemaker/core/typing_only/__init__.py": "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from sagemaker.core.a import Thing\n",
    })
    tree = gen.read_tree([wheel])
    paths = tree.public_paths({"sagemaker.core.a.Thing"})
    assert sorted(paths) == [
        "sagemaker.core.Thing", "sagemaker.core.a.Other", "sagemaker.core.a.Thing",
        "sagemaker.core.b.Thing", "sagemaker.core.guarded.Thing", "sagemaker.core.lazy.Thing",
        "sagemaker.core.shim.Thing", "sagemaker.core.shim2.Thing",
    ]
    assert gen.fields(tree, "sagemaker.core.a.Thing") == ("size", "name")
