"""Attributes of module classes (docs/how-rules-decide.md: attributes of module classes).

A read `recv.name` is known when what `recv` is can be told (`self` in a method of a module
class, the class itself, or a name bound once to `Cls(...)`) and every place the module can
give `name` a value is one this module accounts for:

- `self.name = value` in the `__init__` of one module class (all the stores of `.name` in
  the module are there; stores under an `if` join like bindings, a branch a known test skips
  does not count);
- a class-body binding (`INSTANCE_TYPE = "ml.g5.xlarge"`), looked up through single
  inheritance between module classes, with no store of `.name` anywhere in the module;
- a `@dataclass` or `NamedTuple` field: the argument of the construction that made the
  instance, or the field's literal default (through `self`: when every construction of the
  class in the module gives the same value);
- `t = Cls()` followed in the same block, in straight-line code, by `t.name = value`, read
  later in the same function through `t`: then that store must be the module's only store
  of `.name`.

Anything else that may write the attribute (a store in another method or outside, a
subclass that overrides it, `setattr` / `delattr`, `__dict__`, `__setattr__`, `del`, an
augmented assignment, a loop or `with` target) makes it unknown. This module only says
which expressions the attribute can hold; `Resolver` resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst

from sagelint.analysis.bindings import Bindings, Def, DefKind, Scope, ScopeKind, _bound_in
from sagelint.analysis.calls import Functions
from sagelint.analysis.index import ModuleIndex, Use
from sagelint.analysis.walk import children

Qualify = Callable[[cst.BaseExpression], Optional[str]]
Ifs = Tuple[Tuple[cst.If, bool], ...]  # the `if`s around a store in its function: (if, branch)
_MAX_DEPTH = 8
# Names whose use may write any attribute of any object.
_WRITES_ANY = frozenset({"__dict__", "__setattr__", "__delattr__"})
_DATACLASS = frozenset({"dataclasses.dataclass"})
_NAMEDTUPLE = frozenset({"typing.NamedTuple", "typing_extensions.NamedTuple"})
_FIELD = frozenset({"dataclasses.field"})
# Annotations that make a class-body annotation no plain field.
_NOT_FIELDS = ("ClassVar", "InitVar", "KW_ONLY")


@dataclass(frozen=True)
class Store:
    """One place that writes `.name`: `value` is None when what it writes is not followed
    (augmented assignment, unpacking, `del`, a loop or `with` target)."""

    target: cst.Attribute
    value: Optional[cst.BaseExpression]
    function: Optional[cst.FunctionDef]
    ifs: Ifs
    line: Optional[cst.SimpleStatementLine]  # the statement, when it is a plain assignment


@dataclass(frozen=True)
class Read:
    """A read `recv.name` and what is done with it (for a mutable value: whether it may be
    changed through the attribute)."""

    node: cst.Attribute
    use: Optional[Use]  # None: something not followed (aliased, returned, ...)
    call: Optional[cst.Call] = None
    method: str = ""


@dataclass(frozen=True)
class Source:
    """One expression an attribute may hold. `here`: it is resolved on the reading
    resolver's path (the same function as the read); else outside any path."""

    value: cst.BaseExpression
    here: bool


@dataclass(frozen=True)
class Sources:
    values: Tuple[Source, ...]
    # A stand-in binding for fixes (Principle 4): `sole` when the attribute has one source,
    # `reads` every read of `.name` in the module.
    assignment: Def


