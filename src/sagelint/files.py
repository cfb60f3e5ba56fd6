"""Which files to check, reading their bytes, and writing fixed bytes back atomically."""

from __future__ import annotations

import errno
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import (
    TYPE_CHECKING, Any, BinaryIO, Callable, Dict, Iterable, Iterator, List, Optional, Sequence,
    Tuple,
)

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

SOURCE_SUFFIXES = (".py", ".ipynb")

# ruff's default excludes, plus our own cache.
DEFAULT_EXCLUDES = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints",
    ".mypy_cache", ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache",
    ".sagelint_cache", ".svn", ".tox", ".venv", ".vscode", "__pypackages__", "_build",
    "buck-out", "build", "dist", "node_modules", "site-packages", "venv",
)


@lru_cache(maxsize=256)
def _spec(patterns: Tuple[str, ...]) -> Any:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def glob_matches(pattern: str, relative_path: str) -> bool:
    """Whether a path relative to the configuration's folder matches a glob, with .gitignore
    semantics: `tests/**`, `*.py`, a bare name that matches at any depth."""
    return bool(_spec((pattern,)).match_file(relative_path))


def relative_to(path: Path, root: Path) -> str:
    """The path relative to root, in POSIX form; its name alone when it lies outside."""
    try:
        return path.absolute().relative_to(root).as_posix()
    except ValueError:
        return path.name


