"""What a SARIF run records about the repository it checked: its name, commit, branch and
remote, read from the `.git` folder's files (no network, no `git` hooks or configuration
run), with `git` itself as the fallback for what the files do not say plainly (a reftable
repository)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional
from urllib.parse import quote, urlsplit, urlunsplit

# A commit id as git writes it (SHA-1 or SHA-256).
_COMMIT = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
# `git@github.com:acme/models.git`: scp-like syntax, a host and a path without a scheme.
_SCP = re.compile(r"^(?:[^@/]+@)?(?P<host>[^/:]+):(?P<path>[^/].*)$")


@dataclass(frozen=True)
class Provenance:
    root: Path  # the work tree (or the folder checked, outside git)
    name: str  # `acme/models`, else the folder's name
    remote_uri: Optional[str] = None  # the remote's URL, without credentials
    commit: Optional[str] = None
    branch: Optional[str] = None  # None on a detached HEAD


def provenance(root: Path, name: Optional[str] = None) -> Provenance:
    """What is known of the repository at `root`; `name` (`--repository-name`) wins over the
    remote's."""
    git = _git_dir(root)
    remote = commit = branch = None
    if git is not None:
        common = _common_dir(git)
        url = _origin_url(common) or _git(root, "config", "--get", "remote.origin.url")
        remote = remote_uri(url) if url else None
        commit, branch = _head(git, common)
        if commit is None:
            commit = _git(root, "rev-parse", "--verify", "-q", "HEAD")
            commit = commit if commit and _COMMIT.match(commit) else None
    return Provenance(
        root=root,
        name=name or (repository_name(remote) if remote else None) or root.name or "repository",
        remote_uri=remote,
        commit=commit,
        branch=branch,
    )


def remote_uri(url: str) -> Optional[str]:
    """The remote as a URI without user or password (a CI checkout's URL can hold a token):
    `git@github.com:acme/models.git` -> `ssh://github.com/acme/models.git`, a local path ->
    a `file:` URI."""
    url = url.strip()
    if not url:
        return None
    if "://" in url:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    match = _SCP.match(url)
    if match and "/" not in match.group("host"):
        return f"ssh://{match.group('host')}/{quote(match.group('path'), safe='/~')}"
    return Path(url).absolute().as_uri()


def repository_name(uri: str) -> Optional[str]:
    """`acme/models` for a hosted remote (the path, without `.git`); a local remote gives
    its folder's name."""
    parts = urlsplit(uri)
    path = parts.path.strip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    if parts.scheme == "file":
        path = path.rsplit("/", 1)[-1]
    return path or None


def _git_dir(root: Path) -> Optional[Path]:
    dot = root / ".git"
    if dot.is_dir():
        return dot
    if dot.is_file():  # a worktree or submodule: `gitdir: PATH`
        text = _read(dot) or ""
        if text.startswith("gitdir:"):
            target = Path(text[len("gitdir:"):].strip())
            return target if target.is_absolute() else (root / target)
    return None


def _common_dir(git: Path) -> Path:
    """Where the configuration and shared refs live (a linked worktree names it)."""
    common = _read(git / "commondir")
    if common is None:
        return git
    path = Path(common.strip())
    return path if path.is_absolute() else git / path


def _origin_url(common: Path) -> Optional[str]:
    """`url` of `[remote "origin"]` in the repository's configuration."""
    text = _read(common / "config")
    if text is None:
        return None
    section = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line.strip("[]").replace(" ", "").lower()
            continue
        key, _, value = line.partition("=")
        if section == 'remote"origin"' and key.strip().lower() == "url":
            return value.strip().strip('"')
    return None


def _head(git: Path, common: Path) -> "tuple[Optional[str], Optional[str]]":
    head = (_read(git / "HEAD") or "").strip()
    if _COMMIT.match(head):
        return head, None  # detached
    if not head.startswith("ref:"):
        return None, None
    ref = head[len("ref:"):].strip()
    branch = ref[len("refs/heads/"):] if ref.startswith("refs/heads/") else None
    for folder in (git, common):
        value = (_read(folder / ref) or "").strip()
        if _COMMIT.match(value):
            return value, branch
    return _packed_refs(common).get(ref), branch


def _packed_refs(common: Path) -> Dict[str, str]:
    refs: Dict[str, str] = {}
    for line in (_read(common / "packed-refs") or "").splitlines():
        value, _, name = line.partition(" ")
        if _COMMIT.match(value):
            refs[name.strip()] = value
    return refs


def _read(path: Path) -> Optional[str]:
    try:
        return path.read_text("utf-8", "replace")
    except OSError:
        return None


def _git(root: Path, *args: str) -> Optional[str]:
    """One `git` query, offline and without prompts; None when git is missing or fails."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10,
            env={"GIT_TERMINAL_PROMPT": "0", "PATH": _path()}, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    value = done.stdout.strip()
    return value if done.returncode == 0 and value else None


def _path() -> str:
    import os

    return os.environ.get("PATH", "")