class Attributes:
    """The module's attribute stores and reads, walked once on first use."""

    def __init__(self, index: ModuleIndex, bindings: Bindings, functions: Functions) -> None:
        self.index = index
        self.bindings = bindings
        self.functions = functions
        self._scanned = False
        self.stores: Dict[str, List[Store]] = {}
        self.reads: Dict[str, List[Read]] = {}
        self.read_function: Dict[cst.Attribute, Optional[cst.FunctionDef]] = {}
        self.written: Set[str] = set()  # names `setattr` / `delattr` write
        self.writes_any = False  # something may write any attribute
        # Per class: each name its body binds -> the value of its one plain binding (None:
        # bound otherwise, or more than once); and its fields in order (dataclass /
        # NamedTuple).
        self.body: Dict[cst.ClassDef, Dict[str, Optional[cst.BaseExpression]]] = {}
        self.lines: Dict[cst.SimpleStatementLine, Tuple[Sequence[cst.BaseStatement], int]] = {}
        # Each stand-in binding with the scope made for it (a binding points at its scope
        # weakly: kept here, the scope lives as long as the stand-in can be asked about).
        self._stand_ins: Dict[Tuple[str, Tuple[int, ...]], Tuple[Def, Scope]] = {}
        self._subclasses: Optional[Dict[cst.ClassDef, List[cst.ClassDef]]] = None
        self._stored: Set[cst.Attribute] = set()
        self._recorded: Set[cst.Attribute] = set()
        self._callees: Optional[Dict[cst.BaseExpression, cst.Call]] = None
        self._receivers: Optional[Dict[cst.BaseExpression, cst.Attribute]] = None

    # -- the walk ----------------------------------------------------------------------------
    def _scan(self) -> None:
        if self._scanned:
            return
        self._scanned = True
        module = self.bindings.module_scope.node
        self._walk(module, None, (), None)

    def _walk(
        self,
        node: cst.CSTNode,
        function: Optional[cst.FunctionDef],
        ifs: Ifs,
        line: Optional[cst.SimpleStatementLine],
    ) -> None:
        kind = type(node)
        if kind is cst.FunctionDef:
            assert isinstance(node, cst.FunctionDef)
            for child in children(node):
                if child is node.body:
                    self._walk(child, node, (), None)
                else:
                    self._walk(child, function, ifs, line)
            return
        if kind is cst.ClassDef:
            assert isinstance(node, cst.ClassDef)
            self.body[node] = _class_body(node)
        elif isinstance(node, (cst.Module, cst.IndentedBlock)):
            body = node.body
            for position, statement in enumerate(body):
                if isinstance(statement, cst.SimpleStatementLine):
                    self.lines[statement] = (body, position)
        elif kind is cst.SimpleStatementLine:
            assert isinstance(node, cst.SimpleStatementLine)
            line = node
        elif kind is cst.If:
            assert isinstance(node, cst.If)
            if isinstance(node.test, cst.Attribute):  # `if self.env:` only reads it
                self._read(node.test, Use.OPERAND)
            self._walk(node.test, function, ifs, line)
            self._walk(node.body, function, ifs + ((node, True),), line)
            if node.orelse is not None:
                self._walk(node.orelse, function, ifs + ((node, False),), line)
            return
        elif kind is cst.Else:
            assert isinstance(node, cst.Else)
            self._walk(node.body, function, ifs, line)
            return
        self._look(node, function, ifs, line)
        for child in children(node):
            self._walk(child, function, ifs, line)

    def _look(
        self,
        node: cst.CSTNode,
        function: Optional[cst.FunctionDef],
        ifs: Ifs,
        line: Optional[cst.SimpleStatementLine],
    ) -> None:
        """Record the stores and reads among a node's children."""
        if isinstance(node, cst.Attribute):
            if node.attr.value in _WRITES_ANY:
                self.writes_any = True
            self.read_function.setdefault(node, function)
            if isinstance(node.value, cst.Attribute):
                self._read(node.value, Use.ATTRIBUTE, method=node.attr.value)
        elif isinstance(node, (cst.Assign, cst.AnnAssign)):
            targets = (
                [target.target for target in node.targets]
                if isinstance(node, cst.Assign) else [node.target]
            )
            for target in targets:
                self._target(target, node.value, function, ifs, line, direct=True)
            if isinstance(node.value, cst.Attribute):
                self._read(node.value, None)
        elif isinstance(node, cst.AugAssign):
            self._target(node.target, None, function, ifs, line, direct=False)
        elif isinstance(node, (cst.For, cst.CompFor)):
            self._target(node.target, None, function, ifs, line, direct=False)
        elif isinstance(node, cst.AsName):
            self._target(node.name, None, function, ifs, line, direct=False)
        elif isinstance(node, cst.Del):
            self._target(node.target, None, function, ifs, line, direct=False)
        elif isinstance(node, cst.Call):
            self._call(node)
        elif isinstance(node, cst.Subscript) and isinstance(node.value, cst.Attribute):
            self._read(node.value, Use.SUBSCRIPT_LOAD)
        elif isinstance(node, cst.StarredDictElement) and isinstance(node.value, cst.Attribute):
            self._read(node.value, Use.SPLAT)
        elif isinstance(node, cst.Comparison):
            for compared in node.comparisons:
                if isinstance(compared.operator, (cst.In, cst.NotIn)) and isinstance(
                    compared.comparator, cst.Attribute
                ):
                    self._read(compared.comparator, Use.COMPARE)
            for operand in [node.left, *(each.comparator for each in node.comparisons)]:
                if isinstance(operand, cst.Attribute):
                    self._read(operand, Use.OPERAND)
        elif isinstance(node, cst.BinaryOperation):
            for operand in (node.left, node.right):
                if isinstance(operand, cst.Attribute):
                    self._read(operand, Use.OPERAND)
        # Any other attribute under the node is a read not followed (`x += self.y`,
        # `for a in self.items`); a context recorded above is kept.
        for child in children(node):
            if isinstance(child, cst.Attribute):
                self._read(child, None)

    def _call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and func.value in ("setattr", "delattr"):
            name = node.args[1].value if len(node.args) > 1 else None
            if isinstance(name, cst.SimpleString) and isinstance(name.evaluated_value, str):
                self.written.add(name.evaluated_value)
            else:
                self.writes_any = True
        if isinstance(func, cst.Name) and func.value == "vars":
            self.writes_any = True
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute):
            self._read(func.value, Use.METHOD_CALL, node, func.attr.value)
        for arg in node.args:
            if isinstance(arg.value, cst.Attribute):
                use = Use.SPLAT if arg.star == "**" else None if arg.star else Use.ARGUMENT
                self._read(arg.value, use, node)

    def _read(
        self, node: cst.Attribute, use: Optional[Use], call: Optional[cst.Call] = None,
        method: str = "",
    ) -> None:
        if node in self._stored or node in self._recorded:
            return  # a target, not a read; or a read whose closest context is recorded
        self._recorded.add(node)
        reads = self.reads.setdefault(node.attr.value, [])
        reads.append(Read(node, use, call, method))

    def _target(
        self,
        target: cst.BaseExpression,
        value: Optional[cst.BaseExpression],
        function: Optional[cst.FunctionDef],
        ifs: Ifs,
        line: Optional[cst.SimpleStatementLine],
        direct: bool,
    ) -> None:
        if isinstance(target, cst.Attribute):
            self._stored.add(target)
            self.stores.setdefault(target.attr.value, []).append(
                Store(target, value if direct else None, function, ifs, line if direct else None)
            )
            if isinstance(target.value, cst.Attribute):  # `self.model.env = ...`
                self._read(target.value, Use.ATTRIBUTE_STORE, method=target.attr.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target(element.value, None, function, ifs, line, direct=False)
        elif isinstance(target, cst.StarredElement):
            self._target(target.value, None, function, ifs, line, direct=False)
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Attribute):
            self._read(target.value, Use.SUBSCRIPT_STORE)

    # -- what a read can hold ---------------------------------------------------------------
    def sources(self, node: cst.Attribute, qualify: Qualify, depth: int = 0) -> Optional[Sources]:
        """The expressions a read `recv.name` may hold, or None when that is not known."""
        if depth > _MAX_DEPTH or not self.index.methods:
            return None  # (no class in the module: nothing to walk for)
        values = self._values(node, qualify, depth)
        if not values:
            return None
        return Sources(tuple(values), self._stand_in(node.attr.value, values))

    def _values(self, node: cst.Attribute, qualify: Qualify, depth: int) -> Optional[List[Source]]:
        name = node.attr.value
        receiver = node.value
        owner = self._self_class(receiver)
        via = "self"
        instance: Optional[Tuple[cst.ClassDef, cst.Call]] = None
        if owner is None and isinstance(receiver, cst.Name):
            owner = self.functions._class_named(receiver)
            via = "class"
        if owner is None:
            instance = self._instance(receiver, qualify, depth)
            if instance is None:
                return None
            owner, via = instance[0], "instance"
        # Only now, with a module class behind the receiver, is the module walked.
        self._scan()
        if self.writes_any or name in self.written:
            return None
        stores = self.stores.get(name, [])
        if stores:
            if via == "class":
                return None
            found = self._from_init(owner, name, node, stores, via)
            if found is None and via == "instance":
                found = self._set_after(node, name, stores)
            return found
        fields = _fields(owner, qualify)
        if via != "class" and fields is not None and name in dict(fields):
            if via == "instance":
                assert instance is not None
                return self._field_value(instance[1], fields, name, node)
            return self._field_through_self(owner, fields, name, node)
        return self._class_value(owner, name, via, qualify)

    def _self_class(self, receiver: cst.BaseExpression) -> Optional[cst.ClassDef]:
        """The class whose method reads `self` (a plain method or a property)."""
        if not isinstance(receiver, cst.Name):
            return None
        binding = self.bindings.only(receiver)
        if binding is None:
            return None
        scope = binding.scope
        function = scope.node if scope is not None else None
        if binding.kind is not DefKind.PARAM or not isinstance(function, cst.FunctionDef):
            return None
        owner = self.index.class_of.get(function)
        params = function.params.posonly_params or function.params.params
        if owner is None or not params or params[0] is not binding.node:
            return None
        if self.functions.method_kind(function) not in ("method", "property"):
            return None
        return owner

    def _instance(
        self, receiver: cst.BaseExpression, qualify: Qualify, depth: int
    ) -> Optional[Tuple[cst.ClassDef, cst.Call]]:
        """The construction `Cls(...)` of a module class a receiver is (through a name bound
        once, or an attribute that holds one)."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(receiver, cst.Call):
            func = receiver.func
            owner = self.functions._class_named(func) if isinstance(func, cst.Name) else None
            return None if owner is None else (owner, receiver)
        if isinstance(receiver, cst.Name):
            binding = self.bindings.only(receiver)
            if binding is None:
                return None
            if binding.kind is not DefKind.ASSIGN or not isinstance(binding.node, cst.Name):
                return None
            bound = self.index.bindings.get(binding.node)
            if bound is None:
                return None
            return self._instance(bound.value, qualify, depth + 1)
        if isinstance(receiver, cst.Attribute):
            found = self.sources(receiver, qualify, depth + 1)
            if found is None or len(found.values) != 1:
                return None
            return self._instance(found.values[0].value, qualify, depth + 1)
        return None

    # -- `self.name = value` in `__init__` --------------------------------------------------
    def _from_init(
        self, owner: cst.ClassDef, name: str, node: cst.Attribute, stores: List[Store], via: str
    ) -> Optional[List[Source]]:
        init = stores[0].function
        if init is None or init.name.value != "__init__" or init.decorators:
            return None
        holder = self.index.class_of.get(init)
        if holder is None or holder not in self._chain(owner):
            return None
        params = init.params.posonly_params or init.params.params
        if not params:
            return None
        for store in stores:
            receiver = store.target.value
            if store.function is not init or store.value is None or not (
                isinstance(receiver, cst.Name) and receiver.value == params[0].name.value
                and self._param_of(receiver) is params[0]
            ):
                return None
        if self._bound_in_a_body(name) or not self._known_bases(owner, via == "self"):
            return None
        here = self.read_function.get(node) is init
        live = [store for store in stores if not self._skipped(store)]
        return [Source(store.value, here) for store in live if store.value is not None]

    def _param_of(self, name: cst.Name) -> Optional[cst.CSTNode]:
        binding = self.bindings.only(name)
        if binding is None:
            return None
        return binding.node if binding.kind is DefKind.PARAM else None

    def _skipped(self, store: Store) -> bool:
        """Whether a known test keeps a store from running."""
        return any(
            self.bindings.known_test(test) not in (None, branch) for test, branch in store.ifs
        )

    # -- `t = Cls(); t.name = value` --------------------------------------------------------
    def _set_after(
        self, node: cst.Attribute, name: str, stores: List[Store]
    ) -> Optional[List[Source]]:
        if len(stores) != 1 or self._defined_in_a_body(name):
            return None
        store = stores[0]
        receiver, target = node.value, store.target.value
        if not isinstance(receiver, cst.Name) or not isinstance(target, cst.Name):
            return None
        built = self.bindings.reaching(receiver)
        if not built or len(built) != 1 or self.bindings.reaching(target) != built:
            return None
        (binding,) = built
        if not isinstance(binding.node, cst.Name) or store.line is None or store.value is None:
            return None
        made = self.index.bindings.get(binding.node)
        read_at = self.index.uses.get(receiver)
        stored_at = self.index.uses.get(target)
        if made is None or read_at is None or stored_at is None:
            return None
        scope = binding.scope.node if binding.scope is not None else None
        function = scope if isinstance(scope, cst.FunctionDef) else None
        if self.read_function.get(node) is not function or store.function is not function:
            return None
        if not (made.pos.block == stored_at.pos.block and made.pos.order < stored_at.pos.order
                < read_at.pos.order):
            return None
        if not self._straight(binding.node, store.line):
            return None
        return [Source(store.value, True)]

    def _straight(self, bound: cst.Name, store: cst.SimpleStatementLine) -> bool:
        """Whether the statements from the binding's to the store's are simple ones that
        cannot leave the block (no `return`, `break` or `continue` between them; a `def`
        or `class` between them is only defined there)."""
        body, end = self.lines.get(store, ((), -1))
        for position in range(end, -1, -1):
            statement = body[position]
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                continue  # a definition runs no code of the block that could skip the store
            if not isinstance(statement, cst.SimpleStatementLine):
                return False
            if any(isinstance(small, (cst.Return, cst.Break, cst.Continue))
                   for small in statement.body):
                return False
            if any(_binds(small, bound) for small in statement.body):
                return True
        return False

    # -- dataclass and NamedTuple fields ----------------------------------------------------
    def _field_value(
        self, call: cst.Call, fields: List[Tuple[str, Optional[cst.BaseExpression]]], name: str,
        node: cst.Attribute,
    ) -> Optional[List[Source]]:
        given = _given(call, fields)
        if given is None:
            return None
        here = self.index.function_of.get(call) is self.read_function.get(node)
        if name in given:
            return [Source(given[name], here)]
        default = dict(fields).get(name)
        return None if default is None else [Source(default, False)]

    def _field_through_self(
        self, owner: cst.ClassDef, fields: List[Tuple[str, Optional[cst.BaseExpression]]],
        name: str, node: cst.Attribute,
    ) -> Optional[List[Source]]:
        """`self.name` in a method of the class: every construction in the module agrees."""
        if self._subclasses_of(owner):
            return None
        if any(self.functions.method_kind(method) == "classmethod"
               for method in self.index.methods.get(owner, {}).values()):
            return None  # `cls(...)` builds one too
        binding = self.bindings.def_of(owner)
        if binding is None or not binding.sole or not binding.reads:
            return None
        out: List[Source] = []
        for read in binding.reads:
            call = self._called(read)
            if call is None:
                parent = self._attribute_of(read)
                if parent is None:  # passed around: built where it is not seen
                    return None
                continue
            given = _given(call, fields)
            if given is None:
                return None
            value = given.get(name, dict(fields).get(name))
            if value is None:
                return None
            out.append(Source(value, False))
        return out or None

    def _called(self, read: cst.Name) -> Optional[cst.Call]:
        """The call whose callee is this read of a class name (`Cls(...)`)."""
        if self._callees is None:
            self._callees = {
                call.func: call for call in self.index.calls if isinstance(call.func, cst.Name)
            }
        return self._callees.get(read)

    def _attribute_of(self, read: cst.Name) -> Optional[cst.Attribute]:
        """The attribute read `read.name` a name is the receiver of."""
        if self._receivers is None:
            self._receivers = {
                attribute.value: attribute for attribute in self.read_function
                if isinstance(attribute.value, cst.Name)
            }
        return self._receivers.get(read)

    # -- class-body attributes --------------------------------------------------------------
    def _class_value(
        self, owner: cst.ClassDef, name: str, via: str, qualify: Qualify
    ) -> Optional[List[Source]]:
        classes = self._chain(owner)
        if via == "self":
            subclasses = self._all_subclasses(owner)
            if any(name in self.body.get(sub, {}) for sub in subclasses):
                return None  # an instance of a subclass reads its override
            classes = classes + subclasses
        if any("__getattribute__" in self.index.methods.get(each, {}) for each in classes):
            return None
        if via != "class" and any(
            name in dict(_fields(each, qualify) or ()) for each in classes
        ):
            return None  # a field an inherited generated __init__ sets on the instance
        if not self._foreign_bases_allow(classes, name, via, qualify):
            return None
        current: Optional[cst.ClassDef] = owner
        while current is not None:
            if current.decorators and _fields(current, qualify) is None:
                return None  # a decorator may change the class
            if any(arg.keyword is not None for arg in current.bases):
                return None  # a metaclass
            body = self.body.get(current, {})
            if name in body:
                value = body[name]
                return None if value is None else [Source(value, False)]
            bases = [self._module_class(arg.value) for arg in current.bases]
            if len(bases) != 1 or bases[0] is None:
                return None
            current = bases[0]
        return None

    def _foreign_bases_allow(
        self, classes: List[cst.ClassDef], name: str, via: str, qualify: Qualify
    ) -> bool:
        """Bases that are not module classes: an Enum makes its class attributes members
        (not their values); any other may set attributes on the instance in its own
        `__init__` (the SDK's classes set their settings there, pydantic models their
        fields), so through `self` or an instance only an UPPER_CASE constant is read,
        and never under a SageMaker base."""
        for each in classes:
            for arg in each.bases:
                if self._module_class(arg.value) is not None:
                    continue
                if isinstance(arg.value, cst.Name) and arg.value.value == "object":
                    continue
                qualified = qualify(arg.value) or ""
                if qualified.startswith("enum."):
                    return False
                if via != "class" and (
                    qualified.startswith("sagemaker") or not name.isupper()
                ):
                    return False
        return True

    # -- classes -----------------------------------------------------------------------------
    def _module_class(self, node: cst.BaseExpression) -> Optional[cst.ClassDef]:
        return self.functions._class_named(node) if isinstance(node, cst.Name) else None

    def _chain(self, owner: cst.ClassDef) -> List[cst.ClassDef]:
        """The class and its module ancestors (through every base that is a module class)."""
        out: List[cst.ClassDef] = []
        stack = [owner]
        while stack:
            current = stack.pop()
            if current in out:
                continue
            out.append(current)
            for arg in current.bases:
                base = self._module_class(arg.value)
                if base is not None:
                    stack.append(base)
        return out

    def _known_bases(self, owner: cst.ClassDef, subclasses: bool) -> bool:
        """Whether every class in the chain (and, for `self`, every subclass) has only
        module classes (or `object`) as bases: another class's `__init__` may set anything."""
        classes = self._chain(owner)
        if subclasses:
            classes += self._all_subclasses(owner)
        for current in classes:
            for arg in current.bases:
                if arg.keyword is not None:
                    return False
                if self._module_class(arg.value) is None and not (
                    isinstance(arg.value, cst.Name) and arg.value.value == "object"
                ):
                    return False
        return True

    def _subclasses_of(self, owner: cst.ClassDef) -> List[cst.ClassDef]:
        if self._subclasses is None:
            self._subclasses = {}
            for current in self.index.methods:
                for arg in current.bases:
                    base = self._module_class(arg.value)
                    if base is not None:
                        self._subclasses.setdefault(base, []).append(current)
        return self._subclasses.get(owner, [])

    def _all_subclasses(self, owner: cst.ClassDef) -> List[cst.ClassDef]:
        out: List[cst.ClassDef] = []
        stack = list(self._subclasses_of(owner))
        while stack:
            current = stack.pop()
            if current not in out:
                out.append(current)
                stack.extend(self._subclasses_of(current))
        return out

    def _bound_in_a_body(self, name: str) -> bool:
        return any(name in body for body in self.body.values())

    def _defined_in_a_body(self, name: str) -> bool:
        """A class body binds the name to something other than a plain value: a property's
        setter (or a descriptor a call builds) would run on a store."""
        return any(
            name in body and (body[name] is None or isinstance(body[name], cst.Call))
            for body in self.body.values()
        )

    def touched(self, call: cst.Call, attribute: str, stores_only: bool) -> bool:
        """Whether an object a call builds and stores in an attribute (`self.model =
        PyTorchModel(...)`) has `attribute` set (or read) through that attribute somewhere
        in the module (`self.model.env = {...}`)."""
        if not self.index.methods:
            return False  # no module class: no attribute read is followed to the call
        self._scan()
        uses = (Use.ATTRIBUTE_STORE,) if stores_only else (Use.ATTRIBUTE, Use.ATTRIBUTE_STORE)
        for name, stores in self.stores.items():
            if any(store.value is call for store in stores):
                if any(read.use in uses and read.method == attribute
                       for read in self.reads.get(name, ())):
                    return True
        return False

    # -- fixes -------------------------------------------------------------------------------
    def _stand_in(self, name: str, values: List[Source]) -> Def:
        key = (name, tuple(id(source.value) for source in values))
        found = self._stand_ins.get(key)
        if found is None:
            scope = Scope(ScopeKind.CLASS, values[0].value, None)
            binding = Def(name, values[0].value, DefKind.ASSIGN, scope)
            scope.defs[name] = [binding] * max(len(values), self._places(name))
            binding.reads.extend(read.node.attr for read in self.reads.get(name, ()))
            found = self._stand_ins[key] = (binding, scope)
        return found[0]

    def _places(self, name: str) -> int:
        """How many places write the attribute's value (stores and class bodies)."""
        bodies = sum(1 for body in self.body.values() if name in body)
        return len(self.stores.get(name, ())) + bodies


