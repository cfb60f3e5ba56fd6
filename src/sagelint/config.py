"""Settings: defaults, configuration files, validation -> one frozen object per run.

Configuration is `[tool.sagelint]` in `pyproject.toml`, or the same keys at the top level of
`sagelint.toml` / `.sagelint.toml`. Each checked file uses the nearest one above it (in one
folder `.sagelint.toml` wins over `sagelint.toml`, which wins over `pyproject.toml`, as in
ruff); `extend = "PATH"` inherits another file's keys. Validation is strict: an unknown
key, a wrong type, an unknown rule code or an impossible value is an error naming the file,
the key and what is expected.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import (
    Any, Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple,
)

from sagelint.catalog import Catalog

API_TIMEOUT_MIN = 60
API_TIMEOUT_MAX = 3600
KEEP_ALIVE_API_MAX = 21600  # CreateTrainingJob's maximum since December 2025

DEFAULT_TIMEOUT_ENV_KEYS = (
    "SAGEMAKER_MODEL_SERVER_TIMEOUT",
    "MODEL_SERVER_TIMEOUT",
    "TS_DEFAULT_RESPONSE_TIMEOUT",
    "MMS_DEFAULT_RESPONSE_TIMEOUT",
    "SAGEMAKER_TS_RESPONSE_TIMEOUT",
)
OUTPUT_FORMATS = (
    "full", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit", "rdjson",
    "html", "markdown",
)
CONFIG_NAMES = (".sagelint.toml", "sagelint.toml", "pyproject.toml")

_ENV_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")


class SettingsError(ValueError):
    """An impossible setting: the run stops with exit code 2."""


@dataclass(frozen=True)
class Settings:
    select: Tuple[str, ...] = ("ALL",)
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    exclude: Optional[Tuple[str, ...]] = None  # None: the default excludes
    extend_exclude: Tuple[str, ...] = ()
    respect_gitignore: bool = True
    output_format: str = "full"
    fix: bool = False
    unsafe_fixes: bool = False
    server_timeout_floor: int = 300
    startup_timeout_floor: int = 600
    download_timeout_floor: int = 600
    keep_alive_max: int = 3600
    timeout_env_keys: Tuple[str, ...] = DEFAULT_TIMEOUT_ENV_KEYS
    extend_model_classes: Tuple[str, ...] = ()
    extend_estimator_classes: Tuple[str, ...] = ()
    baseline: Optional[str] = None  # a path, relative to `root` when it comes from a file
    fail_on: str = "warning"  # the lowest severity that makes the run fail
    target_version: Optional[str] = None  # "py312": judge syntax by that Python (SM001)
    line_length: int = 88  # fixes wrap the arguments they insert past it
    sarif_category: Optional[str] = None  # SARIF `automationDetails.id`
    # Where paths in the configuration are relative to (the config file's folder, or the
    # working directory without one).
    root: Path = field(default_factory=Path.cwd, compare=False)
    enabled: FrozenSet[str] = field(default=frozenset(), compare=False)
    catalog: Catalog = field(default_factory=Catalog, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        select: Optional[Sequence[str]] = None,
        extend_select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        **options: Any,
    ) -> Settings:
        """Settings from already-validated values: the enabled rules and the catalogue are
        derived here, once per run."""
        from sagelint.selection import expand_selector, is_valid_selector

        selectors = tuple(select) if select else ("ALL",)
        for selector in (*selectors, *extend_select, *ignore):
            if not is_valid_selector(selector):
                raise SettingsError(f"unknown rule code or prefix: {selector!r}")
        enabled = {code for s in selectors for code in expand_selector(s, False)}
        enabled |= {code for s in extend_select for code in expand_selector(s, False)}
        enabled -= {code for s in ignore for code in expand_selector(s, True)}
        base = cls(
            select=selectors, extend_select=tuple(extend_select), ignore=tuple(ignore), **options
        )
        for key, value in options.items():
            spec = SCHEMA.get(key.replace("_", "-"))
            if spec is not None and spec.check is not None:
                problem = spec.check(value)
                if problem:
                    raise SettingsError(f"{key.replace('_', '-')}: {problem}")
        catalog = Catalog(base.extend_model_classes, base.extend_estimator_classes)
        object.__setattr__(base, "enabled", frozenset(enabled))
        object.__setattr__(base, "catalog", catalog)
        return base

    def ignored_in(self, relative_path: str) -> FrozenSet[str]:
        """Codes that `per-file-ignores` turns off for a path relative to `root`."""
        from sagelint.selection import expand_selector
        from sagelint.files import glob_matches

        codes: Set[str] = set()
        for pattern, selectors in self.per_file_ignores:
            if glob_matches(pattern, relative_path):
                codes.update(c for s in selectors for c in expand_selector(s, True))
        return frozenset(codes)


# -- the configuration schema --------------------------------------------------------------


@dataclass(frozen=True)
class _Key:
    expected: str  # what the error message says is expected
    convert: Callable[[Any], Any]  # raises TypeError with a wrong type
    check: Optional[Callable[[Any], Optional[str]]] = None  # an impossible value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    return value


def _strings(value: Any) -> Tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError
    return tuple(value)


def _per_file(value: Any) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise TypeError
    return tuple((pattern, _strings(codes)) for pattern, codes in value.items())


def _between(low: int, high: int) -> Callable[[Any], Optional[str]]:
    def check(value: int) -> Optional[str]:
        if not low <= value <= high:
            return f"expected a whole number of seconds from {low} to {high}, got {value}"
        return None

    return check


def _selectors(values: Iterable[str]) -> Optional[str]:
    from sagelint.selection import is_valid_selector

    unknown = [value for value in values if not is_valid_selector(value)]
    return f"unknown rule code or prefix {unknown[0]!r}" if unknown else None


def _per_file_selectors(value: Tuple[Tuple[str, Tuple[str, ...]], ...]) -> Optional[str]:
    for pattern, selectors in value:
        problem = _selectors(selectors)
        if problem:
            return f"{problem} for {pattern!r}"
    return None


def _env_names(values: Tuple[str, ...]) -> Optional[str]:
    bad = [value for value in values if not _ENV_NAME.match(value)]
    return f"{bad[0]!r} is not an environment variable name" if bad else None


def _dotted(values: Tuple[str, ...]) -> Optional[str]:
    bad = [value for value in values if not _DOTTED.match(value)]
    return f"{bad[0]!r} is not a qualified class name (package.module.Class)" if bad else None


def glob_problem(pattern: str) -> Optional[str]:
    """Why a .gitignore-style pattern is invalid, or None. Refused: what pathspec refuses,
    what it would quietly turn into a pattern that matches nothing (an unclosed `[`, a
    blank, a `#` comment), and what ruff refuses (`**` inside a name, `{a,b}`, which
    here would match only a file named with braces)."""
    if not pattern.strip():
        return "a blank pattern matches nothing"
    if pattern.startswith("#"):
        return "a pattern starting with `#` is a comment and matches nothing (write `\\#`)"
    body = pattern[1:] if pattern.startswith("!") else pattern
    if body.rstrip("/") == "":
        return "a pattern needs a name or a glob"
    if (len(body) - len(body.rstrip("\\"))) % 2:
        return "a trailing `\\` escapes nothing"
    if any("**" in part and part != "**" for part in body.split("/")):
        return "`**` must be a whole path component (`a/**/b`); inside a name write `*`"
    if _BRACES.search(body):
        return "`{a,b}` alternatives are not supported: write one pattern for each"
    import warnings

    import pathspec

    try:
        with warnings.catch_warnings():  # pathspec's regex may warn about `[[`
            warnings.simplefilter("ignore")
            compiled = pathspec.GitIgnoreSpec.from_lines([pattern])
    except re.error as exc:  # pathspec's regex of the pattern is refused
        return "a character range runs backwards" if "range" in str(exc) else "not a valid pattern"
    except ValueError:  # GitIgnorePatternError
        return "not a valid pattern"
    if not compiled.patterns or compiled.patterns[0].include is None:
        return "unclosed `[`" if "[" in body else "matches nothing"
    return None


_BRACES = re.compile(r"(?<!\\)\{[^{}]*,[^{}]*(?<!\\)\}")


def _globs(values: Iterable[str]) -> Optional[str]:
    for pattern in values:
        problem = glob_problem(pattern)
        if problem:
            return f"invalid glob {pattern!r}: {problem}"
    return None


def _per_file_patterns(value: Tuple[Tuple[str, Tuple[str, ...]], ...]) -> Optional[str]:
    for pattern, _codes in value:
        if pattern.startswith("!"):  # one negated pattern alone matches no file
            return f"invalid glob {pattern!r}: a negated (`!`) pattern is not supported here"
        problem = _globs([pattern])
        if problem:
            return problem
    return _per_file_selectors(value)


FAIL_ON = ("warning", "error")


def _fail_on(value: str) -> Optional[str]:
    return None if value in FAIL_ON else f"expected one of {', '.join(FAIL_ON)}, got {value!r}"


def _target_version(value: str) -> Optional[str]:
    from sagelint.analysis.syntax import TARGET_VERSIONS

    if value in TARGET_VERSIONS:
        return None
    return f"expected one of {', '.join(TARGET_VERSIONS)}, got {value!r}"


LINE_LENGTH_MAX = 320  # ruff's limit


def _line_length(value: int) -> Optional[str]:
    if 1 <= value <= LINE_LENGTH_MAX:
        return None
    return f"expected a whole number of characters from 1 to {LINE_LENGTH_MAX}, got {value}"


def sarif_category_problem(value: str) -> Optional[str]:
    """GitHub tells analyses apart by the category: it must say something, on one line."""
    if not value.strip():
        return "expected a non-empty category (such as \"sagelint/\")"
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return "expected a category without control characters"
    return None


def _format(value: str) -> Optional[str]:
    return None if value in OUTPUT_FORMATS else f"expected one of {', '.join(OUTPUT_FORMATS)}"


SCHEMA: Dict[str, _Key] = {
    "select": _Key("a list of rule codes or prefixes", _strings, _selectors),
    "extend-select": _Key("a list of rule codes or prefixes", _strings, _selectors),
    "ignore": _Key("a list of rule codes or prefixes", _strings, _selectors),
    "per-file-ignores": _Key(
        "a table of glob patterns to lists of rule codes", _per_file, _per_file_patterns
    ),
    "exclude": _Key("a list of glob patterns", _strings, _globs),
    "extend-exclude": _Key("a list of glob patterns", _strings, _globs),
    "respect-gitignore": _Key("true or false", _bool),
    "output-format": _Key("a string", _str, _format),
    "fix": _Key("true or false", _bool),
    "unsafe-fixes": _Key("true or false", _bool),
    "server-timeout-floor": _Key(
        "a whole number of seconds", _int, _between(0, API_TIMEOUT_MAX)
    ),
    # The deploy floors are also the values the safe fixes insert: below the API minimum,
    # the inserted argument would itself be rejected (SM204).
    "startup-timeout-floor": _Key(
        "a whole number of seconds", _int, _between(API_TIMEOUT_MIN, API_TIMEOUT_MAX)
    ),
    "download-timeout-floor": _Key(
        "a whole number of seconds", _int, _between(API_TIMEOUT_MIN, API_TIMEOUT_MAX)
    ),
    "keep-alive-max": _Key("a whole number of seconds", _int, _between(0, KEEP_ALIVE_API_MAX)),
    "timeout-env-keys": _Key("a list of environment variable names", _strings, _env_names),
    "extend-model-classes": _Key("a list of qualified class names", _strings, _dotted),
    "extend-estimator-classes": _Key("a list of qualified class names", _strings, _dotted),
    "baseline": _Key("a path to a baseline file", _str),
    "fail-on": _Key("a string", _str, _fail_on),
    "target-version": _Key("a string", _str, _target_version),
    "line-length": _Key("a whole number of characters", _int, _line_length),
    "sarif-category": _Key("a string", _str, sarif_category_problem),
}


@dataclass(frozen=True)
class ConfigFile:
    path: Path
    values: Mapping[str, Any]  # validated, keyed by Settings field names
    # Every file read to build it: itself, then what it extends (to notice an edit).
    sources: Tuple[Path, ...] = ()

    @property
    def root(self) -> Path:
        return self.path.parent


def _load_toml(path: Path) -> Dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11
        import tomli as tomllib
    from sagelint.files import MAX_CONFIG_BYTES, read_bounded

    try:
        return tomllib.loads(_toml_text(path, read_bounded(str(path), MAX_CONFIG_BYTES)))
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: invalid TOML: {exc}") from None


def _toml_text(path: Path, data: bytes) -> str:
    """A TOML file's text: UTF-8, as TOML requires, after an optional byte order mark
    (which editors on Windows write, and tomllib would call an invalid statement)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        raise SettingsError(
            f"{path}: not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} (line {row}); "
            "TOML files must be UTF-8"
        ) from None


