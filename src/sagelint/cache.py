"""Results per file, reused while the file, the settings and sagelint stay the same.

Layout, like ruff's: `.sagelint_cache/` (a `.gitignore` and a `CACHEDIR.TAG` inside), one
folder per sagelint version and hash of sagelint's own source files, one JSON file per
settings fingerprint. An entry is keyed by the file's absolute path and holds the BLAKE2 hash
of its bytes: a changed file misses, changed settings use another file, a new version or any
change to sagelint's code (a rule's message, say, in a development install) another folder. Only files that pass the prefilter
are stored (for the others the byte search is as cheap as a hash), and never a file that
holds a credential (an SM501 finding, or a literal in a known credential format: see
`reporters.mask`), since an entry holds the file's source.

The cache is an optimisation and nothing more: an unreadable, corrupt or unwritable cache is
ignored, and concurrent runs replace the file atomically (the last one wins).
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional

from sagelint import __version__
from sagelint.config import Settings
from sagelint.model import FileResult, result_from_dict, result_to_dict

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
        "timeout_env_keys": list(settings.timeout_env_keys),
        "extend_model_classes": list(settings.extend_model_classes),
        "extend_estimator_classes": list(settings.extend_estimator_classes),
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
        self._load()

    def _load(self) -> None:
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
            result = result_from_dict(path, entry["result"])
        except (KeyError, TypeError, ValueError, IndexError):
            return None  # an entry this version cannot read: check the file again
        result.path_answers = answers
        result.reads_paths = bool(answers)
        return result

    def put(self, path: str, digest: str, result: FileResult) -> None:
        from sagelint.reporters.mask import Redactor

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
        self.entries[self.key(path)] = entry
        self.changed = True

    def save(self) -> None:
        """Write the entries back, dropping those of files that no longer exist."""
        if not self.changed:
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