class Selection:
    """Which files a run checks: excludes (relative to the configuration's folder),
    .gitignore files, and whether excludes apply to files named explicitly."""

    def __init__(
        self,
        root: Optional[Path] = None,
        exclude: Optional[Sequence[str]] = None,
        extend_exclude: Sequence[str] = (),
        respect_gitignore: bool = True,
        force_exclude: bool = False,
    ) -> None:
        self.root = (root or Path.cwd()).absolute()
        base = DEFAULT_EXCLUDES if exclude is None else tuple(exclude)
        self.patterns = (*base, *extend_exclude)
        self.respect_gitignore = respect_gitignore
        self.force_exclude = force_exclude
        # Paths found unreadable while selecting (a folder, a .gitignore), with the reason:
        # each is reported on its own line and the run goes on without it.
        self.problems: Dict[str, str] = {}
        # Invalid .gitignore lines: a warning each; git ignores them too.
        self.warnings: Dict[str, str] = {}

    def excluded(self, path: Path, is_dir: bool = False) -> bool:
        if not self.patterns:
            return False
        relative = relative_to(path, self.root) + ("/" if is_dir else "")
        return bool(_spec(self.patterns).match_file(relative))


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _shown(path: Path) -> str:
    """A path as messages show it: relative to the working directory when inside it (one
    .gitignore is reached both from above and by the walk: one key, one message)."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative


class _GitIgnore:
    """The .gitignore files that apply below a directory, from the repository root down.
    A .gitignore that cannot be read, or an invalid line in one, is noted in the selection
    and skipped."""

    def __init__(
        self, specs: Sequence[Tuple[Path, GitIgnoreSpec]] = (), selection: Optional[Selection] = None
    ) -> None:
        self.specs = list(specs)
        self.selection = selection

    @classmethod
    def above(cls, directory: Path, selection: Optional[Selection] = None) -> _GitIgnore:
        """The .gitignore files of the directory and its parents, up to the repository root;
        outside a repository, up to the working directory (what a walk from `.` sees)."""
        chain: List[Path] = []
        current = directory.resolve()
        for parent in (current, *current.parents):
            chain.append(parent)
            if (parent / ".git").exists():
                break
        else:
            cwd = Path.cwd().resolve()
            chain = [p for p in (current, *current.parents) if p == cwd or cwd in p.parents]
            chain = chain or [current]
        ignore = cls(selection=selection)
        for parent in reversed(chain):
            ignore = ignore.with_directory(parent)
        return ignore

    def with_directory(self, directory: Path) -> _GitIgnore:
        gitignore = directory / ".gitignore"
        if not os.path.lexists(gitignore) or gitignore.is_dir():
            return self
        try:
            data = read_bounded(str(gitignore), MAX_CONFIG_BYTES)
            lines = data.decode("utf-8", errors="replace").splitlines()
        except OSError as exc:  # unreadable, or a dangling link: what it ignores is unknown
            if self.selection is not None:
                self.selection.problems[_shown(gitignore)] = f"cannot read: {_reason(exc)}"
            return self
        spec = self._spec(gitignore, lines)
        return _GitIgnore([*self.specs, (directory.resolve(), spec)], self.selection)

    def _spec(self, gitignore: Path, lines: List[str]) -> GitIgnoreSpec:
        import pathspec

        try:
            return pathspec.GitIgnoreSpec.from_lines(lines)
        except ValueError:  # pathspec refuses a line git accepts and ignores: skip that line
            pass
        valid = []
        for number, line in enumerate(lines, start=1):
            try:
                pathspec.GitIgnoreSpec.from_lines([line])
            except ValueError:
                if self.selection is not None:
                    self.selection.warnings[f"{_shown(gitignore)}:{number}"] = (
                        f"invalid pattern {line.strip()!r}: ignored"
                    )
                continue
            valid.append(line)
        return pathspec.GitIgnoreSpec.from_lines(valid)

    def ignored(self, path: Path, is_dir: bool) -> bool:
        absolute = path.absolute()  # a link is matched by its own path, as git does
        for base, spec in self.specs:
            try:
                relative = absolute.relative_to(base).as_posix()
            except ValueError:
                continue
            if is_dir:
                relative += "/"
            if spec.match_file(relative):
                return True
        return False


def discover(paths: Iterable[str], selection: Selection) -> Iterator[str]:
    """The files to check, in a stable order, as paths relative to how they were named."""
    for raw in paths:
        path = Path(raw)
        try:
            os.lstat(raw)
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                # Reported with the files that cannot be read; the others are checked.
                selection.problems[raw] = "no such file or directory"
            else:  # it may exist, but cannot be looked at (a folder above it is not searchable)
                selection.problems[raw] = f"cannot read: {_reason(exc)}"
            continue
        if path.is_dir():
            yield from _walk(path, selection)
        elif not (selection.force_exclude and is_excluded_file(path, selection)):
            yield raw  # a dangling link too: reading it fails, and says so


def is_excluded_file(path: Path, selection: Selection) -> bool:
    """Whether excludes or .gitignore rule out a file named explicitly (--force-exclude)."""
    parents = [Path(*path.parts[: i + 1]) for i in range(len(path.parts) - 1)]
    if selection.excluded(path) or any(selection.excluded(p, is_dir=True) for p in parents):
        return True
    if selection.respect_gitignore:
        return _GitIgnore.above(path.parent, selection).ignored(path, is_dir=False)
    return False


def _regular_or_broken(entry: os.DirEntry[str]) -> bool:
    """Whether the walk yields an entry named like a source: a regular file (or a link to
    one), or a link that leads nowhere (reading it fails, and says so). A FIFO, a device, a
    socket or a link to one is skipped: it holds no source, and reading it may never end."""
    try:
        if entry.is_file():
            return True
        if not entry.is_symlink():
            return False
        os.stat(entry.path)
    except OSError:
        return True
    return False


def _walk(root: Path, selection: Selection) -> Iterator[str]:
    gitignore = _GitIgnore.above(root, selection) if selection.respect_gitignore else _GitIgnore()
    stack: List[Tuple[Path, _GitIgnore]] = [(root, gitignore)]
    while stack:
        directory, ignore = stack.pop()
        if selection.respect_gitignore:
            ignore = ignore.with_directory(directory)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            selection.problems[str(directory)] = f"cannot read folder: {_reason(exc)}"
            continue
        subdirectories = []
        for entry in entries:
            path = directory / entry.name
            try:
                is_dir = entry.is_dir()  # follows symlinks; a loop fails below
            except OSError:
                is_dir = False
            if selection.excluded(path, is_dir):
                continue
            if selection.respect_gitignore and ignore.ignored(path, is_dir):
                continue
            if is_dir:
                if not entry.is_symlink():
                    subdirectories.append((path, ignore))
            elif entry.name.endswith(SOURCE_SUFFIXES) and _regular_or_broken(entry):
                yield str(path)
        stack.extend(reversed(subdirectories))


# How many bytes a read may return. A source over its limit is reported, not checked (LibCST
# needs minutes and gigabytes for tens of megabytes of code); a notebook holds outputs besides
# its code, so its file may be larger (its code is limited by the engine).
MAX_SOURCE_BYTES = 10 * 1024 * 1024
MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024
MAX_CONFIG_BYTES = 10 * 1024 * 1024  # a configuration file, a .gitignore
MAX_BASELINE_BYTES = 100 * 1024 * 1024
_CHUNK = 1024 * 1024


def source_limit(path: str) -> int:
    return MAX_NOTEBOOK_BYTES if path.endswith(".ipynb") else MAX_SOURCE_BYTES


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


class NotRegularFile(OSError):
    """A path that names a FIFO, a device, a socket (or a link to one): never opened for
    reading (a FIFO waits for a writer forever, /dev/zero never ends)."""


class FileTooLarge(OSError):
    """A file larger than what may be read of it; `head` holds its first limit + 1 bytes."""

    def __init__(self, size: Optional[int], limit: int, head: bytes) -> None:
        """`size`: None when unknown (a stream)."""
        limit_text = f"{limit / (1024 * 1024):g} MB"
        larger = "larger" if size is None else f"{megabytes(size)} is larger"
        super().__init__(errno.EFBIG, f"{larger} than {limit_text}")
        self.size = size
        self.limit = limit
        self.head = head


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"),
)


def not_regular(mode: int) -> str:
    """What is said of a path whose mode is not a regular file's."""
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    return f"not a regular file ({kind})"


