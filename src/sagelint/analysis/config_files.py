"""Configuration files a script reads at a known path (docs/how-rules-decide.md).

`json.load(open(P))`, `yaml.safe_load(Path(P).read_text())`, `tomllib.load(open(P, "rb"))`
and their spellings through `with open(P) as f` give the file's content as a known value,
when `P` is a known path of the checked project and the file parses. The file is read through
the project (`sagelint.project.ProjectFiles`, which records the read) and parsed as data into
`Datum` trees that keep the line of every value. Nothing is executed; YAML is composed with
PyYAML's safe loader (the optional `yaml` extra), imported only when a YAML load is seen.

This module knows the shapes of loads, opens and paths, and the file formats; turning a
`Datum` into the resolver's values is the resolver's (`Resolver._config_value`).
"""

from __future__ import annotations

import ast
import bisect
import importlib
import json
import json.decoder
import os
import re
import sys
from dataclasses import dataclass, field
from json.scanner import NUMBER_RE
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, Union

import libcst as cst

ConfigKey = Union[str, int]
Plain = Union[int, float, str, bool, None]

# json's own string reader (not in its typed API): exactly json.loads's reading of a string.
scanstring: Callable[[str, int], Tuple[str, int]] = vars(json.decoder)["scanstring"]
# What each loader reads: a file object ("file"), text ("text"), or either ("either").
LOADERS: Dict[str, Tuple[str, str]] = {
    "json.load": ("json", "file"),
    "json.loads": ("json", "text"),
    "yaml.safe_load": ("yaml", "either"),
    "yaml.load": ("yaml", "either"),  # only with a safe Loader (see safe_yaml_loader)
    "tomllib.load": ("toml", "file"),
    "tomllib.loads": ("toml", "text"),
    "tomli.load": ("toml", "file"),
    "tomli.loads": ("toml", "text"),
}
# The loaders of `yaml.load` that build plain data only (FullLoader builds Python objects).
SAFE_YAML_LOADERS = frozenset({"yaml.SafeLoader", "yaml.CSafeLoader"})
OPENERS = frozenset({"builtins.open", "io.open"})
PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"})
# Calls whose result is the same path as their one argument.
SAME_PATH = frozenset({
    "os.path.abspath", "os.path.realpath", "os.path.normpath", "os.fspath", "builtins.str",
})
SAME_PATH_METHODS = frozenset({"resolve", "absolute"})
READ_MODES = frozenset({"r", "rt", "tr", "rb", "br"})
# A string value that a program fills in before use: environment variables, Jinja.
_TEMPLATED = re.compile(r"\$\{|\{\{|\{%")
# Where `__file__` stands in a path being worked out: a name no file of the project has.
SCRIPT = "<sagelint-script>"


@dataclass
class Datum:
    """One value of a configuration file and the line it is written on (1-based).
    `kind`: "map" (`entries`: key, key line, value), "list" (`items`), "scalar" (`value`),
    or "unknown" (templated, or a type no SageMaker setting has)."""

    kind: str
    line: int
    value: Plain = None
    entries: List[Tuple[str, int, Datum]] = field(default_factory=list)
    items: List[Datum] = field(default_factory=list)
    closed: bool = True  # every key is a string the script can look up


@dataclass(frozen=True)
class ConfigOrigin:
    """Where a value the resolver got from a configuration file is written: reported at
    `load` (the call in the script that reads the file)."""

    load: cst.Call
    file: str  # as shown: relative to the script's folder or the project's root
    path: str  # absolute
    keys: Tuple[ConfigKey, ...]
    line: int

    def describe(self) -> str:
        keys = "".join(
            f"[{key}]" if isinstance(key, int) else (f".{key}" if i else key)
            for i, key in enumerate(self.keys)
        )
        where = f"{keys}, line {self.line}" if keys else f"line {self.line}"
        return f"from {self.file}: {where}"


def templated(value: str) -> bool:
    return _TEMPLATED.search(value) is not None


def _scalar(value: object, line: int) -> Datum:
    if value is None or isinstance(value, (bool, int, float)):
        return Datum("scalar", line, value)
    if isinstance(value, str):
        return Datum("unknown", line) if templated(value) else Datum("scalar", line, value)
    return Datum("unknown", line)  # a date, bytes, a set: no setting takes them


