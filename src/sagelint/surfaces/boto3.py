"""boto3's SageMaker client and the SDK's `Session`: `create_model`,
`create_endpoint_config`, `endpoint_from_production_variants`, `create_training_job` and
`update_training_job`, each claimed on the receiver kind it takes (`Receiver.CLIENT`,
`Receiver.SESSION`: `surfaces/receivers.py` decides)."""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from sagelint.catalog import (
    BOTO3_CREATE_FIELDS,
    BOTO3_UPDATE_FIELDS,
    SESSION_UPDATE_FIELDS,
    CONTAINER_DEF_FUNCTIONS,
    Family,
)
from sagelint.catalog_classes import Catalog
from sagelint.analysis.resolve import (
    UNKNOWN,
    DictValue,
    Keyword,
    Keywords,
    ListValue,
    ObjectValue,
    Scalar,
    Value,
)
from sagelint.surfaces.common import (
    VARIANT,
    Context,
    all_artifacts,
    argument,
    container_artifacts,
    containers,
    dict_keywords,
    items,
    known_string,
    model_name_key,
    positional_count,
    share_kms,
    variant,
    variants_argument,
)
from sagelint.surfaces.facts import (
    CallSite,
    ContainerImage,
    Deploy,
    EnvMapping,
    ServingContainer,
)
from sagelint.surfaces.images import container_image
from sagelint.surfaces.containers import image_family, image_literal_reads_server_timeout
from sagelint.surfaces.keys import Receiver, Table, method
from sagelint.surfaces.receivers import is_v3_session
from sagelint.surfaces.training import training_job

# A boto3 SageMaker client names "sagemaker" (so its bytes pass the prefilter) but may be the
# file's only import; a Session comes from the sagemaker package.
PACKAGES = frozenset({"boto3", "sagemaker"})


# -- serving ---------------------------------------------------------------------------------
def create_model(ctx: Context, call: cst.Call, label: str) -> None:
    site = CallSite(call, label)
    keywords = ctx.resolver.keywords(call)
    artifacts: List[Optional[bool]] = []
    envs: List[Optional[EnvMapping]] = []
    images: List[Optional[ContainerImage]] = []
    for container in containers(keywords, "PrimaryContainer", "Containers"):
        images.append(None)
        if isinstance(container, DictValue):
            images[-1] = container_image(site, dict_keywords(container), "Image", "Mode")
            envs.append(_container(ctx, site, container))
            artifacts.append(container_artifacts(dict_keywords(container), _MODEL_DATA, "Mode"))
        else:
            artifacts.append(None)
            envs.append(None)
    if not keywords.closed:
        artifacts.append(None)
    name = model_name_key(ctx.resolver, keywords.get("ModelName"))
    ctx.facts.add_model_artifacts(name, all_artifacts(artifacts))
    # One container: the model's env is the one its endpoint's instances run with.
    ctx.facts.add_model_env(name, envs[0] if len(envs) == 1 and keywords.closed else None)
    ctx.facts.add_model_image(name, images[0] if len(images) == 1 and keywords.closed else None)


_MODEL_DATA = ("ModelDataUrl", "ModelDataSource")


def session_create_model(ctx: Context, call: cst.Call, label: str) -> None:
    """`Session.create_model(name, role, container_defs)`: its container definitions are
    dicts or `container_def(image_uri, model_data_url, ...)` calls."""
    resolver = ctx.resolver
    keywords = resolver.keywords(call)
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    name = known_string(keywords.get("name"))
    if name is None and positional:
        first = resolver.resolve(positional[0])
        name = first.value if isinstance(first, Scalar) and isinstance(first.value, str) else None
    defs = keywords.get("container_defs")
    value: Optional[Value] = defs.value if defs is not None else (
        resolver.resolve(positional[2]) if len(positional) > 2 else None
    )
    answers: List[Optional[bool]] = []
    images: List[Optional[ContainerImage]] = []
    site = CallSite(call, label)
    for each in ([value] if not isinstance(value, ListValue) else value.items):
        images.append(None)
        if isinstance(each, DictValue):
            answers.append(container_artifacts(dict_keywords(each), _MODEL_DATA, "Mode"))
            images[-1] = container_image(site, dict_keywords(each), "Image", "Mode")
        elif isinstance(each, ObjectValue) and each.qualified_name in CONTAINER_DEF_FUNCTIONS:
            fields = resolver.keywords(each.call)
            given = positional_count(each.call) > 1 or "model_data_url" in fields
            answers.append(True if given else (False if fields.closed else None))
            images[-1] = _container_def_image(ctx, site, each.call, fields)
        else:
            answers.append(None)
    ctx.facts.add_model_artifacts(name, all_artifacts(answers))
    known = value is not None and not (isinstance(value, ListValue) and not value.closed)
    ctx.facts.add_model_image(name, images[0] if len(images) == 1 and known else None)