def _require_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise NotRegularFile(errno.EINVAL, not_regular(mode))


def _open_regular(path: str) -> Tuple[BinaryIO, os.stat_result]:
    """An unbuffered reader of a regular file, and its status."""
    _require_regular(os.stat(path).st_mode)
    # Non-blocking, no controlling terminal: should the path be swapped for a FIFO or a
    # device between the stat and the open, opening it neither waits nor acts on it.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    handle = open(os.open(path, flags | getattr(os, "O_BINARY", 0)), "rb", buffering=0)
    try:
        info = os.fstat(handle.fileno())
        _require_regular(info.st_mode)
    except BaseException:
        handle.close()
        raise
    return handle, info


def read_bounded(path: str, limit: int) -> bytes:
    """The bytes of a regular file, never more than `limit` + 1 of them: every file sagelint
    reads (sources, configuration, baseline, .gitignore) is read so. Raises
    NotRegularFile (without opening it) for anything but a regular file or a link to one,
    FileTooLarge past the limit, OSError when it cannot be read."""
    handle, info = _open_regular(path)
    with handle:
        parts: List[bytes] = []
        wanted = limit + 1
        while wanted > 0:
            part = handle.read(min(wanted, _CHUNK))
            if not part:
                break
            parts.append(part)
            wanted -= len(part)
    data = b"".join(parts)
    if len(data) > limit:
        raise FileTooLarge(max(info.st_size, len(data)), limit, data)
    return data


class ChangedOnDisk(OSError):
    """The file is no longer what was checked (edited, replaced or deleted since)."""

    def __init__(self) -> None:
        super().__init__(errno.ESTALE, "changed during the run")


def _require_writable(path: str, info: os.stat_result) -> None:
    """Refuse (PermissionError) to replace a file the user may not write. A file with no
    write bit for anyone is read-only for root too, whom the system (and os.access) lets
    write anything: `chmod 444` keeps sagelint off a file for every user, as it keeps ruff
    and Black off one for an ordinary user."""
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise PermissionError(errno.EACCES, "the file is read-only")
    effective = os.access in os.supports_effective_ids
    if not os.access(path, os.W_OK, effective_ids=effective):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))