def _binds(small: cst.BaseSmallStatement, name: cst.Name) -> bool:
    if isinstance(small, cst.Assign):
        return any(target.target is name for target in small.targets)
    return isinstance(small, cst.AnnAssign) and small.target is name


def _class_body(node: cst.ClassDef) -> Dict[str, Optional[cst.BaseExpression]]:
    """Each name a class body binds -> the value of its one plain top-level binding (None:
    bound some other way, or more than once)."""
    out: Dict[str, Optional[cst.BaseExpression]] = {}
    seen: Set[str] = set()
    if not isinstance(node.body, cst.IndentedBlock):
        return out
    for statement in node.body.body:
        plain = _plain_binding(statement)
        if plain is not None:
            name, value = plain
            out[name] = None if name in seen else value
            seen.add(name)
            continue
        bound: Set[str] = set()
        _bound_in([statement], bound)
        for name in bound:
            out[name] = None
            seen.add(name)
    return out


def _plain_binding(statement: cst.CSTNode) -> Optional[Tuple[str, cst.BaseExpression]]:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        if isinstance(target, cst.Name):
            return target.value, small.value
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        if small.value is not None:
            return small.target.value, small.value
    return None


def _fields(
    owner: cst.ClassDef, qualify: Qualify
) -> Optional[List[Tuple[str, Optional[cst.BaseExpression]]]]:
    """A `@dataclass` (made with its own `__init__`) or `NamedTuple` class's fields in
    order, each with its literal default (None: none, or one not followed); None for any
    other class."""
    if not _is_record(owner, qualify):
        return None
    if not isinstance(owner.body, cst.IndentedBlock):
        return None
    out: List[Tuple[str, Optional[cst.BaseExpression]]] = []
    for statement in owner.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.AnnAssign) or not isinstance(small.target, cst.Name):
                continue
            annotation = cst.Module([]).code_for_node(small.annotation.annotation)
            if any(word in annotation for word in _NOT_FIELDS):
                return None  # class variables and keyword-only markers: not followed
            default = small.value
            if isinstance(default, cst.Call):
                default = _field_default(default, qualify)
            out.append((small.target.value, default))
    return out


