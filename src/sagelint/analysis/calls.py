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
from typing import Dict, List, Optional, Tuple

import libcst as cst

from sagelint.analysis.bindings import Bindings, Def, DefKind
from sagelint.analysis.index import ModuleIndex

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
        defs = self.bindings.reaching(name)
        if not defs or len(defs) != 1:
            return None
        (binding,) = defs
        if binding.kind is DefKind.FUNCTION and isinstance(binding.node, cst.FunctionDef):
            if binding.node not in self.index.class_of:
                return binding.node
        return None

    def _class_of_receiver(self, receiver: cst.BaseExpression) -> Optional[cst.ClassDef]:
        """The module class a method's receiver is an instance of: `self` in its methods, or
        a name bound to `Cls(...)`."""
        if not isinstance(receiver, cst.Name):
            return None
        defs = self.bindings.reaching(receiver)
        if not defs or len(defs) != 1:
            return None
        (binding,) = defs
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
        defs = self.bindings.reaching(func)
        if not defs or len(defs) != 1:
            return None
        (binding,) = defs
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

    def sites(self) -> Dict[cst.FunctionDef, List[cst.Call]]:
        if self._sites is None:
            self._sites = {}
            for call in self.index.calls:
                target = self.callee(call)
                if target is not None:
                    self._sites.setdefault(target, []).append(call)
        return self._sites


_METHOD_DECORATORS = frozenset({"staticmethod", "classmethod", "property"})


def _followed(function: cst.FunctionDef) -> bool:
    """Decorators change what a call does (and `staticmethod` what `self` is): a decorated
    function is not followed, nor an `async def` (its call gives a coroutine)."""
    return not function.decorators and function.asynchronous is None
