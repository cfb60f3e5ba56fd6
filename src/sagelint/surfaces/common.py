"""What every surface module shares: the context its handlers get (the routes that call
them are in `surfaces/keys.py`), and the helpers more than one API family needs
(production variants, container lists, serverless configs, names bound once)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional, Tuple, Union

import libcst as cst

from sagelint.catalog import (
    CORE_PRODUCTION_VARIANTS,
    INSTANCE_PREFERENCE_SHAPES,
    PRODUCTION_VARIANT_FUNCTIONS,
    SDK_SERVERLESS_MAX_CONCURRENCY,
    SERVERLESS_CONFIGS,
    ClassInfo,
    Kind,
)
from sagelint.catalog_classes import Catalog
from sagelint.analysis.index import ModuleIndex
from sagelint.analysis.resolve import (
    DictValue,
    Keyword,
    Keywords,
    ListValue,
    ObjectValue,
    Resolver,
    Scalar,
    Value,
)
from sagelint.surfaces.facts import (
    DEPLOY_NAMES,
    SHAPE_NAMES,
    VARIANT_NAMES,
    CallSite,
    Deploy,
    DeployNames,
    Facts,
    Field,
    PreferenceEntry,
    ServerlessSettings,
)

_MAX_HOPS = 4


@dataclass(frozen=True)
class Context:
    """What a handler works with: the module's resolver and the facts collected so far."""

    resolver: Resolver
    facts: Facts
    # Builds the facts of a constructor call of another module of the project, read with
    # that module's resolver, when a receiver here is what it makes (Surfaces.collect).
    construct: Optional[Callable[[cst.Call, Resolver], None]] = None
    # The module whose every call `facts` holds (None: the resolver's). It differs when the
    # calls of a function of another module are collected (Engine._into_imported): the
    # constructions of that module outside the function are built through `construct`.
    collected: Optional[ModuleIndex] = None

    @property
    def catalog(self) -> Catalog:
        return self.resolver.catalog

    def holds_all_calls_of(self, index: ModuleIndex) -> bool:
        """Whether `facts` holds the facts of every call of the module `index` is of."""
        return index is (self.resolver.index if self.collected is None else self.collected)


def positional_count(call: cst.Call) -> int:
    return sum(1 for arg in call.args if arg.keyword is None and not arg.star)


def positional(resolver: Resolver, call: cst.Call, index: int, name: str) -> Optional[Keyword]:
    """The positional argument at `index` seen as the keyword `name` (None when there is
    none, or a `*args` before it makes its place unknown)."""
    for position, arg in enumerate(call.args):
        if arg.star or arg.keyword is not None:
            return None
        if position == index:
            return Keyword(name, arg, arg, resolver.resolve(arg.value))
    return None


def argument(
    resolver: Resolver, call: cst.Call, keywords: Keywords, index: int, name: str
) -> Optional[Keyword]:
    """A parameter given by keyword or at its position."""
    found = keywords.get(name)
    return found if found is not None else positional(resolver, call, index, name)


ServerlessNames = Tuple[str, str, str]  # memory size, max concurrency, provisioned concurrency


def serverless_settings(
    keywords: Keywords, names: ServerlessNames
) -> Tuple[Optional[Keyword], Optional[Keyword], Optional[Keyword]]:
    memory, maximum, provisioned = names
    return keywords.get(memory), keywords.get(maximum), keywords.get(provisioned)


# -- shared by SDK v2 and v3 (the same arguments and defaults) ----------------------------------
def serverless_config(ctx: Context, call: cst.Call, label: str) -> None:
    """`ServerlessInferenceConfig(memory_size_in_mb=2048, max_concurrency=5,
    provisioned_concurrency=None)`, by keyword or position."""
    keywords = ctx.resolver.keywords(call)
    names = ("memory_size_in_mb", "max_concurrency", "provisioned_concurrency")
    given = serverless_settings(keywords, names)
    memory, maximum, provisioned = (
        found if found is not None else argument(ctx.resolver, call, keywords, index, name)
        for index, (found, name) in enumerate(zip(given, names))
    )
    # A max concurrency not given is the SDK's default, unless **kwargs may carry one.
    default = SDK_SERVERLESS_MAX_CONCURRENCY if keywords.closed else None
    site = CallSite(call, label)
    ctx.facts.serverless_configs.append(
        ServerlessSettings(site, memory, maximum, provisioned, default_max_concurrency=default)
    )


