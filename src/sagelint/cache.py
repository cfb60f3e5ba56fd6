"""Results per file, reused while the file, the settings and sagelint stay the same.

Layout, like ruff's: `.sagelint_cache/` (a `.gitignore` and a `CACHEDIR.TAG` inside), one
folder per sagelint version and hash of sagelint's own source files, one JSON file per
settings fingerprint. An entry is keyed by the file's absolute path and holds the BLAKE2 hash
of its bytes (and, when a rule asked which SageMaker SDK releases the file runs with, the
fingerprints of the folders walked and declarations read to answer): a changed file misses, changed settings use another file, a new version or any
change to sagelint's code (a rule's message, say, in a development install) another folder. Only files that pass the prefilter
are stored (for the others the byte search is as cheap as a hash), and never a file that
holds a credential (an SM501 finding, or a literal in a known credential format: see
`sagelint.mask`), since an entry holds the file's source.

The cache is an optimisation and nothing more: an unreadable, corrupt or unwritable cache is
ignored, and concurrent runs replace the file atomically (the last one wins). An entry of the
wrong shape is a miss. A cache that git tracks is not used at all: one committed to a
repository (or restored from it) could hide findings in CI, since an entry only has to name
the hash of the file's bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional

from sagelint import __version__
from sagelint.config import Settings
from sagelint.model import Diagnostic, Edit, FileResult, Location, result_from_dict, result_to_dict
from sagelint.project import unchanged

CACHE_DIR_NAME = ".sagelint_cache"
CACHE_DIR_ENV = "SAGELINT_CACHE_DIR"
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by sagelint.\n"
)


def default_directory(settings: Settings) -> Path:
    configured = os.environ.get(CACHE_DIR_ENV)
    return Path(configured) if configured else settings.root / CACHE_DIR_NAME


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@lru_cache(maxsize=1)
def source_hash() -> str:
    """A hash of sagelint's own files (every file of the installed package but compiled
    bytecode), read once per process: about a millisecond."""
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def settings_fingerprint(settings: Settings) -> str:
    """Everything in the settings that can change a file's result, in a canonical form."""
    fields: Dict[str, Any] = {
        "enabled": sorted(settings.enabled),
        "per_file_ignores": [list(map(str, entry)) for entry in settings.per_file_ignores],
        "root": str(settings.root),
        "server_timeout_floor": settings.server_timeout_floor,
        "startup_timeout_floor": settings.startup_timeout_floor,
        "download_timeout_floor": settings.download_timeout_floor,
        "keep_alive_max": settings.keep_alive_max,
        "target_version": settings.target_version,
        "line_length": settings.line_length,  # where fixes wrap what they insert
        "timeout_env_keys": list(settings.timeout_env_keys),
        "extend_model_classes": list(settings.extend_model_classes),
        "extend_estimator_classes": list(settings.extend_estimator_classes),
        "sdk_version": settings.sdk_version,  # SM6's admitted set, when set
        "extra_instance_types": list(settings.extra_instance_types),
    }
    text = json.dumps(fields, sort_keys=True)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


class Cache:
    def __init__(
        self,
        directory: Path,
        settings: Settings,
        version: str = __version__,
        source: Optional[str] = None,
    ) -> None:
        self.directory = directory
        code = source if source is not None else source_hash()
        self.file = directory / f"{version}-{code}" / f"{settings_fingerprint(settings)}.json"
        self.entries: Dict[str, Dict[str, Any]] = {}
        self.changed = False
        self._fingerprints: Dict[str, str] = {}  # SM6 declaration inputs, per run
        # Tracked by git: neither read (its entries may be planted) nor written (the run
        # would change files of the work tree).
        self.trusted = not tracked_by_git(directory)
        self._load()

    def _load(self) -> None:
        if not self.trusted:
            return
        try:
            with open(self.file, encoding="utf-8") as handle:
                entries = json.load(handle)
        except (OSError, ValueError):
            return
        if isinstance(entries, dict):
            self.entries = entries

    @staticmethod
    def key(path: str) -> str:
        return os.path.abspath(path)

    def get(self, path: str, digest: str) -> Optional[FileResult]:
        entry = self.entries.get(self.key(path))
        if not isinstance(entry, dict) or entry.get("hash") != digest:
            return None
        try:
            # SM402's answers: a path that appeared or went away since makes the entry stale.
            answers = tuple((str(name), bool(existed)) for name, existed in entry.get("paths", ()))
            if any(os.path.exists(name) != existed for name, existed in answers):
                return None
            # SM6's admitted set: a declaration edited, added or removed since makes it stale.
            sdk = tuple((str(name), str(seen)) for name, seen in entry.get("sdk", ()))
            if any(self._fingerprint(name) != seen for name, seen in sdk):
                return None
            # Modules and configuration files the check read: one changed makes it stale.
            reads = tuple((str(name), str(seen)) for name, seen in entry.get("reads", ()))
            if reads and not unchanged(reads):
                return None
            result = result_from_dict(path, entry["result"])
        except Exception:  # noqa: BLE001 - an entry this version cannot read: check the file again
            return None
        if not well_formed(result):
            return None
        result.path_answers = answers
        result.reads_paths = bool(answers)
        result.sdk_inputs = tuple(name for name, _ in sdk)
        result.file_reads = reads
        return result

    def _fingerprint(self, path: str) -> str:
        """A declaration input's fingerprint, computed once per run (files share folders)."""
        if path not in self._fingerprints:
            from sagelint.sdk_versions import fingerprint

            self._fingerprints[path] = fingerprint(path)
        return self._fingerprints[path]

    def put(self, path: str, digest: str, result: FileResult) -> None:
        from sagelint.mask import Redactor

        if Redactor.for_result(result).hides_anything(result):
            # A file with a credential is not stored: the cache holds the source to show
            # excerpts, and a cache folder gets uploaded and shared (CI caches, artifacts).
            # Such a file is checked again each run.
            if self.entries.pop(self.key(path), None) is not None:
                self.changed = True
            return
        entry: Dict[str, Any] = {"hash": digest, "result": result_to_dict(result)}
        if result.path_answers:
            entry["paths"] = [list(answer) for answer in result.path_answers]
        if result.sdk_inputs:
            entry["sdk"] = [[name, self._fingerprint(name)] for name in result.sdk_inputs]
        if result.file_reads:
            entry["reads"] = [list(read) for read in result.file_reads]
        self.entries[self.key(path)] = entry
        self.changed = True

    def save(self) -> None:
        """Write the entries back, dropping those of files that no longer exist."""
        if not self.changed or not self.trusted:
            return
        entries = {path: entry for path, entry in self.entries.items() if os.path.exists(path)}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            for name, text in ((".gitignore", "# Created by sagelint.\n*\n"), ("CACHEDIR.TAG", _TAG)):
                marker = self.directory / name
                if not marker.exists():
                    marker.write_text(text, encoding="utf-8")
            from sagelint.files import write_atomic

            write_atomic(str(self.file), json.dumps(entries).encode("utf-8"))
        except OSError:
            pass  # a cache that cannot be written only makes the next run slower


