"""The SageMaker SDK releases a file may run with: the admitted set A of SM6.

The first of these that says anything decides (shared/RULES.md, SM6 "The admitted set"):

1. the `sdk-version` setting (a PEP 440 specifier, or a bare major or version meaning
   `==X.*`);
2. for a notebook, its own install cells (`%pip install sagemaker==2.200`, `!pip ...`,
   `%conda ...`, automagic `pip install ...`), for the cells after them;
3. the nearest declaration, walking up from the file's folder to the repository root: in the
   first folder with a file that mentions a SageMaker distribution, every such file is read
   and their sets intersected (lock files, when one mentions it, instead of the manifests);
4. otherwise unknown.

A specifier is intersected with the release index (`sdk_releases.RELEASES`). A v3 part
(`sagemaker-core>=2`, `sagemaker-train`, `sagemaker-serve`, `sagemaker-mlops`) admits every
sagemaker 3.x release; `sagemaker-core` that may be below 2 says nothing about the major.
Nothing here runs or imports what it reads: `setup.py` is read with `ast`, TOML with
tomllib, requirement strings with `packaging`, and `environment.yml` with a small reader of
the YAML subset environment files are written in (no YAML library is a dependency).
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from sagelint.sdk_releases import RELEASES

SAGEMAKER = "sagemaker"
V3_PARTS = ("sagemaker-core", "sagemaker-train", "sagemaker-serve", "sagemaker-mlops")
DISTRIBUTIONS = frozenset((SAGEMAKER, *V3_PARTS))
# conda-forge packages the SDK as `sagemaker-python-sdk` (SAGEMAKER.md 20.5).
_CONDA_NAMES = {"sagemaker-python-sdk": SAGEMAKER}

LOCK_FILES = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock")
# Declarations are small; a larger file is not one sagelint reads.
MAX_DECLARATION_BYTES = 2 * 1024 * 1024
_MAX_INCLUDES = 50  # `-r` / `-c` files followed from one requirements file


# -- the admitted set ------------------------------------------------------------------------


@dataclass(frozen=True)
class Admitted:
    """The sagemaker releases a file (or a notebook cell) may run with."""

    releases: Optional[FrozenSet[Version]]  # sagemaker releases; None: unknown
    origin: str  # "setting", "notebook", "declaration", "unknown"
    text: str  # what decided it, for messages: 'sagemaker>=2.100', 'sdk-version = "3"'
    source: Optional[Tuple[str, int]] = None  # file (as shown to the user), 1-based line
    cell: Optional[int] = None  # a notebook install cell: its number (source's line is in it)

    def majors(self) -> FrozenSet[int]:
        """The majors present in the releases; unknown stands for every release from 2.0."""
        if self.releases is None:
            return frozenset({2, 3})
        return frozenset(version.major for version in self.releases)

    @property
    def known(self) -> bool:
        return self.releases is not None

    def considered(self) -> FrozenSet[Version]:
        """The releases a rule judges over: the admitted ones, or, when unknown, every
        release from 2.0 on (v1 is never assumed)."""
        if self.releases is not None:
            return self.releases
        return frozenset(v for v in releases_of(SAGEMAKER) if v.major >= 2)

    def where(self) -> str:
        """`requirements.txt:3`, `train.ipynb, cell 2, line 1`, or "" without a source."""
        if self.source is None:
            return ""
        path, line = self.source
        if self.cell is not None:
            return f"{path}, cell {self.cell}, line {line}"
        return f"{path}:{line}"

    def describe(self) -> str:
        """One line for `--show-settings`: the set, then what decided it and where."""
        if self.releases is None:
            head = "unknown (every release from 2.0 on)"
        elif not self.releases:
            head = "no release"
        else:
            ordered = sorted(self.releases)
            majors = ", ".join(f"{m}.x" for m in sorted(self.majors()))
            head = f"{len(ordered)} releases, {ordered[0]} to {ordered[-1]} ({majors})"
            if len(ordered) == 1:
                head = f"{ordered[0]} ({majors})"
        reason = self.text
        where = self.where()
        if where:
            reason = f"{reason} at {where}" if reason else where
        return f"{head} from {self.origin}" + (f": {reason}" if reason else "")


UNKNOWN = Admitted(None, "unknown", "no declaration names sagemaker")


@lru_cache(maxsize=None)
def releases_of(distribution: str) -> Tuple[Version, ...]:
    return tuple(Version(v) for v in RELEASES.get(distribution, ()))


# A mention's specifier: alternatives (Poetry `||`, conda `|`, several lock entries), any of
# which admits a release; None: unknown (editable, URL, VCS, unparsable).
Spec = Optional[Tuple[SpecifierSet, ...]]
ANY: Tuple[SpecifierSet, ...] = (SpecifierSet(""),)


@dataclass(frozen=True)
class Mention:
    """A declaration of one SageMaker distribution."""

    distribution: str  # canonical name, one of DISTRIBUTIONS
    spec: Spec
    path: Path
    line: int
    text: str  # as written (stripped), for messages


def _admits(spec: Tuple[SpecifierSet, ...], distribution: str) -> List[Version]:
    return [
        v for v in releases_of(distribution) if any(s.contains(v, prereleases=True) for s in spec)
    ]


def sagemaker_releases(mention: Mention) -> Optional[FrozenSet[Version]]:
    """The sagemaker releases a mention admits; None when it says nothing about them (a
    `sagemaker-core` that may be a 1.x, which v2 itself depends on)."""
    spec = mention.spec
    assert spec is not None
    if mention.distribution == SAGEMAKER:
        return frozenset(_admits(spec, SAGEMAKER))
    admitted = _admits(spec, mention.distribution)
    if mention.distribution == "sagemaker-core" and (
        not admitted or any(v.major < 2 for v in admitted)
    ):
        return None
    if not admitted:
        return frozenset()  # a part with no release: nothing installs
    return frozenset(v for v in releases_of(SAGEMAKER) if v.major == 3)


def decide(
    mentions: Sequence[Mention], origin: str, shown: Callable[[Path], str]
) -> Optional[Admitted]:
    """The admitted set of mentions that are all in force together (one folder's files, one
    install line): intersected. None when no mention says anything."""
    sets: List[Tuple[Mention, FrozenSet[Version]]] = []
    first: Optional[Mention] = None
    for mention in mentions:
        if mention.spec is None:  # editable, URL, VCS, unparsable: what installs is unknown
            if mention.distribution == SAGEMAKER or mention.distribution in V3_PARTS[1:]:
                return Admitted(
                    None, "unknown", f"{mention.text} (not a version)", _where(mention, shown)
                )
            continue
        releases = sagemaker_releases(mention)
        if releases is None:
            continue
        first = first or mention
        sets.append((mention, releases))
    if first is None:
        return None
    result = sets[0][1]
    for _mention, releases in sets[1:]:
        result = result & releases
    text = "; ".join(dict.fromkeys(m.text for m, _ in sets))
    if len(text) > 200:
        text = text[:197] + "..."
    if not result:
        return Admitted(None, "unknown", f"{text}: no release satisfies all",
                        _where(first, shown))
    # Shown as where it came from: the tightest mention (it admits every release of the
    # result, and says most about it).
    tightest = min(sets, key=lambda pair: len(pair[1]))[0]
    return Admitted(result, origin, text, _where(tightest, shown))


def _where(mention: Mention, shown: Callable[[Path], str]) -> Tuple[str, int]:
    return (shown(mention.path), mention.line)


def shown_path(path: Path) -> str:
    """A path as shown to the user: relative to the working directory when below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


