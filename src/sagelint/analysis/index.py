"""One traversal of a module that records what the resolver and the surfaces need.

- every call, in source order (surfaces pick the SageMaker ones);
- every simple binding `name = value` (keyed by the target `Name` node, which is what
  LibCST's scope analysis hands back as `Assignment.node`);
- for each `Name` that is read, the context it is read in (`d[k] = v`, `d.update(...)`, `**d`,
  a call argument, ...), so that the resolver can follow or refuse mutations of a dict;
- the statement block and order of bindings and mutations, to tell an unconditional
  mutation (same block, later) from one under control flow.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, Union

import libcst as cst

from sagelint.analysis.walk import _FIELDS, _KINDS, _NODE, _SEQUENCE, child_fields, children, kind_of


@dataclass(frozen=True)
class StmtPos:
    block: int  # id() of the innermost suite (Module, IndentedBlock, SimpleStatementSuite)
    order: int  # statements counted in source order


class Use(enum.Enum):
    SUBSCRIPT_STORE = "subscript-store"  # name[key] = value
    SUBSCRIPT_DEL = "subscript-del"  # del name[key]
    SUBSCRIPT_LOAD = "subscript-load"  # name[key]
    METHOD_CALL = "method-call"  # name.method(...)
    ATTRIBUTE = "attribute"  # name.attr (not called); `method` holds the attribute
    ATTRIBUTE_STORE = "attribute-store"  # name.attr = value
    ARGUMENT = "argument"  # f(name) or f(k=name)
    SPLAT = "splat"  # **name
    COMPARE = "compare"  # k in name
    OPERAND = "operand"  # name | other: a new value, the name is only read
    ELEMENT = "element"  # [name, ...]: placed in a list or tuple literal


@dataclass(frozen=True)
class UseSite:
    use: Use
    pos: StmtPos
    call: Optional[cst.Call] = None  # ARGUMENT: the call; METHOD_CALL: the method call
    method: str = ""
    key: Optional[cst.BaseExpression] = None  # SUBSCRIPT_STORE
    value: Optional[cst.BaseExpression] = None  # SUBSCRIPT_STORE


@dataclass(frozen=True)
class Binding:
    value: cst.BaseExpression
    pos: StmtPos


Unit = Tuple[int, Tuple[Optional[str], ...]]  # (statements before it, enclosing indents)


class ModuleIndex:
    """What the resolver, the surfaces and the positions need, from one read-only walk of a
    module (`ModuleIndex(module)`; sagelint.analysis.walk says how it walks). Everything
    is recorded as a visitor visiting the same nodes in the same order would record it."""

    def __init__(self, module: Optional[cst.Module] = None) -> None:
        self.calls: List[cst.Call] = []
        self.bindings: Dict[cst.Name, Binding] = {}
        self.bound_calls: Dict[cst.Call, cst.Name] = {}  # `name = Call(...)`: call -> name
        self.uses: Dict[cst.Name, UseSite] = {}
        self.single_quotes = 0
        self.double_quotes = 0
        self.imported_packages: Set[str] = set()  # top-level packages named by imports
        # call -> the function (or lambda) whose body holds it; None at module level (SM305
        # compares jobs within one body of code)
        self.call_function: Dict[cst.Call, Optional[cst.CSTNode]] = {}
        self._functions: List[cst.CSTNode] = []
        # Functions and methods, for following calls in the module (sagelint.analysis.calls).
        self.function_of: Dict[cst.Call, cst.FunctionDef] = {}  # a call -> its function
        self.returns: Dict[cst.FunctionDef, List[Optional[cst.BaseExpression]]] = {}
        self.methods: Dict[cst.ClassDef, Dict[str, cst.FunctionDef]] = {}
        self.class_of: Dict[cst.FunctionDef, cst.ClassDef] = {}  # a method -> its class
        self._defs: List[cst.FunctionDef] = []
        self._classes: List[Optional[cst.ClassDef]] = []  # None: a function's body
        self._blocks: List[int] = []
        self._order = 0
        self._pos = StmtPos(0, 0)
        # For positions (sagelint.analysis.positions): each walked node's unit, the
        # statement of a block (the module or an indented block) that holds it (None: the
        # module itself), and per unit the number of small and compound statements before
        # it in source order, with the indents of the blocks around it (None: the module's
        # default indent).
        self.unit_of: Dict[cst.CSTNode, Optional[cst.CSTNode]] = {}
        self.units: Dict[cst.CSTNode, Unit] = {}
        self._unit: Optional[cst.CSTNode] = None
        self._indents: Tuple[Optional[str], ...] = ()
        self._statements = 0
        if module is not None:
            self._walk(module)

    # -- the walk ------------------------------------------------------------------------
    def _walk(self, node: cst.CSTNode) -> None:
        cls = type(node)
        self.unit_of[node] = self._unit
        handler = _HANDLERS.get(cls)
        if handler is not None:
            handler(self, node)
            return
        fields = _FIELDS.get(cls)
        if fields is None:
            fields = child_fields(cls)
        walk = self._walk
        for name in fields:
            value = getattr(node, name)
            kind = _KINDS.get(type(value))
            if kind is None:
                kind = kind_of(type(value))
            if kind == _NODE:
                walk(value)
            elif kind == _SEQUENCE:
                for item in value:
                    walk(item)

    def _children(self, node: cst.CSTNode) -> None:
        walk = self._walk
        for child in children(node):
            walk(child)

    def _block(self, node: Union[cst.Module, cst.IndentedBlock]) -> None:
        """A block's statements, each the unit of what it holds (the block's other fields
        are whitespace and comments)."""
        self._blocks.append(id(node))
        outer_unit, outer_indents = self._unit, self._indents
        if type(node) is cst.IndentedBlock:
            self._indents = (*outer_indents, node.indent)
        indents = self._indents
        units, walk = self.units, self._walk
        for statement in node.body:
            self._unit = statement
            units[statement] = (self._statements, indents)
            walk(statement)
        self._unit, self._indents = outer_unit, outer_indents
        self._blocks.pop()

    def _suite(self, node: cst.SimpleStatementSuite) -> None:
        self._blocks.append(id(node))
        self._statements += len(node.body)
        self._children(node)
        self._blocks.pop()

    def _statement(self, node: cst.CSTNode) -> None:
        self._order += 1
        self._pos = StmtPos(self._blocks[-1], self._order)

    def _line(self, node: cst.SimpleStatementLine) -> None:
        self._statement(node)
        self._statements += len(node.body)
        self._children(node)

    def _compound(self, node: cst.BaseCompoundStatement) -> None:
        self._statement(node)
        self._statements += 1
        self._children(node)

    def _match(self, node: cst.Match) -> None:
        self._statement(node)
        self._statements += 1
        outer = self._indents
        self._indents = (*outer, node.indent)  # its cases are indented like a block
        self._children(node)
        self._indents = outer

    # -- functions and classes -----------------------------------------------------------
    def _class(self, node: cst.ClassDef) -> None:
        self._statement(node)
        self._statements += 1
        self.methods[node] = {}
        self._classes.append(node)
        self._children(node)
        self._classes.pop()

    def _function(self, node: cst.FunctionDef) -> None:
        self._statement(node)
        self._statements += 1
        self._functions.append(node)
        owner = self._classes[-1] if self._classes else None
        if owner is not None:
            self.methods[owner][node.name.value] = node
            self.class_of[node] = owner
        self.returns[node] = []
        self._defs.append(node)
        self._classes.append(None)
        self._children(node)
        self._defs.pop()
        self._classes.pop()
        self._functions.pop()

    def _lambda(self, node: cst.Lambda) -> None:
        self._functions.append(node)
        self._children(node)
        self._functions.pop()

    def _return(self, node: cst.Return) -> None:
        if self._defs:
            self.returns[self._defs[-1]].append(node.value)
        self._children(node)

    def _yield(self, node: cst.Yield) -> None:
        if self._defs:  # a generator: its calls give no value it returns
            self.returns[self._defs[-1]].append(None)
        self._children(node)

    # -- imports -------------------------------------------------------------------------
    def _import(self, node: cst.Import) -> None:
        for alias in node.names:
            self.imported_packages.add(_top_level(alias.name))
        self._children(node)

    def _import_from(self, node: cst.ImportFrom) -> None:
        if node.module is not None and not node.relative:
            self.imported_packages.add(_top_level(node.module))
        self._children(node)

    # -- bindings and stores -------------------------------------------------------------
    def _assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._record_target(target.target, node.value)
        self._children(node)

    def _ann_assign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._record_target(node.target, node.value)
        self._children(node)

    def _named_expr(self, node: cst.NamedExpr) -> None:
        self._record_target(node.target, node.value)
        self._children(node)

    def _record_target(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if type(target) is cst.Name:
            self.bindings[target] = Binding(value, self._pos)
            if type(value) is cst.Call:
                self.bound_calls[value] = target
        elif type(target) is cst.Attribute and type(target.value) is cst.Name:
            self.uses[target.value] = UseSite(
                Use.ATTRIBUTE_STORE, self._pos, method=target.attr.value
            )
        elif type(target) is cst.Subscript and type(target.value) is cst.Name:
            key = _single_index(target)
            self.uses[target.value] = UseSite(
                Use.SUBSCRIPT_STORE, self._pos, key=key, value=value
            )

    def _del(self, node: cst.Del) -> None:
        target = node.target
        if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            self.uses[target.value] = UseSite(Use.SUBSCRIPT_DEL, self._pos)
        self._children(node)

    def _subscript(self, node: cst.Subscript) -> None:
        value = node.value
        if type(value) is cst.Name and value not in self.uses:
            self.uses[value] = UseSite(Use.SUBSCRIPT_LOAD, self._pos)
        self._children(node)

    # -- calls and reads -----------------------------------------------------------------
    def _call(self, node: cst.Call) -> None:
        self.calls.append(node)
        self.call_function[node] = self._functions[-1] if self._functions else None
        if self._defs:
            self.function_of[node] = self._defs[-1]
        func = node.func
        if type(func) is cst.Attribute and type(func.value) is cst.Name:
            self.uses[func.value] = UseSite(
                Use.METHOD_CALL, self._pos, call=node, method=func.attr.value
            )
        for arg in node.args:
            value = arg.value
            if type(value) is cst.Name:
                use = Use.SPLAT if arg.star == "**" else Use.ARGUMENT
                self.uses[value] = UseSite(use, self._pos, call=node)
        self._children(node)

    def _attribute(self, node: cst.Attribute) -> None:
        value = node.value
        if type(value) is cst.Name and value not in self.uses:
            self.uses[value] = UseSite(
                Use.ATTRIBUTE, self._pos, method=node.attr.value
            )
        self._children(node)

    def _starred_dict_element(self, node: cst.StarredDictElement) -> None:
        if type(node.value) is cst.Name:
            self.uses[node.value] = UseSite(Use.SPLAT, self._pos)
        self._children(node)

    def _comparison(self, node: cst.Comparison) -> None:
        for target in node.comparisons:
            if type(target.operator) in _MEMBERSHIP and type(target.comparator) is cst.Name:
                self.uses[target.comparator] = UseSite(
                    Use.COMPARE, self._pos
                )
        self._children(node)

    def _binary_operation(self, node: cst.BinaryOperation) -> None:
        for operand in (node.left, node.right):
            if type(operand) is cst.Name:
                self.uses[operand] = UseSite(Use.OPERAND, self._pos)
        self._children(node)

    def _element(self, node: cst.Element) -> None:
        value = node.value
        if type(value) is cst.Name and value not in self.uses:
            self.uses[value] = UseSite(Use.ELEMENT, self._pos)
        self._children(node)

    def _simple_string(self, node: cst.SimpleString) -> None:
        if node.quote.startswith("'"):
            self.single_quotes += 1
        else:
            self.double_quotes += 1

    @property
    def quote(self) -> str:
        """The quote character the file mostly uses (double when undecided)."""
        return "'" if self.single_quotes > self.double_quotes else '"'


_MEMBERSHIP = (cst.In, cst.NotIn)
_HANDLERS: Dict[type, Callable[[ModuleIndex, Any], None]] = {
    cst.Module: ModuleIndex._block,
    cst.IndentedBlock: ModuleIndex._block,
    cst.SimpleStatementSuite: ModuleIndex._suite,
    cst.SimpleStatementLine: ModuleIndex._line,
    # The compound statements (tests/test_walk.py checks these are all of LibCST's; an
    # issubclass scan of its classes here would cost 7 ms of every start-up).
    **{
        cls: ModuleIndex._compound
        for cls in (cst.If, cst.For, cst.While, cst.Try, cst.TryStar, cst.With, cst.Match)
    },
    cst.Match: ModuleIndex._match,
    cst.ClassDef: ModuleIndex._class,
    cst.FunctionDef: ModuleIndex._function,
    cst.Lambda: ModuleIndex._lambda,
    cst.Return: ModuleIndex._return,
    cst.Yield: ModuleIndex._yield,
    cst.Import: ModuleIndex._import,
    cst.ImportFrom: ModuleIndex._import_from,
    cst.Assign: ModuleIndex._assign,
    cst.AnnAssign: ModuleIndex._ann_assign,
    cst.NamedExpr: ModuleIndex._named_expr,
    cst.Del: ModuleIndex._del,
    cst.Subscript: ModuleIndex._subscript,
    cst.Call: ModuleIndex._call,
    cst.Attribute: ModuleIndex._attribute,
    cst.StarredDictElement: ModuleIndex._starred_dict_element,
    cst.Comparison: ModuleIndex._comparison,
    cst.BinaryOperation: ModuleIndex._binary_operation,
    cst.Element: ModuleIndex._element,
    cst.SimpleString: ModuleIndex._simple_string,
}


def _top_level(node: cst.BaseExpression) -> str:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else ""


def _single_index(node: cst.Subscript) -> Optional[cst.BaseExpression]:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        return node.slice[0].slice.value
    return None