# -- JSON: a reader of text json.loads accepts, keeping each value's line --------------------
class _Json:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def skip(self, pos: int) -> int:
        text = self.text
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        return pos

    def value(self, pos: int, depth: int) -> Tuple[Datum, int]:
        if depth > 200:
            raise ValueError("too deep")
        pos = self.skip(pos)
        text, line = self.text, self.line(pos)
        char = text[pos]
        if char == "{":
            datum = Datum("map", line)
            pos = self.skip(pos + 1)
            if text[pos] == "}":
                return datum, pos + 1
            while True:
                pos = self.skip(pos)
                key_line = self.line(pos)
                key, pos = scanstring(text, pos + 1)
                pos = self.skip(pos) + 1  # the colon
                inner, pos = self.value(pos, depth + 1)
                datum.entries.append((key, key_line, inner))
                pos = self.skip(pos)
                if text[pos] == "}":
                    return datum, pos + 1
                pos += 1  # the comma
        if char == "[":
            datum = Datum("list", line)
            pos = self.skip(pos + 1)
            if text[pos] == "]":
                return datum, pos + 1
            while True:
                inner, pos = self.value(pos, depth + 1)
                datum.items.append(inner)
                pos = self.skip(pos)
                if text[pos] == "]":
                    return datum, pos + 1
                pos += 1
        if char == '"':
            string, end = scanstring(text, pos + 1)
            return _scalar(string, line), end
        for word, plain in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, pos):
                return Datum("scalar", line, plain), pos + len(word)
        for word in ("NaN", "Infinity", "-Infinity"):  # json accepts them; no setting is one
            if text.startswith(word, pos):
                return Datum("unknown", line), pos + len(word)
        match = NUMBER_RE.match(text, pos)
        if match is None:
            raise ValueError(f"no JSON value at {pos}")
        integer, fraction, exponent = match.groups()
        number: Union[int, float] = (
            float(integer + (fraction or "") + (exponent or "")) if fraction or exponent
            else int(integer)
        )
        return Datum("scalar", line, number), match.end()


def parse_json(text: str) -> Optional[Datum]:
    try:
        json.loads(text)  # the reader below trusts the text to be valid
        return _Json(text).value(0, 0)[0]
    except (ValueError, IndexError, RecursionError):
        return None


# -- YAML: PyYAML's safe composer, when installed -------------------------------------------
def parse_yaml(text: str) -> Optional[Datum]:
    try:
        # The optional `yaml` extra, imported only when a YAML load is seen (no stubs are a
        # dependency: its API is used untyped).
        yaml: Any = importlib.import_module("yaml")
    except ImportError:
        return None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)  # one document, plain data only
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    if node is None:
        return Datum("scalar", 1, None)
    return _YamlReader(yaml).datum(node, 0)


class _YamlReader:
    def __init__(self, yaml: Any) -> None:
        self.yaml = yaml
        self.constructor = yaml.constructor.SafeConstructor()

    def datum(self, node: Any, depth: int) -> Datum:
        yaml = self.yaml
        line = int(node.start_mark.line) + 1
        if depth > 100:
            return Datum("unknown", line)
        if isinstance(node, yaml.MappingNode):
            datum = Datum("map", line)
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    return Datum("unknown", line)  # `<<: *base`: merged from elsewhere
                key = self.plain(key_node)
                if not isinstance(key, str):
                    datum.closed = False  # a key no keyword or env name can be
                    continue
                datum.entries.append(
                    (key, int(key_node.start_mark.line) + 1, self.datum(value_node, depth + 1))
                )
            return datum
        if isinstance(node, yaml.SequenceNode) and node.tag == "tag:yaml.org,2002:seq":
            return Datum("list", line, items=[self.datum(i, depth + 1) for i in node.value])
        if isinstance(node, yaml.ScalarNode):
            return _scalar(self.plain(node), line)
        return Datum("unknown", line)  # a set, an ordered map, a tagged object

    def plain(self, node: Any) -> object:
        if not isinstance(node, self.yaml.ScalarNode):
            return _UNSET
        try:
            return self.constructor.construct_object(node, deep=True)
        except (self.yaml.YAMLError, ValueError, TypeError):
            return _UNSET


_UNSET = object()


# -- TOML: tomllib (tomli before 3.11); lines found by a search that must be unambiguous -----
def parse_toml(text: str) -> Optional[Datum]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 (the declared `tomli`)
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None
    lines = text.splitlines()
    return _toml_datum(data, lines, (), 1)


def _toml_datum(value: object, lines: List[str], keys: Tuple[str, ...], line: int) -> Datum:
    if isinstance(value, dict):
        datum = Datum("map", line)
        for key, inner in value.items():
            where = _toml_line(lines, keys, key) or line
            datum.entries.append((key, where, _toml_datum(inner, lines, keys + (key,), where)))
        return datum
    if isinstance(value, list):
        return Datum("list", line, items=[_toml_datum(i, lines, keys, line) for i in value])
    return _scalar(value, line)