# -- the setting -----------------------------------------------------------------------------

_BARE = re.compile(r"^\d+(\.\d+)*$")


def setting_specifier(value: str) -> SpecifierSet:
    """The `sdk-version` setting as a specifier: a bare major or version `X` is `==X.*`.
    Raises ValueError for anything else PEP 440 does not read."""
    text = value.strip()
    if not text:
        raise ValueError("expected a PEP 440 specifier or a version, got an empty string")
    if _BARE.match(text):
        return SpecifierSet(f"=={text}.*")
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        raise ValueError(
            f"expected a PEP 440 specifier (\">=2.200,<3\", \"==2.257.7\") or a bare major or "
            f"version (\"2\", \"2.257\"), got {value!r}"
        ) from None


def setting_problem(value: str) -> Optional[str]:
    """Why an `sdk-version` value is invalid (configuration and `--sdk-version`), or None."""
    try:
        setting_specifier(value)
    except ValueError as exc:
        return str(exc)
    return None


def from_setting(value: str) -> Admitted:
    releases = frozenset(_admits((setting_specifier(value),), SAGEMAKER))
    text = f'sdk-version = "{value}"'
    if not releases:  # a specifier no known release satisfies: nothing can be said
        return Admitted(None, "unknown", f"{text}: no known release satisfies it")
    return Admitted(releases, "setting", text)


# -- requirement strings ---------------------------------------------------------------------

_WHEEL = re.compile(r"(?:^|[/=])([A-Za-z0-9_.]+?)-(\d[^-]*?)(?:-[^/]*)?\.(?:whl|tar\.gz|zip)$")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9_.-]+)")


def _canonical(name: str) -> Optional[str]:
    # Imported here: packaging.utils loads packaging.tags (logging, subprocess, platform),
    # which only a folder that declares requirements needs.
    from packaging.utils import canonicalize_name

    canonical = str(canonicalize_name(name))
    canonical = _CONDA_NAMES.get(canonical, canonical)
    return canonical if canonical in DISTRIBUTIONS else None


def pep508(text: str, path: Path, line: int) -> Optional[Mention]:
    """A PEP 508 requirement naming a SageMaker distribution (extras and markers ignored);
    a URL one is unknown. None for anything else."""
    # Imported here: it loads packaging's marker parser (a fifth of a one-file run's
    # start-up), which only a folder that declares requirements needs.
    from packaging.requirements import InvalidRequirement, Requirement

    stripped = text.strip()
    try:
        requirement = Requirement(stripped)
    except InvalidRequirement:
        return _not_pep508(stripped, path, line)
    name = _canonical(requirement.name)
    if name is None:
        return None
    spec: Spec = None if requirement.url else (requirement.specifier,)
    return Mention(name, spec, path, line, stripped)


def _not_pep508(text: str, path: Path, line: int) -> Optional[Mention]:
    """A line pip reads that PEP 508 does not: a VCS URL with `#egg=`, a wheel or sdist by
    path or URL. Named SageMaker: unknown. Otherwise an unreadable requirement whose name
    still reads as SageMaker's is unknown too; anything else says nothing."""
    egg = _EGG.search(text)
    wheel = _WHEEL.search(text.split("#")[0])
    for found in (egg, wheel):
        if found is not None:
            name = _canonical(found.group(1))
            if name is not None:
                return Mention(name, None, path, line, text)
    head = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)", text)
    if head is not None and not re.match(r"^[A-Za-z0-9._-]+:", text):
        name = _canonical(head.group(1))
        if name is not None:
            return Mention(name, None, path, line, text)
    return None


# -- requirements files ----------------------------------------------------------------------