@lru_cache(maxsize=4)
def tracked_by_git(directory: Path) -> bool:
    """Whether git tracks any file in the cache folder (then, once, a warning). At most one
    `git ls-files` per folder and process, and none when the folder does not exist; without
    git, or outside a repository, nothing is tracked."""
    git = shutil.which("git")
    if git is None or not directory.is_dir():
        return False
    command = [
        git,
        # The work tree may belong to another user (a CI container running as root): ask
        # anyway, and never run the repository's file-system monitor to answer.
        "-c", "safe.directory=*", "-c", "core.fsmonitor=false",
        "ls-files", "-z", "--", ".",
    ]
    try:
        listed = subprocess.run(
            command, cwd=directory, capture_output=True, timeout=30, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.SubprocessError):
        return False
    if listed.returncode != 0 or not listed.stdout:
        return False
    sys.stderr.write(
        f"warning: {directory} is tracked by git, so the cache is not used: a cache from the "
        "repository could hide findings. Remove it from git (`git rm -r --cached "
        f"{directory.name}`)\n"
    )
    return True


def well_formed(result: FileResult) -> bool:
    """Whether a result read from a cache entry has the types and positions a checked
    file's result has (a malformed entry would make the reporters fail later)."""
    if not (result.source is None or isinstance(result.source, str)):
        return False
    cells = result.cells
    if cells is not None and not all(
        _whole(cell) and isinstance(text, str) for cell, text in cells.items()
    ):
        return False
    return all(_diagnostic_well_formed(d, result) for d in result.diagnostics)


def _whole(value: object, least: int = 1) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _location_well_formed(location: object) -> bool:
    return isinstance(location, Location) and _whole(location.row) and _whole(location.column)


def _pair_well_formed(pair: object) -> bool:
    return pair is None or (
        isinstance(pair, tuple) and len(pair) == 2 and all(_whole(v, 0) for v in pair)
    )


def _diagnostic_well_formed(d: Diagnostic, result: FileResult) -> bool:
    if not all(isinstance(text, str) for text in (d.code, d.name, d.message)):
        return False
    if not (_location_well_formed(d.location) and _location_well_formed(d.end_location)):
        return False
    if d.cell is not None and not (_whole(d.cell) and d.cell in (result.cells or {})):
        return False
    if not (_pair_well_formed(d.file_rows) and _pair_well_formed(d.file_columns)):
        return False
    if d.related is not None and not (
        isinstance(d.related, tuple) and len(d.related) == 2
        and isinstance(d.related[0], str) and _whole(d.related[1])
    ):
        return False
    if d.location.row > len(result.lines_for(d)) + 1:
        return False  # a row past the end of the text it counts in
    fix = d.fix
    if fix is None:
        return True
    return isinstance(fix.message, str) and all(_edit_well_formed(e) for e in fix.edits)


def _edit_well_formed(edit: Edit) -> bool:
    return (
        _whole(edit.start, 0)
        and _whole(edit.end, 0)
        and edit.start <= edit.end
        and isinstance(edit.content, str)
        and _location_well_formed(edit.location)
        and _location_well_formed(edit.end_location)
        and (edit.cell is None or _whole(edit.cell))
    )
