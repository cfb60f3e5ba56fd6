"""AWS CDK in Python: the L1 constructs of `aws_cdk.aws_sagemaker`.

`CfnModel` containers feed the environment rules as boto3's do, `CfnEndpointConfig`
production variants and their serverless config feed the endpoint rules under CDK's own
property names, and `model_name`, `endpoint_config_name`, `endpoint_name` are checked as
names. A property is a `...Property(...)` call or a dict literal, whose keys may be the
Python (snake_case) or the CloudFormation (camelCase) spelling. Facts: aws-cdk-lib 2.275.0,
`aws_cdk/aws_sagemaker/__init__.py` (read, never imported); ranges are CloudFormation's.

The names are qualified, never matched: `from aws_cdk import aws_sagemaker as sagemaker`
makes `sagemaker.CfnModel` this surface's, while the SageMaker SDK's `sagemaker` package is
never taken for CDK.
"""

from __future__ import annotations

import re
from typing import Iterator, List, Optional, Union

import libcst as cst

from sagelint import names as n
from sagelint.catalog import ClassInfo, Kind
from sagelint.catalog_classes import Catalog
from sagelint.analysis.resolve import DictValue, Keyword, Keywords, ListValue, ObjectValue, Scalar, Value
from sagelint.surfaces.common import (
    Context,
    all_artifacts,
    bound,
    container_artifacts,
    containers,
    dict_keywords,
    known_string,
    share_kms,
)
from sagelint.surfaces.containers import image_literal_reads_server_timeout
from sagelint.surfaces.keys import Table
from sagelint.surfaces.images import container_image
from sagelint.surfaces.facts import (
    SHAPE_NAMES,
    CallSite,
    ConfigValues,
    Deploy,
    DeployNames,
    EnvMapping,
    ModelIsolation,
    ResourceName,
    ServerlessSettings,
    ServingContainer,
)

PACKAGES = frozenset({"aws_cdk"})
PREFIX = "aws_cdk.aws_sagemaker."
CFN_MODEL = PREFIX + "CfnModel"
CONTAINER = CFN_MODEL + ".ContainerDefinitionProperty"
CFN_ENDPOINT_CONFIG = PREFIX + "CfnEndpointConfig"
VARIANT = CFN_ENDPOINT_CONFIG + ".ProductionVariantProperty"
SERVERLESS = CFN_ENDPOINT_CONFIG + ".ServerlessConfigProperty"
CFN_ENDPOINT = PREFIX + "CfnEndpoint"

# The CloudFormation spelling of the variant settings, in a dict property.
CAMEL_NAMES = DeployNames(
    "containerStartupHealthCheckTimeoutInSeconds",
    "modelDataDownloadTimeoutInSeconds",
    "volumeSizeInGB",
    "instanceType",
)
_CAMEL = re.compile(r"^[a-z]+[A-Z]")

_VARIANT_INFO = ClassInfo("ProductionVariantProperty", Kind.MODEL)
# A variant without a model serves inference components, which carry their own timeouts.
_COMPONENT_VARIANT = ClassInfo("ProductionVariantProperty", Kind.MODEL, deploy_takes_timeouts=False)


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class _Property:
    """A CDK property, as a `...Property(...)` call or a dict literal."""

    def __init__(self, fields: Keywords, node: Union[cst.Call, cst.Dict, None], camel: bool):
        self.fields = fields
        self.node = node
        self.camel = camel

    def get(self, snake: str) -> Optional[Keyword]:
        return self.fields.get(_camel(snake) if self.camel else snake)

    def has(self, snake: str) -> bool:
        return (_camel(snake) if self.camel else snake) in self.fields

    def key(self, snake: str) -> str:
        return _camel(snake) if self.camel else snake


def cfn_model(ctx: Context, call: cst.Call, label: str) -> None:
    site = CallSite(call, label)
    keywords = ctx.resolver.keywords(call)
    found = list(_containers(ctx, keywords))
    for container in found:
        _container(ctx, site, container)
    _name(ctx, site, keywords, "model_name", n.MODEL)
    # Whether the model copies artifacts from S3 (SM202), for the variants that name it by
    # its `model_name` or by `model.attr_model_name`.
    listed = [keywords.get(field) for field in ("primary_container", "containers")]
    artifacts = None
    if keywords.closed and found and len(found) == _count_containers(listed):
        artifacts = all_artifacts(
            container_artifacts(
                c.fields, (c.key("model_data_url"), c.key("model_data_source")), c.key("mode")
            )
            for c in found
        )
    ctx.facts.add_model_artifacts(known_string(keywords.get("model_name")), artifacts)
    ctx.facts.add_model_artifacts(_model_key(call), artifacts)
    # Its image and mode (SM211, SM212), when it has one container.
    image = None
    if keywords.closed and len(found) == 1 and _count_containers(listed) == 1:
        only = found[0]
        image = container_image(site, only.fields, only.key("image"), only.key("mode"))
    ctx.facts.add_model_image(known_string(keywords.get("model_name")), image)
    ctx.facts.add_model_image(_model_key(call), image)
    isolation = keywords.get("enable_network_isolation")
    if isolation is not None or keywords.closed:
        ctx.facts.isolation.append(ModelIsolation(site, isolation, "enable_network_isolation"))
    _tags(ctx, site, keywords)


def cfn_endpoint_config(ctx: Context, call: cst.Call, label: str) -> None:
    site = CallSite(call, label)
    keywords = ctx.resolver.keywords(call)
    variants = keywords.get("production_variants")
    if variants is not None and isinstance(variants.value, ListValue):
        for item in variants.value.items:
            variant = _property(ctx, item, VARIANT)
            if variant is not None:
                _variant(ctx, site, variant)
    # The storage KMS key is the config's, shared by its variants (SM208).
    share_kms(ctx, call, keywords.get("kms_key_id"))
    _name(ctx, site, keywords, "endpoint_config_name", n.ENDPOINT_CONFIG)
    _tags(ctx, site, keywords)


