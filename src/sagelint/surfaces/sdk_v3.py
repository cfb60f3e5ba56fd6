"""SDK v3: `ModelBuilder` (what its `.deploy(...)` does is read in `surfaces/builders.py`),
`ModelTrainer` with `Compute` / `Networking` / `SourceCode` and its setters (a local
container is no job), and the core resources (`Model.create`, `EndpointConfig.create` with
`ContainerDefinition` / `ProductionVariant` shapes, `TrainingJob.create` with
`ResourceConfig`, a tuning job's `HyperParameterTrainingJobDefinition`)."""

from __future__ import annotations

from functools import partial
from typing import List, Optional

import libcst as cst

from sagelint import names as n
from sagelint.catalog import (
    CORE_CONTAINER_DEFINITIONS,
    CORE_ENDPOINT_CONFIG_CREATE,
    CORE_MODEL_CREATE,
    CORE_TRAINING_JOB_CREATE,
    CORE_TRAINING_JOB_FIELDS,
    INSTANCE_PREFERENCES,
    MODEL_TRAINER_FIELDS,
    SOURCE_CODES,
    TRAINER_FACTORIES,
    TRAINER_MODES,
    TRAINING_JOB_DEFINITION_FIELDS,
    TRAINING_JOB_DEFINITIONS,
    SERVERLESS_SHAPES,
    TRAINER_SETTERS,
    TRAINING_CALLABLES,
    V3_ALL_SERVERLESS_CONFIGS,
    V3_NETWORKING,
    ClassInfo,
)
from sagelint.catalog_classes import Catalog
from sagelint.analysis.resolve import Keywords, ObjectValue, Scalar
from sagelint.surfaces.common import (
    Context,
    all_artifacts,
    container_artifacts,
    containers,
    known_string,
    serverless_config,
    serverless_settings,
    variants_argument,
)
from sagelint.surfaces.images import container_image
from sagelint.surfaces.facts import (
    CallSite,
    ContainerImage,
    EntryScript,
    EnvMapping,
    InstancePreferences,
    ModelIsolation,
    ResourceName,
    ServerlessSettings,
    ServingModel,
)
from sagelint.surfaces.keys import Phase, Receiver, Table, method
from sagelint.surfaces.training import field_at, trainer_setter, training_job

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
    _builder_isolation(ctx, site, keywords)


def _builder_isolation(ctx: Context, site: CallSite, keywords: Keywords) -> None:
    """`ModelBuilder(network=Networking(enable_network_isolation=...))` (SM503): the model
    it creates runs isolated only so (`sagemaker.serve.configs.Network` is not taken)."""
    network = keywords.get("network")
    if network is None:
        if keywords.closed:
            ctx.facts.isolation.append(ModelIsolation(site, None, "network.enable_network_isolation"))
        return
    value = network.value
    if isinstance(value, ObjectValue) and value.qualified_name in V3_NETWORKING:
        fields = ctx.resolver.keywords(value.call)
        setting = fields.get("enable_network_isolation")
        if setting is not None or fields.closed:
            ctx.facts.isolation.append(
                ModelIsolation(CallSite(value.call, "Networking"), setting, "enable_network_isolation")
            )


def model_trainer(ctx: Context, call: cst.Call, label: str) -> None:
    """A ModelTrainer: its entry script (SM403), and a training job unless it runs in a
    local container (then only its instance preferences are checked, SM316) or its mode is
    not known."""
    keywords = ctx.resolver.keywords(call)
    # train() writes the script runner in either mode: SM403 holds for both.
    _entry_script(ctx, CallSite(call, label), keywords)
    local = _local_mode(ctx, keywords)
    if local is None:
        return
    if local:
        _no_preferences(ctx, call, label, keywords, "`training_mode=Mode.LOCAL_CONTAINER`")
        return
    training_job(ctx, call, label, MODEL_TRAINER_FIELDS, keywords=keywords)


def trainer_factory(ctx: Context, call: cst.Call, label: str) -> None:
    """`ModelTrainer.from_recipe(compute=...)` / `.from_jumpstart_config(compute=...)`:
    neither takes instance preferences (SM316). Their job settings come partly from the
    recipe or the JumpStart metadata: no job rule reads them."""
    _no_preferences(ctx, call, label, ctx.resolver.keywords(call), f"`{label}(...)`")


def _local_mode(ctx: Context, keywords: Keywords) -> Optional[bool]:
    """Whether `training_mode` is known to be Mode.LOCAL_CONTAINER (True), known to be a
    SageMaker training job or not given (False), or unknown (None)."""
    mode = keywords.get("training_mode")
    if mode is None:
        return False
    if isinstance(mode.value, Scalar) and isinstance(mode.value.value, str):
        return _mode_member(mode.value.value)  # pydantic takes the enum's value
    expr = mode.arg.value if mode.arg is not None else None
    if isinstance(expr, cst.Name):
        bound = ctx.resolver.binding_of(expr)
        expr = bound[1].value if bound is not None else None
    qualified = ctx.resolver.qualified_name(expr) if expr is not None else None
    if qualified is None or "." not in qualified:
        return None
    owner, member = qualified.rsplit(".", 1)
    return _mode_member(member) if owner in TRAINER_MODES else None


def _mode_member(member: str) -> Optional[bool]:
    return {"LOCAL_CONTAINER": True, "SAGEMAKER_TRAINING_JOB": False}.get(member)


def _no_preferences(
    ctx: Context, call: cst.Call, label: str, keywords: Keywords, why: str
) -> None:
    """A trainer that takes no instance preferences: its `compute`'s list, if it has one."""
    preferences, _ = field_at(ctx.resolver, keywords, MODEL_TRAINER_FIELDS[INSTANCE_PREFERENCES][0])
    if preferences is not None:
        ctx.facts.instance_preferences.append(
            InstancePreferences(CallSite(call, label), preferences, {}, excluded_by=why)
        )


