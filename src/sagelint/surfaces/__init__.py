"""Surfaces: one module per API family, each turning that API's calls into facts
(`surfaces/facts.py`), so that rules never see raw calls.

A surface module declares, and the engine names no API itself:
- `PACKAGES`, the top-level packages a file must import for its calls to be there (or a
  function `packages(catalog)` when the user's configuration adds some);
- `table(catalog)`, the calls it claims: a `keys.Table` of key -> route. A key is a
  qualified name (`sagemaker.core.resources.Model.create`) or a method name on receivers of
  some kinds (`method("create_model", Receiver.CLIENT)`, `surfaces/keys.py`); a route is a
  handler, the label messages name the call by, and its phase.

Several surfaces may claim one key: each route adds its facts, none takes a call away from
another, and a surface imports no other surface (what two of them need is a shared piece:
`facts`, `common`, `keys`, `receivers` (what a receiver is), `training`, `containers`,
`factories` (what the SDK's factories make), `builders`). The surface modules are found by
listing this package (a module with `PACKAGES` or `packages`).

`collect()` resolves each call of a module once: its qualified name (only when some key ends
with the call's last name) and, for a method, the kinds of its receiver (only when some
route claims that method name on a kind). Then, phase by phase (`keys.Phase`: constructors,
then methods on what they built, then routes that read what those found), it runs every
route that claims the call, calls in source order, routes in the order of their phase, then
their module's name, then their declaration. The engine builds one `Surfaces` per run and
asks it for `packages` and `collect()`.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst

from sagelint.analysis.index import ModuleIndex
from sagelint.analysis.resolve import Resolver
from sagelint.catalog_classes import Catalog
from sagelint.surfaces import receivers
from sagelint.surfaces.common import Context

# The facts, re-exported for code written before they had their own module.
from sagelint.surfaces.facts import (
    CallSite,
    Deploy,
    DeployNames,
    EnvMapping,
    EstimatorJob,
    Facts,
    Field,
    ServingContainer,
    ServingModel,
    TrainingJob,
)
from sagelint.surfaces.keys import Key, Method, Phase, Receiver, Route, last_name

__all__ = [
    "CallSite", "Deploy", "DeployNames", "EnvMapping", "EstimatorJob", "Facts", "Field",
    "ServingContainer", "ServingModel", "Surfaces", "TrainingJob",
]


@lru_cache(maxsize=1)
def surface_modules() -> Tuple[ModuleType, ...]:
    """Every surface module of this package, by module name."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "PACKAGES") or hasattr(module, "packages"):
            found.append(module)
    return tuple(found)


def packages(catalog: Catalog) -> FrozenSet[str]:
    """The top-level packages a file must import for any surface to find a call in it."""
    out: Set[str] = set()
    for module in surface_modules():
        declared = module.packages(catalog) if hasattr(module, "packages") else module.PACKAGES
        out |= declared
    return frozenset(out)


@dataclass(frozen=True)
class Claim:
    """A route, with the surface that declared it and the receivers it claims (methods)."""

    surface: str
    key: Key
    route: Route

    @property
    def receivers(self) -> FrozenSet[Receiver]:
        return self.key.receivers if isinstance(self.key, Method) else frozenset()


class DispatchTable:
    """Every surface's claims in one: qualified name -> claims, method name -> claims, each
    in the order they run."""

    def __init__(self, modules: Tuple[ModuleType, ...], catalog: Catalog) -> None:
        qualified: Dict[str, List[Claim]] = {}
        methods: Dict[str, List[Claim]] = {}
        for module in modules:
            surface = module.__name__.rsplit(".", 1)[-1]
            for key, route in module.table(catalog):
                claim = Claim(surface, key, route)
                if isinstance(key, Method):
                    methods.setdefault(key.name, []).append(claim)
                else:
                    qualified.setdefault(key, []).append(claim)
        self.qualified = {name: _in_phase_order(found) for name, found in qualified.items()}
        self.methods = {name: _in_phase_order(found) for name, found in methods.items()}
        # The receiver kinds worth computing for a method name (ANY needs none).
        self.kinds = {
            name: frozenset(k for claim in found for k in claim.receivers) - {Receiver.ANY}
            for name, found in self.methods.items()
        }
        # A call `x.y.Name(...)` can only resolve to a key that ends in `Name`.
        self.last_names = frozenset(last_name(key) for key in self.qualified)
        # What statement pruning keeps statements by besides the packages (`Route.words`).
        self.words = frozenset(
            word
            for found in (*self.qualified.values(), *self.methods.values())
            for claim in found
            for word in claim.route.words
        )

    def keys(self) -> List[Key]:
        return [claim.key for found in self.qualified.values() for claim in found] + [
            claim.key for found in self.methods.values() for claim in found
        ]