def cfn_endpoint(ctx: Context, call: cst.Call, label: str) -> None:
    site = CallSite(call, label)
    keywords = ctx.resolver.keywords(call)
    _name(ctx, site, keywords, "endpoint_name", n.ENDPOINT)
    _name(ctx, site, keywords, "endpoint_config_name", n.ENDPOINT_CONFIG)


def table(catalog: Catalog) -> Table:
    routes = Table()
    routes.add(CFN_MODEL, cfn_model, "CfnModel")
    routes.add(CFN_ENDPOINT_CONFIG, cfn_endpoint_config, "CfnEndpointConfig")
    routes.add(CFN_ENDPOINT, cfn_endpoint, "CfnEndpoint")
    return routes


def _property(ctx: Context, value: Value, shape: str) -> Optional[_Property]:
    if isinstance(value, ObjectValue) and value.qualified_name == shape:
        return _Property(ctx.resolver.keywords(value.call), value.call, camel=False)
    if isinstance(value, DictValue):
        fields = dict_keywords(value)
        camel = any(_CAMEL.match(key) for key in fields.by_name)
        target = value.insert_target if isinstance(value.insert_target, cst.Dict) else None
        return _Property(fields, target, camel)
    return None


# -- CfnModel ---------------------------------------------------------------------------------
def _containers(ctx: Context, keywords: Keywords) -> Iterator[_Property]:
    for value in containers(keywords, "primary_container", "containers"):
        found = _property(ctx, value, CONTAINER)
        if found is not None:
            yield found


def _container(ctx: Context, site: CallSite, container: _Property) -> None:
    image = container.get("image")
    reads = image_literal_reads_server_timeout(image.value if image is not None else None)
    environment = container.get("environment")
    if environment is not None:
        ctx.facts.env_mappings.append(
            EnvMapping(site, environment.anchor, environment.value, reads or None)
        )
    elif reads and container.fields.closed and container.node is not None:
        ctx.facts.containers.append(
            ServingContainer(site, container.node, container.key("environment"))
        )


# -- CfnEndpointConfig --------------------------------------------------------------------------
def _variant(ctx: Context, site: CallSite, variant: _Property) -> None:
    fields = variant.fields
    components = fields.closed and not variant.has("model_name")
    ctx.facts.deploys.append(
        Deploy(
            site,
            _COMPONENT_VARIANT if components else _VARIANT_INFO,
            fields,
            _serverless(variant),
            names=CAMEL_NAMES if variant.camel else SHAPE_NAMES,
            container=variant.node,
            model_name=_model_named(ctx, variant),
        )
    )
    config = variant.get("serverless_config")
    serverless = _property(ctx, config.value, SERVERLESS) if config is not None else None
    if serverless is not None:  # SM209: CloudFormation's ranges are the API's
        memory, maximum, provisioned = (serverless.get(name) for name in (
            "memory_size_in_mb", "max_concurrency", "provisioned_concurrency"
        ))
        ctx.facts.serverless_configs.append(ServerlessSettings(site, memory, maximum, provisioned))


def _count_containers(listed: List[Optional[Keyword]]) -> int:
    primary, rest = listed
    count = 1 if primary is not None else 0
    if rest is not None and isinstance(rest.value, ListValue):
        count += len(rest.value.items)
    return count


def _model_key(call: cst.Call) -> str:
    """The key a CfnModel is known by when a variant names it as `model.attr_model_name`."""
    return f"<CfnModel {id(call)}>"


def _model_named(ctx: Context, variant: _Property) -> Optional[str]:
    """The model a variant serves: its `model_name` string, or the CfnModel whose
    `attr_model_name` it reads."""
    keyword = variant.get("model_name")
    if keyword is None:
        return None
    name = known_string(keyword)
    if name is not None:
        return name
    expr = _written(variant, variant.key("model_name"))
    if isinstance(expr, cst.Attribute) and expr.attr.value == "attr_model_name":
        model = bound(ctx.resolver, expr.value)
        if isinstance(model, cst.Call) and ctx.resolver.qualified_name(model.func) == CFN_MODEL:
            return _model_key(model)
    return None


def _written(variant: _Property, key: str) -> Optional[cst.BaseExpression]:
    """The expression written for a property field, in a call or a dict literal."""
    node = variant.node
    if isinstance(node, cst.Call):
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == key:
                return arg.value
    elif isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                if element.key.evaluated_value == key:
                    return element.value
    return None


def _serverless(variant: _Property) -> Optional[bool]:
    """True: serverless; False: instance-based; None: unknown."""
    config = variant.get("serverless_config")
    if config is None:
        return False if variant.fields.closed else None
    value = config.value
    if isinstance(value, Scalar):
        return value.value is not None
    if isinstance(value, DictValue) or (
        isinstance(value, ObjectValue) and value.qualified_name == SERVERLESS
    ):
        return True
    return None


# -- shared -----------------------------------------------------------------------------------
def _name(ctx: Context, site: CallSite, keywords: Keywords, field: str, kind: n.NameKind) -> None:
    keyword = keywords.get(field)
    if keyword is not None and keyword.arg is not None:
        ctx.facts.names.append(ResourceName(site, f"`{field}`", kind, keyword.arg.value))


def _tags(ctx: Context, site: CallSite, keywords: Keywords) -> None:
    tags = keywords.get("tags")
    if tags is not None:
        ctx.facts.config_values.append(ConfigValues(site, "tags", tags.value))
