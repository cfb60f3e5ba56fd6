"""SDK v2: model and estimator constructors (the catalogue's classes, with the user's
extensions), their `.deploy(...)` and `.transformer(...)`, and `@remote` /
`RemoteExecutor` / `@step` training jobs."""

from __future__ import annotations

import re
from functools import partial
from typing import FrozenSet, Optional, Tuple, Union

import libcst as cst

from sagelint.catalog import (
    ESTIMATOR_FIELDS,
    LLM_BACKENDS,
    LLM_IMAGE_FUNCTIONS,
    MODEL_TRAINER_FIELDS,
    SDK_SERVERLESS_CONFIGS,
    SDK_SERVERLESS_MAX_CONCURRENCY,
    TRAINING_CALLABLES,
    Catalog,
    ClassInfo,
    Family,
    FieldMap,
    Kind,
    LOCAL_INSTANCE_TYPES,
    LOCAL_SESSIONS,
)
from sagelint.resolve import Keywords, ObjectValue, Resolver, Scalar, Value
from sagelint.surfaces.common import (
    Context,
    Route,
    Table,
    argument,
    method,
    positional_count,
    serverless_settings,
    serverless_state,
)
from sagelint.surfaces.facts import (
    CallSite,
    Deploy,
    EnvMapping,
    EstimatorJob,
    ServerlessSettings,
    ServingModel,
)
from sagelint.surfaces.sdk_v3 import builder_makes_no_endpoint, model_builder_deploy
from sagelint.surfaces.training import training_job


def packages(catalog: Catalog) -> FrozenSet[str]:
    """`sagemaker`, and the top-level packages of the classes the user added."""
    return frozenset({"sagemaker"} | {path.split(".", 1)[0] for path in catalog.classes})


# HuggingFaceModel's image_uri is its 8th positional parameter; more positional arguments
# than that may carry it.
_HF_IMAGE_POSITION = 7
# deploy(): past this many positional arguments serverless_inference_config may be among them.
_DEPLOY_MAX_POSITIONAL = 10

_HF_TOOLKIT_IMAGE = re.compile(r"huggingface-(pytorch|tensorflow)-inference(-neuronx?)?(:|$)")
_TGI_IMAGE = re.compile(r"tgi|text-generation-inference")
_LMI_IMAGE = re.compile(r"djl-|lmi")


def image_family(image: str) -> Tuple[bool, Family]:
    """(reads the server timeout, family) for a Hugging Face model's image URI."""
    repository = image.rsplit("/", 1)[-1]
    if _TGI_IMAGE.search(repository):
        return False, Family.TGI
    if _LMI_IMAGE.search(repository):
        return False, Family.LMI
    if _HF_TOOLKIT_IMAGE.search(repository):
        return True, Family.HUGGINGFACE
    return False, Family.UNKNOWN


def _llm_image(resolver: Resolver, value: Value) -> Tuple[Optional[bool], Optional[Family]]:
    """`get_huggingface_llm_image_uri("huggingface" | "lmi", ...)`: TGI or LMI, whose servers
    do not read the server timeout; another backend or an unknown one: unknown."""
    if not isinstance(value, ObjectValue) or value.qualified_name not in LLM_IMAGE_FUNCTIONS:
        return None, None
    call = value.call
    backend = argument(resolver, call, resolver.keywords(call), 0, "backend")
    if backend is not None and isinstance(backend.value, Scalar):
        family = LLM_BACKENDS.get(str(backend.value.value))
        if family is not None:
            return False, family
    return None, None


def _hf_container(
    resolver: Resolver, keywords: Keywords, positional: int
) -> Tuple[Optional[bool], Optional[Family]]:
    if positional > _HF_IMAGE_POSITION:
        return None, None
    image = keywords.get("image_uri")
    if image is None:
        return (None, None) if not keywords.closed else (True, Family.HUGGINGFACE)
    if isinstance(image.value, Scalar) and image.value.value is None:
        return True, Family.HUGGINGFACE
    if isinstance(image.value, Scalar) and isinstance(image.value.value, str):
        return image_family(image.value.value)
    return _llm_image(resolver, image.value)


