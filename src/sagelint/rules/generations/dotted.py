"""Dotted access to the SDK (`import sagemaker` then `sagemaker.Session()`), for SM603 and
SM604 (shared/RULES.md SM6: "an import or dotted access ... of a path").

`import sagemaker` itself works in every release (v3's `sagemaker` is a namespace package);
what fails is reading a name it no longer has. A dotted name is read as the `from` import it
stands for: `sagemaker.session.Session` as `from sagemaker.session import Session`,
`sagemaker.Session` as `from sagemaker import Session`, a chain of modules alone
(`sagemaker.estimator`) as `import sagemaker.estimator`; the import rows of the generated
tables then decide. Reported once per distinct dotted path per file, at its first use (as
SM604 reports an import once, not each use of its name); the fix of SM603 rewrites every use.

Where dotted names are looked for: the callee of every call and the arguments written as a
dotted name (`isinstance(s, sagemaker.session.Session)`), read through the module's own
bindings, so a local `sagemaker` is not the SDK. Not read: a dotted name through an import
that is itself reported or inside a version switch (the import is the root cause), and
`getattr(sagemaker, "Session")`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Container, Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

import libcst as cst

from sagelint.analysis.bindings import DefKind
from sagelint.memory import per_file
from sagelint.rules import RuleContext
from sagelint.rules.generations.imports import (
    covers,
    fails_everywhere,
    may_use_sdk,
    moved_target,
    sagemaker_imports,
    switch_imports,
)


@dataclass
class Dotted:
    """One distinct dotted path of the SDK read in a file, with every use."""

    path: str  # `sagemaker.session.Session`
    module: str  # `sagemaker.session`
    name: Optional[str]  # `Session`; None for a chain of modules alone
    uses: List[cst.Attribute] = field(default_factory=list)  # in order; the first is reported
    calls: List[Optional[cst.Call]] = field(default_factory=list)  # the call of each use, if any
    root: Optional[cst.ImportAlias] = None  # the import that binds the chain's first name



@dataclass
class Failing:
    """The uses of one dotted path that fail in every release admitted where they are:
    `target` is the same object's path in all of them (SM603), or None (SM604)."""

    item: Dotted
    target: Optional[str]
    uses: List[int]  # indices into item.uses; the first is reported

    @property
    def node(self) -> cst.Attribute:
        return self.item.uses[self.uses[0]]


def failing(ctx: RuleContext) -> List[Failing]:
    """Per distinct dotted path, its failing uses: those with the first failing use's
    verdict (moved to the same target, or gone). A path's uses may sit in branches of a
    version test that run with different releases."""
    out: List[Failing] = []
    for item in dotted_uses(ctx):
        chosen: Optional[Failing] = None
        for index, use in enumerate(item.uses):
            admitted = ctx.sdk_versions(use)
            if not fails_everywhere(item, admitted):
                continue
            target = moved_target(item, admitted)
            if chosen is None:
                chosen = Failing(item, target, [index])
            elif target == chosen.target:
                chosen.uses.append(index)
        if chosen is not None:
            out.append(chosen)
    return out


def dotted_uses(ctx: RuleContext) -> List[Dotted]:
    """The file's distinct dotted SDK paths, in order of first use."""
    if not may_use_sdk(ctx):
        return []
    found: Dict[str, Dotted] = {}
    for attribute, call in _candidates(ctx):
        read = _read(ctx, attribute)
        if read is None:
            continue
        (path, module, name), root, node = read
        item = found.get(path)
        if item is None:
            item = found[path] = Dotted(path, module, name, root=root)
        item.uses.append(node)
        item.calls.append(call if node is attribute else None)
    return [item for item in found.values() if item.uses]


def read_as_import(ctx: RuleContext, attribute: cst.Attribute) -> Optional[Dotted]:
    """The import a dotted SDK name stands for (None: not one SM603 / SM604 read)."""
    if not may_use_sdk(ctx):
        return None
    read = _read(ctx, attribute)
    if read is None:
        return None
    (path, module, name), root, node = read
    return Dotted(path, module, name, [node], [None], root)


def _read(
    ctx: RuleContext, attribute: cst.Attribute
) -> Optional[Tuple[Tuple[str, str, Optional[str]], Optional[cst.ImportAlias], cst.Attribute]]:
    from sagelint import sdk_generations as gen

    read, root = _root_import(ctx, attribute, failing_imports(ctx), switch_imports(ctx))
    if not read:
        return None
    qualified = ctx.resolver.qualified_name(attribute)
    if qualified is None or not qualified.startswith("sagemaker."):
        return None
    split = split_dotted(qualified, gen.MODULES)
    if split is None:
        return None
    node = _node_of(attribute, split[0], qualified)
    return None if node is None else (split, root, node)