def _entry_script(ctx: Context, site: CallSite, keywords: Keywords) -> None:
    """`source_code=SourceCode(entry_script=...)` (SM403): the script, and whether
    `command` or `distributed` runs it instead."""
    source = keywords.get("source_code")
    if source is None or not isinstance(source.value, ObjectValue):
        return
    if source.value.qualified_name not in SOURCE_CODES:
        return
    fields = ctx.resolver.keywords(source.value.call)
    script = fields.get("entry_script")
    if script is None:
        return
    launchers = [_given(fields, "command"), _given(keywords, "distributed")]
    other = True if True in launchers else (None if None in launchers else False)
    ctx.facts.entry_scripts.append(EntryScript(site, script, other))


def _given(keywords: Keywords, name: str) -> Optional[bool]:
    """Whether a keyword is known to be given a value other than None."""
    keyword = keywords.get(name)
    if keyword is None:
        return False if keywords.closed else None
    if isinstance(keyword.value, Scalar):
        return keyword.value.value is not None
    return True if isinstance(keyword.value, ObjectValue) else None


def core_training_job(ctx: Context, call: cst.Call, label: str) -> None:
    """`TrainingJob.create(resource_config=ResourceConfig(...), ...)`."""
    training_job(ctx, call, label, CORE_TRAINING_JOB_FIELDS)


def training_job_definition(ctx: Context, call: cst.Call, label: str) -> None:
    """`HyperParameterTrainingJobDefinition(...)`: the jobs a tuning job runs."""
    training_job(ctx, call, label, TRAINING_JOB_DEFINITION_FIELDS)


def core_model_create(ctx: Context, call: cst.Call, label: str) -> None:
    site = CallSite(call, label)
    keywords = ctx.resolver.keywords(call)
    artifacts: List[Optional[bool]] = [] if keywords.closed else [None]
    images: List[Optional[ContainerImage]] = []
    for container in containers(keywords, "primary_container", "containers"):
        images.append(None)
        if not isinstance(container, ObjectValue) or (
            container.qualified_name not in CORE_CONTAINER_DEFINITIONS
        ):
            artifacts.append(None)
        if isinstance(container, ObjectValue) and (
            container.qualified_name in CORE_CONTAINER_DEFINITIONS
        ):
            fields = ctx.resolver.keywords(container.call)
            images[-1] = container_image(site, fields, "image", "mode")
            artifacts.append(
                container_artifacts(fields, ("model_data_url", "model_data_source"), "mode")
            )
            environment = fields.get("environment")
            if environment is not None:
                ctx.facts.env_mappings.append(
                    EnvMapping(site, environment.anchor, environment.value, None)
                )
    ctx.facts.add_model_artifacts(known_string(keywords.get("model_name")), all_artifacts(artifacts))
    ctx.facts.add_model_image(
        known_string(keywords.get("model_name")),
        images[0] if len(images) == 1 and keywords.closed else None,
    )
    # Its name (SM401) and its isolation (SM503).
    name = keywords.get("model_name")
    if name is not None and name.arg is not None:
        ctx.facts.names.append(ResourceName(site, "`model_name`", n.MODEL, name.arg.value))
    isolation = keywords.get("enable_network_isolation")
    if isolation is not None or keywords.closed:
        ctx.facts.isolation.append(ModelIsolation(site, isolation, "enable_network_isolation"))


def core_endpoint_config_create(ctx: Context, call: cst.Call, label: str) -> None:
    variants_argument(ctx, call, label, "production_variants", kms="kms_key_id")


def serverless_shape(ctx: Context, call: cst.Call, label: str) -> None:
    """`ProductionVariantServerlessConfig(...)`: the API's own names; no defaults."""
    settings = serverless_settings(
        ctx.resolver.keywords(call), ("memory_size_in_mb", "max_concurrency",
                                      "provisioned_concurrency"),
    )
    ctx.facts.serverless_configs.append(
        ServerlessSettings(CallSite(call, label), *settings)
    )


def table(catalog: Catalog) -> Table:
    routes = Table()
    for name, info in catalog.classes.items():
        if info.model_builder:
            routes.add(name, partial(model_builder, info=info), info.name)
    for name, (label, fields) in TRAINING_CALLABLES.items():
        if fields is MODEL_TRAINER_FIELDS:
            routes.add(name, model_trainer, label)
    for name in CORE_MODEL_CREATE:
        routes.add(name, core_model_create, "Model.create")
    for name in CORE_ENDPOINT_CONFIG_CREATE:
        routes.add(name, core_endpoint_config_create, "EndpointConfig.create")
    # Both copies of v3's ServerlessInferenceConfig take v2's arguments and defaults (SM209).
    for name in sorted(V3_ALL_SERVERLESS_CONFIGS):
        routes.add(name, serverless_config, "ServerlessInferenceConfig")
    for name in SERVERLESS_SHAPES:
        routes.add(name, serverless_shape, "ProductionVariantServerlessConfig")
    for name, (_, fields) in TRAINING_CALLABLES.items():
        if fields is MODEL_TRAINER_FIELDS:
            for factory, factory_label in TRAINER_FACTORIES.items():
                routes.add(f"{name}.{factory}", trainer_factory, factory_label)
    for name in CORE_TRAINING_JOB_CREATE:
        routes.add(name, core_training_job, "TrainingJob.create")
    for name in TRAINING_JOB_DEFINITIONS:
        routes.add(name, training_job_definition, "HyperParameterTrainingJobDefinition")
    for name in TRAINER_SETTERS:
        routes.add(method(name, Receiver.TRAINER), trainer_setter, name, Phase.METHOD)
    return routes
