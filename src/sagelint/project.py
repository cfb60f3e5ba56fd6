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
from pathlib import Path
from typing import Callable, Dict, Iterable, Optional, Tuple

from sagelint.paths import repository_root

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

    @classmethod
    def for_file(
        cls, path: str, fallback_root: Path, overlay: Optional[Overlay] = None
    ) -> Optional[ProjectFiles]:
        """The project of a file checked under `path`; None when it has no folder on disk
        (standard input named `-`, or a `--stdin-filename` whose folder does not exist)."""
        if path in ("", "-"):
            return None
        folder = Path(path).absolute().parent
        if not folder.is_dir():
            return None
        return cls(folder, repository_root(folder) or fallback_root.absolute(), overlay)

    def read(self, path: Path) -> Optional[bytes]:
        """The bytes of `path` (absolute, or relative to the checked file's folder); None
        when it is missing, unreadable or too large. Recorded either way."""
        target = os.path.abspath(path if path.is_absolute() else self.folder / path)
        data = self.overlay(target) if self.overlay is not None else None
        if data is None:
            data = _read_disk(target)
        self.reads[target] = read_hash(data)
        return data

    def recorded(self) -> Tuple[Tuple[str, str], ...]:
        return tuple(sorted(self.reads.items()))
