"""Serving surfaces beyond `model.deploy(...)`: boto3 `create_model` and
`create_endpoint_config`, Session `create_endpoint_config` and
`endpoint_from_production_variants`, SDK v3 core resources (`Model.create`,
`EndpointConfig.create` with `ContainerDefinition` / `ProductionVariant` shapes), and batch
transform (`model.transformer(env=...)`)."""

from __future__ import annotations

from typing import Iterator, Optional, Union

import libcst as cst

from sagelint.catalog import (
    CORE_CONTAINER_DEFINITIONS,
    CORE_PRODUCTION_VARIANTS,
    PRODUCTION_VARIANT_FUNCTIONS,
    SERVERLESS_CONFIGS,
    ClassInfo,
    Kind,
    image_reads_server_timeout,
)
from sagelint.resolve import (
    DictValue,
    Keyword,
    Keywords,
    ListValue,
    ObjectValue,
    Resolver,
    Scalar,
    Value,
)
from sagelint.surfaces import (
    DEPLOY_NAMES,
    SHAPE_NAMES,
    VARIANT_NAMES,
    CallSite,
    Deploy,
    DeployNames,
    EnvMapping,
    Facts,
    ServingContainer,
)

# A production variant is not a model class: it takes the timeouts, and is not JumpStart.
VARIANT = ClassInfo("ProductionVariant", Kind.MODEL)
# A variant with no model serves inference components, whose own startup parameters carry
# the timeouts: the variant is not missing them.
COMPONENT_VARIANT = ClassInfo("ProductionVariant", Kind.MODEL, deploy_takes_timeouts=False)


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


def _items(value: Value) -> Iterator[Value]:
    if isinstance(value, ListValue):
        yield from value.items


def _containers(keywords: Keywords, primary: str, listed: str) -> Iterator[Value]:
    """A model's container definitions: the primary one, then those of the list."""
    first = keywords.get(primary)
    if first is not None:
        yield first.value
    rest = keywords.get(listed)
    if rest is not None:
        yield from _items(rest.value)


class ServingSurface:
    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver

    # -- boto3 ---------------------------------------------------------------------------
    def create_model(self, call: cst.Call, facts: Facts) -> None:
        site = CallSite(call, "create_model")
        keywords = self.resolver.keywords(call)
        for container in _containers(keywords, "PrimaryContainer", "Containers"):
            if isinstance(container, DictValue):
                self._boto3_container(site, container, facts)

    def _boto3_container(self, site: CallSite, container: DictValue, facts: Facts) -> None:
        fields = dict_keywords(container)
        image = fields.get("Image")
        reads = (
            image is not None
            and isinstance(image.value, Scalar)
            and isinstance(image.value.value, str)
            and image_reads_server_timeout(image.value.value)
        )
        environment = fields.get("Environment")
        if environment is not None:
            facts.env_mappings.append(
                EnvMapping(site, environment.anchor, environment.value, reads or None)
            )
        elif reads and fields.closed and isinstance(container.insert_target, cst.Dict):
            facts.containers.append(ServingContainer(site, container.insert_target))

    def create_endpoint_config(self, call: cst.Call, facts: Facts, session: bool) -> None:
        """boto3's create_endpoint_config(ProductionVariants=[...]), or a SageMaker
        Session's create_endpoint_config(..., container_startup_health_check_timeout=...)."""
        keywords = self.resolver.keywords(call)
        site = CallSite(call, "create_endpoint_config")
        if session:
            serverless = False if keywords.closed else None
            facts.deploys.append(Deploy(site, VARIANT, keywords, serverless, container=call))
            return
        variants = keywords.get("ProductionVariants")
        if variants is not None:
            for variant in _items(variants.value):
                self._variant(site, variant, facts)

    def endpoint_from_production_variants(self, call: cst.Call, facts: Facts) -> None:
        keywords = self.resolver.keywords(call)
        variants = keywords.get("production_variants")
        if variants is None:
            positional = [a for a in call.args if a.keyword is None and not a.star]
            if len(positional) < 2:
                return
            value = self.resolver.resolve(positional[1].value)
        else:
            value = variants.value
        site = CallSite(call, "endpoint_from_production_variants")
        for variant in _items(value):
            self._variant(site, variant, facts)

    def _variant(self, site: CallSite, variant: Value, facts: Facts) -> None:
        """A production variant: a dict (boto3 names), a `production_variant(...)` call
        (deploy names) or a v3 `ProductionVariant(...)` shape (*_in_seconds names)."""
        if isinstance(variant, DictValue):
            fields = dict_keywords(variant)
            serverless = serverless_state(fields.get("ServerlessConfig"), fields.closed)
            self._add(
                site, fields, serverless, VARIANT_NAMES, variant.insert_target, facts,
                components=fields.closed and "ModelName" not in fields,
            )
        elif isinstance(variant, ObjectValue):
            call = variant.call
            qualified = variant.qualified_name
            if qualified in PRODUCTION_VARIANT_FUNCTIONS:
                fields = self.resolver.keywords(call)
                serverless = serverless_state(
                    fields.get("serverless_inference_config"), fields.closed
                )
                self._add(site, fields, serverless, DEPLOY_NAMES, call, facts)
            elif qualified in CORE_PRODUCTION_VARIANTS:
                fields = self.resolver.keywords(call)
                serverless = serverless_state(fields.get("serverless_config"), fields.closed)
                self._add(
                    site, fields, serverless, SHAPE_NAMES, call, facts,
                    components=fields.closed and "model_name" not in fields,
                )

    @staticmethod
    def _add(
        site: CallSite,
        fields: Keywords,
        serverless: Optional[bool],
        names: DeployNames,
        container: Optional[Union[cst.Call, cst.Dict]],
        facts: Facts,
        components: bool = False,
    ) -> None:
        target = COMPONENT_VARIANT if components else VARIANT
        facts.deploys.append(
            Deploy(site, target, fields, serverless, names=names, container=container)
        )

    # -- SDK v3 core resources -------------------------------------------------------------
    def core_model_create(self, call: cst.Call, facts: Facts) -> None:
        site = CallSite(call, "Model.create")
        keywords = self.resolver.keywords(call)
        for container in _containers(keywords, "primary_container", "containers"):
            if isinstance(container, ObjectValue) and (
                container.qualified_name in CORE_CONTAINER_DEFINITIONS
            ):
                fields = self.resolver.keywords(container.call)
                environment = fields.get("environment")
                if environment is not None:
                    facts.env_mappings.append(
                        EnvMapping(site, environment.anchor, environment.value, None)
                    )

    def core_endpoint_config_create(self, call: cst.Call, facts: Facts) -> None:
        keywords = self.resolver.keywords(call)
        variants = keywords.get("production_variants")
        if variants is not None:
            site = CallSite(call, "EndpointConfig.create")
            for variant in _items(variants.value):
                self._variant(site, variant, facts)

    # -- batch transform -------------------------------------------------------------------
    @staticmethod
    def transformer(call: cst.Call, keywords: Keywords, facts: Facts) -> None:
        """`model.transformer(env=...)`: a batch job's environment. Only the value rules that
        hold for any container (SM103, SM107) apply; serving timeouts do not."""
        env = keywords.get("env")
        if env is not None:
            site = CallSite(call, "transformer")
            facts.env_mappings.append(EnvMapping(site, env.anchor, env.value, False, serving=False))