def _candidates(ctx: RuleContext) -> Iterator[Tuple[cst.Attribute, Optional[cst.Call]]]:
    """Dotted names as a callee (with their call) and as an argument."""
    seen: Set[int] = set()
    for call in ctx.resolver.index.calls:
        if isinstance(call.func, cst.Attribute) and id(call.func) not in seen:
            seen.add(id(call.func))
            yield call.func, call
        for arg in call.args:
            if isinstance(arg.value, cst.Attribute) and id(arg.value) not in seen:
                seen.add(id(arg.value))
                yield arg.value, None


def split_dotted(qualified: str, modules: Container[str]) -> Optional[Tuple[str, str, Optional[str]]]:
    """(path, module, name): the longest chain of modules, then the name read from the last
    one; a chain of modules alone has no name."""
    parts = qualified.split(".")
    module = parts[0]
    for index in range(1, len(parts)):
        prefix = f"{module}.{parts[index]}"
        if prefix in modules:
            module = prefix
            continue
        return prefix, module, parts[index]
    return (module, module, None) if module != "sagemaker" else None


def _node_of(attribute: cst.Attribute, path: str, qualified: str) -> Optional[cst.Attribute]:
    """The Attribute node that spells `path` inside a longer chain (`sagemaker.Session.x`:
    the `sagemaker.Session` part)."""
    extra = qualified.count(".") - path.count(".")
    node: cst.BaseExpression = attribute
    for _ in range(extra):
        if not isinstance(node, cst.Attribute):
            return None
        node = node.value
    return node if isinstance(node, cst.Attribute) else None


def failing_imports(ctx: RuleContext) -> FrozenSet[int]:
    """The ids of the module's SDK import aliases that fail in every release admitted at
    them (SM603 / SM604 report them; their names' uses, dotted ones too, are left to
    that). Kept for the last module and lookup asked: every SM6 rule asks per call."""
    module = ctx.resolver.bindings.module_scope.node
    if _FAILING and _FAILING[0][0] is module and _FAILING[0][1] is ctx.sdk:
        return _FAILING[0][2]
    found = frozenset(
        id(item.alias) for item in sagemaker_imports(module)
        if fails_everywhere(item, ctx.sdk_versions(item.alias))
    )
    _FAILING[:] = [(module, ctx.sdk, found)]
    return found


_FAILING: List[Tuple[cst.CSTNode, object, FrozenSet[int]]] = []
per_file(_FAILING.clear)  # the memo holds the tree and its analysis: let go with the file's


def _root_import(
    ctx: RuleContext, attribute: cst.Attribute, failing: FrozenSet[int], switched: FrozenSet[int]
) -> Tuple[bool, Optional[cst.ImportAlias]]:
    """Whether every binding of the chain's first name is an import that is read, and that
    import when there is one (the fix adds its import below it). Not read: a chain under a
    version switch's import, or under a failing import that stands for it (the import is
    the root cause; `import sagemaker.train` does not stand for `sagemaker.estimator`)."""
    head: cst.BaseExpression = attribute
    while isinstance(head, cst.Attribute):
        head = head.value
    if not isinstance(head, cst.Name):
        return False, None
    defs = ctx.resolver.bindings.reaching(head)
    if not defs:
        return False, None
    aliases = []
    for binding in defs:
        if binding.kind is not DefKind.IMPORT or not isinstance(binding.node, cst.ImportAlias):
            return False, None
        if id(binding.node) in switched:
            return False, None
        if id(binding.node) in failing and covers(binding.node, attribute):
            return False, None
        aliases.append(binding.node)
    return True, (aliases[0] if len(aliases) == 1 else None)


def top_statement(ctx: RuleContext, alias: Optional[cst.ImportAlias]) -> Optional[cst.SimpleStatementLine]:
    """The module-level line that is exactly the `import` holding `alias` (where a fix adds
    an import below it); None for an import inside a block or beside other statements."""
    if alias is None:
        return None
    module = ctx.resolver.bindings.module_scope.node
    if not isinstance(module, cst.Module):
        return None
    for statement in module.body:
        if (
            isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Import)
            and any(name is alias for name in statement.body[0].names)
        ):
            return statement
    return None