def _table(path: Path, document: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    if path.name == "pyproject.toml":
        table = document.get("tool", {}).get("sagelint")
        if table is not None and not isinstance(table, dict):
            raise SettingsError(f"{path}: [tool.sagelint] must be a table")
        return table
    return document


def load_config(path: Path, _extended_by: Tuple[Path, ...] = ()) -> ConfigFile:
    """A configuration file, validated, with what it inherits through `extend` (its own
    keys win; the inherited paths are made relative to this file's folder)."""
    problem = None if path.is_file() else _not_a_file(path)
    if problem:
        raise SettingsError(f"{path}: {problem}")
    table = _table(path, _load_toml(path))
    if table is None:
        if _extended_by:  # extending a pyproject.toml without the table inherits nothing
            return ConfigFile(path.resolve(), {}, (path.resolve(),))
        raise SettingsError(f"{path}: no [tool.sagelint] table")
    values: Dict[str, Any] = {}
    extend: Optional[str] = None
    for key, raw in table.items():
        if key == "extend":
            if not isinstance(raw, str):
                raise SettingsError(f"{path}: extend: expected a path to a file, got {raw!r}")
            extend = raw
            continue
        spec = SCHEMA.get(key)
        if spec is None:
            import difflib

            close = difflib.get_close_matches(key, [*SCHEMA, "extend"], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise SettingsError(f"{path}: unknown key {key!r}{hint}")
        try:
            value = spec.convert(raw)
        except (TypeError, ValueError):
            raise SettingsError(
                f"{path}: {key}: expected {spec.expected}, got {raw!r}"
            ) from None
        problem = spec.check(value) if spec.check else None
        if problem:
            raise SettingsError(f"{path}: {key}: {problem}")
        values[key.replace("-", "_")] = value
    own = path.resolve()
    if extend is None:
        return ConfigFile(own, values, (own,))
    base = _extended(path, extend, (*_extended_by, own))
    merged = _inherit(_rebase_values(base.values, base.root, own.parent), values)
    return ConfigFile(own, merged, (own, *base.sources))


def _extended(path: Path, extend: str, chain: Tuple[Path, ...]) -> ConfigFile:
    target = (path.parent / Path(extend).expanduser()).resolve()
    if target in chain:
        raise SettingsError(f"{path}: extend: {extend!r} extends this file again (a cycle)")
    if not target.is_file():
        raise SettingsError(f"{path}: extend: {extend!r} is not a file")
    return load_config(target, chain)


# Lists that add to what a file inherits, as ruff's extend-* and ignore do; every other key
# a file sets replaces the inherited value.
_ADDITIVE = ("extend_select", "ignore", "extend_exclude")


def _inherit(base: Mapping[str, Any], own: Mapping[str, Any]) -> Dict[str, Any]:
    merged = dict(base)
    if "select" in own:  # a new `select` starts the selection over, as in ruff
        for key in ("extend_select", "ignore"):
            merged.pop(key, None)
    for key, value in own.items():
        if key in _ADDITIVE and key in merged:
            merged[key] = tuple(merged[key]) + tuple(value)
        elif key == "per_file_ignores" and key in merged:
            patterns = dict(merged[key])
            patterns.update(dict(value))
            merged[key] = tuple(patterns.items())
        else:
            merged[key] = value
    return merged


def _rebase_values(values: Mapping[str, Any], base: Path, root: Path) -> Dict[str, Any]:
    """Inherited path patterns, relative to `base`, rewritten relative to `root`."""
    out = dict(values)
    for key in ("exclude", "extend_exclude"):
        if key in out:
            out[key] = tuple(p for p in (rebase_pattern(p, base, root) for p in out[key]) if p)
    if "per_file_ignores" in out:
        rebased = ((rebase_pattern(pattern, base, root), codes)
                   for pattern, codes in out["per_file_ignores"])
        out["per_file_ignores"] = tuple((p, codes) for p, codes in rebased if p)
    return out


def rebase_pattern(pattern: str, base: Path, root: Path) -> Optional[str]:
    """A .gitignore-style pattern written relative to folder `base`, for matching paths
    relative to folder `root`; None when it can match nothing below `root`. A pattern
    without a slash inside matches at any depth and needs no change."""
    negated = pattern.startswith("!")
    body = pattern[1:] if negated else pattern
    anchored = "/" in body.rstrip("/") and not body.startswith("**/")
    if not anchored or base == root:
        return pattern
    body = body.lstrip("/")
    if base in root.parents:  # the usual case: this file's folder is below the one extended
        prefix = root.relative_to(base).as_posix() + "/"
        if not body.startswith(prefix):
            return None
        body = body[len(prefix):]
    elif root in base.parents:
        body = base.relative_to(root).as_posix() + "/" + body
    else:
        return None
    return ("!" if negated else "") + "/" + body


def find_config(start: Path) -> Optional[Path]:
    """The configuration that applies from a folder: the first folder, walking up, that has
    a `.sagelint.toml`, a `sagelint.toml` or a `pyproject.toml` with `[tool.sagelint]`."""
    for folder in (start, *start.parents):
        found = find_config_here(folder)
        if found is not None:
            return found
    return None


def find_config_here(folder: Path) -> Optional[Path]:
    """The configuration file of this folder itself, if it has one."""
    for name in CONFIG_NAMES:
        candidate = folder / name
        if not candidate.is_file():
            problem = _not_a_file(candidate)
            if problem:  # there, but unreadable as a file: saying nothing would drop it
                raise SettingsError(f"{candidate}: {problem}")
            continue
        if name != "pyproject.toml":
            return candidate
        if _table(candidate, _load_toml(candidate)) is not None:
            return candidate
    return None


def _not_a_file(path: Path) -> Optional[str]:
    """Why a configuration path that is not a regular file cannot be one; None when
    nothing is there."""
    if path.is_symlink() and not path.exists():
        return f"is a broken symbolic link (to {str(path.readlink())!r})"
    if path.is_dir():
        return "is a folder, not a configuration file"
    if path.exists():
        from sagelint.files import not_regular

        return f"cannot read: {not_regular(path.stat().st_mode)}"
    return None


def resolve_settings(
    config: Optional[ConfigFile],
    select: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    **overrides: Any,
) -> Settings:
    """Settings from a configuration file and command-line options; the command line wins
    (`--select` replaces, `--extend-select` and `--ignore` add)."""
    values: Dict[str, Any] = dict(config.values) if config else {}
    chosen_select = tuple(select) or values.pop("select", None)
    values.pop("select", None)
    extend = tuple(values.pop("extend_select", ())) + tuple(extend_select)
    ignored = tuple(values.pop("ignore", ())) + tuple(ignore)
    values.update({key: value for key, value in overrides.items() if value is not None})
    if config is not None:
        values["root"] = config.root
    return Settings.build(chosen_select, extend, ignored, **values)


def _stamp(paths: Sequence[Path]) -> Tuple[Tuple[int, int], ...]:
    stamps = []
    for path in paths:
        try:
            info = path.stat()
            stamps.append((info.st_mtime_ns, info.st_size))
        except OSError:
            stamps.append((-1, -1))
    return tuple(stamps)


class SettingsResolver:
    """The Settings of each checked file, as ruff finds them: the nearest configuration
    above the file. Each configuration file is read, and its Settings built, once; with
    `watch`, a file that changed on disk since is read again (the language server).

    `fixed` (from `--config` or `--isolated`) applies to every file instead.
    """

    def __init__(
        self,
        build: Callable[[Optional[ConfigFile]], Settings],
        fixed: Optional[Settings] = None,
        watch: bool = False,
    ) -> None:
        self.build = build
        self.fixed = fixed
        self.watch = watch
        self._found: Dict[Path, Optional[Path]] = {}  # folder -> its nearest configuration
        self._settings: Dict[Optional[Path], Tuple[Tuple[Tuple[int, int], ...], Settings]] = {}
        self._sources: Dict[Optional[Path], Tuple[Path, ...]] = {}

    def for_path(self, path: Path) -> Settings:
        """The Settings of a file (which need not exist: standard input, an unsaved buffer)."""
        if self.fixed is not None:
            return self.fixed
        return self.for_folder(path.absolute().parent)

    def for_folder(self, folder: Path) -> Settings:
        if self.fixed is not None:
            return self.fixed
        config = self.nearest(folder)
        cached = self._settings.get(config)
        if cached is not None and not (self.watch and cached[0] != self._stamp_of(config)):
            return cached[1]
        loaded = load_config(config) if config is not None else None
        sources = loaded.sources if loaded is not None else ()
        self._sources[config] = sources
        settings = self.build(loaded)
        self._settings[config] = (_stamp(sources), settings)
        return settings

    def _stamp_of(self, config: Optional[Path]) -> Tuple[Tuple[int, int], ...]:
        return _stamp(self._sources.get(config, ()))

    def nearest(self, folder: Path) -> Optional[Path]:
        """The nearest configuration file at or above `folder` (remembered per folder)."""
        walked: List[Path] = []
        found: Optional[Path] = None
        for current in (folder, *folder.parents):
            if current in self._found:
                found = self._found[current]
                break
            walked.append(current)
            found = find_config_here(current)
            if found is not None:
                break
        for current in walked:
            self._found[current] = found
        return found

    def forget(self) -> None:
        """Drop everything found and read: configuration files were added, removed or edited."""
        self._found.clear()
        self._settings.clear()
        self._sources.clear()
