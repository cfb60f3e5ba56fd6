"""What an expression is known to be: a value, or UNKNOWN.

Precision lives here (docs/how-rules-decide.md). Rules never guess: they ask the resolver,
and an UNKNOWN answer keeps them silent. Known are literals (negative numbers too), names whose reaching
bindings (`sagelint.analysis.bindings`) agree, dict literals, `dict(...)`, `{**a, ...}` and `a | b`
merges, `d[k] = v` / `d.update(...)` / `d.setdefault(...)` on a dict bound to a name, `**kwargs`
splats of known dicts, and `str(...)` / `json.dumps(...)` of a known value.

A dict is *closed* when every key is known: only then may a "missing key" rule fire. Anything
unknown done to a dict (a use that may change it, a splat of unknown content, an unknown key)
opens it and *shadows* the entries before it, which may have been overwritten or removed:
value rules skip shadowed entries. A mutation under control flow adds *conditional* entries.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import pathlib
from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional, Set, Tuple, Union

import libcst as cst

from sagelint.analysis.attributes import Attributes, Sources
from sagelint.analysis import modules
from sagelint.analysis import mutguard
from sagelint.analysis.bindings import Bindings, Def, DefKind
from sagelint.analysis.calls import Functions, Path
from sagelint.analysis.config_files import (
    LOADERS, OPENERS, PATH_CLASSES, READ_MODES, SAFE_YAML_LOADERS, SAME_PATH, SAME_PATH_METHODS,
    SCRIPT, ConfigKey, ConfigOrigin, Datum, Syntax, candidates, parse, written, written_names,
)
from sagelint.analysis.constants import Known, arithmetic, fold
from sagelint.analysis.index import Binding, ModuleIndex, StmtPos, Use, UseSite
from sagelint.project import ProjectFiles
from sagelint.catalog import BOTO3_CLIENTS, BOTO3_SESSIONS, DICT_BUILDERS, STRINGIFIERS
from sagelint.catalog_classes import Catalog

ScalarType = Union[int, float, str, bool, None]
_MAX_DEPTH = 24
_CONSTANTS: Dict[str, ScalarType] = {"True": True, "False": False, "None": None}


class _Unknown:
    _instance: Optional[_Unknown] = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class Hop:
    """A name the resolver went through to reach a literal: the binding and the access."""

    assignment: Def
    access: cst.Name


@dataclass(frozen=True)
class Scalar:
    """A known int, float, str, bool or None. `literal` is the node where it is written;
    for `str(300)` the value is "300" and the literal is the `300`."""

    value: ScalarType
    literal: cst.BaseExpression
    derived: bool = False  # computed through str()/json.dumps() from the literal
    hops: Tuple[Hop, ...] = ()  # names between the use and the literal


@dataclass(frozen=True)
class ObjectValue:
    """The result of calling an imported callable whose qualified name is known."""

    qualified_name: str
    call: cst.Call


@dataclass
class Entry:
    key: Union[str, _Unknown]
    key_node: Optional[cst.CSTNode]  # the key literal, or the keyword Name of dict(k=...)
    value: Value
    conditional: bool = False  # added under control flow: may or may not be present
    # Something unknown came after it (a `**splat` of unknown content, an unknown key, a
    # mutation that is not followed): it may have been overwritten or removed.
    shadowed: bool = False


@dataclass
class DictValue:
    entries: List[Entry] = field(default_factory=list)
    closed: bool = True  # every key is known: "missing key" rules may fire
    # Where a fix adds a key: the dict literal or dict(...) call that builds the final layer.
    insert_target: Optional[Union[cst.Dict, cst.Call]] = None
    # Read from a configuration file (#28): its parts are known through `d[k]` / `d.get(k)`.
    from_file: bool = False

    def has_key(self, key: str) -> bool:
        return any(entry.key == key for entry in self.entries)

    def effective_entries(self) -> List[Entry]:
        """Entries whose value is known to reach the API when present: an entry overwritten
        unconditionally by a later one with the same key, or shadowed by something unknown,
        is dropped."""
        kept: List[Entry] = []
        for i, entry in enumerate(self.entries):
            if entry.shadowed:
                continue
            later = self.entries[i + 1 :]
            overwritten = isinstance(entry.key, str) and any(
                other.key == entry.key and not other.conditional for other in later
            )
            if not overwritten:
                kept.append(entry)
        return kept

    def make_open(self) -> None:
        """Something unknown happened to the dict: its keys are not all known, and what it
        held so far may have been overwritten or removed."""
        self.closed = False
        for entry in self.entries:
            entry.shadowed = True


@dataclass
class ListValue:
    items: List[Value]
    closed: bool = True
    from_file: bool = False  # read from a configuration file (#28): `items[i]` is known


Value = Union[Scalar, DictValue, ListValue, ObjectValue, _Unknown]


def whole_number(value: object) -> Optional[int]:
    """The whole number a value stands for (int, integral float, digit string), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        body = value[1:] if value.startswith("-") else value
        # Past the digit limit of int() (4,300 digits) the string is no number a program can
        # read, the container's own int() included: not a whole number.
        if body.isascii() and body.isdigit() and len(body) <= _MOST_DIGITS:
            return int(value)
    return None


# Python refuses to convert between int and text past 4,300 digits (and a value that long
# is no setting anyone means): a literal longer than this is unknown.
_MOST_DIGITS = 4300


def _number(node: Union[cst.Integer, cst.Float]) -> Optional[Union[int, float]]:
    """A number literal's value; None when Python could not print it (a hexadecimal
    literal of thousands of digits, which CPython compiles)."""
    text = node.value
    value: Union[int, float]
    if isinstance(node, cst.Integer) and text.isascii() and text.isdigit():
        # Plain decimal digits read without LibCST's `evaluated_value` (ast.literal_eval:
        # a compile, and its nested functions left as a reference cycle per call).
        if len(text) > _MOST_DIGITS:
            return None
        value = int(text)
    else:
        try:
            value = node.evaluated_value
        except (ValueError, SyntaxError, OverflowError):
            return None
    if isinstance(value, int) and value.bit_length() > _MOST_DIGITS * 3:
        return None  # over 10**3900: cheaper than printing it to see whether it prints
    return value


# Methods of a dict that cannot change it.
_READ_METHODS = frozenset({"get", "copy", "items", "keys", "values", "__contains__", "__len__"})
# Builtins that do not mutate their argument.
_PURE_CALLS = frozenset({"print", "len", "str", "repr", "dict", "list", "sorted", "json.dumps"})


