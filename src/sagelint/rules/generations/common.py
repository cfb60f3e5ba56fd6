"""What the SM6 rules share: whether a module can reach the SDK at all, which imports a
version switch guards, which calls resolve to an SDK path, and the verdict of a generated
row over the admitted set (shared/RULES.md SM6 "Verdicts")."""

from __future__ import annotations

from functools import lru_cache
from typing import FrozenSet, Iterator, List, Optional, Tuple

import libcst as cst

from sagelint.analysis.bindings import DefKind
from sagelint.analysis.gate import sdk_paths
from sagelint.analysis.resolve import ObjectValue
from sagelint.memory import per_file
from sagelint.model import Severity
from sagelint.rules import RuleContext
from sagelint.rules.generations.imports import covers as covers
from sagelint.rules.generations.imports import may_use_sdk as may_use_sdk
from sagelint.rules.generations.imports import switch_imports as switch_imports
from sagelint.sdk_verdicts import Verdicts, verdicts

def severity_over(intervals: Verdicts, ctx: RuleContext, node: cst.CSTNode) -> Optional[Severity]:
    """The form a renamed spelling takes over the admitted releases at `node`: an error
    where it fails in every admitted release the row speaks of, a warning where it works in
    none (deprecated somewhere), None (silent) where it works in some (SM610's case, or
    fine) or the row says nothing (a v3-only A: the import is SM604's)."""
    found = verdicts(intervals, ctx.sdk_versions(node).releases)
    if not found or "works" in found:
        return None
    return Severity.ERROR if found == {"fails"} else Severity.WARNING


def verdict_phrase(intervals: Verdicts, ctx: RuleContext, node: cst.CSTNode) -> str:
    """What the admitted releases do with a spelling, for a message."""
    found = verdicts(intervals, ctx.sdk_versions(node).releases)
    if found == {"fails"}:
        return "fails in every admitted SDK release"
    if found == {"deprecated"}:
        return "is deprecated in every admitted SDK release"
    if "fails" in found:
        return "fails in some admitted SDK releases and is deprecated or ignored in the others"
    return "is deprecated or ignored in the admitted SDK releases"


def ignored_over(intervals: Verdicts, ctx: RuleContext, node: cst.CSTNode) -> bool:
    """Whether the SDK accepts and ignores something in some admitted release and honours it
    in none (SM606)."""
    found = verdicts(intervals, ctx.sdk_versions(node).releases)
    return "no-op" in found and "works" not in found


def sdk_calls(ctx: RuleContext) -> List[Tuple[cst.Call, str]]:
    """Every call whose callee resolves to one SageMaker SDK path (principle 3: a local
    `s3_input` is not the SDK's), outside version switches: `path` for a class or
    function, `path.method` for a method of an object the resolver knows was built by an
    SDK class (`estimator = PyTorch(...)` then `estimator.delete_endpoint()`).

    Six rules ask, each for the same resolver (the module's, or its view on one path into
    a function): worked out once per resolver and settings."""
    for resolver, settings, sdk, found in _SDK_CALLS:
        if resolver is ctx.resolver and settings is ctx.settings and sdk is ctx.sdk:
            return found
    found = list(_sdk_calls(ctx))
    _SDK_CALLS.append((ctx.resolver, ctx.settings, ctx.sdk, found))
    return found


def _sdk_calls(ctx: RuleContext) -> Iterator[Tuple[cst.Call, str]]:
    guarded = switch_imports(ctx)
    # A method is looked up by the SM6 tables only under a name one of their paths ends
    # with: the receiver of any other method (`self.cache.get()`) is not resolved, which
    # may walk the module's attributes.
    _, method_names, renamed = sdk_paths()
    for call in ctx.resolver.index.calls:
        callee: cst.BaseExpression = call.func
        name = ctx.resolver.qualified_name(callee)
        if name is None and isinstance(callee, cst.Attribute) and (
            callee.attr.value in method_names or callee.attr.value in _renamed_lasts(renamed)
        ):
            receiver = ctx.resolver.resolve(callee.value)
            if isinstance(receiver, ObjectValue):
                name = f"{receiver.qualified_name}.{callee.attr.value}"
                callee = receiver.call.func
        if name is None or not name.startswith("sagemaker."):
            continue
        if guarded and imported_in(ctx, callee, guarded):
            continue
        if reported_import(ctx, callee):
            continue  # one root cause: the import's (or dotted name's) SM603 / SM604
        yield call, name


