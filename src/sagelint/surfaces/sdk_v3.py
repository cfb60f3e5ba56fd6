"""SDK v3: `ModelBuilder` and its `.deploy(...)`, `ModelTrainer` with `Compute`, and the core
resources (`Model.create`, `EndpointConfig.create` with `ContainerDefinition` /
`ProductionVariant` shapes)."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import libcst as cst

from sagelint.catalog import (
    CORE_CONTAINER_DEFINITIONS,
    CORE_ENDPOINT_CONFIG_CREATE,
    CORE_MODEL_CREATE,
    MODEL_TRAINER_FIELDS,
    TRAINING_CALLABLES,
    Catalog,
    ClassInfo,
)
from sagelint.resolve import ObjectValue, Scalar
from sagelint.surfaces.common import (
    Context,
    Route,
    Table,
    containers,
    serverless_state,
    variants_argument,
)
from sagelint.surfaces.facts import CallSite, Deploy, EnvMapping, ServingModel
from sagelint.surfaces.training import training_job

PACKAGES = frozenset({"sagemaker"})


def model_builder(ctx: Context, call: cst.Call, label: str, info: ClassInfo) -> None:
    """A `ModelBuilder(...)`: which model server it runs is not known from the call, so its
    env is checked only by the rules that hold for any container."""
    keywords = ctx.resolver.keywords(call)
    if ctx.resolver.attribute_touched(call, "env"):
        keywords = keywords.with_unknown("env")
    site = CallSite(call, label)
    model = ServingModel(site, info, keywords, info.reads_server_timeout, info.family)
    ctx.facts.models.append(model)
    ctx.facts.by_call[call] = model
    env = keywords.get(info.env_keyword)
    if env is not None:
        ctx.facts.env_mappings.append(EnvMapping(site, env.anchor, env.value, None, info.family))


def model_builder_deploy(deploy: Deploy, builder: ServingModel) -> None:
    """ModelBuilder.deploy: a model id string in `model=` is a JumpStart or Hub model (its
    timeouts come from metadata); `container_timeout_in_seconds` is not the startup
    health-check timeout of a real-time endpoint; `inference_config` may make it serverless
    or an inference component."""
    model = builder.keywords.get("model")
    if model is not None and isinstance(model.value, Scalar) and _is_model_id(model.value.value):
        deploy.target = replace(deploy.target, jumpstart=True)
    config = deploy.keywords.get("inference_config")
    if config is not None:
        deploy.serverless = serverless_state(config, True) or None
    for spelling in ("container_timeout_in_seconds", "container_timeout_in_second"):
        if spelling in deploy.keywords:
            deploy.note = (
                f" (`{spelling}` does not set it: it applies to inference components and "
                "local mode only)"
            )


def _is_model_id(value: object) -> bool:
    """A JumpStart or Hugging Face Hub model id (`meta-llama/Llama-3.1-8B`), not a URI or a
    path to model artifacts."""
    return (
        isinstance(value, str)
        and bool(value)
        and "://" not in value
        and not value.startswith(("/", ".", "~"))
    )


def model_trainer(ctx: Context, call: cst.Call, label: str) -> None:
    training_job(ctx, call, label, MODEL_TRAINER_FIELDS)


def core_model_create(ctx: Context, call: cst.Call, label: str) -> None:
    site = CallSite(call, label)
    keywords = ctx.resolver.keywords(call)
    for container in containers(keywords, "primary_container", "containers"):
        if isinstance(container, ObjectValue) and (
            container.qualified_name in CORE_CONTAINER_DEFINITIONS
        ):
            fields = ctx.resolver.keywords(container.call)
            environment = fields.get("environment")
            if environment is not None:
                ctx.facts.env_mappings.append(
                    EnvMapping(site, environment.anchor, environment.value, None)
                )


def core_endpoint_config_create(ctx: Context, call: cst.Call, label: str) -> None:
    variants_argument(ctx, call, label, "production_variants")


def table(catalog: Catalog) -> Table:
    routes: Table = {
        name: Route(partial(model_builder, info=info), info.name)
        for name, info in catalog.classes.items()
        if info.model_builder
    }
    for name, (label, fields) in TRAINING_CALLABLES.items():
        if fields is MODEL_TRAINER_FIELDS:
            routes[name] = Route(model_trainer, label)
    routes.update({name: Route(core_model_create, "Model.create") for name in CORE_MODEL_CREATE})
    routes.update(
        {
            name: Route(core_endpoint_config_create, "EndpointConfig.create")
            for name in CORE_ENDPOINT_CONFIG_CREATE
        }
    )
    return routes
