"""sagelint.module_listing lists a package's modules as `pkgutil.iter_modules` does (every run
lists the rule and surface modules before its first file, without pkgutil)."""

from __future__ import annotations

import importlib.util
import os
import pkgutil
from pathlib import Path
from typing import List, Sequence, Tuple

from sagelint.module_listing import iter_modules


def _pkgutil(paths: Sequence[str]) -> List[Tuple[str, str, bool]]:
    return [
        (getattr(info.module_finder, "path", ""), info.name, info.ispkg)
        for info in pkgutil.iter_modules(list(paths))
    ]


def _folders(package: str) -> List[str]:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations is not None
    return list(spec.submodule_search_locations)


def test_the_rule_and_surface_folders_list_alike() -> None:
    for package in ("sagelint.rules", "sagelint.surfaces", "sagelint.analysis", "sagelint"):
        folders = _folders(package)
        assert iter_modules(folders) == _pkgutil(folders), package
        for root, name, is_package in iter_modules(folders):
            if is_package:
                inner = [os.path.join(root, name)]
                assert iter_modules(inner) == _pkgutil(inner), name


def test_odd_entries_list_alike(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        folder.mkdir()
    (first / "__init__.py").write_text("")
    (first / "sm101_plain.py").write_text("")
    (first / "compiled.pyc").write_bytes(b"")
    (first / "native.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    (first / "dotted.name.py").write_text("")
    (first / "notes.txt").write_text("")
    (first / ".py").write_text("")
    (first / "package").mkdir()
    (first / "package" / "__init__.py").write_text("")
    (first / "compiled_package").mkdir()
    (first / "compiled_package" / "__init__.pyc").write_bytes(b"")
    (first / "plain_folder").mkdir()
    (first / "plain_folder" / "inner.py").write_text("")
    (first / "dotted.folder").mkdir()
    (first / "dotted.folder" / "__init__.py").write_text("")
    (first / "twin").mkdir()
    (first / "twin" / "__init__.py").write_text("")
    (first / "twin.py").write_text("")  # the package is listed first, the module not
    (first / "__pycache__").mkdir()
    (first / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"")
    (second / "sm101_plain.py").write_text("")  # the first folder's wins
    (second / "sm102_other.py").write_text("")
    paths = [str(first), str(second), str(tmp_path / "missing"), str(first / "notes.txt")]
    assert iter_modules(paths) == _pkgutil(paths)
    assert [name for _, name, _ in iter_modules(paths)] == [
        "compiled", "compiled_package", "native", "package", "sm101_plain", "twin", "sm102_other",
    ]
