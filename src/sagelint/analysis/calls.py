"""Calls of functions and methods defined in the module (docs/how-rules-decide.md: through
functions in the same module).

A call of a module function, of a method on an instance of a module class (`runner =
Runner()`, `runner.deploy(est)`), or `self.method(...)` inside that class, is a *path* into
the function: its parameters are the call's arguments there. A function's paths are its call
sites in the module, each under every path of the function that holds it (bounded). What is
not followed stays unknown: decorated functions (methods decorated `@staticmethod` or
`@classmethod` are followed, a static or class method through its class too), recursion,
`*args` / `**kwargs` on either side, functions assigned or passed around, inherited methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import libcst as cst

from sagelint.analysis.bindings import Bindings, Def, DefKind
from sagelint.analysis.index import ModuleIndex
from sagelint.analysis.walk import children

# The tests a statement of a function runs under: (test, the truth it needs) for each `if`
# around it, and for each earlier `if` whose branch leaves the function (`return` /
# `raise`): on a path where one of them is known otherwise, the statement does not run.
Guards = Tuple[Tuple[cst.BaseExpression, bool], ...]

MAX_PATHS = 8  # per function: more call sites than this are followed for the first ones
MAX_CHAIN = 4  # calls within calls


@dataclass(frozen=True, eq=False)
class Path:
    """One way into a function: the call, what each parameter is bound to there (None: not
    known), and the path of the function that makes the call."""

    call: cst.Call
    function: cst.FunctionDef
    args: Dict[Def, Optional[cst.BaseExpression]]
    parent: Optional[Path]
    # The resolver of the module the call is in, when that is another module than the
    # function's (sagelint.analysis.modules): the arguments are read there.
    caller: Optional[object] = None
    # The modules being resolved when that call was made (sagelint.analysis.modules.active):
    # the arguments are read as they were, not as inside the modules entered since.
    outside: Tuple[str, ...] = ()

    @property
    def label(self) -> str:
        func = self.call.func
        if isinstance(func, cst.Name):
            return func.value
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            return f"{func.value.value}.{func.attr.value}"
        return self.function.name.value

    def functions(self) -> List[cst.FunctionDef]:
        out: List[cst.FunctionDef] = []
        path: Optional[Path] = self
        while path is not None:
            out.append(path.function)
            path = path.parent
        return out


class Functions:
    """The module's functions and methods and the calls of them."""

    def __init__(self, index: ModuleIndex, bindings: Bindings) -> None:
        self.index = index
        self.bindings = bindings
        self._sites: Optional[Dict[cst.FunctionDef, List[cst.Call]]] = None
        self._paths: Dict[cst.FunctionDef, List[Path]] = {}
        self._guards: Dict[cst.FunctionDef, Dict[cst.CSTNode, Guards]] = {}

    # -- what a call calls -------------------------------------------------------------------
    def callee(self, call: cst.Call) -> Optional[cst.FunctionDef]:
        """The module function or method a call runs, when that is certain."""
        func = call.func
        if isinstance(func, cst.Name):
            target = self._function_named(func)
            if target is None or not _followed(target):
                return None
            return target
        if not isinstance(func, cst.Attribute):
            return None
        owner = self._class_of_receiver(func.value)
        through_class = False
        if owner is None:
            owner = self._class_named(func.value) if isinstance(func.value, cst.Name) else None
            through_class = True  # `Maker.build(...)`: only static and class methods
        target = None if owner is None else self.index.methods[owner].get(func.attr.value)
        if target is None:
            return None
        kind = self.method_kind(target)
        if kind is None or kind == "property" or (through_class and kind == "method"):
            return None
        return target

    def property_read(self, node: cst.Attribute) -> Optional[cst.FunctionDef]:
        """The `@property` method a read `maker.variant` runs, when `maker` is known to be
        an instance of a module class (or `self` in its methods)."""
        owner = self._class_of_receiver(node.value)
        target = None if owner is None else self.index.methods[owner].get(node.attr.value)
        if target is None or self.method_kind(target) != "property":
            return None
        return target

    def method_kind(self, function: cst.FunctionDef) -> Optional[str]:
        """How a method of a module class is called: "method", "staticmethod",
        "classmethod" or "property" (the builtin decorators, not rebound); None when it is
        not followed (another decorator, `async def`)."""
        if function.asynchronous is not None:
            return None
        if not function.decorators:
            return "method"
        if len(function.decorators) != 1:
            return None
        decorator = function.decorators[0].decorator
        if not isinstance(decorator, cst.Name) or decorator.value not in _METHOD_DECORATORS:
            return None
        defs = self.bindings.reaching(decorator)
        if not defs or any(binding.kind is not DefKind.UNBOUND for binding in defs):
            return None  # a name the module binds: not the builtin
        return decorator.value

    def _function_named(self, name: cst.Name) -> Optional[cst.FunctionDef]:
        binding = self.bindings.only(name)
        if binding is None:
            return None
        if binding.kind is DefKind.FUNCTION and isinstance(binding.node, cst.FunctionDef):
            if binding.node not in self.index.class_of:
                return binding.node
        return None

    def _class_of_receiver(self, receiver: cst.BaseExpression) -> Optional[cst.ClassDef]:
        """The module class a method's receiver is an instance of: `self` in its methods, or
        a name bound to `Cls(...)`."""
        if not isinstance(receiver, cst.Name):
            return None
        binding = self.bindings.only(receiver)
        if binding is None:
            return None
        if binding.kind is DefKind.PARAM:
            return self._self_class(binding)
        if binding.kind is DefKind.ASSIGN and isinstance(binding.node, cst.Name):
            found = self.index.bindings.get(binding.node)
            if found is not None and isinstance(found.value, cst.Call):
                return self._class_called(found.value)
        return None

    def _self_class(self, binding: Def) -> Optional[cst.ClassDef]:
        scope = binding.scope
        function = scope.node if scope is not None else None
        if not isinstance(function, cst.FunctionDef) or function.decorators:
            return None
        owner = self.index.class_of.get(function)
        params = function.params.posonly_params or function.params.params
        if owner is None or not params or params[0] is not binding.node:
            return None
        return owner

    def _class_called(self, call: cst.Call) -> Optional[cst.ClassDef]:
        func = call.func
        if not isinstance(func, cst.Name):
            return None
        return self._class_named(func)

    def _class_named(self, func: cst.Name) -> Optional[cst.ClassDef]:
        binding = self.bindings.only(func)
        if binding is None:
            return None
        if binding.kind is DefKind.CLASS and isinstance(binding.node, cst.ClassDef):
            return binding.node
        return None

    # -- paths -------------------------------------------------------------------------------
    def bind(self, call: cst.Call, function: cst.FunctionDef, parent: Optional[Path]) -> Path:
        """The path a call makes into a function: its arguments matched to the parameters."""
        params = function.params
        positional = [*params.posonly_params, *params.params]
        args: Dict[Def, Optional[cst.BaseExpression]] = {}
        if (
            function in self.index.class_of
            and isinstance(call.func, cst.Attribute)
            and self.method_kind(function) != "staticmethod"
        ):
            positional = positional[1:]  # `self` (or `cls`) is the receiver
        splat = any(arg.star for arg in call.args)
        given: Dict[str, cst.BaseExpression] = {}
        index = 0
        for arg in call.args:
            if arg.star:
                continue
            if arg.keyword is not None:
                given[arg.keyword.value] = arg.value
            elif index < len(positional):
                given[positional[index].name.value] = arg.value
                index += 1
        for param in [*positional, *params.kwonly_params]:
            binding = self.bindings.def_of(param)
            if binding is None:
                continue
            value = given.get(param.name.value)
            if value is None and not splat:
                value = param.default  # evaluated where the function is defined
            args[binding] = None if splat and param.name.value not in given else value
        return Path(call, function, args, parent)

    def paths(self, function: cst.FunctionDef, chain: Tuple[cst.FunctionDef, ...] = ()) -> List[Path]:
        """Every way into a function from the module's calls of it (bounded; none for a
        function nothing in the module calls)."""
        if not chain and function in self._paths:
            return self._paths[function]
        out: List[Path] = []
        if len(chain) < MAX_CHAIN:
            for call in self.sites().get(function, ()):
                caller = self.index.function_of.get(call)
                if caller is function or caller in chain:
                    continue  # recursion is not followed
                parents: List[Optional[Path]] = [None]
                if caller is not None:
                    parents = list(self.paths(caller, chain + (function,))) or [None]
                for parent in parents:
                    out.append(self.bind(call, function, parent))
                    if len(out) >= MAX_PATHS:
                        break
                if len(out) >= MAX_PATHS:
                    break
        if not chain:
            self._paths[function] = out
        return out

    # -- which code runs on a path (docs/how-rules-decide.md: known conditions) ------------------
    def guards(self, function: cst.FunctionDef) -> Dict[cst.CSTNode, Guards]:
        """The guards of each call and each assigned name in a function's own body."""
        found = self._guards.get(function)
        if found is None:
            found = self._guards[function] = {}
            if isinstance(function.body, cst.IndentedBlock):
                _guard_block(function.body.body, (), found)
        return found

    def sites(self) -> Dict[cst.FunctionDef, List[cst.Call]]:
        if self._sites is None:
            self._sites = {}
            for call in self.index.calls:
                target = self.callee(call)
                if target is not None:
                    self._sites.setdefault(target, []).append(call)
        return self._sites


