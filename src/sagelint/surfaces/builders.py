"""What an SDK v3 `ModelBuilder`'s `.deploy(...)` does, read from the builder's fields: shared
by the surface that builds the Deploy fact of a deploy (`sdk_v2.py`, whatever the receiver)
and the one that knows ModelBuilder (`sdk_v3.py`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

import libcst as cst

from sagelint.analysis.bindings import DefKind
from sagelint.analysis.resolve import (
    UNKNOWN,
    DictValue,
    Keyword,
    ObjectValue,
    Resolver,
    Scalar,
    Value,
)
from sagelint.catalog import (
    IC_DEFAULT_MEMORY_MB,
    LOCAL_MODES,
    REJECTED_INFERENCE_CONFIGS,
    TRAINED_MODEL_SOURCES,
    V2_INFERENCE_CONFIGS,
    V3_ONLY_MODEL_BUILDERS,
    V3_ASYNC_CONFIGS,
    V3_COMPUTE,
    V3_RESOURCE_REQUIREMENTS,
    V3_SERVERLESS_CONFIGS,
)
from sagelint.names import INFERENCE_COMPONENT
from sagelint.surfaces.common import Context, dict_keywords, positional, positional_count
from sagelint.surfaces.facts import (
    AcceleratorRequest,
    Deploy,
    InferenceConfigProblem,
    MemoryRequest,
    ResourceName,
    ServingModel,
)


def model_builder_deploy(ctx: Context, deploy: Deploy, builder: ServingModel) -> bool:
    """ModelBuilder.deploy: a model id string in `model=` is a JumpStart or Hub model (its
    timeouts come from metadata); `container_timeout_in_seconds` is not the startup
    health-check timeout; `inference_config` makes it serverless, async (provisioned like
    real-time), an inference component, or fail (SM217, SM218). Returns whether the deploy
    reaches the service (the other SM2 rules read it then)."""
    model = builder.keywords.get("model")
    if _may_be_model_id(builder, model):
        # JumpStart and Hub models take their timeouts and memory from metadata: a model
        # that may be one (an id, or a value not known) leaves SM201, SM202 and SM210 silent.
        deploy.target = replace(deploy.target, jumpstart=True)
    elif model is not None and isinstance(model.value, Scalar) and isinstance(model.value.value, str):
        deploy.artifacts = True  # a URI or path of model artifacts
    for name in ("model_path", "s3_model_data_url"):
        given = builder.keywords.get(name)
        if given is not None and not (isinstance(given.value, Scalar) and given.value.value is None):
            deploy.artifacts = True
    deploy.instance_type = _instance_type(ctx, deploy, builder)
    config = deploy.keywords.get("inference_config")
    kind = _config_kind(config, _v3_only(ctx, builder))
    if kind == _REJECTED:
        assert config is not None and isinstance(config.value, ObjectValue)
        ctx.facts.inference_config_problems.append(_rejected(ctx, deploy, config, config.value))
        return False
    if kind == _COMPONENT:
        assert config is not None and isinstance(config.value, ObjectValue)
        update = deploy.keywords.get("update_endpoint")
        if update is not None and isinstance(update.value, Scalar) and update.value.value is True:
            ctx.facts.inference_config_problems.append(
                InferenceConfigProblem(deploy.site, config, update=update)
            )
            return False
        _component(ctx, deploy, config.value)
    if config is not None:
        deploy.serverless = None if kind is None else kind == _SERVERLESS
    for spelling in ("container_timeout_in_seconds", "container_timeout_in_second"):
        if spelling in deploy.keywords:
            deploy.note = (
                f" (`{spelling}` does not set it: it applies to inference components and "
                "local mode only)"
            ) if kind != _COMPONENT else (
                f" (`{spelling}` does not set it: it applies only when an existing inference "
                "component is updated)"
            )
    return True


_SERVERLESS, _PROVISIONED, _COMPONENT, _REJECTED = "serverless", "provisioned", "component", "rejected"


def _v3_only(ctx: Context, builder: ServingModel) -> bool:
    """Whether the builder is imported from a path only SDK v3 has (then it is v3's, which
    rejects the v2 inference configs)."""
    return ctx.resolver.qualified_name(builder.site.call.func) in V3_ONLY_MODEL_BUILDERS


def _config_kind(config: Optional[Keyword], v3_builder: bool) -> Optional[str]:
    """What `deploy(inference_config=...)` makes of the deploy (shared/V3.md section 1 item
    3); None when that is not known. A v2 class is rejected only by a builder known to be
    v3's; v2's builder takes it (its inference-component deploy is not modelled: unknown)."""
    if config is None:
        return None
    value = config.value
    if isinstance(value, Scalar) and value.value is None:
        return _PROVISIONED
    if not isinstance(value, ObjectValue):
        return None
    qualified = value.qualified_name
    if qualified in V3_SERVERLESS_CONFIGS:
        return _SERVERLESS
    if qualified in V3_ASYNC_CONFIGS:
        return _PROVISIONED
    if qualified in V3_RESOURCE_REQUIREMENTS:
        return _COMPONENT
    if qualified in REJECTED_INFERENCE_CONFIGS:
        return _REJECTED
    if qualified in V2_INFERENCE_CONFIGS:
        if v3_builder:
            return _REJECTED
        accepted = V2_INFERENCE_CONFIGS[qualified]
        if accepted == "ServerlessInferenceConfig":
            return _SERVERLESS
        return _PROVISIONED if accepted == "AsyncInferenceConfig" else None
    return None


def _instance_type(ctx: Context, deploy: Deploy, builder: ServingModel) -> Value:
    """The deploy's instance type: `deploy(instance_type=)`, else `compute.instance_type`
    when `compute` is given (a `None` there is the SDK's pick: unknown), else the
    constructor's `instance_type` (shared/V3.md section 1 item 5)."""
    given = deploy.keywords.get("instance_type")
    if given is not None:
        return given.value
    # deploy(endpoint_name, initial_instance_count, instance_type, ...) by position: not read.
    if not deploy.keywords.closed or positional_count(deploy.site.call) > 2:
        return UNKNOWN
    touched = ctx.resolver.attribute_touched
    if touched(builder.site.call, "compute") or touched(builder.site.call, "instance_type"):
        return UNKNOWN  # set after construction
    compute = builder.keywords.get("compute")
    if compute is not None:
        value = compute.value
        if isinstance(value, ObjectValue) and value.qualified_name in V3_COMPUTE:
            found = ctx.resolver.keywords(value.call).get("instance_type")
            if found is not None and not (isinstance(found.value, Scalar) and found.value.value is None):
                return found.value
        return UNKNOWN
    if not builder.keywords.closed:
        return UNKNOWN
    found = builder.keywords.get("instance_type")
    return found.value if found is not None else UNKNOWN


# What `ResourceRequirements.__init__` makes of `requests` (the SDK sends these attributes).
_REQUIREMENT_ATTRIBUTES = (
    "requests", "limits", "min_memory", "max_memory", "num_accelerators", "num_cpus",
    "copy_count",
)


def _component(ctx: Context, deploy: Deploy, requirements: ObjectValue) -> None:
    """An inference-component deploy: its memory request (SM210) and its accelerators
    (SM111) from `ResourceRequirements(requests={...})`."""
    name = deploy.keywords.get("inference_component_name")  # taken from **kwargs
    if name is not None and name.arg is not None:
        ctx.facts.names.append(ResourceName(
            deploy.site, "`inference_component_name`", INFERENCE_COMPONENT, name.arg.value
        ))
    if any(
        ctx.resolver.attribute_touched(requirements.call, attribute)
        for attribute in _REQUIREMENT_ATTRIBUTES
    ):
        return  # `config.min_memory = 4096` later: what the SDK sends is not the call's
    fields = ctx.resolver.keywords(requirements.call)
    requests = fields.get("requests")
    if requests is None:
        requests = positional(ctx.resolver, requirements.call, 0, "requests")
    site = deploy.site
    jumpstart = deploy.target.jumpstart
    if requests is None:
        if fields.closed and not jumpstart and positional_count(requirements.call) == 0:
            ctx.facts.memory_requests.append(MemoryRequest(
                site, requirements.call, "`ResourceRequirements(...)` has no `requests`",
                requirements.call, "requests", "",
            ))
        return
    value = requests.value
    if not isinstance(value, DictValue):
        return
    entries = dict_keywords(value)
    if entries.closed and "memory" not in entries and not jumpstart:
        where = value.insert_target
        ctx.facts.memory_requests.append(MemoryRequest(
            site, where if where is not None else requests.anchor,
            "`requests` has no \"memory\"", where, "memory", str(IC_DEFAULT_MEMORY_MB),
        ))
    accelerators = entries.get("num_accelerators")
    if accelerators is not None:
        ctx.facts.accelerators.append(
            AcceleratorRequest(site, accelerators.value, deploy.instance_type)
        )


def _rejected(
    ctx: Context, deploy: Deploy, config: Keyword, value: ObjectValue
) -> InferenceConfigProblem:
    accepted = {**REJECTED_INFERENCE_CONFIGS, **V2_INFERENCE_CONFIGS}[value.qualified_name]
    return InferenceConfigProblem(
        deploy.site, config, value.qualified_name, accepted,
        import_from=_sole_import(ctx, value.call.func),
    )


def _sole_import(ctx: Context, func: cst.BaseExpression) -> Optional[cst.ImportFrom]:
    """The module-level `from M import X` (X alone) that binds the class called, when that
    call is the only read of X: then changing M changes nothing else."""
    if not isinstance(func, cst.Name):
        return None
    defs = ctx.resolver.reaching(func)
    if defs is None or len(defs) != 1:
        return None
    binding = defs[0]
    if binding.kind is not DefKind.IMPORT or not binding.sole or len(binding.reads) != 1:
        return None
    alias = binding.node
    unit = ctx.resolver.index.unit_of.get(alias) if alias is not None else None
    if not isinstance(unit, cst.SimpleStatementLine):
        return None
    for statement in unit.body:
        if (
            isinstance(statement, cst.ImportFrom)
            and isinstance(statement.names, Sequence)
            and len(statement.names) == 1
            and statement.names[0] is alias
            and not statement.relative
            and statement.module is not None
        ):
            return statement
    return None


def builder_makes_no_endpoint(resolver: Resolver, builder: ServingModel) -> bool:
    """A ModelBuilder that serves on this machine (`mode=Mode.LOCAL_CONTAINER` or
    `Mode.IN_PROCESS`), or that is given a trainer or training job in `model=` (model
    customization: the SDK deploys through inference components and ignores the endpoint
    timeouts)."""
    mode = builder.keywords.get("mode")
    if mode is not None:
        qualified = resolver.qualified_name(mode.arg.value) if mode.arg is not None else None
        if qualified is not None and qualified.startswith("sagemaker.") and any(
            qualified.endswith("." + name) for name in LOCAL_MODES
        ):
            return True
    metadata = builder.keywords.get("model_metadata")
    if metadata is not None and _may_name_base_model(metadata.value):
        return True  # a raw checkpoint of a named base model (Nova): model customization
    model = builder.keywords.get("model")
    if model is not None and isinstance(model.value, ObjectValue):
        qualified = model.value.qualified_name
        return any(
            qualified == path or qualified.startswith(path + ".") for path in TRAINED_MODEL_SOURCES
        )
    return False


def _may_name_base_model(value: Value) -> bool:
    """`model_metadata={"BASE_MODEL_NAME": ...}` (or metadata not known to lack it): the SDK
    deploys a raw S3 checkpoint of that base model as model customization."""
    if isinstance(value, Scalar):
        return False
    if not isinstance(value, DictValue):
        return True
    entries = dict_keywords(value)
    return "BASE_MODEL_NAME" in entries or not entries.closed


def _may_be_model_id(builder: ServingModel, model: Optional[Keyword]) -> bool:
    """Whether `model=` is, or may be, a JumpStart or Hub model id: a known id string, a value
    not known, or no `model` written where a `**kwargs` splat may carry one."""
    if model is None:
        return not builder.keywords.closed
    value = model.value
    if isinstance(value, Scalar):
        return _is_model_id(value.value)
    return value is UNKNOWN


def _is_model_id(value: object) -> bool:
    """A JumpStart or Hugging Face Hub model id (`meta-llama/Llama-3.1-8B`), not a URI or a
    path to model artifacts."""
    return (
        isinstance(value, str)
        and bool(value)
        and "://" not in value
        and not value.startswith(("/", ".", "~"))
    )
