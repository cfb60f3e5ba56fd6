"""SDK v2: model and estimator constructors (the catalogue's classes, with the user's
extensions), an estimator's `.create_model(...)`, `.deploy(...)` and `.transformer(...)` of
models, estimators, tuners and model builders, and `@remote` /
`RemoteExecutor` / `@step` training jobs."""

from __future__ import annotations

from functools import partial
from typing import FrozenSet, List, Optional, Tuple

import libcst as cst

from sagelint.catalog import (
    ESTIMATOR_FIELDS,
    MODEL_TRAINER_FIELDS,
    SDK_SERVERLESS_CONFIGS,
    TRAINING_CALLABLES,
    ClassInfo,
    Family,
    FieldMap,
    Kind,
    LOCAL_INSTANCE_TYPES,
)
from sagelint.catalog_classes import Catalog
from sagelint.analysis.resolve import Keywords, Scalar
from sagelint.surfaces.builders import builder_makes_no_endpoint, model_builder_deploy
from sagelint.surfaces.common import (
    Context,
    argument,
    positional_count,
    serverless_config,
    serverless_state,
)
from sagelint.surfaces.images import model_image
from sagelint.surfaces.facts import (
    CallSite,
    Deploy,
    EnvMapping,
    EstimatorJob,
    ServingModel,
    Tuner,
)
from sagelint.surfaces.containers import container
from sagelint.surfaces.factories import (
    Target,
    agreed_container,
    created_model,
    model_container,
    targets as factory_targets,
    trained_estimator,
    uses_local_session,
)
from sagelint.surfaces.keys import Phase, Receiver, Table, method
from sagelint.surfaces.training import training_job


def packages(catalog: Catalog) -> FrozenSet[str]:
    """`sagemaker`, and the top-level packages of the classes the user added."""
    return frozenset({"sagemaker"} | {path.split(".", 1)[0] for path in catalog.classes})


# deploy(): past this many positional arguments serverless_inference_config may be among them.
_DEPLOY_MAX_POSITIONAL = 10


# -- constructors ----------------------------------------------------------------------------
def model(ctx: Context, call: cst.Call, label: str, info: ClassInfo) -> None:
    keywords = ctx.resolver.keywords(call)
    if ctx.resolver.attribute_touched(call, "env"):
        keywords = keywords.with_unknown("env")
    reads, family = container(ctx.resolver, info, keywords, positional_count(call))
    _add_model(ctx, ServingModel(CallSite(call, label), info, keywords, reads, family))


def _add_model(ctx: Context, fact: ServingModel) -> None:
    call = fact.site.call
    ctx.facts.models.append(fact)
    ctx.facts.by_call[call] = fact
    env = fact.keywords.get(fact.info.env_keyword)
    if env is not None:
        ctx.facts.env_mappings.append(
            EnvMapping(fact.site, env.anchor, env.value, fact.reads_server_timeout, fact.family)
        )


def create_model(ctx: Context, call: cst.Call, label: str) -> None:
    """`estimator.create_model(...)`: a model of the estimator's model class, built with the
    call's keywords (its `env`)."""
    fact = created_model(ctx, call, ctx.resolver)
    if fact is not None:
        _add_model(ctx, fact)


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
    """`.deploy(...)` of a model, an estimator (it creates its model with the deploy's
    keywords) or a tuner (it attaches its best training job to its estimator's class and
    deploys that: the SM2 rules apply; which container serves it is not known)."""
    assert isinstance(call.func, cst.Attribute)
    targets = factory_targets(ctx, call.func.value, joined=True)
    if targets is None:
        return
    target = targets[0]
    # Objects of several classes may be deployed (`if use_gpu: model = PyTorchModel(...)
    # else: model = SKLearnModel(...)`): what one of them says is a fact only when all agree.
    one_class = len({_info(each) for each in targets}) == 1
    keywords = ctx.resolver.keywords(call)
    serverless = _serverless(keywords, positional_count(call))
    receiver = call.func.value
    if isinstance(receiver, cst.Name):
        label = f"{receiver.value}.{label}"
    site = CallSite(call, label)
    info = target.info if isinstance(target, ServingModel) else trained_estimator(target).info
    fact = Deploy(site, info, keywords, serverless, container=call)
    # Several models may be deployed: their artifacts are known where every one agrees.
    answers = {_artifacts(ctx, each) for each in targets}
    fact.artifacts = answers.pop() if len(answers) == 1 else None
    fact.kms = keywords.get("kms_key")
    if not info.model_builder:
        # Model.deploy / EstimatorBase.deploy / HyperparameterTuner.deploy(initial_instance_count,
        # instance_type, ...)
        instance_type = argument(ctx.resolver, call, keywords, 1, "instance_type")
        if instance_type is not None:
            fact.instance_type = instance_type.value
    if isinstance(target, ServingModel):
        fact.model = target if one_class else None
        if len(targets) == 1:  # its image (SM211, SM212)
            fact.image = model_image(ctx.resolver, target)
    else:
        fact.from_estimator = True
        fact.reads_server_timeout, fact.family = _deployed_container(ctx, targets, keywords)
    if all(_makes_an_endpoint(ctx, call, keywords, t) for t in targets):
        # A ModelBuilder deploy that fails before it reaches the service (SM217, SM218) is
        # not an endpoint the other SM2 rules check.
        builder = target if isinstance(target, ServingModel) and info.model_builder else None
        if builder is None or model_builder_deploy(ctx, fact, builder):
            ctx.facts.deploys.append(fact)
    elif fact.from_estimator:
        ctx.facts.local_deploys.append(fact)  # its model's container still runs (SM101)
    env = keywords.get("env")
    if env is not None:
        ctx.facts.env_mappings.append(
            EnvMapping(site, env.anchor, env.value, fact.reads_server_timeout, fact.family)
        )