def _toml_line(lines: List[str], table: Tuple[str, ...], key: str) -> Optional[int]:
    """The line of `key` in `table`: the key's own line when it is found once in the
    table's section, else the table's header line, else None."""
    header = re.compile(r"^\s*\[\[?\s*" + r"\s*\.\s*".join(
        rf"(?:{re.escape(part)}|\"{re.escape(part)}\")" for part in table + (key,)
    ) + r"\s*\]\]?\s*(#.*)?$")
    found = [i for i, text in enumerate(lines) if header.match(text)]
    if len(found) == 1:
        return found[0] + 1
    start, end = 0, len(lines)
    if table:
        own = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(
            rf"(?:{re.escape(part)}|\"{re.escape(part)}\")" for part in table
        ) + r"\s*\]\s*(#.*)?$")
        heads = [i for i, text in enumerate(lines) if own.match(text)]
        if len(heads) != 1:
            return None
        start = heads[0] + 1
        end = next(
            (i for i in range(start, len(lines)) if lines[i].lstrip().startswith("[")), end
        )
    else:
        end = next((i for i, text in enumerate(lines) if text.lstrip().startswith("[")), end)
    assign = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
    found = [i for i in range(start, end) if assign.match(lines[i])]
    if len(found) == 1:
        return found[0] + 1
    return start if table else None


PARSERS: Dict[str, Callable[[str], Optional[Datum]]] = {
    "json": parse_json, "yaml": parse_yaml, "toml": parse_toml,
}


# Larger files are not read as settings: every read of the loaded name builds its values
# again, and a script's settings file is a few kilobytes.
MAX_CONFIG_BYTES = 256_000


def parse(kind: str, data: Optional[bytes]) -> Optional[Datum]:
    """A file's content as a Datum; None when missing, too large, not text or not valid."""
    if data is None or len(data) > MAX_CONFIG_BYTES:
        return None
    try:
        # A byte-order mark: PyYAML skips it; json and tomllib refuse the file.
        text = data.decode("utf-8-sig" if kind == "yaml" else "utf-8")
    except UnicodeDecodeError:
        return None
    return PARSERS[kind](text)


def candidates(path: str, folder: str, root: str) -> List[str]:
    """Where a worked-out path may be: an absolute path as it is; a relative one in the
    script's folder, then at the project's root. Only paths inside the project, and never
    the script itself."""
    if SCRIPT in path.replace("\\", "/").split("/"):
        return []  # the script itself, or a path under it
    bases = [""] if os.path.isabs(path) else [folder, root]
    out = []
    for base in bases:
        target = os.path.normpath(os.path.join(base, path))
        try:
            inside = os.path.commonpath([root, target]) == root
        except ValueError:
            inside = False
        if inside and target not in out:
            out.append(target)
    return out


# Read methods whose result shares the parts of the mapping it is called on (#28):
# `env = cfg.get("env")`, `base = cfg.copy()`, `for section in cfg.values()` may change
# what the loaded mapping holds without naming it again.
SHARING = frozenset({"get", "copy", "items", "values"})


