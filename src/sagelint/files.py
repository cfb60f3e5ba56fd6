"""Which files to check, reading their bytes, and writing fixed bytes back atomically."""

from __future__ import annotations

import errno
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

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


class PathNotFound(Exception):
    """A path named on the command line does not exist: the run fails (exit 2)."""


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
            lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
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
                raise PathNotFound(raw) from None
            # It may exist, but cannot be looked at (a folder above it is not searchable).
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
            elif entry.name.endswith(SOURCE_SUFFIXES):
                yield str(path)
        stack.extend(reversed(subdirectories))


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def write_atomic(path: str, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it over the original,
    keeping the file's permissions. The original is untouched if anything fails."""
    target = os.path.realpath(path)
    mode: Optional[int] = None
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        pass
    directory = os.path.dirname(target) or "."
    import tempfile  # only a run that writes pays for it (tempfile imports shutil, random)

    handle, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".sagelint-tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
