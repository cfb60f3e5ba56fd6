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
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst


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


class ModuleIndex(cst.CSTVisitor):
    def __init__(self) -> None:
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

    # -- functions and classes -----------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.methods[node] = {}
        self._classes.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        owner = self._classes[-1] if self._classes else None
        if owner is not None:
            self.methods[owner][node.name.value] = node
            self.class_of[node] = owner
        self.returns[node] = []
        self._defs.append(node)
        self._classes.append(None)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._defs.pop()
        self._classes.pop()

    def visit_Return(self, node: cst.Return) -> None:
        if self._defs:
            self.returns[self._defs[-1]].append(node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        if self._defs:  # a generator: its calls give no value it returns
            self.returns[self._defs[-1]].append(None)

    # -- statement positions -------------------------------------------------------------
    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Module, cst.IndentedBlock, cst.SimpleStatementSuite)):
            self._blocks.append(id(node))
        elif isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self._order += 1
            self._pos = StmtPos(self._blocks[-1], self._order)
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            self._functions.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, (cst.Module, cst.IndentedBlock, cst.SimpleStatementSuite)):
            self._blocks.pop()
        if isinstance(original_node, (cst.FunctionDef, cst.Lambda)):
            self._functions.pop()
        super().on_leave(original_node)

    # -- imports -------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self.imported_packages.add(_top_level(alias.name))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.module is not None and not node.relative:
            self.imported_packages.add(_top_level(node.module))

    # -- bindings and stores -------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._record_target(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._record_target(node.target, node.value)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._record_target(node.target, node.value)

    def _record_target(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.bindings[target] = Binding(value, self._pos)
            if isinstance(value, cst.Call):
                self.bound_calls[value] = target
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            self.uses[target.value] = UseSite(
                Use.ATTRIBUTE_STORE, self._pos, method=target.attr.value
            )
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            key = _single_index(target)
            self.uses[target.value] = UseSite(Use.SUBSCRIPT_STORE, self._pos, key=key, value=value)

    def visit_Del(self, node: cst.Del) -> None:
        target = node.target
        if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            self.uses[target.value] = UseSite(Use.SUBSCRIPT_DEL, self._pos)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if isinstance(node.value, cst.Name) and node.value not in self.uses:
            self.uses[node.value] = UseSite(Use.SUBSCRIPT_LOAD, self._pos)

    # -- calls and reads -----------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)
        self.call_function[node] = self._functions[-1] if self._functions else None
        if self._defs:
            self.function_of[node] = self._defs[-1]
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            self.uses[func.value] = UseSite(
                Use.METHOD_CALL, self._pos, call=node, method=func.attr.value
            )
        for arg in node.args:
            if isinstance(arg.value, cst.Name):
                use = Use.SPLAT if arg.star == "**" else Use.ARGUMENT
                self.uses[arg.value] = UseSite(use, self._pos, call=node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.value not in self.uses:
            self.uses[node.value] = UseSite(Use.ATTRIBUTE, self._pos, method=node.attr.value)

    def visit_StarredDictElement(self, node: cst.StarredDictElement) -> None:
        if isinstance(node.value, cst.Name):
            self.uses[node.value] = UseSite(Use.SPLAT, self._pos)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        for target in node.comparisons:
            if isinstance(target.operator, (cst.In, cst.NotIn)) and isinstance(
                target.comparator, cst.Name
            ):
                self.uses[target.comparator] = UseSite(Use.COMPARE, self._pos)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        for operand in (node.left, node.right):
            if isinstance(operand, cst.Name):
                self.uses[operand] = UseSite(Use.OPERAND, self._pos)

    def visit_Element(self, node: cst.Element) -> None:
        if isinstance(node.value, cst.Name) and node.value not in self.uses:
            self.uses[node.value] = UseSite(Use.ELEMENT, self._pos)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if node.quote.startswith("'"):
            self.single_quotes += 1
        else:
            self.double_quotes += 1

    @property
    def quote(self) -> str:
        """The quote character the file mostly uses (double when undecided)."""
        return "'" if self.single_quotes > self.double_quotes else '"'


def _top_level(node: cst.BaseExpression) -> str:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else ""


def _single_index(node: cst.Subscript) -> Optional[cst.BaseExpression]:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        return node.slice[0].slice.value
    return None


def positional_and_keywords(
    call: cst.Call,
) -> Tuple[List[cst.Arg], Dict[str, cst.Arg], List[cst.Arg]]:
    """Split a call's arguments: positional, keyword by name, and `*`/`**` splats."""
    positional: List[cst.Arg] = []
    keywords: Dict[str, cst.Arg] = {}
    splats: List[cst.Arg] = []
    for arg in call.args:
        if arg.star:
            splats.append(arg)
        elif arg.keyword is not None:
            keywords[arg.keyword.value] = arg
        else:
            positional.append(arg)
    return positional, keywords, splats