def _in_phase_order(claims: List[Claim]) -> Tuple[Claim, ...]:
    return tuple(sorted(claims, key=lambda claim: claim.route.phase))  # stable: module order


def dispatch_table(catalog: Catalog) -> DispatchTable:
    return DispatchTable(surface_modules(), catalog)


@dataclass
class _Claimed:
    """One call and the claims on it; the receiver's kinds once some claim asked."""

    call: cst.Call
    qualified: Tuple[Claim, ...]
    methods: Tuple[Claim, ...]
    wanted: FrozenSet[Receiver]
    kinds: Optional[FrozenSet[Receiver]] = None
    phases: Set[Phase] = field(default_factory=set)


class Surfaces:
    """Every surface, for one catalogue (built once per run, with the engine)."""

    def __init__(self, catalog: Catalog) -> None:
        self.packages = packages(catalog)
        self.table = dispatch_table(catalog)
        # What the gate reads: the names a call needs for some route to claim it.
        self.method_names = frozenset(self.table.methods)
        self.qualified_names = frozenset(self.table.qualified)
        self.words = self.table.words

    def collect(
        self,
        resolver: Resolver,
        calls: List[cst.Call],
        facts: Optional[Facts] = None,
        module: Optional[ModuleIndex] = None,
    ) -> Facts:
        """The facts of a module's calls: each call's key resolved once, every claim run in
        its phase (into `facts` when given: a function's calls on one path, knowing the
        module's objects; `module`: the module whose calls `facts` holds, when that is not
        the resolver's)."""
        collected = facts if facts is not None else Facts()
        whole = module if module is not None else resolver.index
        ctx = Context(
            resolver, collected,
            lambda call, there: self._construct_there(collected, call, there, whole), whole,
        )
        later: List[_Claimed] = []
        for call in calls:
            claimed = self._claimed(resolver, call)
            if claimed is None:
                continue
            self._run(ctx, claimed, Phase.CONSTRUCT)
            if any(phase > Phase.CONSTRUCT for phase in claimed.phases):
                later.append(claimed)
        for phase in (Phase.METHOD, Phase.READ):
            for claimed in later:
                if phase in claimed.phases:
                    self._run(ctx, claimed, phase)
        return ctx.facts

    def _construct_there(
        self, facts: Facts, call: cst.Call, resolver: Resolver, whole: ModuleIndex
    ) -> None:
        """The constructor facts of a call of another module of the project (a model
        `build_model()` returns there), read with that module's resolver on its path
        (`whole`: the module whose calls `facts` holds)."""
        if call in facts.by_call:
            return
        claimed = self._claimed(resolver, call)
        if claimed is None:
            return
        ctx = Context(
            resolver, facts,
            lambda inner, there: self._construct_there(facts, inner, there, whole), whole,
        )
        self._run(ctx, claimed, Phase.CONSTRUCT)

    def _claimed(self, resolver: Resolver, call: cst.Call) -> Optional[_Claimed]:
        func = call.func
        table = self.table
        methods: Tuple[Claim, ...] = ()
        wanted: FrozenSet[Receiver] = frozenset()
        if isinstance(func, cst.Attribute):
            name = func.attr.value
            methods = table.methods.get(name, ())
            if methods:
                wanted = table.kinds[name]
            resolve = name in table.last_names
        else:
            resolve = isinstance(func, cst.Name)
        qualified: Tuple[Claim, ...] = ()
        if resolve:
            found = resolver.qualified_name(func)
            if found is not None:
                qualified = table.qualified.get(found, ())
        if not qualified and not methods:
            return None
        claimed = _Claimed(call, qualified, methods, wanted)
        claimed.phases = {claim.route.phase for claim in qualified + methods}
        return claimed

    def _run(self, ctx: Context, claimed: _Claimed, phase: Phase) -> None:
        call = claimed.call
        for claim in claimed.qualified:
            if claim.route.phase is phase:
                claim.route.handler(ctx, call, claim.route.label)
        for claim in claimed.methods:
            if claim.route.phase is phase and self._takes(ctx, claimed, claim):
                claim.route.handler(ctx, call, claim.route.label)

    @staticmethod
    def _takes(ctx: Context, claimed: _Claimed, claim: Claim) -> bool:
        """Whether the receiver is of a kind the claim names: computed once per call, in
        the first phase that asks (after every constructor when that is a late phase)."""
        wanted = claim.receivers
        if Receiver.ANY in wanted:
            return True
        if claimed.kinds is None:
            func = claimed.call.func
            assert isinstance(func, cst.Attribute)
            claimed.kinds = receivers.kinds(ctx, func.value, claimed.wanted)
        return bool(claimed.kinds & wanted)
