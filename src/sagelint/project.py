"""The files of the checked project that a check reads besides the file itself.

Values reach a call from other modules of the project and from configuration files next to
the script (docs/how-rules-decide.md). Every such read goes through one `ProjectFiles` per
checked file, which records what it read: the absolute path and a hash of the bytes (empty
when the file was missing or unreadable). A result depends on those bytes, so a cached
result (sagelint.cache) or an editor's kept result (sagelint.live) holds only while every
recorded file still hashes the same.

Nothing read here is executed or imported: the bytes are parsed as data.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple

from sagelint.paths import checked_folder

# Files larger than this are not read: a configuration file or module of this size is not
# where a script keeps its settings, and reading it would cost more than it could give.
MAX_READ_BYTES = 2_000_000

Overlay = Callable[[str], Optional[bytes]]


def read_hash(data: Optional[bytes]) -> str:
    """The recorded fingerprint of a read: a hash of the bytes, empty for no file."""
    import hashlib  # here: a run that reads no other file never loads OpenSSL's hashes

    return "" if data is None else hashlib.blake2b(data, digest_size=16).hexdigest()


def current_hash(path: str, overlay: Optional[Overlay] = None) -> str:
    """The fingerprint a recorded read would get now (through `overlay` first)."""
    data = overlay(path) if overlay is not None else None
    return read_hash(data if data is not None else _read_disk(path))


def unchanged(reads: Iterable[Tuple[str, str]], overlay: Optional[Overlay] = None) -> bool:
    """Whether every recorded read would still see the same bytes."""
    return all(current_hash(path, overlay) == seen for path, seen in reads)


def _read_disk(path: str) -> Optional[bytes]:
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_READ_BYTES:
            return None
        with open(path, "rb") as handle:
            return handle.read(MAX_READ_BYTES + 1)
    except OSError:
        return None


class ProjectFiles:
    """Reads files of the project of one checked file, and remembers what it read.

    `folder` is the checked file's folder, `root` the project's root (the folder holding
    `.git`, else the configuration's folder). `overlay` gives the text of a file that is open
    and unsaved in an editor (None: read the disk)."""

    def __init__(self, folder: Path, root: Path, overlay: Optional[Overlay] = None) -> None:
        self.folder = folder
        self.root = root
        self.overlay = overlay
        self.reads: Dict[str, str] = {}  # absolute path -> read_hash of what was read
        # Which file an import names, by (dotted name, level, importing file): module_file.
        self.module_files: Dict[Tuple[str, int, str], Optional[str]] = {}

    @classmethod
    def for_file(
        cls, path: str, fallback_root: Path, overlay: Optional[Overlay] = None
    ) -> Optional[ProjectFiles]:
        """The project of a file checked under `path`; None when it has no folder on disk
        (standard input named `-`, or a `--stdin-filename` whose folder does not exist)."""
        places = checked_folder(path, fallback_root)
        return None if places is None else cls(*places, overlay)

    def read(self, path: Path) -> Optional[bytes]:
        """The bytes of `path` (absolute, or relative to the checked file's folder); None
        when it is missing, unreadable or too large. Recorded either way."""
        target = os.path.abspath(path if path.is_absolute() else self.folder / path)
        data = self.overlay(target) if self.overlay is not None else None
        if data is None:
            data = _read_disk(target)
        self.reads[target] = read_hash(data)
        return data

    def absent(self, path: Path) -> None:
        """Record that a file the result depends on not existing was missing."""
        self.reads.setdefault(os.path.abspath(path), "")

    def recorded(self) -> Tuple[Tuple[str, str], ...]:
        return tuple(sorted(self.reads.items()))


# -- which file an import names (sagelint.analysis.modules reads the file) ------------------
# Top-level names never taken for a project module: the SDKs the rules know (a folder named
# `sagemaker` next to a script is its vendored SDK, not the user's settings) and the
# standard library (`json.dumps` is read as the builtin module's).
_NOT_PROJECT = frozenset({"sagemaker", "boto3", "botocore"}) | frozenset(
    getattr(sys, "stdlib_module_names", ())
)


def module_file(
    dotted: str, level: int, importer: str, project: ProjectFiles
) -> Optional[str]:
    """The file (`x.py`, or a package's `__init__.py`) an import of `dotted` made by the
    file `importer` names, or None (an installed package, a name no file answers). Asked
    once per check (the answers are kept with the checked file's project)."""
    key = (dotted, level, importer)
    if key not in project.module_files:
        project.module_files[key] = _module_file(dotted, level, importer, project)
    return project.module_files[key]


def _module_file(
    dotted: str, level: int, importer: str, project: ProjectFiles
) -> Optional[str]:
    parts = [part for part in dotted.split(".") if part]
    if level:
        # Relative to the importer's package: each folder it climbs is a package, and the
        # result stays inside the project (Python refuses the import otherwise).
        base = Path(importer).parent
        for climbed in range(level):
            if not (base / "__init__.py").is_file():
                return None
            if climbed < level - 1:
                base = base.parent
        if not _inside(base, project.root):
            return None
        return _under(base, parts) if parts else _package(base)
    if not parts or parts[0] in _NOT_PROJECT:
        return None
    # An absolute import is looked up where Python looks for the checked script's: its own
    # folder first (for a module the script imports too, not that module's folder), then the
    # root and a src/ layout.
    folder = project.folder
    root = project.root
    for base in (folder, root, root / "src"):
        if (base / f"{parts[0]}.py").is_file() or (base / parts[0]).is_dir():
            return _under(base, parts)  # Python stops at the first folder that has it
        # Not here: a result holds only while it stays so (a module added here later
        # would be the one Python loads).
        project.absent(base / f"{parts[0]}.py")
        project.absent(base / parts[0] / "__init__.py")
    return None


def _inside(path: Path, root: Path) -> bool:
    try:
        Path(os.path.abspath(path)).relative_to(os.path.abspath(root))
    except ValueError:
        return False
    return True


def _under(base: Path, parts: List[str]) -> Optional[str]:
    *packages, last = parts
    folder = base.joinpath(*packages)
    if packages and not folder.is_dir():
        return None
    single = folder / f"{last}.py"
    if (folder / last).is_dir():
        return _package(folder / last)
    if single.is_file():
        return os.path.abspath(single)
    return None


def _package(folder: Path) -> Optional[str]:
    init = folder / "__init__.py"
    return os.path.abspath(init) if init.is_file() else None


def submodule(package_file: str, name: str) -> Optional[str]:
    """`pkg.name` as a module file, when `package_file` is a package's `__init__.py`."""
    if os.path.basename(package_file) != "__init__.py":
        return None
    return _under(Path(package_file).parent, [name])