def _container(
    resolver: Resolver, info: ClassInfo, keywords: Keywords, positional: int
) -> Tuple[Optional[bool], Optional[Family]]:
    if info.family is Family.HUGGINGFACE:
        return _hf_container(resolver, keywords, positional)
    return info.reads_server_timeout, info.family


# -- constructors ----------------------------------------------------------------------------
def model(ctx: Context, call: cst.Call, label: str, info: ClassInfo) -> None:
    keywords = ctx.resolver.keywords(call)
    if ctx.resolver.attribute_touched(call, "env"):
        keywords = keywords.with_unknown("env")
    reads, family = _container(ctx.resolver, info, keywords, positional_count(call))
    site = CallSite(call, label)
    fact = ServingModel(site, info, keywords, reads, family)
    ctx.facts.models.append(fact)
    ctx.facts.by_call[call] = fact
    env = keywords.get(info.env_keyword)
    if env is not None:
        ctx.facts.env_mappings.append(EnvMapping(site, env.anchor, env.value, reads, family))


def estimator(ctx: Context, call: cst.Call, label: str, info: ClassInfo) -> None:
    keywords = ctx.resolver.keywords(call)
    job = EstimatorJob(CallSite(call, label), info, keywords)
    ctx.facts.estimators.append(job)
    ctx.facts.by_call[call] = job
    training_job(ctx, call, label, ESTIMATOR_FIELDS, keywords=keywords)


def remote_job(ctx: Context, call: cst.Call, label: str, fields: FieldMap) -> None:
    training_job(ctx, call, label, fields)


# -- methods on models and estimators, once every constructor is known ------------------------
def deploy(ctx: Context, call: cst.Call, label: str) -> None:
    assert isinstance(call.func, cst.Attribute)
    target = _receiver(ctx, call.func.value)
    if target is None:
        return
    keywords = ctx.resolver.keywords(call)
    serverless = _serverless(keywords, positional_count(call))
    receiver = call.func.value
    if isinstance(receiver, cst.Name):
        label = f"{receiver.value}.{label}"
    site = CallSite(call, label)
    fact = Deploy(site, target.info, keywords, serverless, container=call)
    fact.artifacts = _artifacts(ctx, target)
    fact.kms = keywords.get("kms_key")
    if isinstance(target, ServingModel):
        fact.model = target
    if not target.info.model_builder:
        # Model.deploy / EstimatorBase.deploy(initial_instance_count, instance_type, ...)
        instance_type = argument(ctx.resolver, call, keywords, 1, "instance_type")
        if instance_type is not None:
            fact.instance_type = instance_type.value
    if target.info.model_builder:
        assert isinstance(target, ServingModel)
        model_builder_deploy(fact, target)
    if isinstance(target, EstimatorJob):
        fact.from_estimator = True
        fact.reads_server_timeout, fact.family = _container(
            ctx.resolver, target.info, keywords, 0
        )
    if _makes_an_endpoint(ctx, call, keywords, target):
        ctx.facts.deploys.append(fact)
    env = keywords.get("env")
    if env is not None:
        ctx.facts.env_mappings.append(
            EnvMapping(site, env.anchor, env.value, fact.reads_server_timeout, fact.family)
        )


def _makes_an_endpoint(
    ctx: Context, call: cst.Call, keywords: Keywords, target: Union[ServingModel, EstimatorJob]
) -> bool:
    """Whether a deploy may create an endpoint (RULES.md "Not endpoints at all"): not in local
    mode (a known `"local"` / `"local_gpu"` instance type, or a LocalSession), not a
    ModelBuilder that serves locally or deploys a trained job. When the instance type may be
    local (one of its reaching values is), the deploy is unknown: left out too."""
    if isinstance(target, ServingModel) and target.info.model_builder:
        if builder_makes_no_endpoint(ctx.resolver, target):
            return False
    session = target.keywords.get("sagemaker_session")
    if session is not None and isinstance(session.value, ObjectValue) and (
        session.value.qualified_name in LOCAL_SESSIONS
    ):
        return False
    instance_type = keywords.get("instance_type")
    expr: Optional[cst.BaseExpression] = instance_type.arg.value if (
        instance_type is not None and instance_type.arg is not None
    ) else None
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    if instance_type is None and len(positional) > 1:
        expr = positional[1]
    if instance_type is not None and expr is None:
        return not _is_local(instance_type.value)
    return expr is None or not _may_be_local(ctx, expr)


