"""The modules in a package's folders, listed as `pkgutil.iter_modules` lists them, for less.

Every run lists the rule modules (`sagelint.selection`) and the surface modules
(`sagelint.analysis.gate`) before its first file. `pkgutil` asks `inspect.getmodulename` about
every entry, and each entry's `stat`, and lists the `__pycache__` folder to see whether it is a
package: most of a millisecond for the rules alone, plus `pkgutil`'s own import. This lists
each folder once with `os.scandir` and answers the same: for each name, in `pkgutil`'s order
(the first folder's first, each folder's entries sorted), whether it is a package. A location
that is not a folder (a zip archive) is left to `pkgutil`.
"""

from __future__ import annotations

import os
from importlib.machinery import all_suffixes
from typing import Dict, Iterable, List, Optional, Tuple

# An entry's module name as `inspect.getmodulename` gives it: the longest module suffix off.
_SUFFIXES = sorted(all_suffixes(), key=len, reverse=True)
_INITS = frozenset(f"__init__{suffix}" for suffix in _SUFFIXES)


def _module_name(file_name: str) -> Optional[str]:
    for suffix in _SUFFIXES:
        if file_name.endswith(suffix):
            return file_name[: -len(suffix)]
    return None


def _is_package(folder: str) -> bool:
    try:
        return not _INITS.isdisjoint(os.listdir(folder))
    except OSError:
        return False


def _listing(folder: str) -> List[Tuple[str, bool]]:
    """One folder's modules as pkgutil's file finder yields them."""
    try:
        with os.scandir(folder) as found:
            entries = sorted((entry.name, entry) for entry in found)
    except OSError:
        return []
    yielded: Dict[str, bool] = {}
    for name, entry in entries:
        module = _module_name(name)
        if module == "__init__" or module in yielded:
            continue
        package = False
        if not module:
            try:
                folder_entry = entry.is_dir()
            except OSError:
                folder_entry = False
            if not folder_entry or "." in name or not _is_package(entry.path):
                continue
            module, package = name, True
        if "." not in module:
            yielded[module] = package
    return list(yielded.items())


def iter_modules(paths: Iterable[str]) -> List[Tuple[str, str, bool]]:
    """(folder, name, is a package) of each module `pkgutil.iter_modules(paths)` yields (its
    `module_finder.path`, `name`, `ispkg`), in its order."""
    yielded: Dict[str, Tuple[str, str, bool]] = {}
    for path in paths:
        if os.path.isdir(path):
            listed = _listing(path)
        else:
            import pkgutil

            listed = [(info.name, info.ispkg) for info in pkgutil.iter_modules([path])]
        for name, package in listed:
            yielded.setdefault(name, (path, name, package))
    return list(yielded.values())