# Options pip reads on a line of their own that take a value (the value is not a requirement).
_VALUED = frozenset({
    "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host",
    "--use-feature", "--no-binary", "--only-binary", "--progress-bar", "--config-settings",
    "--global-option", "--install-option", "-t", "--target", "--upgrade-strategy", "--prefix",
    "--root", "--src", "--platform", "--python-version", "--implementation", "--abi",
    "--report", "--log", "--cache-dir", "--timeout", "--retries", "--proxy", "--cert",
    "--client-cert", "--exists-action", "--python", "--hash", "--constraint-file",
})
_INCLUDE = {"-r": "r", "--requirement": "r", "-c": "c", "--constraint": "c"}
_EDITABLE = ("-e", "--editable")
_COMMENT = re.compile(r"(^|\s+)#.*$")


def logical_lines(text: str) -> Iterator[Tuple[int, str]]:
    """pip's reading of a requirements file: a `\\` at the end joins the next line; a `#`
    at the start or after a space starts a comment. Yields (first line number, text)."""
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not pending:
            start = number
        if raw.endswith("\\") and not _COMMENT.search(raw[:-1]):
            pending += raw[:-1]
            continue
        line = _COMMENT.sub("", pending + raw).strip()
        pending = ""
        if line:
            yield start, line
    if pending.strip():
        yield start, _COMMENT.sub("", pending).strip()


@dataclass
class Reading:
    """What reading declarations found, and every file it read or looked for (the cache
    keeps a result only while they stay the same)."""

    mentions: List[Mention] = field(default_factory=list)
    inputs: Set[Path] = field(default_factory=set)


def read_text(path: Path) -> Optional[str]:
    try:
        if not path.is_file() or path.stat().st_size > MAX_DECLARATION_BYTES:
            return None
        return path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError:
        return None


def requirements_file(path: Path, reading: Reading, seen: Optional[Set[Path]] = None) -> None:
    """The mentions of a requirements file (or a pip-tools `.in`), following `-r` / `-c`
    includes given as relative paths (URLs and absolute paths are not followed; a cycle
    stops)."""
    seen = set() if seen is None else seen
    key = path.resolve() if path.exists() else path.absolute()
    if key in seen or len(seen) > _MAX_INCLUDES:
        return
    seen.add(key)
    reading.inputs.add(path.absolute())
    text = read_text(path)
    if text is None:
        return
    for number, line in logical_lines(text):
        requirement_line(line, path, number, reading, seen)


def requirement_line(
    line: str, path: Path, number: int, reading: Reading, seen: Optional[Set[Path]] = None
) -> None:
    """One logical line of a requirements file (or of an environment file's `pip:` list)."""
    try:
        words = shlex.split(line, posix=True)
    except ValueError:  # an unclosed quote: not a line pip reads either
        return
    if not words:
        return
    head = words[0]
    option, _, attached = head.partition("=") if head.startswith("--") else (head, "", "")
    if option in _INCLUDE or (head[:2] in ("-r", "-c") and len(head) > 2):
        target = attached or (head[2:] if head[:2] in ("-r", "-c") and len(head) > 2 else "")
        if not target and len(words) > 1:
            target = words[1]
        _include(target, path, reading, seen)
        return
    if option in _EDITABLE or head.startswith("-e"):
        target = attached or (head[2:] if head.startswith("-e") and len(head) > 2 else "")
        if not target and len(words) > 1:
            target = words[1]
        editable = _not_pep508(target, path, number)
        if editable is not None:  # only `#egg=sagemaker` says it is the SDK
            reading.mentions.append(Mention(editable.distribution, None, path, number, line))
        return
    if head.startswith("-"):
        return  # --index-url, --pre, --hash=... on their own line: not a requirement
    # Per-requirement options (`--hash=...`, `--config-settings ...`) follow the requirement;
    # the requirement itself is read as written (a marker's quotes matter).
    kept = _PER_REQUIREMENT_OPTION.split(line.strip(), maxsplit=1)[0].strip()
    mention = pep508(kept, path, number)
    if mention is not None:
        reading.mentions.append(mention)


_PER_REQUIREMENT_OPTION = re.compile(r"\s--(?=[a-z])")


def _include(target: str, path: Path, reading: Reading, seen: Optional[Set[Path]]) -> None:
    if not target or "://" in target or os.path.isabs(target) or target.startswith("~"):
        return
    requirements_file(path.parent / target, reading, seen)


# -- TOML declarations -----------------------------------------------------------------------


def _toml(path: Path) -> Optional[Dict[str, Any]]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11
        import tomli as tomllib
    text = read_text(path)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None  # not a declaration sagelint can read: it says nothing


def _line_of(text: str, name: str, after: int = 0) -> int:
    """The first line (1-based, from `after`) that names a distribution: TOML readers give
    no positions, so the line shown is found by the name."""
    pattern = re.compile(
        r"(?<![A-Za-z0-9._-])" + r"[-_.]".join(map(re.escape, re.split(r"[-_.]", name)))
        + r"(?![A-Za-z0-9_-])",
        re.IGNORECASE,
    )
    lines = text.splitlines()
    for number in range(after, len(lines)):
        if pattern.search(lines[number]):
            return number + 1
    return 1


