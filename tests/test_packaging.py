"""Installing from the repository, for real: the sdist is built from a copy of this checkout,
the wheel from the unpacked sdist (as `python -m build` does, so the sdist is proven to hold
what a build needs), and the wheel is installed into a fresh folder whose `sagelint` checks a
SageMaker script.

Everything runs offline: the build uses this interpreter's setuptools (the test extra pins one
that builds wheels by itself) and the installed wheel uses this interpreter's dependencies.
"""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Dict, List, Set

import pytest

import sagelint
from conftest import ROOT
from test_cli import BAD, GOOD


def _setuptools_builds_wheels() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    major = re.match(r"\d+", setuptools.__version__)
    return major is not None and int(major.group()) >= 77


pytestmark = pytest.mark.skipif(
    not _setuptools_builds_wheels(),
    reason="needs setuptools>=77 in this interpreter to build offline (the test extra installs it)",
)

# What the sdist is made from: the build's inputs, not tests, fixtures or benchmarks.
SOURCES = ("pyproject.toml", "README.md", "CHANGELOG.md", "MANIFEST.in", "src")
VERSION = sagelint.__version__
# Generated tables the package reads at run time: a build that dropped one would still import.
GENERATED = ("sagelint/codes.py", "sagelint/instance_gpus.py", "sagelint/catalog.py",
             "sagelint/catalog_sdk.py")

BUILD = """\
import sys
from setuptools import build_meta
kind, out = sys.argv[1], sys.argv[2]
build = build_meta.build_sdist if kind == "sdist" else build_meta.build_wheel
print(build(out))
"""


def _offline_env(**extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SAGELINT_", "PIP_"))}
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env


def _build(kind: str, source: Path, out: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "-c", BUILD, kind, str(out)], cwd=source, env=_offline_env(),
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out / done.stdout.strip().splitlines()[-1]


def _package_files() -> Set[str]:
    """Every file of the package in this checkout, as a wheel names it."""
    package = ROOT / "src" / "sagelint"
    return {
        "sagelint/" + path.relative_to(package).as_posix()
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Path]:
    base = tmp_path_factory.mktemp("packaging")
    copy, out = base / "checkout", base / "dist"
    out.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, copy / name, ignore=ignore)
        else:
            copy.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    sdist = _build("sdist", copy, out)
    unpacked = base / "unpacked"
    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):  # Python 3.12, and 3.9-3.11 security releases
            archive.extractall(unpacked, filter="data")
        else:
            archive.extractall(unpacked)
    wheel = _build("wheel", unpacked / f"sagelint-{VERSION}", out)
    return {"sdist": sdist, "wheel": wheel, "base": base}


def test_wheel_holds_the_package_and_nothing_else(dist: Dict[str, Path]) -> None:
    assert dist["wheel"].name == f"sagelint-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
        metadata = email.message_from_bytes(wheel.read(f"sagelint-{VERSION}.dist-info/METADATA"))
        entry_points = wheel.read(f"sagelint-{VERSION}.dist-info/entry_points.txt").decode()
    info = {name for name in names if name.startswith(f"sagelint-{VERSION}.dist-info/")}
    # No tests, fixtures, benchmarks or scripts: only the package and its metadata.
    assert names - info == _package_files()
    assert not [name for name in names if re.match(r"(tests|fixtures|bench|scripts)/", name)]
    for table in GENERATED:
        assert table in names
    assert metadata["Version"] == VERSION
    assert metadata["License-Expression"] == "Apache-2.0"
    requires = metadata.get_all("Requires-Dist") or []
    assert any(line.startswith("libcst") for line in requires), requires
    assert "sagelint = sagelint.cli:main" in entry_points


def test_sdist_has_what_a_build_needs_and_no_tests(dist: Dict[str, Path]) -> None:
    prefix = f"sagelint-{VERSION}/"
    with tarfile.open(dist["sdist"]) as archive:
        names = {member.name[len(prefix):] for member in archive.getmembers() if member.isfile()}
    for needed in ("pyproject.toml", "README.md", "CHANGELOG.md", "PKG-INFO"):
        assert needed in names
    assert {"src/" + name for name in _package_files()} <= names
    assert not [name for name in names if re.match(r"(tests|fixtures|bench)/", name)]
    # The wheel in `dist` was built from this sdist unpacked: that build is the proof that it
    # holds what a build needs.
    assert dist["wheel"].exists()


def _installed(dist: Dict[str, Path]) -> Path:
    target = dist["base"] / "installed"
    if not target.exists():
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target),
             str(dist["wheel"])],
            env=_offline_env(), capture_output=True, text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    return target


def _run(command: List[str], target: Path, cwd: Path) -> subprocess.CompletedProcess:
    # The installed copy alone: PYTHONPATH puts it before this interpreter's site-packages,
    # which may hold an editable install of the checkout.
    return subprocess.run(command, cwd=cwd, env=_offline_env(PYTHONPATH=str(target)),
                          capture_output=True, text=True)


def test_installed_wheel_checks_a_sagemaker_script(dist: Dict[str, Path], tmp_path: Path) -> None:
    target = _installed(dist)
    (tmp_path / "deploy.py").write_text(BAD)
    (tmp_path / "clean.py").write_text(GOOD)
    where = _run([sys.executable, "-c", "import sagelint; print(sagelint.__file__)"], target, tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(target), where.stdout + where.stderr

    done = _run([sys.executable, "-m", "sagelint", "check", "--no-cache",
                 "--output-format", "concise", "."], target, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    codes = re.findall(r"^deploy\.py:\d+:\d+: (SM\d{3})", done.stdout, flags=re.M)
    assert sorted(set(codes)) == ["SM101", "SM201", "SM202"], done.stdout
    assert "clean.py" not in done.stdout

    # The console script the wheel declares, as pip wrote it.
    script = target / "bin" / "sagelint"
    version = _run([str(script), "--version"], target, tmp_path)
    assert version.stdout.strip() == f"sagelint {VERSION}", version.stdout + version.stderr
    clean = _run([str(script), "check", "--no-cache", "clean.py"], target, tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