def _is_local(value: object) -> bool:
    return isinstance(value, Scalar) and value.value in LOCAL_INSTANCE_TYPES


def _may_be_local(ctx: Context, expr: cst.BaseExpression) -> bool:
    resolver = ctx.resolver
    if _is_local(resolver.resolve(expr)):
        return True
    if isinstance(expr, cst.Name):
        for binding in resolver.reaching(expr) or ():
            found = resolver.index.bindings.get(binding.node)  # type: ignore[call-overload]
            if found is not None and _is_local(resolver.resolve(found.value)):
                return True
    return False


def _artifacts(ctx: Context, target: Union[ServingModel, EstimatorJob]) -> Optional[bool]:
    """Whether the deployed model has S3 artifacts: a trained estimator's do; a model given
    `model_data` (any value but None) or a ModelPackage does; a closed model call without it
    (a Hub model fetched by the container, DJLModel(model_id=...)) does not."""
    if isinstance(target, EstimatorJob):
        return True
    info, keywords = target.info, target.keywords
    if info.always_has_artifacts:
        return True
    if info.model_builder:
        return None  # ModelBuilder's own fields are read by model_builder_deploy
    given = keywords.get("model_data")
    value = given.value if given is not None else None
    if given is None and info.model_data_position is not None:
        positional = [a.value for a in target.site.call.args if a.keyword is None and not a.star]
        if len(positional) > info.model_data_position:
            value = ctx.resolver.resolve(positional[info.model_data_position])
        elif not keywords.closed:
            return None
        else:
            return False
    elif given is None:
        return False if keywords.closed else None
    return not (isinstance(value, Scalar) and value.value is None)


def transformer(ctx: Context, call: cst.Call, label: str) -> None:
    """`model.transformer(env=...)`: a batch job's environment. Only the value rules that
    hold for any container (SM103, SM107) apply; serving timeouts do not."""
    assert isinstance(call.func, cst.Attribute)
    if _receiver(ctx, call.func.value) is None:
        return
    env = ctx.resolver.keywords(call).get("env")
    if env is not None:
        site = CallSite(call, label)
        ctx.facts.env_mappings.append(
            EnvMapping(site, env.anchor, env.value, False, serving=False)
        )


def _receiver(
    ctx: Context, receiver: cst.BaseExpression
) -> Optional[Union[ServingModel, EstimatorJob]]:
    """The model or estimator a `.deploy()` acts on: what the bindings that reach the
    receiver construct (sagelint.analysis.resolve.Resolver.constructions), when every one is
    a model or estimator of the same class."""
    found = ctx.resolver.constructions(receiver)
    if not found:
        return None
    targets = [ctx.facts.by_call.get(call) for call, _ in found]
    first = targets[0]
    if not isinstance(first, (ServingModel, EstimatorJob)):
        return None
    for target in targets[1:]:
        if type(target) is not type(first) or target.info != first.info:
            return None
    return first


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


def _serverless(keywords: Keywords, positional: int) -> Optional[bool]:
    if positional > _DEPLOY_MAX_POSITIONAL:
        return None
    return serverless_state(keywords.get("serverless_inference_config"), keywords.closed)


def table(catalog: Catalog) -> Table:
    routes: Table = {
        name: Route(partial(model if info.kind is Kind.MODEL else estimator, info=info), info.name)
        for name, info in catalog.classes.items()
        if not info.model_builder
    }
    for name, (label, fields) in TRAINING_CALLABLES.items():
        if fields is not MODEL_TRAINER_FIELDS:
            routes[name] = Route(partial(remote_job, fields=fields), label)
    for name in SDK_SERVERLESS_CONFIGS:
        routes[name] = Route(serverless_config, "ServerlessInferenceConfig")
    routes[method("deploy")] = Route(deploy, "deploy", late=True)
    routes[method("transformer")] = Route(transformer, "transformer", late=True)
    return routes