def _sharing(node: cst.BaseExpression) -> Optional[str]:
    """The method when `node` is a call of a SHARING method (`cfg.get("env")`)."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        method = node.func.attr.value
        return method if method in SHARING else None
    return None


def _copied(node: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """What a shallow copy copies: `dict(cfg)`, `copy.copy(cfg)`, `{**cfg}` (matched by
    name: a wrong match only leaves values unknown)."""
    if isinstance(node, cst.Dict):
        stars = [e for e in node.elements if isinstance(e, cst.StarredDictElement)]
        return stars[0].value if len(stars) == 1 else None
    if not isinstance(node, cst.Call) or len(node.args) != 1 or node.args[0].keyword:
        return None
    func = node.func
    if (isinstance(func, cst.Name) and func.value == "dict") or (
        isinstance(func, cst.Attribute) and func.attr.value == "copy"
        and isinstance(func.value, cst.Name) and func.value.value == "copy"
    ):
        return None if node.args[0].star else node.args[0].value
    return None


def _chain_root(node: cst.BaseExpression) -> Tuple[Optional[cst.Name], int]:
    """The name a chain of subscripts, attributes and SHARING calls starts at, and how
    many links it has (`cfg.get("env")["K"]`: two)."""
    links = 0
    while True:
        if isinstance(node, (cst.Subscript, cst.Attribute)):
            node = node.value
        elif isinstance(node, cst.Call) and _sharing(node) is not None:
            assert isinstance(node.func, cst.Attribute)
            node = node.func.value
        else:
            break
        links += 1
    return (node, links) if isinstance(node, cst.Name) else (None, links)


class Syntax(cst.CSTVisitor):
    """What the resolver needs to know about a module to follow a loaded file, from one walk
    made only when a load is seen: the `with ... as f` items, and the reads of a name that
    may change what a part of it holds (`cfg["env"]["K"] = v`, `cfg["env"].update(...)`,
    `env = cfg["env"]` followed further, `f(cfg["env"])`)."""

    def __init__(self) -> None:
        self.with_items: Dict[cst.CSTNode, cst.BaseExpression] = {}
        self.changed: Set[cst.Name] = set()  # roots of chains stored into or changed in place
        self.aliases: Dict[cst.Name, List[cst.Name]] = {}  # root read -> names bound to a part
        self.passed: Dict[cst.Name, List[cst.Call]] = {}  # root read -> calls given a part
        self.copies: Dict[cst.Name, List[cst.Name]] = {}  # root read -> names bound to a copy
        self._followed: Set[cst.Call] = set()  # `x = cfg.copy()`: followed as an alias of x

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self.with_items[node.asname.name] = node.item

    def _stored(self, target: cst.BaseExpression, links: int = 2) -> None:
        root, found = _chain_root(target)
        if root is not None and found >= links:
            self.changed.add(root)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._stored(target.target)
            root, links = _chain_root(node.value)
            if root is not None and links and isinstance(target.target, cst.Name):
                self.aliases.setdefault(root, []).append(target.target)
                value = node.value
                if isinstance(value, cst.Call) and _sharing(value) in ("get", "copy"):
                    self._followed.add(value)  # the alias is followed
            elif root is not None and links:
                self.changed.add(root)  # `a, b = cfg.get("a"), ...`: not followed
            copied = _copied(node.value)
            if copied is not None and isinstance(target.target, cst.Name):
                root, _ = _chain_root(copied)
                if root is not None:  # `base = dict(cfg)`: shares the nested parts
                    self.copies.setdefault(root, []).append(target.target)

    def visit_For(self, node: cst.For) -> None:
        self._iterated(node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._iterated(node.iter)

    def _iterated(self, source: cst.BaseExpression) -> None:
        """`for section in cfg.values()`, `for job in cfg["jobs"]`: the items may be parts
        of the mapping, changed through the loop's names (not followed)."""
        root, links = _chain_root(source)
        if root is not None and links:
            self.changed.add(root)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._stored(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._stored(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._stored(node.target)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value not in READ_METHODS:
            self._stored(func.value, 1)  # cfg["env"].update(...): a part changed in place
        for arg in node.args:
            root, links = _chain_root(arg.value)
            method = _sharing(arg.value)
            if root is not None and links and (
                isinstance(arg.value, cst.Subscript) or method == "get"
            ):
                self.passed.setdefault(root, []).append(node)
        # A copy, or the items or values, of a part anywhere but bound to a name: the
        # result shares the nested parts and is not followed (`list(cfg.values())[0]`).
        if _sharing(node) in ("copy", "items", "values") and node not in self._followed:
            root, _ = _chain_root(node)
            if root is not None:
                self.changed.add(root)


# Methods of a dict or list that cannot change it.
READ_METHODS = frozenset({"get", "copy", "items", "keys", "values", "index", "count"})


# Calls that may write or replace a file, by their name (the name of a method, or of a
# function however imported): `open` and `.open` only with a mode that writes.
_WRITERS = frozenset({
    "write_text", "write_bytes", "touch", "rename", "replace", "copy", "copy2", "copyfile",
    "copytree", "move", "symlink", "symlink_to", "hardlink_to", "link", "system", "run",
    "call", "check_call", "check_output", "Popen", "urlretrieve", "download_file",
    "extract", "extractall", "unpack_archive", "dump", "safe_dump", "dump_all",
})


def written_names(tree: ast.AST) -> List[str]:
    """The strings given to calls that may write files, anywhere in the module (CPython's
    tree of the whole text: pruning may have hidden such a call from LibCST's). A script that
    writes its configuration file before reading it reads what it wrote, not what the
    repository holds."""
    found: List[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "open":
            method = isinstance(func, ast.Attribute) and not (
                isinstance(func.value, ast.Name) and func.value.id in ("io", "codecs")
            )  # Path(p).open("w"): the mode comes first
            modes = [
                *node.args[(0 if method else 1):(1 if method else 2)],
                *(k.value for k in node.keywords if k.arg == "mode"),
            ]
            if all(isinstance(m, ast.Constant) and m.value in READ_MODES for m in modes):
                continue
        elif name not in _WRITERS:
            continue
        parts: List[ast.AST] = [*node.args, *(keyword.value for keyword in node.keywords)]
        if isinstance(func, ast.Attribute):
            parts.append(func.value)  # Path("deploy.json").write_text(...)
        found.extend(
            inner.value
            for part in parts
            for inner in ast.walk(part)
            if isinstance(inner, ast.Constant) and isinstance(inner.value, str)
        )
    return found


def written(path: str, names: List[str]) -> bool:
    """Whether a string given to a writing call names the file (its base name in it)."""
    base = os.path.basename(path)
    return any(base in name for name in names)