def _deployed_container(
    ctx: Context, targets: List[Target], keywords: Keywords
) -> Tuple[Optional[bool], Optional[Family]]:
    """The container of the model an estimator's deploy creates, when every estimator that
    may be deployed gives the same one; a tuner's best job is attached, its image unknown."""
    estimators = [target for target in targets if isinstance(target, EstimatorJob)]
    if len(estimators) != len(targets):
        return None, None
    if len({estimator.info for estimator in estimators}) > 1:
        # Estimators of several classes: each builds its own class's model.
        # Whether it reads the server timeout and its family are facts of their own: each
        # is known where every class agrees on it.
        found = [model_container(ctx.resolver, each.info, each, keywords) for each in estimators]
        reads = {each[0] for each in found}
        families = {each[1] for each in found}
        return (
            reads.pop() if len(reads) == 1 else None,
            families.pop() if len(families) == 1 else None,
        )
    return agreed_container(ctx.resolver, estimators[0].info, estimators, keywords)


def _info(target: Target) -> ClassInfo:
    return target.info if isinstance(target, ServingModel) else trained_estimator(target).info


def _makes_an_endpoint(ctx: Context, call: cst.Call, keywords: Keywords, target: Target) -> bool:
    """Whether a deploy may create an endpoint (docs/how-rules-decide.md): not in local
    mode (a known `"local"` / `"local_gpu"` instance type, or a LocalSession), not a
    ModelBuilder that serves locally or deploys a trained job. When the instance type may be
    local (one of its reaching values is), the deploy is unknown: left out too."""
    if isinstance(target, ServingModel) and target.info.model_builder:
        if builder_makes_no_endpoint(ctx.resolver, target):
            return False
    if uses_local_session(target):
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


def _may_be_local(ctx: Context, expr: cst.BaseExpression, depth: int = 0) -> bool:
    """Whether one of the values that may reach `expr` is a local instance type: through
    the names bound to it and both sides of `a if c else b` whose test is not known."""
    resolver = ctx.resolver
    if depth > _MAX_LOCAL_DEPTH:
        return False
    if _is_local(resolver.resolve(expr)):
        return True
    if isinstance(expr, cst.IfExp):
        taken = resolver.test(expr)
        sides = [expr.body, expr.orelse] if taken is None else [
            expr.body if taken else expr.orelse
        ]
        return any(_may_be_local(ctx, side, depth + 1) for side in sides)
    if isinstance(expr, cst.Name):
        for binding in resolver.reaching(expr) or ():
            found = resolver.index.bindings.get(binding.node)  # type: ignore[call-overload]
            if found is not None and _may_be_local(ctx, found.value, depth + 1):
                return True
    return False


_MAX_LOCAL_DEPTH = 8


def _artifacts(ctx: Context, target: Target) -> Optional[bool]:
    """Whether the deployed model has S3 artifacts: a trained estimator's (or tuner's) do, and
    so does the model its create_model builds; a model given `model_data` (any value but
    None) or a ModelPackage does; a closed model call without it (a Hub model fetched by the
    container, DJLModel(model_id=...)) does not."""
    if not isinstance(target, ServingModel) or target.source is not None:
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
    targets = factory_targets(ctx, call.func.value)
    if targets is None or isinstance(targets[0], Tuner):
        return
    env = ctx.resolver.keywords(call).get("env")
    if env is not None:
        site = CallSite(call, label)
        ctx.facts.env_mappings.append(
            EnvMapping(site, env.anchor, env.value, False, serving=False)
        )


def _serverless(keywords: Keywords, positional: int) -> Optional[bool]:
    if positional > _DEPLOY_MAX_POSITIONAL:
        return None
    return serverless_state(keywords.get("serverless_inference_config"), keywords.closed)


# What `.deploy()` may be called on: the handler reads which one (factories.targets).
_DEPLOYABLE = (Receiver.MODEL, Receiver.MODEL_BUILDER, Receiver.ESTIMATOR, Receiver.TUNER)


def table(catalog: Catalog) -> Table:
    routes = Table()
    for name, info in catalog.classes.items():
        if not info.model_builder:
            handler = model if info.kind is Kind.MODEL else estimator
            routes.add(name, partial(handler, info=info), info.name)
    for name, (label, fields) in TRAINING_CALLABLES.items():
        if fields is not MODEL_TRAINER_FIELDS:
            routes.add(name, partial(remote_job, fields=fields), label)
    for name in SDK_SERVERLESS_CONFIGS:
        routes.add(name, serverless_config, "ServerlessInferenceConfig")
    routes.add(method("create_model", Receiver.ESTIMATOR), create_model, "create_model")
    routes.add(method("deploy", *_DEPLOYABLE), deploy, "deploy", Phase.METHOD)
    routes.add(method("transformer", *_DEPLOYABLE), transformer, "transformer", Phase.METHOD)
    return routes