def _guard_block(
    statements: Sequence[cst.CSTNode], guards: Guards, out: Dict[cst.CSTNode, Guards]
) -> None:
    exits: Guards = ()
    for statement in statements:
        current = guards + exits
        if isinstance(statement, cst.If):
            exits += _guard_if(statement, current, out)
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            continue  # other scopes, other paths
        elif isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            _guard_nodes(statement, current, out)
        else:  # loops, `with`, `try`, `match`: their blocks run under the same guards
            for child in children(statement):
                if isinstance(child, cst.BaseSuite):
                    _guard_block(child.body, current, out)
                elif isinstance(child, (cst.Else, cst.ExceptHandler, cst.Finally)):
                    _guard_block(child.body.body, current, out)
                elif isinstance(child, cst.MatchCase):
                    _guard_block(child.body.body, current, out)
                else:
                    _guard_nodes(child, current, out)


def _guard_if(node: cst.If, guards: Guards, out: Dict[cst.CSTNode, Guards]) -> Guards:
    """Record an `if` chain's branches; what the statements after it need (a branch that
    leaves the function was not taken)."""
    _guard_nodes(node.test, guards, out)
    _guard_block(node.body.body, guards + ((node.test, True),), out)
    exits: Guards = ((node.test, False),) if _leaves(node.body) else ()
    orelse = node.orelse
    if isinstance(orelse, cst.If):
        inner = _guard_if(orelse, guards + ((node.test, False),), out)
        if exits:  # past the chain only when this test failed: the `elif`'s exits hold too
            exits += inner
    elif isinstance(orelse, cst.Else):
        _guard_block(orelse.body.body, guards + ((node.test, False),), out)
        if _leaves(orelse.body):
            exits += ((node.test, True),)
    return exits