def write_atomic(
    path: str, data: bytes, unchanged: Optional[Callable[[bytes], bool]] = None
) -> None:
    """Replace a file's bytes with `data`; the original stays whole if anything fails.

    With `unchanged`, the file is read again first and must still be there and pass it,
    else ChangedOnDisk (a file saved or deleted during the run is never overwritten, never
    created again). A read-only file is refused (PermissionError). The new bytes go to a
    temporary file in the same folder, renamed over the original with its mode, owner and
    group (as far as the process may set them); a file with several hard links is written in
    place instead (a rename would split it from its other names), with a backup copy kept
    until the new bytes are on disk and read back."""
    target = os.path.realpath(path)
    try:
        info: Optional[os.stat_result] = os.stat(target)
    except FileNotFoundError:
        if unchanged is not None:
            raise ChangedOnDisk() from None
        info = None
    current: Optional[bytes] = None
    if unchanged is not None:
        try:
            current = read_bounded(target, source_limit(target))
        except (FileNotFoundError, NotADirectoryError, NotRegularFile, FileTooLarge):
            raise ChangedOnDisk() from None
        if not unchanged(current):
            raise ChangedOnDisk()
    if info is None:
        _write_renamed(target, data, None)
        return
    _require_writable(target, info)
    if info.st_nlink > 1:
        _write_in_place(target, data, info, current)
    else:
        _write_renamed(target, data, info)


def _confirm(target: str, info: os.stat_result) -> None:
    """Just before the file is replaced: it is still the one that was read (a save since then
    changes its identity, size or time), else ChangedOnDisk."""
    try:
        now = os.stat(target)
    except FileNotFoundError:
        raise ChangedOnDisk() from None
    if (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns) != (
        info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns
    ):
        raise ChangedOnDisk()


def _temporary(target: str, suffix: str) -> Tuple[int, str]:
    import tempfile  # only a run that writes pays for it (tempfile imports shutil, random)

    return tempfile.mkstemp(
        dir=os.path.dirname(target) or ".", prefix=f".{os.path.basename(target)}.", suffix=suffix
    )


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]


def _write_synced(handle: int, data: bytes) -> None:
    """Write all of `data` to a new file's descriptor, on disk before it is closed."""
    try:
        _write_all(handle, data)
        os.fsync(handle)
    finally:
        os.close(handle)


def _write_renamed(target: str, data: bytes, info: Optional[os.stat_result]) -> None:
    handle, temporary = _temporary(target, ".sagelint-tmp")
    try:
        _write_synced(handle, data)
        if info is not None:
            _keep_owner(temporary, info)
            os.chmod(temporary, stat.S_IMODE(info.st_mode))  # after chown, which may clear bits
            _confirm(target, info)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _keep_owner(temporary: str, info: os.stat_result) -> None:
    """The original's owner and group on the new file, or as much of them as the process may
    set (anyone may set a group they belong to; only root another owner)."""
    if not hasattr(os, "chown"):
        return
    new = os.stat(temporary)
    if (new.st_uid, new.st_gid) == (info.st_uid, info.st_gid):
        return
    try:
        os.chown(temporary, info.st_uid, info.st_gid)
    except OSError:
        try:
            os.chown(temporary, -1, info.st_gid)
        except OSError:
            pass


def _write_in_place(
    target: str, data: bytes, info: os.stat_result, original: Optional[bytes]
) -> None:
    """Overwrite a file that has several names (hard links), so that all of them see the new
    bytes. The old bytes are copied to a backup next to it first; should writing or reading
    back fail, they are put back and the backup removed; should that fail too, the backup
    stays and the error names it."""
    if original is None:
        original = read_bounded(target, max(MAX_NOTEBOOK_BYTES, len(data)))
    handle, backup = _temporary(target, ".sagelint-backup")
    try:
        _write_synced(handle, original)
        _confirm(target, info)
    except BaseException:
        os.unlink(backup)
        raise
    try:
        _overwrite(target, data)
        if read_bounded(target, len(data)) != data:
            raise OSError(errno.EIO, "the written bytes read back differently")
    except BaseException as failure:
        try:
            _overwrite(target, original)
        except OSError:
            reason = getattr(failure, "strerror", None) or str(failure)
            raise OSError(errno.EIO, f"{reason}; the original is kept in {backup}") from failure
        os.unlink(backup)
        raise
    os.unlink(backup)


def _overwrite(target: str, data: bytes) -> None:
    descriptor = os.open(target, os.O_WRONLY | getattr(os, "O_BINARY", 0))
    try:
        _write_all(descriptor, data)
        os.ftruncate(descriptor, len(data))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
