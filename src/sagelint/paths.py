"""The one narrow view of the file system that a rule gets: does a path exist?

SM402 (source-file-missing) is the only rule that looks past the source it checks. It never
sees a file: the engine hands it this service, rooted at the checked file's folder and at the
repository root, which answers "does this relative path exist under one of them" and nothing
else (no listing, no content). A source without a real place on disk (standard input without
`--stdin-filename`) gets no service, and the rule stays silent.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

# Shell lines and cell magics of a notebook that may create files (`!mkdir src`,
# `%%writefile train.py`, `%%bash` bodies): their text is searched for the path.
_NOTEBOOK_CREATOR = re.compile(r"^\s*(!|%)")


@dataclass(frozen=True)
class SourcePaths:
    """Where relative paths in one checked file are looked up, and what it creates itself."""

    bases: Tuple[Path, ...]
    # Text of notebook lines that may create files (shell escapes, magics); the rule adds
    # the arguments of the file-creating calls it finds in the code.
    created: Tuple[str, ...] = field(default=())
    # Every path asked about and whether it existed (absolute path -> answer): a cached
    # result holds while every answer is still the same (sagelint.cache). Shared by the
    # copies `with_created` makes.
    answers: Dict[str, bool] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def for_file(cls, path: str, fallback_root: Path) -> Optional[SourcePaths]:
        """The service for a file checked under `path`; None when it has no folder on disk
        (standard input named `-`, or a `--stdin-filename` whose folder does not exist)."""
        places = checked_folder(path, fallback_root)
        return None if places is None else cls(places)

    def with_created(self, texts: Iterable[str]) -> SourcePaths:
        return SourcePaths(self.bases, self.created + tuple(texts), self.answers)

    def exists(self, relative: str) -> bool:
        """Whether the path exists relative to one of the bases (or as an absolute path)."""
        candidate = Path(relative)
        if candidate.is_absolute():
            return self._exists(candidate)
        return any(self._exists(base / candidate) for base in self.bases)

    def _exists(self, path: Path) -> bool:
        answer = path.exists()
        self.answers[str(path)] = answer
        return answer


def checked_folder(path: str, fallback_root: Path) -> Optional[Tuple[Path, Path]]:
    """The folder of a file checked under `path` and its project's root (the folder holding
    `.git`, else `fallback_root`); None when it has no folder on disk (standard input named
    `-`, or a `--stdin-filename` whose folder does not exist)."""
    if path in ("", "-"):
        return None
    folder = Path(path).absolute().parent
    if not folder.is_dir():
        return None
    return folder, repository_root(folder) or fallback_root.absolute()


@lru_cache(maxsize=256)  # files of one folder share it: one walk up per folder
def repository_root(folder: Path) -> Optional[Path]:
    """The nearest folder at or above `folder` that holds `.git` (a folder, or a file in a
    worktree or submodule)."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def notebook_creators(cell_sources: Iterable[str]) -> List[str]:
    """The lines of a notebook's cells that may create files: shell escapes and magics, and
    whole cells run by a cell magic (`%%writefile x.py`, `%%bash`)."""
    found: List[str] = []
    for source in cell_sources:
        if source.lstrip().startswith("%%"):
            found.append(source)
            continue
        found.extend(line for line in source.splitlines() if _NOTEBOOK_CREATOR.match(line))
    return found


# Callables (by their last name: `os.makedirs`, `shutil.copy`, `Path(...).write_text`) that
# may create a file or folder. Matched by name on purpose: a wrong match only keeps SM402
# silent.
CREATING = frozenset(
    {
        "open", "makedirs", "mkdir", "rename", "replace", "symlink", "link", "system", "copy",
        "copy2", "copyfile", "copytree", "move", "unpack_archive", "run", "call", "check_call",
        "check_output", "Popen", "urlretrieve", "write_text", "write_bytes", "touch",
        "extractall", "extract", "download_file", "symlink_to", "hardlink_to", "ZipFile",
    }
)


_REMEMBERED = "_sagelint_creating"


def remember_creating(tree: ast.AST, calls: List[ast.Call]) -> None:
    """Record on the tree the calls by a name in CREATING that the engine's one walk over it
    found (sagelint.analysis.prune.survey), so that created_by_code need not walk it again."""
    setattr(tree, _REMEMBERED, calls)


def created_by_code(tree: ast.AST) -> List[str]:
    """The strings given to calls that may create files or folders, anywhere in the code
    (read from the whole module: statement pruning may have hidden these calls from the
    rules)."""
    found: List[str] = []
    remembered: Optional[List[ast.Call]] = getattr(tree, _REMEMBERED, None)
    calls = remembered if remembered is not None else ast.walk(tree)
    for node in calls:
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in CREATING:
            continue
        parts: List[ast.AST] = [*node.args, *(keyword.value for keyword in node.keywords)]
        if isinstance(func, ast.Attribute):
            parts.append(func.value)  # Path("src").mkdir(): the receiver names it
        for part in parts:
            found.extend(
                inner.value
                for inner in ast.walk(part)
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str)
            )
    return found