@lru_cache(maxsize=1)
def _renamed_lasts(renamed: FrozenSet[str]) -> FrozenSet[str]:
    return frozenset(path.rsplit(".", 1)[-1] for path in renamed)


# The SDK calls of each resolver of the file being checked (its trees: let go with the file).
_SDK_CALLS: List[Tuple[object, object, object, List[Tuple[cst.Call, str]]]] = []
per_file(_SDK_CALLS.clear)


# -- one root cause (RULES.md SM6: uses of a name whose import is SM603 or SM604 are not
# reported again) ------------------------------------------------------------------------


def reported_import(ctx: RuleContext, expr: cst.BaseExpression) -> bool:
    """Whether `expr` (a callee, a receiver's constructor) is a use of something SM603 or
    SM604 reports, with that rule enabled: the name it starts with is bound by an SDK
    import that fails in every release admitted at the import, or it is itself a dotted
    SDK name (`sagemaker.estimator.Estimator`) that fails in every release admitted here.
    Every SM6 rule that reads calls leaves such a use to the import's diagnostic."""
    enabled = ctx.settings.enabled
    if not {"SM603", "SM604"} & enabled:
        return False
    from sagelint.rules.generations.dotted import failing_imports

    head = expr
    while isinstance(head, cst.Attribute):
        head = head.value
    if not isinstance(head, cst.Name):
        return False
    failing = failing_imports(ctx)
    defs = ctx.resolver.bindings.reaching(head) if failing else None
    if defs and any(
        d.kind is DefKind.IMPORT and id(d.node) in failing and covers(d.node, expr) for d in defs
    ):
        return True
    return isinstance(expr, cst.Attribute) and _dotted_fails(ctx, expr)


def _dotted_fails(ctx: RuleContext, expr: cst.Attribute) -> bool:
    """A dotted SDK name that SM603 / SM604 read (`import sagemaker` then
    `sagemaker.estimator.Estimator`) and that fails in every release admitted at it."""
    from sagelint.rules.generations.dotted import read_as_import
    from sagelint.rules.generations.imports import fails_everywhere, moved_target

    item = read_as_import(ctx, expr)
    if item is None:
        return False
    admitted = ctx.sdk_versions(expr)
    if not fails_everywhere(item, admitted):
        return False
    if moved_target(item, admitted) is None and v1_name_reported(ctx, item.path, expr):
        return False  # SM604 leaves it to SM602: not SM603 / SM604's
    return True


def v1_name_reported(ctx: RuleContext, path: str, node: cst.CSTNode) -> bool:
    """Whether SM602 reports `path` at `node` (a v1 name with a verdict over the releases
    admitted there). A failing import or dotted name of a v1 name is SM602's root cause,
    not SM604's: SM602 names the v2 replacement and fixes the one-to-one ones."""
    if "SM602" not in ctx.settings.enabled:
        return False
    from sagelint.sdk_generations import RENAMED_NAMES

    row = RENAMED_NAMES.get(path)
    return row is not None and severity_over(row[2], ctx, node) is not None


def imported_in(ctx: RuleContext, expr: cst.BaseExpression, aliases: FrozenSet[int]) -> bool:
    """Whether the name an expression starts with is bound by one of `aliases` (ids of
    `ImportAlias` nodes)."""
    head = expr
    while isinstance(head, cst.Attribute):
        head = head.value
    if not isinstance(head, cst.Name):
        return False
    defs = ctx.resolver.bindings.reaching(head)
    if not defs:
        return False
    return any(d.kind is DefKind.IMPORT and id(d.node) in aliases for d in defs)


def module_exists_over(module: str, ctx: RuleContext, node: cst.CSTNode) -> bool:
    """Whether an SDK module exists in some admitted release (a class of a module absent
    from all of them is the import's finding, SM604, not a call's)."""
    from sagelint.sdk_generations import MODULES

    row = MODULES.get(module)
    return row is not None and "works" in verdicts(row, ctx.sdk_versions(node).releases)


# Every 2.x release: a v2 behaviour (a reordered signature, a required version) applies
# only where A admits one; a v1 project (`sdk-version = "1"`) is silent.
_V2: Verdicts = (("2.0.0", "2.99999", "works"),)


def admits_v2(ctx: RuleContext, node: cst.CSTNode) -> bool:
    """Whether some admitted release is a 2.x release (unknown A: yes)."""
    return bool(verdicts(_V2, ctx.sdk_versions(node).releases))