def _defined(owner: cst.ClassDef) -> Set[str]:
    """The functions a class body defines at its top level."""
    if not isinstance(owner.body, cst.IndentedBlock):
        return set()
    return {
        statement.name.value for statement in owner.body.body
        if isinstance(statement, cst.FunctionDef)
    }


def _is_record(owner: cst.ClassDef, qualify: Qualify) -> bool:
    if "__init__" in _defined(owner):
        return False  # its own __init__ is the one that runs
    if len(owner.decorators) == 1 and not owner.bases:
        decorator = owner.decorators[0].decorator
        if isinstance(decorator, cst.Call):
            if any(arg.keyword is None or arg.keyword.value in ("init", "kw_only")
                   for arg in decorator.args):
                return False  # no generated __init__, or keyword-only fields
            decorator = decorator.func
        return qualify(decorator) in _DATACLASS
    if not owner.decorators and len(owner.bases) == 1 and owner.bases[0].keyword is None:
        return qualify(owner.bases[0].value) in _NAMEDTUPLE
    return False


def _field_default(call: cst.Call, qualify: Qualify) -> Optional[cst.BaseExpression]:
    """`field(default=X)`: X; anything else (`default_factory`, `init=False`): None."""
    if qualify(call.func) not in _FIELD:
        return call  # a call as default: resolved as it is
    default = None
    for arg in call.args:
        if arg.keyword is None:
            return None
        if arg.keyword.value == "default":
            default = arg.value
        elif arg.keyword.value in ("init", "default_factory"):
            return None
    return default


def _given(
    call: cst.Call, fields: List[Tuple[str, Optional[cst.BaseExpression]]]
) -> Optional[Dict[str, cst.BaseExpression]]:
    """The fields a construction passes, by keyword or in field order (None: a splat)."""
    given: Dict[str, cst.BaseExpression] = {}
    position = 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is not None:
            given[arg.keyword.value] = arg.value
        elif position < len(fields):
            given[fields[position][0]] = arg.value
            position += 1
        else:
            return None
    return given