def bound(resolver: Resolver, expr: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """What a name bound once stands for; the expression itself otherwise."""
    for _ in range(_MAX_HOPS):
        if not isinstance(expr, cst.Name):
            return expr
        binding = resolver.binding_of(expr)
        if binding is None:
            return None
        expr = binding[1].value
    return None


def serverless_state(keyword: Optional[Keyword], closed: bool) -> Optional[bool]:
    """True: a serverless endpoint; False: instance-based; None: unknown."""
    if keyword is None:
        return False if closed else None
    value = keyword.value
    if isinstance(value, Scalar):
        return value.value is not None
    if isinstance(value, ObjectValue):
        return True if value.qualified_name in SERVERLESS_CONFIGS else None
    if isinstance(value, DictValue):
        return True
    return None


def dict_keywords(value: DictValue) -> Keywords:
    """A dict's known entries seen as keywords (a boto3 variant, a container)."""
    found = {
        entry.key: Keyword(entry.key, entry.key_node, None, entry.value)
        for entry in value.effective_entries()
        if isinstance(entry.key, str) and entry.key_node is not None
    }
    return Keywords(found, value.closed)


def items(value: Value) -> Iterator[Value]:
    if isinstance(value, ListValue):
        yield from value.items


def containers(keywords: Keywords, primary: str, listed: str) -> Iterator[Value]:
    """A model's container definitions: the primary one, then those of the list."""
    first = keywords.get(primary)
    if first is not None:
        yield first.value
    rest = keywords.get(listed)
    if rest is not None:
        yield from items(rest.value)


_VARIANT_SERVERLESS: ServerlessNames = (
    "MemorySizeInMB", "MaxConcurrency", "ProvisionedConcurrency"
)

# A production variant is not a model class: it takes the timeouts, and is not JumpStart.
VARIANT = ClassInfo("ProductionVariant", Kind.MODEL)
# A variant with no model serves inference components, whose own startup parameters carry
# the timeouts: the variant is not missing them.
COMPONENT_VARIANT = ClassInfo("ProductionVariant", Kind.MODEL, deploy_takes_timeouts=False)


def known_string(value: Optional[Keyword]) -> Optional[str]:
    if value is not None and isinstance(value.value, Scalar) and isinstance(value.value.value, str):
        return value.value.value
    return None


def model_name_key(
    resolver: Resolver, keyword: Optional[Keyword], where: Optional[cst.CSTNode] = None
) -> Optional[str]:
    """What links a variant to its create_model call: the ModelName string when it is known,
    else the bindings of the one name both read (`ModelName=name` in one function)."""
    known = known_string(keyword)
    if known is not None or keyword is None:
        return known
    expr: Optional[cst.BaseExpression] = keyword.arg.value if keyword.arg is not None else None
    if expr is None and isinstance(where, cst.Dict):
        for element in where.elements:
            if isinstance(element, cst.DictElement) and element.key is keyword.anchor:
                expr = element.value
    if not isinstance(expr, cst.Name):
        return None
    defs = resolver.reaching(expr)
    return "binding:" + ",".join(sorted(str(d.serial) for d in defs)) if defs else None


def container_artifacts(fields: Keywords, names: Tuple[str, ...], mode: str) -> Optional[bool]:
    """Whether one container definition (boto3 dict or v3 shape) copies model artifacts from
    S3: `ModelDataUrl` / `ModelDataSource` given; a multi-model container loads them per
    request; None when that is not known."""
    if known_string(fields.get(mode)) == "MultiModel":
        return False
    for name in names:
        given = fields.get(name)
        if given is not None:
            if isinstance(given.value, Scalar) and given.value.value is None:
                continue
            return True
    return False if fields.closed else None


def all_artifacts(found: Iterable[Optional[bool]]) -> Optional[bool]:
    """A model's artifacts from its containers': any known to have them; otherwise known
    only when every container is known to have none."""
    answers = list(found)
    if any(answer is True for answer in answers):
        return True
    if answers and all(answer is False for answer in answers):
        return False
    return None


def variant(ctx: Context, site: CallSite, value: Value) -> None:
    """A production variant: a dict (boto3 names), a `production_variant(...)` call (deploy
    names) or a v3 `ProductionVariant(...)` shape (*_in_seconds names)."""
    if isinstance(value, DictValue):
        fields = dict_keywords(value)
        config = fields.get("ServerlessConfig")
        serverless = serverless_state(config, fields.closed)
        if config is not None and isinstance(config.value, DictValue):
            settings = serverless_settings(dict_keywords(config.value), _VARIANT_SERVERLESS)
            ctx.facts.serverless_configs.append(ServerlessSettings(site, *settings))
        _add(
            ctx, site, fields, serverless, VARIANT_NAMES, value.insert_target,
            components=fields.closed and "ModelName" not in fields,
        )
    elif isinstance(value, ObjectValue):
        call = value.call
        qualified = value.qualified_name
        if qualified in PRODUCTION_VARIANT_FUNCTIONS:
            fields = ctx.resolver.keywords(call)
            serverless = serverless_state(fields.get("serverless_inference_config"), fields.closed)
            model_name = None
            positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
            if positional:  # production_variant(model_name, instance_type, ...)
                first = ctx.resolver.resolve(positional[0])
                if isinstance(first, Scalar) and isinstance(first.value, str):
                    model_name = first.value
            instance_type = argument(ctx.resolver, call, fields, 1, "instance_type")
            _add(ctx, site, fields, serverless, DEPLOY_NAMES, call, model_name=model_name)
            if instance_type is not None:
                ctx.facts.deploys[-1].instance_type = instance_type.value
        elif qualified in CORE_PRODUCTION_VARIANTS:
            fields = ctx.resolver.keywords(call)
            serverless = serverless_state(fields.get("serverless_config"), fields.closed)
            _add(
                ctx, site, fields, serverless, SHAPE_NAMES, call,
                components=fields.closed and "model_name" not in fields,
            )


def variants_argument(
    ctx: Context, call: cst.Call, label: str, keyword: str, kms: Optional[str] = None
) -> None:
    """The production variants listed in one keyword argument of an endpoint-config call;
    `kms` names the config's storage KMS key argument, which every variant shares."""
    keywords = ctx.resolver.keywords(call)
    variants = keywords.get(keyword)
    if variants is not None:
        site = CallSite(call, label)
        for value in items(variants.value):
            variant(ctx, site, value)
        share_kms(ctx, call, keywords.get(kms) if kms is not None else None)


def share_kms(ctx: Context, call: cst.Call, kms: Optional[Keyword]) -> None:
    """Give the variants of one endpoint-config call its KMS key."""
    if kms is None:
        return
    for deploy in ctx.facts.deploys:
        if deploy.site.call is call:
            deploy.kms = kms


def _add(
    ctx: Context,
    site: CallSite,
    fields: Keywords,
    serverless: Optional[bool],
    names: DeployNames,
    container: Optional[Union[cst.Call, cst.Dict]],
    components: bool = False,
    model_name: Optional[str] = None,
) -> None:
    target = COMPONENT_VARIANT if components else VARIANT
    model_name = model_name or model_name_key(
        ctx.resolver, fields.get("ModelName") or fields.get("model_name"), container
    )
    ctx.facts.deploys.append(
        Deploy(
            site, target, fields, serverless, names=names, container=container,
            model_name=model_name,
        )
    )


# -- instance preferences (SM316; training and processing) -----------------------------------
def preference_entries(resolver: Resolver, value: Value) -> Optional[Tuple[PreferenceEntry, ...]]:
    """The entries of an instance-preference list: `InstancePreference(instance_type=...,
    instance_count=...)` shapes, or dicts with the snake_case (pydantic) or PascalCase
    (boto3) keys. None when the list is not known and closed."""
    if not isinstance(value, ListValue) or not value.closed:
        return None
    found = []
    for item in value.items:
        node: Optional[cst.CSTNode]
        if isinstance(item, ObjectValue) and item.qualified_name in INSTANCE_PREFERENCE_SHAPES:
            fields, node = resolver.keywords(item.call), item.call
        elif isinstance(item, DictValue):
            fields, node = dict_keywords(item), item.insert_target
        else:
            return None
        if node is None:
            return None
        instance_type = fields.get("instance_type") or fields.get("InstanceType")
        count = fields.get("instance_count") or fields.get("InstanceCount")
        if count is not None and isinstance(count.value, Scalar) and count.value.value is None:
            count = None  # None is the shape's "not set"
        found.append(
            PreferenceEntry(
                node,
                Field(instance_type.anchor, instance_type.value) if instance_type else None,
                Field(count.anchor, count.value) if count else None,
                count is None and fields.closed,
            )
        )
    return tuple(found)