def _leaves(suite: cst.BaseSuite) -> bool:
    """Whether a block always ends the function (its last statement returns or raises)."""
    body = suite.body
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return bool(last.body) and isinstance(last.body[-1], (cst.Return, cst.Raise))
    if isinstance(last, (cst.Return, cst.Raise)):
        return True
    return False


def _guard_nodes(node: cst.CSTNode, guards: Guards, out: Dict[cst.CSTNode, Guards]) -> None:
    """Every call and assigned name under a node (not inside a nested function)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.Lambda, cst.FunctionDef, cst.ClassDef)):
            continue
        if guards and isinstance(current, cst.Call):
            out[current] = guards
        elif guards and isinstance(current, (cst.Assign, cst.AnnAssign)):
            targets = (
                [target.target for target in current.targets]
                if isinstance(current, cst.Assign) else [current.target]
            )
            for target in targets:
                if isinstance(target, cst.Name):
                    out[target] = guards
        stack.extend(children(current))


_METHOD_DECORATORS = frozenset({"staticmethod", "classmethod", "property"})


def _followed(function: cst.FunctionDef) -> bool:
    """Decorators change what a call does (and `staticmethod` what `self` is): a decorated
    function is not followed, nor an `async def` (its call gives a coroutine)."""
    return not function.decorators and function.asynchronous is None