def _container_def_image(
    ctx: Context, site: CallSite, call: cst.Call, fields: Keywords
) -> Optional[ContainerImage]:
    """`container_def(image_uri, model_data_url=None, env=None, container_mode=None, ...)`."""
    image = argument(ctx.resolver, call, fields, 0, "image_uri")
    if image is None:
        return None
    mode = argument(ctx.resolver, call, fields, 3, "container_mode")
    multi = mode is not None and isinstance(mode.value, Scalar) and mode.value.value == "MultiModel"
    return ContainerImage(site, image.value, multi)


def _container(ctx: Context, site: CallSite, container: DictValue) -> Optional[EnvMapping]:
    fields = dict_keywords(container)
    image = fields.get("Image")
    reads = image_literal_reads_server_timeout(image.value if image is not None else None)
    environment = fields.get("Environment")
    if environment is not None:
        mapping = EnvMapping(
            site, environment.anchor, environment.value, reads or None, _llm(image)
        )
        ctx.facts.env_mappings.append(mapping)
        return mapping
    if reads and fields.closed and isinstance(container.insert_target, cst.Dict):
        ctx.facts.containers.append(ServingContainer(site, container.insert_target))
    return None


def _llm(image: Optional[Keyword]) -> Optional[Family]:
    """TGI or LMI when the container's image URI says so (SM110); None otherwise."""
    if image is None or not isinstance(image.value, Scalar):
        return None
    if not isinstance(image.value.value, str):
        return None
    family = image_family(image.value.value)[1]
    return family if family in (Family.TGI, Family.LMI) else None


def create_endpoint_config(ctx: Context, call: cst.Call, label: str) -> None:
    """boto3's create_endpoint_config(ProductionVariants=[...])."""
    variants_argument(ctx, call, label, "ProductionVariants", kms="KmsKeyId")


def session_create_endpoint_config(ctx: Context, call: cst.Call, label: str) -> None:
    """A SageMaker Session's create_endpoint_config(..., container_startup_health_check_timeout=...);
    v3's takes `(name, production_variants, tags, kms_key, ...)` instead."""
    assert isinstance(call.func, cst.Attribute)
    if is_v3_session(ctx.resolver, call.func.value):
        endpoint_from_production_variants(ctx, call, label)
        return
    keywords = ctx.resolver.keywords(call)
    serverless = False if keywords.closed else None
    if keywords.get("serverless_inference_config_dict") is not None:
        serverless = True
    site = CallSite(call, label)
    model_name = known_string(keywords.get("model_name"))
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    if model_name is None and len(positional) > 1:
        value = ctx.resolver.resolve(positional[1])
        if isinstance(value, Scalar) and isinstance(value.value, str):
            model_name = value.value
    # create_endpoint_config(name, model_name, initial_instance_count, instance_type, ...)
    instance_type = argument(ctx.resolver, call, keywords, 3, "instance_type")
    ctx.facts.deploys.append(
        Deploy(
            site, VARIANT, keywords, serverless, container=call, model_name=model_name,
            instance_type=instance_type.value if instance_type is not None else UNKNOWN,
            kms=keywords.get("kms_key"),
        )
    )


def endpoint_from_production_variants(ctx: Context, call: cst.Call, label: str) -> None:
    keywords = ctx.resolver.keywords(call)
    variants = keywords.get("production_variants")
    if variants is None:
        positional = [a for a in call.args if a.keyword is None and not a.star]
        if len(positional) < 2:
            return
        value = ctx.resolver.resolve(positional[1].value)
    else:
        value = variants.value
    site = CallSite(call, label)
    for each in items(value):
        variant(ctx, site, each)
    share_kms(ctx, call, keywords.get("kms_key"))


# -- training --------------------------------------------------------------------------------
def create_training_job(ctx: Context, call: cst.Call, label: str) -> None:
    training_job(ctx, call, label, BOTO3_CREATE_FIELDS)


def update_training_job(ctx: Context, call: cst.Call, label: str) -> None:
    training_job(ctx, call, label, BOTO3_UPDATE_FIELDS, is_update=True)


def session_update_training_job(ctx: Context, call: cst.Call, label: str) -> None:
    training_job(ctx, call, label, SESSION_UPDATE_FIELDS, is_update=True)


_CLIENT = (
    create_model,
    create_endpoint_config,
    create_training_job,
    update_training_job,
)
_SESSION = {
    "create_model": session_create_model,
    "create_endpoint_config": session_create_endpoint_config,
    "endpoint_from_production_variants": endpoint_from_production_variants,
    "update_training_job": session_update_training_job,
}


def table(catalog: Catalog) -> Table:
    routes = Table()
    for handler in _CLIENT:
        name = handler.__name__
        routes.add(method(name, Receiver.CLIENT), handler, name)
    for name, handler in _SESSION.items():
        routes.add(method(name, Receiver.SESSION), handler, name)
    return routes