def _strings(value: Any) -> List[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def pyproject(path: Path, reading: Reading) -> None:
    """`[project]` dependencies and optional groups, `[dependency-groups]`, Poetry's
    dependencies and groups, pdm's and uv's dev-dependencies."""
    document = _toml(path)
    reading.inputs.add(path.absolute())
    if document is None:
        return
    text = read_text(path) or ""
    pep508_lists: List[str] = []
    project = document.get("project")
    if isinstance(project, dict):
        pep508_lists += _strings(project.get("dependencies"))
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for group in optional.values():
                pep508_lists += _strings(group)
    groups = document.get("dependency-groups")
    if isinstance(groups, dict):
        for group in groups.values():  # `{include-group = ...}` entries are tables: skipped
            pep508_lists += _strings(group)
    tool = _table(document, "tool")
    pdm = _table(tool, "pdm")
    dev = pdm.get("dev-dependencies")
    if isinstance(dev, dict):
        for group in dev.values():
            pep508_lists += _strings(group)
    uv = _table(tool, "uv")
    pep508_lists += _strings(uv.get("dev-dependencies"))
    for requirement in pep508_lists:
        if requirement.lstrip().startswith("-e"):  # pdm's editable form
            requirement_line(requirement, path, _requirement_line_number(text, requirement),
                             reading)
            continue
        mention = pep508(requirement, path, 1)
        if mention is not None:
            line = _requirement_line_number(text, requirement)
            reading.mentions.append(Mention(mention.distribution, mention.spec, path, line,
                                            mention.text))
    poetry = _table(tool, "poetry")
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    poetry_groups = poetry.get("group")
    if isinstance(poetry_groups, dict):
        tables += [g.get("dependencies") for g in poetry_groups.values() if isinstance(g, dict)]
    for table in tables:
        if isinstance(table, dict):
            for name, constraint in table.items():
                _poetry_entry(name, constraint, path, text, reading)


def _table(document: Dict[str, Any], key: str) -> Dict[str, Any]:
    value = document.get(key)
    return value if isinstance(value, dict) else {}


def _requirement_line_number(text: str, requirement: str) -> int:
    """The line holding a requirement string as written (quoted in TOML)."""
    wanted = requirement.strip()
    for number, line in enumerate(text.splitlines(), 1):
        if wanted and wanted in line:
            return number
    head = re.match(r"[A-Za-z0-9._-]+", wanted)
    return _line_of(text, head.group(0)) if head else 1


def _poetry_entry(name: str, constraint: Any, path: Path, text: str, reading: Reading) -> None:
    import json  # here: a script with no declaration to read never loads it
    distribution = _canonical(name) if isinstance(name, str) else None
    if distribution is None:
        return
    line = _line_of(text, name)
    shown = f"{name} = {json.dumps(constraint) if not isinstance(constraint, str) else constraint}"
    alternatives: List[Spec] = []
    entries = constraint if isinstance(constraint, list) else [constraint]  # multiple constraints
    for entry in entries:
        if isinstance(entry, str):
            alternatives.append(poetry_spec(entry))
        elif isinstance(entry, dict):
            if any(key in entry for key in ("git", "path", "url", "file")):
                alternatives.append(None)
            else:
                version = entry.get("version", "*")
                alternatives.append(poetry_spec(version) if isinstance(version, str) else None)
        else:
            alternatives.append(None)
    spec: Spec = None
    if alternatives and all(a is not None for a in alternatives):
        spec = tuple(s for a in alternatives if a is not None for s in a)
    reading.mentions.append(Mention(distribution, spec, path, line, shown))


_POETRY_CLAUSE = re.compile(r"(\^|~=|~|==|!=|>=|<=|>|<|=)?\s*([0-9][0-9A-Za-z.*+!-]*|\*)")


def poetry_spec(constraint: str) -> Spec:
    """A Poetry constraint as PEP 440 alternatives: `^2.200` is `>=2.200,<3`, `~2.200` is
    `>=2.200,<2.201`, `2.*` and `*` as written, `||` separates alternatives, and clauses
    are separated by commas or spaces."""
    alternatives: List[SpecifierSet] = []
    for part in constraint.split("||"):
        clauses: List[str] = []
        rest = part.strip()
        if rest in ("", "*"):
            alternatives.append(SpecifierSet(""))
            continue
        for chunk in re.split(r"\s*,\s*|\s+(?=[\^~<>=!0-9])", rest):
            match = _POETRY_CLAUSE.fullmatch(chunk.strip())
            if match is None:
                return None
            converted = _poetry_clause(match.group(1) or "", match.group(2))
            if converted is None:
                return None
            clauses += converted
        try:
            alternatives.append(SpecifierSet(",".join(clauses)))
        except InvalidSpecifier:
            return None
    return tuple(alternatives)


def _poetry_clause(operator: str, version: str) -> Optional[List[str]]:
    if version == "*":
        return []
    if "*" in version:
        return [f"=={version}"] if operator in ("", "==", "=") else None
    try:
        parsed = Version(version)
    except InvalidVersion:
        return None
    parts = list(parsed.release)
    if operator == "^":
        index = next((i for i, p in enumerate(parts) if p != 0), len(parts) - 1)
        upper = parts[:index] + [parts[index] + 1]
        return [f">={version}", f"<{'.'.join(map(str, upper))}"]
    if operator == "~":
        upper = [parts[0] + 1] if len(parts) == 1 else [parts[0], parts[1] + 1]
        return [f">={version}", f"<{'.'.join(map(str, upper))}"]
    if operator in ("", "="):
        return [f"=={version}"]
    return [f"{operator}{version}"]


def lock_file(path: Path, reading: Reading) -> None:
    """What a lock file records as installed: `[[package]]` entries (Poetry, uv, pdm) or
    Pipfile.lock's sections. Several entries of one name (uv's forks) are alternatives."""
    import json  # here: a script with no declaration to read never loads it
    reading.inputs.add(path.absolute())
    text = read_text(path)
    if text is None:
        return
    found: Dict[str, List[Spec]] = {}
    if path.name == "Pipfile.lock":
        try:
            document = json.loads(text)
        except ValueError:
            return
        if not isinstance(document, dict):
            return
        for section, packages in document.items():
            if section == "_meta" or not isinstance(packages, dict):
                continue
            for name, entry in packages.items():
                distribution = _canonical(name) if isinstance(name, str) else None
                if distribution is None or not isinstance(entry, dict):
                    continue
                version = entry.get("version")
                found.setdefault(distribution, []).append(
                    _exact(version.lstrip("=")) if isinstance(version, str) else None
                )
    else:
        document = _toml(path)
        packages = document.get("package") if document else None
        for entry in packages if isinstance(packages, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue
            distribution = _canonical(entry["name"])
            if distribution is None:
                continue
            found.setdefault(distribution, []).append(
                None if _locked_from_source(entry) or not isinstance(entry.get("version"), str)
                else _exact(entry["version"])
            )
    for distribution, specs in sorted(found.items()):
        spec: Spec = None
        if all(s is not None for s in specs):
            spec = tuple(s for group in specs if group is not None for s in group)
        versions = "/".join(str(s) for group in specs if group is not None for s in group)
        reading.mentions.append(Mention(
            distribution, spec, path, _line_of(text, distribution),
            f"{distribution} {versions or '(not from an index)'} (locked)",
        ))


def _exact(version: str) -> Spec:
    try:
        return (SpecifierSet(f"=={version}"),)
    except InvalidSpecifier:
        return None


def _locked_from_source(entry: Dict[str, Any]) -> bool:
    """A locked package installed from a checkout, a path or a URL (its version says
    little about which release's code it is)."""
    source = entry.get("source")
    if isinstance(source, dict):
        if any(key in source for key in ("git", "path", "directory", "editable", "url")):
            return True
        if source.get("type") in ("git", "directory", "file", "url"):
            return True
    return False


def pipfile(path: Path, reading: Reading) -> None:
    """Pipfile (TOML): `[packages]`, `[dev-packages]` and custom categories."""
    import json  # here: a script with no declaration to read never loads it
    reading.inputs.add(path.absolute())
    document = _toml(path)
    if document is None:
        return
    text = read_text(path) or ""
    for section, packages in document.items():
        if section in ("source", "requires", "pipenv", "scripts") or not isinstance(packages, dict):
            continue
        for name, entry in packages.items():
            distribution = _canonical(name) if isinstance(name, str) else None
            if distribution is None:
                continue
            spec: Spec
            if isinstance(entry, str):
                spec = _pep440_or_none(entry)
            elif isinstance(entry, dict) and not any(
                k in entry for k in ("git", "path", "file", "editable")
            ):
                version = entry.get("version", "*")
                spec = _pep440_or_none(version) if isinstance(version, str) else None
            else:
                spec = None
            reading.mentions.append(Mention(
                distribution, spec, path, _line_of(text, name),
                f"{name} = {json.dumps(entry)}",
            ))


def _pep440_or_none(text: str) -> Spec:
    if text.strip() == "*":
        return ANY
    try:
        return (SpecifierSet(text),)
    except InvalidSpecifier:
        return None


# -- setup.cfg and setup.py ------------------------------------------------------------------


def setup_cfg(path: Path, reading: Reading) -> None:
    import configparser  # here: a script with no declaration to read never loads it
    reading.inputs.add(path.absolute())
    text = read_text(path)
    if text is None:
        return
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return
    values: List[str] = []
    if parser.has_option("options", "install_requires"):
        values.append(parser.get("options", "install_requires"))
    if parser.has_section("options.extras_require"):
        values += [value for _key, value in parser.items("options.extras_require")]
    for value in values:
        for item in value.splitlines():
            item = _COMMENT.sub("", item).strip()
            if not item:
                continue
            mention = pep508(item, path, 1)
            if mention is not None:
                reading.mentions.append(Mention(
                    mention.distribution, mention.spec, path,
                    _requirement_line_number(text, item), item,
                ))


def setup_py(path: Path, reading: Reading) -> None:
    """`install_requires=` / `extras_require=` of `setup(...)`, when literal (or a name bound
    once at module level to a literal); anything computed makes the whole file silent."""
    reading.inputs.add(path.absolute())
    text = read_text(path)
    if text is None:
        return
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    bound: Dict[str, List[ast.expr]] = {}
    for statement in tree.body:
        targets: List[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = list(statement.targets)
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets = [statement.target]
        elif isinstance(statement, ast.AugAssign):
            targets = [statement.target]
        for target in targets:
            if isinstance(target, ast.Name):
                value = getattr(statement, "value", None)
                bound.setdefault(target.id, []).append(
                    value if isinstance(statement, (ast.Assign, ast.AnnAssign)) and value
                    else ast.Constant(None)
                )
    found: List[Tuple[str, int]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _is_setup(node.func)):
            continue
        for keyword in node.keywords:
            if keyword.arg == "install_requires":
                strings = _literal_strings(keyword.value, bound)
            elif keyword.arg == "extras_require":
                strings = _literal_extras(keyword.value, bound)
            else:
                continue
            if strings is None:
                return  # computed: setup.py alone says nothing
            found += strings
    for item, line in found:
        mention = pep508(item, path, line)
        if mention is not None:
            reading.mentions.append(mention)


def _is_setup(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "setup") or (
        isinstance(func, ast.Attribute) and func.attr == "setup"
    )


def _resolved(value: ast.expr, bound: Dict[str, List[ast.expr]]) -> Optional[ast.expr]:
    if isinstance(value, ast.Name):
        values = bound.get(value.id, [])
        return values[0] if len(values) == 1 else None
    return value


def _literal_strings(
    value: ast.expr, bound: Dict[str, List[ast.expr]]
) -> Optional[List[Tuple[str, int]]]:
    resolved = _resolved(value, bound)
    if not isinstance(resolved, (ast.List, ast.Tuple)):
        return None
    out: List[Tuple[str, int]] = []
    for element in resolved.elts:
        if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
            return None
        out.append((element.value, element.lineno))
    return out


def _literal_extras(
    value: ast.expr, bound: Dict[str, List[ast.expr]]
) -> Optional[List[Tuple[str, int]]]:
    resolved = _resolved(value, bound)
    if not isinstance(resolved, ast.Dict):
        return None
    out: List[Tuple[str, int]] = []
    for group in resolved.values:
        strings = _literal_strings(group, bound)
        if strings is None:
            return None
        out += strings
    return out


# -- environment.yml -------------------------------------------------------------------------


def environment_file(path: Path, reading: Reading) -> None:
    """A conda environment file: the `dependencies:` list in conda syntax, and the nested
    `pip:` list in pip syntax (its `-r` relative to the file)."""
    reading.inputs.add(path.absolute())
    text = read_text(path)
    if text is None:
        return
    for number, item, pip in environment_items(text):
        if pip:
            requirement_line(item, path, number, reading)
            continue
        mention = conda_spec(item, path, number)
        if mention is not None:
            reading.mentions.append(mention)


def environment_items(text: str) -> List[Tuple[int, str, bool]]:
    """(line, item, from the pip list) of the `dependencies:` list: the subset of YAML that
    environment files use (block lists, `- pip:` with a nested block or flow list, a flow
    list `[a, b]`, quotes, comments). Anchors, tags and block scalars are not read: such an
    item says nothing."""
    items: List[Tuple[int, str, bool]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = _yaml_comment(lines[index])
        match = re.match(r"^dependencies\s*:\s*(.*)$", line)
        index += 1
        if match is None:
            continue
        if match.group(1).strip():  # `dependencies: [a, b]`
            items += [(index, item, False) for item in _flow(match.group(1))]
            continue
        base: Optional[int] = None
        pip_indent: Optional[int] = None
        while index < len(lines):
            raw = _yaml_comment(lines[index])
            number = index + 1
            if not raw.strip():
                index += 1
                continue
            indent = len(raw) - len(raw.lstrip())
            body = raw.strip()
            if base is None:
                if not body.startswith("-"):
                    break
                base = indent
            if indent < base or (indent == base and not body.startswith("-")):
                break
            index += 1
            if pip_indent is not None and indent > base:
                if body.startswith("-"):
                    items.append((number, _unquote(body[1:].strip()), True))
                continue
            pip_indent = None
            if not body.startswith("-") or indent != base:
                continue
            entry = body[1:].strip()
            pip = re.match(r"^pip\s*:\s*(.*)$", entry)
            if pip is not None:
                if pip.group(1).strip():
                    items += [(number, item, True) for item in _flow(pip.group(1))]
                else:
                    pip_indent = indent
                continue
            items.append((number, _unquote(entry), False))
    return items


def _yaml_comment(line: str) -> str:
    """The line without a ` #` comment outside quotes."""
    quote: Optional[str] = None
    for position, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (position == 0 or line[position - 1] in " \t"):
            return line[:position].rstrip()
    return line.rstrip()


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _flow(text: str) -> List[str]:
    """A one-line flow list `[a, "b c"]`; anything else gives nothing."""
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return []
    out: List[str] = []
    current = ""
    quote: Optional[str] = None
    for char in text[1:-1]:
        if quote:
            if char == quote:
                quote = None
            current += char
        elif char in "'\"":
            quote = char
            current += char
        elif char == ",":
            out.append(_unquote(current))
            current = ""
        else:
            current += char
    if current.strip():
        out.append(_unquote(current))
    return [item for item in out if item]


_CONDA = re.compile(
    r"^(?:(?P<channel>[^:\s]+)::)?(?P<name>[A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*(?P<rest>.*)$"
)


def conda_spec(item: str, path: Path, line: int) -> Optional[Mention]:
    """A conda match spec: `name=2.200` is a prefix match (2.200.*), `name==2.200.0` exact,
    `name 2.200` as `=`, `>=2,<3` as PEP 440, `|` separates alternatives."""
    match = _CONDA.match(item.strip())
    if match is None:
        return None
    distribution = _canonical(match.group("name"))
    if distribution is None:
        return None
    rest = match.group("rest").strip()
    version = rest.split()[0] if rest else ""  # a build string may follow
    alternatives: List[SpecifierSet] = []
    for part in (version.split("|") if version else [""]):
        converted = _conda_clause(part)
        if converted is None:
            return Mention(distribution, None, path, line, item.strip())
        alternatives.append(converted)
    return Mention(distribution, tuple(alternatives), path, line, item.strip())


def _conda_clause(text: str) -> Optional[SpecifierSet]:
    clauses: List[str] = []
    for clause in text.split(",") if text else []:
        clause = clause.strip()
        operator = re.match(r"^(==|!=|>=|<=|>|<|~=|=)?", clause)
        op = operator.group(1) if operator and operator.group(1) else ""
        version = clause[len(op):].strip()
        if op in ("", "="):  # a prefix match: `2.200` and `2.200*` are 2.200.*
            version = version.rstrip("*").rstrip(".")
            clauses.append(f"=={version}.*" if version else "")
        else:
            clauses.append(f"{op}{version}")
    try:
        return SpecifierSet(",".join(c for c in clauses if c))
    except InvalidSpecifier:
        return None


# -- one folder's declarations ---------------------------------------------------------------

_MANIFEST_NAMES = (
    "pyproject.toml", "setup.cfg", "setup.py", "environment.yml", "environment.yaml", "Pipfile",
)


def is_declaration(name: str, in_requirements_folder: bool = False) -> bool:
    """Whether a file of this name is one `candidates` may return."""
    return (
        name in LOCK_FILES or name in _MANIFEST_NAMES or name.endswith(".in")
        or bool(re.match(r"^requirements.*\.txt$", name))
        or (in_requirements_folder and name.endswith(".txt"))
    )


def candidates(folder: Path) -> List[Path]:
    """The declaration files of a folder, locks first, in a stable order."""
    found: List[Path] = [folder / name for name in LOCK_FILES if (folder / name).is_file()]
    found += [folder / name for name in _MANIFEST_NAMES if (folder / name).is_file()]
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        names = []
    found += [folder / n for n in names if re.match(r"^requirements.*\.txt$", n)
              and (folder / n).is_file()]
    found += [folder / n for n in names if n.endswith(".in") and (folder / n).is_file()]
    sub = folder / "requirements"
    if sub.is_dir():
        try:
            inner = sorted(os.listdir(sub))
        except OSError:
            inner = []
        found += [sub / n for n in inner if n.endswith((".txt", ".in")) and (sub / n).is_file()]
    return found


def read_folder(folder: Path) -> Tuple[List[Mention], List[Mention], Set[Path]]:
    """(lock mentions, manifest mentions, every file read) of one folder."""
    locks = Reading()
    manifests = Reading()
    for path in candidates(folder):
        name = path.name
        if name in LOCK_FILES:
            lock_file(path, locks)
        elif name == "pyproject.toml":
            pyproject(path, manifests)
        elif name == "setup.cfg":
            setup_cfg(path, manifests)
        elif name == "setup.py":
            setup_py(path, manifests)
        elif name in ("environment.yml", "environment.yaml"):
            environment_file(path, manifests)
        elif name == "Pipfile":
            pipfile(path, manifests)
        else:
            requirements_file(path, manifests)
    return locks.mentions, manifests.mentions, locks.inputs | manifests.inputs


def folder_admitted(folder: Path) -> Tuple[Optional[Admitted], Set[Path]]:
    """A folder's declarations: None when none says anything about the SDK."""
    locks, manifests, inputs = read_folder(folder)
    decided = decide(locks, "declaration", shown_path) if locks else None
    if decided is None:
        decided = decide(manifests, "declaration", shown_path)
    return decided, inputs


# -- notebooks -------------------------------------------------------------------------------

_SHELL_PIP = re.compile(
    r"^!\s*(?:(?:\S*/)?python[0-9.]*\s+-m\s+pip|\{sys\.executable\}\s+-m\s+pip|(?:\S*/)?pip[0-9.]*)"
    r"\s+install\b(?P<args>.*)$"
)
_MAGIC_PIP = re.compile(r"^%\s*pip\s+install\b(?P<args>.*)$")
_AUTO_PIP = re.compile(r"^pip\s+install\b(?P<args>.*)$")
_CONDA_INSTALL = re.compile(
    r"^(?:%\s*|!\s*)?(?:conda|mamba|micromamba)\s+install\b(?P<args>.*)$"
)
# Install options that take a value (the value is not a package).
_INSTALL_VALUED = _VALUED | {"-c", "--channel", "-n", "--name", "-p", "--prefix", "--file"}


def install_line(line: str, folder: Path, notebook: Path, row: int) -> Optional[List[Mention]]:
    """The SageMaker mentions of one notebook line that installs packages; None when the
    line installs nothing (or nothing of the SDK)."""
    stripped = line.strip()
    conda = False
    match = _MAGIC_PIP.match(stripped) or _SHELL_PIP.match(stripped) or _AUTO_PIP.match(stripped)
    if match is None:
        match = _CONDA_INSTALL.match(stripped)
        conda = match is not None
    if match is None:
        return None
    words = shell_words(match.group("args"))
    if words is None:
        return None
    reading = Reading()
    position = 0
    while position < len(words):
        word = words[position]
        position += 1
        if word in ("-r", "--requirement") and position < len(words) and not conda:
            _include(words[position], notebook, reading, None)
            position += 1
        elif word.startswith(("--requirement=", "-r")) and not conda and len(word) > 2:
            _include(word.split("=", 1)[-1] if "=" in word else word[2:], notebook, reading, None)
        elif word in ("-e", "--editable") and position < len(words):
            requirement_line(f"-e {shlex.quote(words[position])}", notebook, row, reading)
            position += 1
        elif word.startswith("-"):
            if word in _INSTALL_VALUED:
                position += 1
        elif "$" in word or "{" in word:
            continue  # an IPython variable: what it names is unknown
        else:
            mention = conda_spec(word, notebook, row) if conda else pep508(word, notebook, row)
            if mention is not None:
                reading.mentions.append(mention)
    return reading.mentions or None


def shell_words(args: str) -> Optional[List[str]]:
    """The arguments a shell hands pip for an install line (IPython runs `!`, `%pip` and
    `%conda` lines through the shell): up to a control operator or a comment, without
    redirections. An unquoted `sagemaker>=2` is `sagemaker` with its output redirected to
    a file `=2`, so it admits every release, as it does when run."""
    lexer = shlex.shlex(args, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""  # `#egg=` inside a URL is no comment; a word starting with # is
    try:
        tokens = list(lexer)
    except ValueError:  # an unclosed quote: the shell refuses the line
        return None
    words: List[str] = []
    skip = False
    for token in tokens:
        if skip:
            skip = False
            continue
        if token.startswith("#") or token in ("&&", "||", ";", "|", "&", ";;", "|&"):
            break
        if token and set(token) <= set("<>&"):  # a redirection: its target is no package
            skip = True
            continue
        words.append(token)
    return words


def notebook_installs(
    cells: Sequence[Tuple[int, str]], notebook: Path
) -> Tuple[List[Tuple[int, Admitted]], Set[Path]]:
    """(cell, A it sets for the cells after it) of each install cell that names a SageMaker
    distribution, in order; and the files they read (`-r`)."""
    found: List[Tuple[int, Admitted]] = []
    inputs: Set[Path] = set()
    folder = notebook.absolute().parent
    for cell, source in cells:
        decided: Optional[Admitted] = None
        for row, line in enumerate(source.splitlines(), 1):
            mentions = install_line(line, folder, notebook, row)
            if mentions is None:
                continue
            inputs |= {m.path.absolute() for m in mentions if m.path != notebook}
            admitted = decide(mentions, "notebook", shown_path)
            if admitted is not None:  # a later install line of the cell replaces it
                decided = Admitted(admitted.releases, admitted.origin, admitted.text,
                                   admitted.source, cell if admitted.source and
                                   admitted.source[0] == shown_path(notebook) else None)
        if decided is not None:
            found.append((cell, decided))
    return found, inputs


# -- per file, cached per folder -------------------------------------------------------------


def _stamp(path: Path) -> Tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)
    return (info.st_mtime_ns, info.st_size)


def folder_key(folder: Path) -> Tuple[Any, ...]:
    """What a folder's decision depends on, cheaply: its candidate files and their stamps,
    and whether it is a repository root."""
    names = tuple((p.name, _stamp(p)) for p in candidates(folder))
    return (names, (folder / ".git").exists())


def fingerprint(path: str) -> str:
    """A content fingerprint of one input of A, for the persistent cache: a folder's
    candidate files (names and bytes) and whether it holds `.git`, or a file's bytes, or
    "absent"."""
    import hashlib  # here: a script with no declaration to read never loads it
    location = Path(path)
    digest = hashlib.blake2b(digest_size=12)
    if location.is_dir():
        digest.update(b"dir\0" + (b"git\0" if (location / ".git").exists() else b""))
        for candidate in candidates(location):
            digest.update(str(candidate.relative_to(location)).encode() + b"\0")
            digest.update((read_text(candidate) or "").encode() + b"\0")
        return digest.hexdigest()
    text = read_text(location)
    if text is None:
        return "absent"
    digest.update(text.encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Decision:
    admitted: Admitted
    inputs: FrozenSet[str]  # folders walked and files read outside them (absolute paths)


@dataclass(frozen=True)
class _FolderEntry:
    key: Tuple[Any, ...]  # folder_key when it was read
    admitted: Optional[Admitted]
    outside: FrozenSet[Tuple[str, Tuple[int, int]]]  # files read outside it, with stamps

    def fresh(self, key: Tuple[Any, ...]) -> bool:
        return key == self.key and all(_stamp(Path(p)) == s for p, s in self.outside)


class Finder:
    """The nearest declaration of each folder, remembered per folder while its declaration
    files keep their stamps (so a long-lived engine, the language server's, sees edits)."""

    def __init__(self) -> None:
        self._folders: Dict[Path, _FolderEntry] = {}

    def for_folder(self, folder: Path, root: Path) -> Decision:
        folder = folder.absolute()
        top = _top(folder, root)
        walked: List[str] = []
        extra: Set[str] = set()
        for current in (folder, *folder.parents):
            walked.append(str(current))
            entry = self._one(current)
            extra |= {path for path, _stamp in entry.outside}
            if entry.admitted is not None:
                return Decision(entry.admitted, frozenset(walked) | extra)
            if current == top:
                break
        return Decision(UNKNOWN, frozenset(walked) | extra)

    def _one(self, folder: Path) -> _FolderEntry:
        key = folder_key(folder)
        cached = self._folders.get(folder)
        if cached is not None and cached.fresh(key):
            return cached
        decided, inputs = folder_admitted(folder)
        own = (folder, folder / "requirements")
        outside = frozenset((str(p), _stamp(p)) for p in inputs if p.parent not in own)
        entry = _FolderEntry(key, decided, outside)
        self._folders[folder] = entry
        return entry


def _top(folder: Path, root: Path) -> Path:
    """Where the walk stops: the repository root (the folder holding `.git`), else the
    configuration's folder when it is above the file, else the file's own folder."""
    from sagelint.paths import repository_root

    repository = repository_root(folder)
    if repository is not None:
        return repository
    root = root.absolute()
    return root if root == folder or root in folder.parents else folder


class FileSdk:
    """One checked file's admitted sets, computed only when a rule (or `--show-settings`)
    asks: the setting, else the file's nearest declaration; for a notebook, each install
    cell sets A for the cells after it. `inputs` says what the answers depended on (the
    persistent cache keeps the file's result only while they stay the same)."""

    def __init__(
        self,
        path: str,
        setting: Optional[str],
        root: Path,
        finder: Finder,
        cells: Optional[Sequence[Tuple[int, str]]] = None,
    ) -> None:
        self.path = path
        self.setting = setting
        self.root = root
        self.finder = finder
        self.cells = cells  # a notebook's code cells (number, source); None for a script
        self._base: Optional[Admitted] = None
        self._installs: Optional[List[Tuple[int, Admitted]]] = None
        self.inputs: FrozenSet[str] = frozenset()
        self.asked = False

    def _folder(self) -> Optional[Path]:
        if self.path in ("", "-"):
            return None
        folder = Path(self.path).absolute().parent
        return folder if folder.is_dir() else None

    def base(self) -> Admitted:
        """A for the whole file (a notebook: before its first install cell)."""
        self.asked = True
        if self._base is None:
            if self.setting is not None:
                self._base = from_setting(self.setting)
            else:
                folder = self._folder()
                if folder is None:
                    self._base = UNKNOWN
                else:
                    decision = self.finder.for_folder(folder, self.root)
                    self.inputs |= decision.inputs
                    self._base = decision.admitted
        return self._base

    def installs(self) -> List[Tuple[int, Admitted]]:
        """The notebook's install cells that set A, in order (none when the setting is set:
        it overrides them)."""
        self.asked = True
        if self._installs is None:
            if self.setting is not None or not self.cells:
                self._installs = []
            else:
                found, inputs = notebook_installs(self.cells, Path(self.path))
                self.inputs |= {str(p) for p in inputs}
                self._installs = found
        return self._installs

    def at_cell(self, cell: Optional[int]) -> Admitted:
        """A in force in a cell: the last install cell before it, else the file's."""
        decided: Optional[Admitted] = None
        if cell is not None:
            for number, admitted in self.installs():
                if number < cell:
                    decided = admitted
        return decided if decided is not None else self.base()