class Resolver:
    """Answers `resolve(expr)` for one module. Built once per parse."""

    def __init__(
        self,
        index: ModuleIndex,
        bindings: Bindings,
        catalog: Catalog,
        project: Optional[ProjectFiles] = None,
    ) -> None:
        self.index = index
        self.bindings = bindings
        self.catalog = catalog
        # The other files of the checked file's project (None: a file with no folder, or
        # an analysis outside a check): imported modules and configuration files are read
        # through it, and recorded.
        self.project = project
        self._known_calls: Dict[cst.Call, bool] = {}
        self._active: Set[Def] = set()  # bindings being resolved (a loop may cycle)
        self.functions = Functions(index, bindings)
        # Attributes of module classes (analysis/attributes.py), walked on first use.
        self.attributes = Attributes(index, bindings, self.functions)
        # The call the function being looked at was entered by: its parameters are that
        # call's arguments (None: outside any call, parameters are unknown).
        self.path: Optional[Path] = None
        self._testing: Set[cst.CSTNode] = set()  # guard tests being evaluated (no cycles)
        # Configuration files (#28), shared by every path's view: the nodes that stand for
        # the values of loaded files in findings (each mapped to where it is written), the
        # files parsed so far, and the module's syntax the loads need (walked once, lazily).
        self.config_origins: Dict[cst.CSTNode, ConfigOrigin] = {}
        self._config_nodes: Dict[Tuple[int, Tuple[ConfigKey, ...], bool], cst.Name] = {}
        self._config_files: Dict[Tuple[str, str], Optional[Tuple[str, str, Datum]]] = {}
        self._config_syntax: List[Syntax] = []
        # CPython's tree of the whole text (the engine's): what the module may write. None:
        # not known, and no file is read.
        self.module_tree: Optional[ast.Module] = None
        self._path_changed: Optional[bool] = None  # _search_path_changed, worked out once
        self._written: Optional[List[str]] = None
        # A notebook's shell lines and cell magics that may write files (the engine's; they
        # are masked out of the tree): a file or module they name may hold something else.
        self.creators: Tuple[str, ...] = ()
        # The absolute path of the module analysed (None: not known): imports of other
        # modules of the project are searched from it (sagelint.analysis.modules).
        self.module_path: Optional[str] = None
        # Import binding -> (the module file, the name in it): the file is loaded again at
        # each use (a memo lookup), so that every check records its read.
        self._targets: Dict[Def, Optional[Tuple[str, Optional[str]]]] = {}
        self._imports: Optional[Dict[cst.CSTNode, Tuple[int, str, bool]]] = None

    def on_path(self, path: Optional[Path]) -> Resolver:
        """The same resolver, inside a function entered through `path`."""
        if path is self.path:
            return self
        view = copy.copy(self)
        view.path = path
        return view

    def _argument(
        self, param: Def
    ) -> Optional[Tuple[cst.BaseExpression, Resolver, Optional[Tuple[str, ...]]]]:
        """What a parameter is bound to on the current path, where to resolve it, and for a
        call from another module, the modules being resolved when it was made (resolve it
        under `modules.Resumed` of them)."""
        path = self.path
        while path is not None:
            if param in path.args:
                value = path.args[param]
                if value is None:
                    return None
                # A path from another module's call: its arguments are that module's.
                if isinstance(path.caller, Resolver):
                    return value, path.caller.on_path(path.parent), path.outside
                return value, self.on_path(path.parent), None
            path = path.parent
        return None

    # -- objects -------------------------------------------------------------------------
    def constructions(
        self, expr: cst.BaseExpression, depth: int = 0
    ) -> Optional[List[Tuple[cst.Call, Resolver]]]:
        """The calls of imported callables an expression's object comes from, each with the
        resolver of its path: through names that reach it, parameters on the current path,
        module functions whose returns agree, methods of module classes, and `a if c else
        b`. A call of one of the SDK's factory methods (`estimator.create_model(...)`) is
        such a call too: the surfaces decide what it makes (`surfaces/factories.py`). None
        when any of them is not followed."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.Call):
            qualified = self.qualified_name(expr.func)
            if qualified is None or not self._is_sagemaker(qualified):
                entry = self._foreign_entry(expr)
                if entry is not None:  # a function of another module of the project
                    resolver, function, path = entry
                    with modules.Entered(resolver.module_path or ""):
                        return resolver._returned(expr, depth, function, path)
            if qualified is not None:
                return [(expr, self)]
            returned = self._returned(expr, depth)
            if returned is None and factory_method(expr) is not None:
                # `estimator.create_model(...)`, `tuner.best_estimator()`: the surfaces know
                # what the SDK's own factories build from what their receiver is.
                return [(expr, self)]
            return returned
        if isinstance(expr, cst.Name):
            defs = self.reaching(expr)
            if defs is None:
                return None
            out: List[Tuple[cst.Call, Resolver]] = []
            for binding in defs:
                found = self._constructions_of(binding, depth)
                if found is None:
                    return None
                out.extend(found)
            return out
        if isinstance(expr, cst.IfExp):
            taken = self.test(expr)
            if taken is not None:  # a known condition: only its branch is built
                return self.constructions(expr.body if taken else expr.orelse, depth + 1)
            body = self.constructions(expr.body, depth + 1)
            orelse = self.constructions(expr.orelse, depth + 1)
            return None if body is None or orelse is None else body + orelse
        if isinstance(expr, cst.Attribute):
            return self._attribute_constructions(expr, depth)
        return None

    def test(self, node: cst.IfExp) -> Optional[bool]:
        """Whether a conditional expression's test is known true or false here: known where
        it runs (the binding walk), or from what the names it reads are on this path."""
        known = self.bindings.known_test(node)
        if known is not None:
            return known
        value = fold(node.test, self._plain)
        return None if value is None else bool(value.value)

    def _plain(self, name: cst.Name) -> Optional[Known]:
        value = self.resolve(name)
        return Known(value.value) if isinstance(value, Scalar) else None

    def _constructions_of(
        self, binding: Def, depth: int
    ) -> Optional[List[Tuple[cst.Call, Resolver]]]:
        if binding.kind is DefKind.PARAM:
            argument = self._argument(binding)
            if argument is None:
                return None
            value, resolver, outside = argument
            if outside is not None:
                with modules.Resumed(outside):
                    return resolver.constructions(value, depth + 1)
            return resolver.constructions(value, depth + 1)
        if binding.kind is DefKind.IMPORT:
            return self._imported_constructions(binding, depth)
        found = self._binding(binding)
        if found is None or binding in self._active:
            return None
        self._active.add(binding)
        try:
            return self.constructions(found[1].value, depth + 1)
        finally:
            self._active.discard(binding)

    def _returned(
        self,
        call: cst.Call,
        depth: int,
        function: Optional[cst.FunctionDef] = None,
        entry: Optional[Path] = None,
    ) -> Optional[List[Tuple[cst.Call, Resolver]]]:
        """A call of a module function or method: what all its returns agree to build.
        (`function` and `entry`: a function of this module called from another one.)"""
        target = function or self.functions.callee(call)
        if target is None or (self.path is not None and target in self.path.functions()):
            return None  # not followed, or recursion
        returns = self.index.returns.get(target)
        if not returns or any(value is None for value in returns):
            return None
        inner = self.on_path(entry or self.functions.bind(call, target, self.path))
        out: List[Tuple[cst.Call, Resolver]] = []
        for value in returns:
            assert value is not None
            found = inner.constructions(value, depth + 1)
            if found is None:
                return None
            out.extend(found)
        return out

    # -- names ---------------------------------------------------------------------------
    def reaching(self, name: cst.Name) -> Optional[List[Def]]:
        """The bindings that can reach a read, in a stable order; None when none is known
        (a path on which the name is unbound raises NameError, so it is left out)."""
        found = self.bindings.reaching(name)
        if not found:
            return None
        defs = [binding for binding in found if binding.kind is not DefKind.UNBOUND]
        if not defs:
            return None
        if len(defs) > 1:
            defs.sort(key=_def_order)
            if self.path is not None:  # a binding this path cannot run does not reach
                live = [binding for binding in defs if binding.node is None
                        or self.reachable(binding.node)]
                defs = live or defs
        return defs

    def reachable(self, node: cst.CSTNode) -> bool:
        """Whether a call or an assigned name in the function of the current path can run
        on it: False when a test it runs under is known otherwise there (`deploy(m,
        local=True)` does not reach the code past `if local: return ...`)."""
        path = self.path
        if path is None:
            return True
        guards = self.functions.guards(path.function).get(node)
        if not guards:
            return True
        outside = self.on_path(None)
        for test, needed in guards:
            if test in self._testing:
                continue
            self._testing.add(test)
            try:
                # A test known without the path (a module switch) is the binding walk's:
                # the branch it skips is still read as written, as at module level.
                value = None if fold(test, outside._plain) is not None else fold(
                    test, self._plain
                )
            finally:
                self._testing.discard(test)
            if value is not None and bool(value.value) is not needed:
                return False
        return True

    def binding_of(self, name: cst.Name) -> Optional[Tuple[Def, Binding]]:
        """The one `name = value` binding that reaches a read."""
        defs = self.reaching(name)
        if defs is None or len(defs) != 1:
            return None
        return self._binding(defs[0])

    def _binding(self, binding: Def) -> Optional[Tuple[Def, Binding]]:
        if binding.kind is not DefKind.ASSIGN or not isinstance(binding.node, cst.Name):
            return None  # (the index's bindings are keyed by the names assigned)
        found = self.index.bindings.get(binding.node)
        if found is None:
            return None
        return binding, found

    def qualified_name(self, node: cst.BaseExpression) -> Optional[str]:
        """The one qualified name an expression refers to, or None when it is not exactly
        one name from an import or builtin (a local class `PyTorchModel` is not). Imports
        that reach it under two public paths of one class agree."""
        if isinstance(node, cst.Attribute):
            base = self.qualified_name(node.value)
            return None if base is None else f"{base}.{node.attr.value}"
        if not isinstance(node, cst.Name):
            return None
        found = self.bindings.reaching(node)
        if not found:
            return None
        if all(binding.kind is DefKind.UNBOUND for binding in found):
            if node.value in _BUILTIN_NAMES and not self.bindings.star_import:
                return f"builtins.{node.value}"
            return None
        names = []
        for binding in found:
            if binding.kind is not DefKind.IMPORT or binding.qualified is None:
                return None
            names.append(binding.qualified)
        first = min(names)
        if all(name == first for name in names):
            return first
        info = self.catalog.lookup(first)
        if info is not None and all(self.catalog.lookup(name) == info for name in names):
            return first
        return None

    # -- expressions ---------------------------------------------------------------------
    def resolve(self, expr: cst.BaseExpression, depth: int = 0) -> Value:
        if depth > _MAX_DEPTH:
            return UNKNOWN
        if isinstance(expr, (cst.Integer, cst.Float)):
            number = _number(expr)
            return UNKNOWN if number is None else Scalar(number, expr)
        if isinstance(expr, cst.SimpleString):
            return _string(expr)
        if isinstance(expr, cst.ConcatenatedString):
            return _concatenated(expr)
        if isinstance(expr, cst.UnaryOperation):
            return self._unary(expr, depth)
        if isinstance(expr, cst.Name):
            return self._name(expr, depth)
        if isinstance(expr, cst.Dict):
            return self._dict_literal(expr, depth)
        if isinstance(expr, (cst.List, cst.Tuple)):
            return self._sequence(expr, depth)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            return self._merge(expr, depth)
        if isinstance(expr, cst.BinaryOperation):
            return self._arithmetic(expr, depth)
        if isinstance(expr, cst.Call):
            return self._call(expr, depth)
        if isinstance(expr, cst.IfExp):
            return self._if_exp(expr, depth)
        if isinstance(expr, cst.Subscript):
            return self._config_subscript(expr, depth)
        if isinstance(expr, cst.Attribute):
            target = self.functions.property_read(expr)
            if target is not None:  # `maker.variant`: a property runs like a call
                return self._returned_value(cst.Call(func=expr), depth, target)
            module_name = self._target_of(expr)
            if module_name is not None:  # `config.SERVER_ENV` after `import config`
                return _from_elsewhere(self._foreign_value(module_name, depth))
            return self._attribute(expr, depth)
        return UNKNOWN

    def _arithmetic(self, expr: cst.BinaryOperation, depth: int) -> Value:
        """`30 * 24 * 3600`, `"ml." + size`: evaluated on known operands. The value is
        reported at the whole expression and never fixed there (`derived`)."""
        left = self.resolve(expr.left, depth + 1)
        if not isinstance(left, Scalar):
            return UNKNOWN
        right = self.resolve(expr.right, depth + 1)
        if not isinstance(right, Scalar):
            return UNKNOWN
        result = arithmetic(expr.operator, left.value, right.value)
        if result is None:
            return UNKNOWN
        value = result.value
        assert isinstance(value, (int, str))
        return Scalar(value, expr, derived=True)

    def _if_exp(self, expr: cst.IfExp, depth: int) -> Value:
        """`a if c else b`: the branch a known test takes (an unknown test: unknown)."""
        taken = self.test(expr)
        if taken is None:
            return UNKNOWN
        return self.resolve(expr.body if taken else expr.orelse, depth + 1)

    def _unary(self, expr: cst.UnaryOperation, depth: int) -> Value:
        """`-5` and `+5`: a sign written directly on a number literal (the fix replaces the
        whole signed expression, so a sign on a name is left unknown)."""
        operand = expr.expression
        if not isinstance(operand, (cst.Integer, cst.Float)):
            return UNKNOWN
        value = _number(operand)
        if value is None:
            return UNKNOWN
        if isinstance(expr.operator, cst.Minus):
            return Scalar(-value, expr)
        if isinstance(expr.operator, cst.Plus):
            return Scalar(value, expr)
        return UNKNOWN

    def _name(self, name: cst.Name, depth: int) -> Value:
        if name.value in _CONSTANTS:  # keywords in Python 3: they cannot be rebound
            return Scalar(_CONSTANTS[name.value], name)
        defs = self.reaching(name)
        if defs is None:
            return UNKNOWN
        values = [self._through(binding, name, depth) for binding in defs]
        if len(values) == 1:
            return values[0]
        # Several bindings reach the read: known only when they are the same literal value.
        first = values[0]
        if not isinstance(first, Scalar):
            return UNKNOWN
        for other in values[1:]:
            if not (
                isinstance(other, Scalar)
                and type(other.value) is type(first.value)
                and other.value == first.value
            ):
                return UNKNOWN
        return first

    def _through(self, binding: Def, name: cst.Name, depth: int) -> Value:
        """The value one binding gives a read of `name`."""
        if binding.kind is DefKind.IMPORT:
            return self._imported_value(binding, depth)
        if binding.kind is DefKind.PARAM:
            argument = self._argument(binding)
            if argument is None:
                return UNKNOWN
            value_node, resolver, outside = argument
            if outside is not None:
                with modules.Resumed(outside):
                    return resolver.resolve(value_node, depth + 1)
            return resolver.resolve(value_node, depth + 1)
        found = self._binding(binding)
        if found is None or binding in self._active:
            return UNKNOWN
        assignment, bound = found
        self._active.add(binding)
        try:
            value = self.resolve(bound.value, depth + 1)
        finally:
            self._active.discard(binding)
        if isinstance(value, Scalar):
            return replace(value, hops=(Hop(assignment, name),) + value.hops)
        if isinstance(value, DictValue):
            value = self._follow_mutations(value, assignment, bound.pos, depth)
            if value.from_file and self._config_changed(assignment):
                value.make_open()
            if not assignment.sole:  # principle 4: no fix through a name bound twice
                value.insert_target = None
        return value

    # -- attributes of module classes (analysis/attributes.py) ---------------------------
    def _attribute(self, expr: cst.Attribute, depth: int) -> Value:
        """`self.env`, `Cls.INSTANCE_TYPE`, `cfg.instance_type`: what every source of the
        attribute agrees on. A literal is reported where it is written; a fix edits it only
        when the attribute has that one source (the stand-in binding of the hop)."""
        found = self.attributes.sources(expr, self.qualified_name)
        if found is None:
            return UNKNOWN
        values = [self._attribute_source(found, index, depth) for index in range(len(found.values))]
        first = values[0]
        if len(values) > 1 and not all(_same_value(first, other) for other in values[1:]):
            return UNKNOWN
        if isinstance(first, Scalar):
            return replace(first, hops=(Hop(found.assignment, expr.attr),) + first.hops)
        if isinstance(first, (DictValue, ListValue)):
            return self._attribute_container(first, expr.attr.value, found)
        return first

    def _attribute_source(self, found: Sources, index: int, depth: int) -> Value:
        source = found.values[index]
        resolver = self if source.here else self.on_path(None)
        return resolver.resolve(source.value, depth + 1)

    def _attribute_container(
        self, value: Union[DictValue, ListValue], name: str, found: Sources
    ) -> Value:
        """A dict or list held by an attribute: changed through some read of it (`self.env
        ["K"] = v`, `self.env.update(...)`, handed to code not followed), a dict is open
        and a list unknown."""
        kept = all(self._keeps(read.use, read.call, read.method)
                   for read in self.attributes.reads.get(name, ()))
        if isinstance(value, ListValue):
            return value if kept else UNKNOWN
        result = DictValue(
            [replace(entry) for entry in value.entries],
            value.closed,
            value.insert_target if found.assignment.sole else None,
        )
        if not kept:
            result.make_open()
        return result

    def _keeps(self, use: Optional[Use], call: Optional[cst.Call], method: str) -> bool:
        if use in (Use.SUBSCRIPT_LOAD, Use.ATTRIBUTE, Use.SPLAT, Use.COMPARE, Use.OPERAND):
            return True
        if use is Use.METHOD_CALL:
            return method in _READ_METHODS
        if use is Use.ARGUMENT and call is not None:
            return self._call_keeps_arguments(call)
        return False

    def _attribute_constructions(
        self, expr: cst.Attribute, depth: int
    ) -> Optional[List[Tuple[cst.Call, Resolver]]]:
        """`self.model` where `__init__` stores `PyTorchModel(...)` in it: that call."""
        found = self.attributes.sources(expr, self.qualified_name)
        if found is None:
            return None
        out: List[Tuple[cst.Call, Resolver]] = []
        for source in found.values:
            resolver = self if source.here else self.on_path(None)
            made = resolver.constructions(source.value, depth + 1)
            if made is None:
                return None
            out.extend(made)
        return out

    def _dict_literal(self, expr: cst.Dict, depth: int) -> Value:
        result = DictValue(insert_target=expr)
        for element in expr.elements:
            if not isinstance(element, cst.DictElement):  # **splat
                _merge_into(result, self.resolve(element.value, depth + 1))
            else:
                key = self.resolve(element.key, depth + 1)
                if not (isinstance(key, Scalar) and isinstance(key.value, str)):
                    result.make_open()  # the unknown key may equal any earlier one
                    continue
                result.entries.append(
                    Entry(key.value, element.key, self.resolve(element.value, depth + 1))
                )
        return result

    def _sequence(self, expr: Union[cst.List, cst.Tuple], depth: int) -> Value:
        items: List[Value] = []
        closed = True
        for element in expr.elements:
            if isinstance(element, cst.StarredElement):
                closed = False
                continue
            items.append(self.resolve(element.value, depth + 1))
        return ListValue(items, closed)

    def _merge(self, expr: cst.BinaryOperation, depth: int) -> Value:
        left = self.resolve(expr.left, depth + 1)
        right = self.resolve(expr.right, depth + 1)
        if not isinstance(left, DictValue) or not isinstance(right, DictValue):
            return UNKNOWN
        result = DictValue(insert_target=right.insert_target)
        _merge_into(result, left)
        _merge_into(result, right)
        return result

    def _call(self, call: cst.Call, depth: int) -> Value:
        qualified = self.qualified_name(call.func)
        if qualified is None or not (
            self._is_sagemaker(qualified) or qualified in DICT_BUILDERS
            or qualified in STRINGIFIERS
        ):
            entry = self._foreign_entry(call)
            if entry is not None:  # a function of another module of the project
                resolver, function, path = entry
                with modules.Entered(resolver.module_path or ""):
                    value = resolver._returned_value(call, depth, function, path)
                return _from_elsewhere(value)
        if qualified is None:
            if isinstance(call.func, cst.Attribute) and call.func.attr.value == "get":
                found = self._config_get(call, depth)
                if found is not None:
                    return found
            return self._returned_value(call, depth)
        if qualified in LOADERS:
            return self._config_load(call, qualified, depth)
        if qualified in DICT_BUILDERS:
            return self._dict_call(call, depth)
        if qualified in STRINGIFIERS:
            return self._stringify(call, qualified, depth)
        return ObjectValue(qualified, call)

    def _returned_value(
        self,
        call: cst.Call,
        depth: int,
        function: Optional[cst.FunctionDef] = None,
        entry: Optional[Path] = None,
    ) -> Value:
        """A call of a module function or method (static and class methods included): what
        it returns, resolved on the path the call makes (`[maker.get_variant(name)]` is the
        `ProductionVariantProperty(...)` the method builds). Several returns: known when
        they are the same literal value or all build one object."""
        target = function or self.functions.callee(call)
        if target is None or (self.path is not None and target in self.path.functions()):
            return UNKNOWN  # not followed, or recursion
        returns = self.index.returns.get(target)
        if not returns or any(value is None for value in returns):
            return UNKNOWN
        inner = self.on_path(entry or self.functions.bind(call, target, self.path))
        values = [inner.resolve(value, depth + 1) for value in returns if value is not None]
        first = values[0]
        if len(values) == 1 or all(_same_value(first, other) for other in values[1:]):
            return first
        return UNKNOWN

    def _dict_call(self, call: cst.Call, depth: int) -> Value:
        result = DictValue(insert_target=call)
        for arg in call.args:
            if arg.star == "*":
                return UNKNOWN
            if arg.star == "**" or arg.keyword is None:
                _merge_into(result, self.resolve(arg.value, depth + 1))
            else:
                result.entries.append(
                    Entry(arg.keyword.value, arg.keyword, self.resolve(arg.value, depth + 1))
                )
        return result

    def _stringify(self, call: cst.Call, qualified: str, depth: int) -> Value:
        if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
            return UNKNOWN
        inner = self.resolve(call.args[0].value, depth + 1)
        if not isinstance(inner, Scalar):
            return UNKNOWN
        if qualified == "json.dumps":
            text = json.dumps(inner.value)
        else:
            text = str(inner.value)
        return Scalar(text, inner.literal, derived=True, hops=inner.hops)

    # -- dict mutations ------------------------------------------------------------------
    def _follow_mutations(
        self, value: DictValue, assignment: Def, bound_at: StmtPos, depth: int
    ) -> DictValue:
        """Apply the mutations of a dict bound to a name, in source order, or mark it open.

        A mutation in the binding's own block, after it, is certain; one under control flow
        (another block), or of a name another binding may also reach there, may or may not
        happen: its keys are `conditional`."""
        result = DictValue(list(value.entries), value.closed, value.insert_target, value.from_file)
        sites: List[Tuple[UseSite, bool]] = []
        for node in assignment.reads:
            site = self.index.uses.get(node)
            if site is None:  # aliased, returned, iterated...: anything may happen to it
                result.make_open()
                return result
            shared = len(self.bindings.reaching(node) or ()) > 1
            sites.append((site, shared))
        for site, shared in sorted(sites, key=lambda s: s[0].pos.order):
            conditional = (
                shared or site.pos.block != bound_at.block or site.pos.order < bound_at.order
            )
            before = len(result.entries)
            self._apply_use(result, site, depth)
            if conditional:
                for entry in result.entries[before:]:
                    entry.conditional = True
        return result

    def _apply_use(self, result: DictValue, site: UseSite, depth: int) -> None:
        use = site.use
        if use in (
            Use.SUBSCRIPT_LOAD, Use.ATTRIBUTE, Use.SPLAT, Use.COMPARE, Use.OPERAND, Use.ELEMENT
        ):
            return
        if use is Use.ATTRIBUTE_STORE:
            result.make_open()
            return
        if use is Use.SUBSCRIPT_STORE and site.key is not None and site.value is not None:
            key = self.resolve(site.key, depth + 1)
            if isinstance(key, Scalar) and isinstance(key.value, str):
                value = self.resolve(site.value, depth + 1)
                result.entries.append(Entry(key.value, site.key, value))
                return
        elif use is Use.METHOD_CALL and site.call is not None:
            if site.method in _READ_METHODS:
                return
            if site.method == "update" and self._apply_update(result, site.call, depth):
                return
            if site.method == "setdefault" and self._apply_setdefault(result, site.call, depth):
                return
        elif use is Use.ARGUMENT and site.call is not None:
            if self._call_keeps_arguments(site.call):
                return
        result.make_open()

    def _apply_update(self, result: DictValue, call: cst.Call, depth: int) -> bool:
        update = DictValue()
        for arg in call.args:
            if arg.star == "*":
                return False
            if arg.keyword is None:
                inner = self.resolve(arg.value, depth + 1)
                if not isinstance(inner, DictValue):
                    return False
                _merge_into(update, inner)
            else:
                update.entries.append(
                    Entry(arg.keyword.value, arg.keyword, self.resolve(arg.value, depth + 1))
                )
        _merge_into(result, update)
        return True

    def _apply_setdefault(self, result: DictValue, call: cst.Call, depth: int) -> bool:
        if len(call.args) != 2 or any(arg.keyword or arg.star for arg in call.args):
            return False
        key = self.resolve(call.args[0].value, depth + 1)
        if not (isinstance(key, Scalar) and isinstance(key.value, str)):
            return False
        # setdefault only adds a key that is absent: it never overwrites a known value.
        result.entries.append(
            Entry(key.value, call.args[0].value, self.resolve(call.args[1].value, depth + 1), True)
        )
        return True

    def _call_keeps_arguments(self, call: cst.Call) -> bool:
        """Whether passing a dict to this call leaves it as it was: the SageMaker API
        surfaces the catalogue knows, and a few builtins."""
        cached = self._known_calls.get(call)
        if cached is None:
            qualified = self.qualified_name(call.func)
            cached = qualified is not None and (
                self._is_sagemaker(qualified)
                or qualified.split("builtins.", 1)[-1] in _PURE_CALLS
            )
            if not cached and isinstance(call.func, cst.Attribute):
                # model.deploy(env=env), session.create_model(...): methods of known objects.
                cached = self._sagemaker_object(call.func.value)
            self._known_calls[call] = cached
        return cached

    def _sagemaker_object(self, receiver: cst.BaseExpression, hops: int = 0) -> bool:
        """Whether a receiver is a name bound once to a SageMaker call, or to a factory
        method of one (`model = estimator.create_model(...)`), or a boto3 client (its calls
        send their arguments and keep them: `sm.create_training_job(HyperParameters=hp)`)."""
        if hops > _MAX_FACTORY_HOPS:
            return False
        if isinstance(receiver, cst.Attribute) and receiver.attr.value == "sagemaker_client":
            return self._sagemaker_object(receiver.value, hops + 1)  # a session's client
        if isinstance(receiver, cst.Name):
            bound = self.binding_of(receiver)
            if bound is None or not isinstance(bound[1].value, (cst.Call, cst.Attribute)):
                return False
            return self._sagemaker_object(bound[1].value, hops)
        if not isinstance(receiver, cst.Call):
            return False
        owner = self.qualified_name(receiver.func)
        if owner is not None:
            return self._is_sagemaker(owner) or owner in BOTO3_CLIENTS
        func = receiver.func
        if isinstance(func, cst.Attribute) and func.attr.value == "client":
            return self._boto3_session(func.value)  # boto3.Session(...).client(...)
        factory = factory_method(receiver)
        return factory is not None and self._sagemaker_object(factory, hops + 1)

    def _boto3_session(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Name):
            bound = self.binding_of(expr)
            expr = bound[1].value if bound is not None else expr
        return isinstance(expr, cst.Call) and self.qualified_name(expr.func) in BOTO3_SESSIONS

    def attribute_touched(self, call: cst.Call, attribute: str, stores_only: bool = False) -> bool:
        """Whether the object a call builds has `attribute` read or set through the name it
        is bound to (`model.env = {...}`, `model.env["K"] = v`): then what the call was given
        for it is not all there is. `stores_only`: for a value that cannot be changed in
        place (a string), only a store counts (`print(est.image_uri)` changes nothing)."""
        uses = (Use.ATTRIBUTE_STORE,) if stores_only else (Use.ATTRIBUTE, Use.ATTRIBUTE_STORE)
        target = self.index.bound_calls.get(call)
        if target is None:  # stored in an attribute (`self.model = ...`), or not bound
            return self.attributes.touched(call, attribute, stores_only)
        assignment = self.bindings.def_of(target)
        if assignment is None:
            return True  # not followed: the name may stand for anything
        for node in assignment.reads:
            site = self.index.uses.get(node)
            if site is not None and site.method == attribute and site.use in uses:
                return True
        return False

    def _is_sagemaker(self, qualified: str) -> bool:
        return qualified.startswith("sagemaker.") or self.catalog.lookup(qualified) is not None

    # -- configuration files (#28): `json.load(open(P))` and the like at a known path ---------
    def _config_load(self, call: cst.Call, qualified: str, depth: int) -> Value:
        """The content of the file a load reads: known when the call has the plain form (no
        hooks or options that change what it builds), its path is known and inside the
        project, and the file exists and parses."""
        if self.project is None or depth > _MAX_DEPTH:
            return UNKNOWN
        kind, reads = LOADERS[qualified]
        args = call.args
        if not args or args[0].keyword is not None or args[0].star:
            return UNKNOWN
        rest = args[1:]
        if qualified == "yaml.load":
            loader = rest[0] if len(rest) == 1 and not rest[0].star else None
            if loader is None or (loader.keyword is not None and loader.keyword.value != "Loader"):
                return UNKNOWN
            if self.qualified_name(loader.value) not in SAFE_YAML_LOADERS:
                return UNKNOWN
        elif rest:
            return UNKNOWN  # object_hook, parse_float, ...: not the file's plain data
        source = args[0].value
        binary = True if kind == "toml" else None  # tomllib reads binary files only
        path = self._config_opened(source, binary, depth) if reads != "text" else None
        if path is None and reads != "file":
            path = self._config_text(source, kind != "toml", depth)  # tomllib.loads: str only
        if path is None:
            return UNKNOWN
        found = self._config_file(kind, path)
        if found is None:
            return UNKNOWN
        shown, absolute, datum = found
        return self._config_value(datum, call, shown, absolute, ())

    def _config_file(self, kind: str, path: str) -> Optional[Tuple[str, str, Datum]]:
        """(shown name, absolute path, content) of the file a worked-out path names: in the
        script's folder, else at the project's root; None when missing or invalid."""
        key = (kind, path)
        if key in self._config_files:
            return self._config_files[key]
        project = self.project
        assert project is not None
        folder, root = str(project.folder), str(project.root)
        found: Optional[Tuple[str, str, Datum]] = None
        if self.module_tree is None:
            return None
        for target in candidates(path, folder, root):
            if written(target, self._written_names()):
                break  # the script may write the file before it reads it
            data = project.read(pathlib.Path(target))
            if data is None:
                continue
            datum = parse(kind, data)
            if datum is not None:
                base = folder if target.startswith(folder + os.sep) else root
                found = (os.path.relpath(target, base).replace(os.sep, "/"), target, datum)
            break  # the file the program opens: if it does not parse, nothing is known
        self._config_files[key] = found
        return found

    def _written_names(self) -> List[str]:
        """The strings given to the module's writing calls, and the notebook's lines that
        may write files (#28)."""
        if self._written is None:
            tree = self.module_tree
            self._written = [*(written_names(tree) if tree is not None else ()), *self.creators]
        return self._written

    def _module_written(self, path: str) -> bool:
        """Whether the checked code may write the module file an import names before the
        import runs (`%%writefile config.py`, `shutil.copy(..., "config.py")`): what the
        project's file holds is then not known (#28)."""
        return written(path, self._written_names())

    def _config_value(
        self, datum: Datum, load: cst.Call, shown: str, absolute: str,
        keys: Tuple[ConfigKey, ...],
    ) -> Value:
        if datum.kind == "scalar":
            node = self._config_node(load, shown, absolute, keys, datum.line, False)
            return Scalar(datum.value, node, derived=True)  # not Python: never fixed
        if datum.kind == "map":
            result = DictValue(closed=datum.closed, from_file=True)
            for key, line, inner in datum.entries:
                node = self._config_node(load, shown, absolute, keys + (key,), line, True)
                value = self._config_value(inner, load, shown, absolute, keys + (key,))
                result.entries.append(Entry(key, node, value))
            return result
        if datum.kind == "list":
            return ListValue([
                self._config_value(item, load, shown, absolute, keys + (i,))
                for i, item in enumerate(datum.items)
            ], from_file=True)
        return UNKNOWN

    def _config_node(
        self, load: cst.Call, shown: str, absolute: str, keys: Tuple[ConfigKey, ...],
        line: int, is_key: bool,
    ) -> cst.Name:
        """The node a finding about a loaded value (or a key) stands on: one per load, key
        path and role, so that a value two calls use is reported once. The engine reports it
        at the load (`ConfigOrigin`)."""
        slot = (id(load), keys, is_key)
        node = self._config_nodes.get(slot)
        if node is None:
            node = self._config_nodes[slot] = cst.Name("config_value")
            self.config_origins[node] = ConfigOrigin(load, shown, absolute, keys, line)
        return node

    def _config_lookup(
        self, container: Value, key: Value, default: Optional[Value] = None
    ) -> Value:
        """`d[key]` (`default` None) or `d.get(key, default)` on a loaded mapping."""
        if not (
            isinstance(container, DictValue) and container.from_file
            and isinstance(key, Scalar) and isinstance(key.value, str)
        ):
            return UNKNOWN
        matching = [
            entry for entry in container.effective_entries() if entry.key == key.value
        ]
        if len(matching) == 1 and not matching[0].conditional:
            return matching[0].value
        if not matching and container.closed and default is not None:
            return default
        return UNKNOWN

    def _config_subscript(self, expr: cst.Subscript, depth: int) -> Value:
        if len(expr.slice) != 1 or not isinstance(expr.slice[0].slice, cst.Index):
            return UNKNOWN
        index = expr.slice[0].slice
        if index.star is not None:
            return UNKNOWN
        container = self.resolve(expr.value, depth + 1)
        if isinstance(container, ListValue) and container.from_file:
            position = self.resolve(index.value, depth + 1)
            if not isinstance(position, Scalar) or type(position.value) is not int:
                return UNKNOWN
            count = len(container.items)
            return container.items[position.value] if -count <= position.value < count else UNKNOWN
        if not isinstance(container, DictValue) or not container.from_file:
            return UNKNOWN
        return self._config_lookup(container, self.resolve(index.value, depth + 1))

    def _config_get(self, call: cst.Call, depth: int) -> Optional[Value]:
        """`cfg.get("env", {})` on a loaded mapping; None when the receiver is not one."""
        assert isinstance(call.func, cst.Attribute)
        if not 1 <= len(call.args) <= 2 or any(a.keyword or a.star for a in call.args):
            return None
        container = self.resolve(call.func.value, depth + 1)
        if not isinstance(container, DictValue) or not container.from_file:
            return None
        # Without a default, a key the file lacks gives None: left unknown (a rule about a
        # missing argument would read `env=None` as no env and add one).
        default = self.resolve(call.args[1].value, depth + 1) if len(call.args) == 2 else None
        return self._config_lookup(container, self.resolve(call.args[0].value, depth + 1), default)

    def _config_changed(self, assignment: Def) -> bool:
        """Whether a part of a loaded mapping bound to a name may change after the load
        (`cfg["env"]["K"] = v`, `cfg["env"].update(...)`, `f(cfg["env"])` with an unknown
        `f`, `env = cfg["env"]` and then `env` changed): its parts are then unknown."""
        syntax = self._syntax()
        for read in assignment.reads:
            if read in syntax.changed:
                return True
            if any(not self._call_keeps_arguments(call) for call in syntax.passed.get(read, ())):
                return True
            for alias in syntax.aliases.get(read, ()):
                bound = self.bindings.def_of(alias)
                if bound is None or self._alias_changed(bound, syntax):
                    return True
            for duplicate in syntax.copies.get(read, ()):
                bound = self.bindings.def_of(duplicate)
                if bound is None or self._copy_changed(bound, syntax):
                    return True
        return False

    def _copy_changed(self, duplicate: Def, syntax: Syntax) -> bool:
        """Whether a shallow copy (`base = dict(cfg)`) may change a part it shares with the
        loaded mapping: a store two links deep, a part changed in place, aliased, iterated
        or handed on. Its own entries (`base["K"] = v`, `base.update(...)`) are its own."""
        for read in duplicate.reads:
            site = self.index.uses.get(read)
            if site is None or read in syntax.changed or read in syntax.aliases:
                return True
            if any(not self._call_keeps_arguments(call) for call in syntax.passed.get(read, ())):
                return True
            if site.use is Use.ARGUMENT and (
                site.call is None or not self._call_keeps_arguments(site.call)
            ):
                return True
        return False

    def _alias_changed(self, alias: Def, syntax: Syntax) -> bool:
        for read in alias.reads:
            site = self.index.uses.get(read)
            if site is None or read in syntax.changed or read in syntax.aliases:
                return True
            if site.use in (Use.SUBSCRIPT_STORE, Use.SUBSCRIPT_DEL, Use.ATTRIBUTE_STORE):
                return True
            if site.use is Use.METHOD_CALL and site.method not in _READ_METHODS:
                return True
            if site.use is Use.ARGUMENT and (
                site.call is None or not self._call_keeps_arguments(site.call)
            ):
                return True
        return False

    def _syntax(self) -> Syntax:
        if not self._config_syntax:
            syntax = Syntax()
            self.bindings.module_scope.node.visit(syntax)
            self._config_syntax.append(syntax)
        return self._config_syntax[0]

    def _config_opened(
        self, expr: cst.BaseExpression, binary: Optional[bool], depth: int
    ) -> Optional[str]:
        """The path a file object was opened at for reading: `open(P)`, `Path(P).open()`,
        a name bound to one, or the target of `with open(P) as f`."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.Name):
            defs = self.reaching(expr)
            if defs is None or len(defs) != 1 or defs[0].node is None:
                return None
            with_item = self._syntax().with_items.get(defs[0].node)
            if with_item is not None:
                return self._config_opened(with_item, binary, depth + 1)
            bound = self._binding(defs[0])
            return None if bound is None else self._config_opened(bound[1].value, binary, depth + 1)
        if not isinstance(expr, cst.Call):
            return None
        func = expr.func
        if self.qualified_name(func) in OPENERS:
            target, options = (expr.args[0] if expr.args else None), expr.args[1:]
        elif isinstance(func, cst.Attribute) and func.attr.value == "open":
            target, options = cst.Arg(func.value), expr.args
        else:
            return None
        if target is None or target.keyword is not None or target.star:
            return None
        mode = "r"
        for i, option in enumerate(options):
            name = option.keyword.value if option.keyword is not None else ("mode" if i == 0 else "")
            if option.star or name not in ("mode", "encoding"):
                return None
            if name == "mode":
                value = self.resolve(option.value, depth + 1)
                if not isinstance(value, Scalar) or value.value not in READ_MODES:
                    return None
                mode = str(value.value)
        if binary is not None and ("b" in mode) is not binary:
            return None
        return self._config_path(target.value, depth + 1)

    def _config_text(
        self, expr: cst.BaseExpression, takes_bytes: bool, depth: int
    ) -> Optional[str]:
        """The path whose text (or bytes, where the loader takes them) an expression is:
        `Path(P).read_text()`, `open(P).read()`, `f.read()` of an opened file, or a name
        bound to one."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.Name):
            bound = self.binding_of(expr)
            if bound is None:
                return None
            return self._config_text(bound[1].value, takes_bytes, depth + 1)
        if not isinstance(expr, cst.Call) or not isinstance(expr.func, cst.Attribute):
            return None
        method, receiver = expr.func.attr.value, expr.func.value
        if method == "read" and not expr.args:
            return self._config_opened(receiver, None if takes_bytes else False, depth + 1)
        readers = ("read_text", "read_bytes") if takes_bytes else ("read_text",)
        if method in readers and all(
            arg.keyword is not None and arg.keyword.value == "encoding" for arg in expr.args
        ):
            return self._config_path(receiver, depth + 1)
        return None

    def _config_path(self, expr: cst.BaseExpression, depth: int) -> Optional[str]:
        """A path worked out from known strings, `__file__`, `Path(...)`, `/`, `.parent`,
        `os.path.join` / `dirname` and names bound to them; `__file__` stands as the script
        in its folder, a relative path is relative to where it is looked up."""
        if depth > _MAX_DEPTH or self.project is None:
            return None
        if isinstance(expr, cst.Name):
            if expr.value == "__file__":
                found = self.bindings.reaching(expr)
                if found and any(binding.kind is not DefKind.UNBOUND for binding in found):
                    return None  # rebound
                return os.path.join(str(self.project.folder), SCRIPT)
            bound = self.binding_of(expr)
            if bound is not None:
                return self._config_path(bound[1].value, depth + 1)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
            return self._config_join([expr.left, expr.right], depth)
        if isinstance(expr, cst.Attribute) and expr.attr.value == "parent":
            inner = self._config_path(expr.value, depth + 1)
            return None if inner is None else os.path.dirname(inner)
        if isinstance(expr, cst.Call):
            if any(arg.keyword is not None or arg.star for arg in expr.args):
                return None
            parts = [arg.value for arg in expr.args]
            qualified = self.qualified_name(expr.func)
            if qualified in PATH_CLASSES or qualified == "os.path.join":
                return self._config_join(parts, depth) if parts else None
            if qualified == "os.path.dirname" or qualified in SAME_PATH:
                inner = self._config_path(parts[0], depth + 1) if len(parts) == 1 else None
                if inner is None or qualified != "os.path.dirname":
                    return inner
                return os.path.dirname(inner)
            if isinstance(expr.func, cst.Attribute):
                method = expr.func.attr.value
                if method in SAME_PATH_METHODS and not parts:
                    return self._config_path(expr.func.value, depth + 1)
                if method == "joinpath" and parts:
                    return self._config_join([expr.func.value, *parts], depth)
            return None
        value = self.resolve(expr, depth + 1)
        if isinstance(value, Scalar) and isinstance(value.value, str) and value.value:
            return value.value
        return None

    def _config_join(self, parts: List[cst.BaseExpression], depth: int) -> Optional[str]:
        paths = []
        for part in parts:
            found = self._config_path(part, depth + 1)
            if found is None:
                return None
            paths.append(found)
        return os.path.join(*paths)

    # -- other modules of the project (sagelint.analysis.modules) ---------------------------
    # `from config import SERVER_ENV`, `import config; config.SERVER_ENV`, `from models import
    # build_model; build_model()`: what the imported module's name is when it has run, read
    # by that module's own resolver. Its literals stay its own: a diagnostic about one is
    # reported there (sagelint.engine), and no fix reaches into it (`_from_elsewhere`).
    def _import_target(self, binding: Def) -> Optional[Target]:
        """The module of the project (and the name in it; None: the module itself) an
        import binding stands for; None when it is not a project file, or is in a cycle."""
        if binding in self._targets:
            spec = self._targets[binding]
            return None if spec is None else self._module_target(*spec)
        found: Optional[Tuple[str, Optional[str]]] = None
        project, importer = self.project, self.module_path
        if project is not None and importer is not None and binding.kind is DefKind.IMPORT:
            alias, module = binding.node, self.bindings.module_scope.node
            where = None
            if isinstance(alias, cst.ImportAlias) and isinstance(module, cst.Module):
                if self._imports is None:
                    self._imports = modules.import_statements(module)
                where = self._imports.get(alias)
            if isinstance(alias, cst.ImportAlias) and where is not None:
                level, name, is_from = where
                found = self._alias_target(alias, level, name, is_from)
        self._targets[binding] = found
        return None if found is None else self._module_target(*found)

    def _alias_target(
        self, alias: cst.ImportAlias, level: int, name: str, is_from: bool
    ) -> Optional[Tuple[str, Optional[str]]]:
        project, importer = self.project, self.module_path
        assert project is not None and importer is not None
        dotted = modules._dotted(alias.name)
        if not is_from:  # `import a.b` binds `a`; `import a.b as m` binds `a.b`
            named = dotted if alias.asname is not None else dotted.split(".", 1)[0]
            path = modules.module_file(named, level, importer, project)
            return None if path is None else (path, None)
        base = modules.module_file(name, level, importer, project)
        if base is None:
            return None
        inner = modules.submodule(base, dotted)  # `from pkg import sub`: a module
        if inner is not None:
            return inner, None
        return base, dotted

    def _module_target(self, path: str, name: Optional[str]) -> Optional[Target]:
        project, importer = self.project, self.module_path
        assert project is not None and importer is not None
        if path == importer or self._module_written(path) or self._search_path_changed():
            return None
        self._register_guard()
        foreign = modules.load(path, project, self.catalog, Resolver)
        if foreign is None or foreign.cyclic(importer, project):
            return None
        return foreign, name

    def _search_path_changed(self) -> bool:
        """Whether the checked code names `sys.path` or `sys.modules` (an insert of a folder,
        a module put in by hand), or `site.addsitedir`: then which file an import loads is
        not known, and no module of the project is read for it."""
        if self._path_changed is None:
            tree = self.module_tree
            self._path_changed = tree is not None and any(
                (
                    isinstance(node, ast.Attribute) and node.attr in ("path", "modules")
                    and isinstance(node.value, ast.Name) and node.value.id == "sys"
                )
                or (isinstance(node, ast.Attribute) and node.attr == "addsitedir")
                or (
                    isinstance(node, ast.ImportFrom) and node.module == "sys"
                    and any(alias.name in ("path", "modules") for alias in node.names)
                )
                for node in ast.walk(tree)
            )
        return self._path_changed

    def _target_of(self, expr: cst.BaseExpression) -> Optional[Target]:
        """What a name or dotted name refers to in another module of the project: `config`
        (the module), `config.SERVER_ENV`, `SERVER_ENV` after `from config import ...`.
        Several imports reach it: known when they name the same thing."""
        if isinstance(expr, cst.Attribute):
            base = self._target_of(expr.value)
            if base is None or base[1] is not None:
                return None  # an attribute of a value: not followed here
            foreign = base[0]
            attr = expr.attr.value
            inner = modules.submodule(foreign.path, attr)
            if inner is not None:
                return _resolver_of(foreign)._module_target(inner, None)
            return foreign, attr
        if not isinstance(expr, cst.Name):
            return None
        found = self.bindings.reaching(expr)
        if not found or any(binding.kind is not DefKind.IMPORT for binding in found):
            return None
        targets = {self._import_target(binding) for binding in found}
        if len(targets) != 1:
            return None
        (target,) = targets
        if target is None:
            return None
        same = {(each[0].path, each[1]) for each in targets if each is not None}
        return target if len(same) == 1 else None

    def _imported_value(self, binding: Def, depth: int) -> Value:
        """What a name imported from a project module is (its mutations here followed)."""
        target = self._import_target(binding)
        if target is None:
            return UNKNOWN
        value = _from_elsewhere(self._foreign_value(target, depth, binding.name))
        if isinstance(value, DictValue):  # `SERVER_ENV["K"] = v` here, after the import
            value = self._follow_mutations(value, binding, _NOWHERE, depth)
        return value

    def _foreign_value(self, target: Target, depth: int, own: Optional[str] = None) -> Value:
        """A name of another module as it is at that module's end; several bindings reach
        it: known when they are the same literal value. Unknown when a module the check
        reaches may change it (`_changed_elsewhere`; `own`: the name this module imported
        it as, whose changes here `_imported_value` follows)."""
        value = self._foreign_end_value(target, depth)
        if value is not UNKNOWN and self._changed_elsewhere(target, value, own):
            return UNKNOWN
        return value

    def _foreign_end_value(self, target: Target, depth: int) -> Value:
        foreign, name = target
        if name is None or modules.active(foreign.path) or depth > _MAX_DEPTH:
            return UNKNOWN
        defs = modules.end_defs(foreign, name)
        if defs is None:
            return UNKNOWN
        resolver = _resolver_of(foreign)
        with modules.Entered(foreign.path):
            values = [resolver._end_value(binding, depth + 1) for binding in defs]
        first = values[0]
        if len(values) == 1 or all(
            _same_value(first, other) and isinstance(first, Scalar) for other in values[1:]
        ):
            return first
        return UNKNOWN

    def _end_value(self, binding: Def, depth: int) -> Value:
        if binding.kind is DefKind.IMPORT:  # a re-export (`from .config import X` in a package)
            target = self._import_target(binding)
            return UNKNOWN if target is None else self._foreign_value(target, depth)
        if binding.kind is DefKind.ASSIGN and isinstance(binding.node, cst.Name):
            return self._through(binding, binding.node, depth)
        return UNKNOWN

    def _imported_constructions(
        self, binding: Def, depth: int
    ) -> Optional[List[Tuple[cst.Call, Resolver]]]:
        """The SageMaker objects a name imported from a project module is built by
        (`from models import MODEL`)."""
        target = self._import_target(binding)
        if target is None:
            return None
        return self._foreign_constructions(target, depth)

    def _foreign_constructions(
        self, target: Target, depth: int
    ) -> Optional[List[Tuple[cst.Call, Resolver]]]:
        foreign, name = target
        if name is None or modules.active(foreign.path) or depth > _MAX_DEPTH:
            return None
        defs = modules.end_defs(foreign, name)
        if defs is None or self._changed_elsewhere(target, None, None):
            return None
        out: List[Tuple[cst.Call, Resolver]] = []
        with modules.Entered(foreign.path):
            for binding in defs:
                found = _resolver_of(foreign)._constructions_of(binding, depth + 1)
                if found is None:
                    return None
                out.extend(found)
        return out

    # -- names of other modules that something may change (sagelint.analysis.mutguard) ---------
    def _register_guard(self) -> None:
        """The checked module (the one with the engine's tree) makes its changes count for
        every module its check reads."""
        module = self.bindings.module_scope.node
        if (
            self.module_tree is not None and self.project is not None
            and self.module_path is not None and isinstance(module, cst.Module)
        ):
            mutguard.register(self.project, self.module_tree, self.module_path, module)

    def _changed_elsewhere(self, target: Target, value: Optional[Value], own: Optional[str]) -> bool:
        """Whether a module the check reaches may change a name of another module (value
        None: the objects it is built by). Unknown changes (no checked module known, too many
        modules): changed."""
        name = target[1]
        if name is None:
            return False
        found = mutguard.guard(self.project, self.catalog, Resolver)
        if found is None:
            return True
        if isinstance(value, Scalar):
            kinds = mutguard.SCALAR_KINDS
        elif value is None or isinstance(value, ObjectValue):
            kinds = mutguard.OBJECT_KINDS
        else:
            kinds = mutguard.DATA_KINDS
        followed = own if isinstance(value, DictValue) else None
        return found.changed(name, kinds, self.module_path, followed)

    def _foreign_entry(
        self, call: cst.Call
    ) -> Optional[Tuple[Resolver, cst.FunctionDef, Path]]:
        """A call of a function of another module of the project: that module's resolver,
        the function, and the path into it (its arguments read here)."""
        if self.project is None or not isinstance(call.func, (cst.Name, cst.Attribute)):
            return None
        target = self._target_of(call.func)
        for _ in range(_MAX_REEXPORTS):
            if target is None:
                return None
            foreign, name = target
            if name is None or modules.active(foreign.path):
                return None
            defs = modules.end_defs(foreign, name)
            if defs is None or len(defs) != 1:
                return None
            (binding,) = defs
            if binding.kind is DefKind.IMPORT:  # re-exported: follow it
                target = _resolver_of(foreign)._import_target(binding)
                continue
            function = binding.node
            if (
                binding.kind is not DefKind.FUNCTION
                or not isinstance(function, cst.FunctionDef)
                or function in foreign.index.class_of
                or function.decorators
                or function.asynchronous is not None
            ):
                return None
            resolver = _resolver_of(foreign)
            path = replace(
                resolver.functions.bind(call, function, self.path),
                caller=self, outside=modules.entered(),
            )
            return resolver, function, path
        return None

    # -- helpers for surfaces ------------------------------------------------------------
    def keywords(self, call: cst.Call) -> Keywords:
        """A call's keyword arguments, with those of `**splats` of known dicts resolved."""
        found: Dict[str, Keyword] = {}
        closed = True
        for arg in call.args:
            if arg.star == "**":
                splat = self.resolve(arg.value)
                if not isinstance(splat, DictValue):
                    closed = False
                    continue
                closed = closed and splat.closed
                for entry in splat.effective_entries():
                    if isinstance(entry.key, str) and entry.key_node is not None:
                        found.setdefault(entry.key, Keyword(entry.key, entry.key_node, None, entry.value))
            elif arg.star == "*":
                closed = False
            elif arg.keyword is not None:
                found[arg.keyword.value] = Keyword(
                    arg.keyword.value, arg, arg, self.resolve(arg.value)
                )
        return Keywords(found, closed)


@dataclass(frozen=True)
class Keyword:
    name: str
    anchor: cst.CSTNode  # the Arg, or the key of the splatted dict that carries it
    arg: Optional[cst.Arg]  # set when written directly in the call
    value: Value


@dataclass(frozen=True)
class Keywords:
    by_name: Dict[str, Keyword]
    closed: bool  # no `*args` / `**kwargs` of unknown content

    def get(self, name: str) -> Optional[Keyword]:
        return self.by_name.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self.by_name

    def with_unknown(self, name: str) -> Keywords:
        """The same keywords, but `name` set to something unknown and the call open."""
        by_name = dict(self.by_name)
        known = by_name.get(name)
        if known is not None:
            by_name[name] = Keyword(name, known.anchor, known.arg, UNKNOWN)
        return Keywords(by_name, closed=False)


_BUILTIN_NAMES = frozenset(dir(__import__("builtins")))
# Methods through which the SDK builds one of its objects from another: an estimator's
# `create_model()` its model, a tuner's `best_estimator()` an estimator.
FACTORY_METHODS = frozenset({"create_model", "best_estimator"})
_MAX_FACTORY_HOPS = 4


def factory_method(call: cst.Call) -> Optional[cst.BaseExpression]:
    """The receiver of a call of one of the SDK's factory methods (`estimator` of
    `estimator.create_model(...)`), or None."""
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value in FACTORY_METHODS:
        return func.value
    return None


def _same_value(first: Value, other: Value) -> bool:
    """Two returns that give one value: the same literal value, or the same call."""
    if isinstance(first, Scalar) and isinstance(other, Scalar):
        return type(first.value) is type(other.value) and first.value == other.value
    if isinstance(first, ObjectValue) and isinstance(other, ObjectValue):
        return first.call is other.call
    return False



# Other modules of the project (sagelint.analysis.modules): a module (and a name in it).
Target = Tuple[modules.Foreign, Optional[str]]


def _resolver_of(foreign: modules.Foreign) -> Resolver:
    """The resolver of another module (built with this class: `modules.load`)."""
    resolver: Resolver = foreign.resolver
    return resolver
_MAX_REEXPORTS = 4  # `from .models import build` in a package's `__init__`, followed so far
# The place of an import for `_follow_mutations`: no statement, so every mutation after it
# may or may not happen before a read (it is `conditional`).
_NOWHERE = StmtPos(-1, -1)


def _from_elsewhere(value: Value) -> Value:
    """A value read from another module: no fix may add a key to its dicts from here."""
    if isinstance(value, DictValue):
        entries = [replace(entry, value=_from_elsewhere(entry.value)) for entry in value.entries]
        return DictValue(entries, value.closed, None)
    if isinstance(value, ListValue):
        return ListValue([_from_elsewhere(item) for item in value.items], value.closed)
    return value


def _def_order(binding: Def) -> int:
    return binding.serial


def _merge_into(result: DictValue, inner: Value) -> None:
    if isinstance(inner, DictValue):
        result.entries.extend(inner.entries)
        result.closed = result.closed and inner.closed
    else:
        result.make_open()  # unknown content may overwrite what came before


def _string(node: cst.SimpleString) -> Value:
    if "b" in node.prefix.lower():
        return UNKNOWN
    plain = _plain_string(node)
    if plain is not None:
        return Scalar(plain, node)
    try:
        value = node.evaluated_value
    except Exception:
        return UNKNOWN
    return UNKNOWN if isinstance(value, bytes) else Scalar(value, node)


def _plain_string(node: cst.SimpleString) -> Optional[str]:
    """A text literal's value read off its source when nothing in it needs Python to read
    it: no backslash (so no escape), no carriage return (a line break Python normalises),
    no NUL (Python rejects it). LibCST's `evaluated_value` compiles the literal with
    ast.literal_eval, whose nested functions are left as a reference cycle per call."""
    raw = node.raw_value
    if "\\" in raw or "\r" in raw or "\x00" in raw:
        return None
    return raw


def _concatenated(node: cst.ConcatenatedString) -> Value:
    try:
        value = node.evaluated_value
    except Exception:
        return UNKNOWN
    if not isinstance(value, str):
        return UNKNOWN
    return Scalar(value, node)


