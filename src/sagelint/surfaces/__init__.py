"""Surfaces: one module per API family, each turning that API's calls into facts
(`surfaces/facts.py`), so that rules never see raw calls.

A surface module declares, and the engine names no API itself:
- `PACKAGES`, the top-level packages a file must import for its calls to be there (or a
  function `packages(catalog)` when the user's configuration adds some);
- `table(catalog)`, its dispatch table: a qualified name (`sagemaker.core.resources.Model.create`)
  or a method name on any receiver (`.create_model`, see `common.method`) -> a `Route` with the
  handler and the label messages name the call by.

The surface modules are found by listing this package (a module with `PACKAGES` or
`packages`); `facts`, `common`, `training`, `containers` (which serving container a model
runs) and `factories` (what the SDK's factories make) are shared pieces. `collect()`
resolves each call of a module once and hands it to the one route it matches, in source
order; routes marked `late` (methods on models) run once every constructor is known, and a
module's optional `finish(ctx, calls)` runs last, to read what the others found. The engine
builds one `Surfaces` per run and asks it for `packages` and `collect()`.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType
from typing import FrozenSet, List, Optional, Set, Tuple

import libcst as cst

from sagelint.catalog import Catalog
from sagelint.analysis.resolve import Resolver
from sagelint.surfaces.common import Context, Route, Table, method

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


def dispatch_table(catalog: Catalog) -> Table:
    """Every surface's table in one. A name two surfaces claim goes to the first by module
    name (a test keeps the built-in tables apart)."""
    merged: Table = {}
    for module in surface_modules():
        for key, route in module.table(catalog).items():
            merged.setdefault(key, route)
    return merged


class Surfaces:
    """Every surface, for one catalogue (built once per run, with the engine)."""

    def __init__(self, catalog: Catalog) -> None:
        self.packages = packages(catalog)
        self.table = dispatch_table(catalog)
        # Surfaces that read what the others found (a model's name, an estimator's
        # entry point) once every call has been handled.
        self.finishers = tuple(
            module.finish for module in surface_modules() if hasattr(module, "finish")
        )

    def collect(
        self, resolver: Resolver, calls: List[cst.Call], facts: Optional[Facts] = None
    ) -> Facts:
        """The facts of a module's calls: one pass, each call target resolved once (into
        `facts` when given: a function's calls on one path, knowing the module's objects)."""
        ctx = Context(resolver, facts if facts is not None else Facts())
        late: List[Tuple[Route, cst.Call]] = []
        for call in calls:
            route = self._route(resolver, call.func)
            if route is None:
                continue
            if route.late:
                late.append((route, call))
            else:
                route.handler(ctx, call, route.label)
        for route, call in late:
            route.handler(ctx, call, route.label)
        for finish in self.finishers:
            finish(ctx, calls)
        return ctx.facts

    def _route(self, resolver: Resolver, func: cst.BaseExpression) -> Optional[Route]:
        """A method name takes the call even when its handler then declines the receiver."""
        if isinstance(func, cst.Attribute):
            route = self.table.get(method(func.attr.value))
            if route is not None:
                return route
        if not isinstance(func, (cst.Name, cst.Attribute)):
            return None
        qualified = resolver.qualified_name(func)
        return self.table.get(qualified) if qualified is not None else None
