"""Names, source files, hyperparameters, tags and network isolation on the SDK v2 and boto3
surfaces (SM401, SM402, SM501, SM503).

Which names reach the API as written and which the SDK makes from a base (SDK 2.257.7):
`base_job_name` of estimators and processors and `base_tuning_job_name` of a tuner go through
`name_from_base` (shortened, characters kept); `fit(job_name=...)`, `run(job_name=...)`,
`deploy(endpoint_name=..., model_name=...)`, a model's `name=` and every boto3 name are
used as they are. ModelTrainer replaces `_` by `-` in its base name itself (only its other
characters are checked); `@remote` / `RemoteExecutor` make names from `job_name_prefix` with
`name_from_base`; the v3 core resources' `.create` take their names as they are.
Inside a SageMaker Pipeline, job names are dropped from the step arguments by default: a
module that builds a pipeline is marked (`Facts.pipeline`) and SM401 leaves its SDK job
names alone.

What a call says by itself (a processor's `base_job_name`, a boto3 client's names, a tuner,
a pipeline marker) is read in the construct phase, `fit` / `run` on a known estimator, tuner
or processor in the method phase; models and estimators (their names, code paths, tags,
isolation) and deploys are read in the read phase, from the facts the SDK surfaces made of
the same calls. The other surfaces keep their routes on these calls: each adds its facts.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import libcst as cst

from sagelint import names as n
from sagelint.analysis.resolve import (
    DictValue, Entry, Keyword, Keywords, ListValue, Scalar, Value,
)
from sagelint.catalog import (
    CORE_TRAINING_JOB_CREATE,
    CORE_TUNING_JOB_CREATE,
    MODEL_TRAINER_FIELDS,
    PROCESSORS,
    REMOTE_FIELDS,
    TRAINING_CALLABLES,
    TRAINING_JOB_DEFINITIONS,
    XGBOOST_ESTIMATORS,
    Kind,
    v3,
)
from sagelint.catalog_classes import Catalog
from sagelint.surfaces.factories import TUNERS, targets
from sagelint.surfaces.facts import (
    CallSite,
    ConfigValues,
    EstimatorJob,
    ModelIsolation,
    ResourceName,
    Sent,
    ServingModel,
    SourceFiles,
)
from sagelint.surfaces.common import Context, argument, items, positional_count
from sagelint.surfaces.keys import Phase, Receiver, Table, method
from sagelint.surfaces.receivers import kinds

PACKAGES = frozenset({"sagemaker", "boto3"})

_JOB_KINDS = frozenset({n.TRAINING_JOB, n.PROCESSING_JOB, n.TRANSFORM_JOB, n.TUNING_JOB})

MODEL_TRAINERS = frozenset(
    {
        "sagemaker.modules.train.ModelTrainer",
        "sagemaker.modules.train.model_trainer.ModelTrainer",
        "sagemaker.train.ModelTrainer",
        "sagemaker.train.model_trainer.ModelTrainer",
    }
)

# boto3 SageMaker client methods: the name fields they take, with their kinds.
_BOTO3_NAMES: Dict[str, Tuple[Tuple[str, n.NameKind], ...]] = {
    "create_training_job": (("TrainingJobName", n.TRAINING_JOB),),
    "create_processing_job": (("ProcessingJobName", n.PROCESSING_JOB),),
    "create_transform_job": (("TransformJobName", n.TRANSFORM_JOB), ("ModelName", n.MODEL)),
    "create_hyper_parameter_tuning_job": (("HyperParameterTuningJobName", n.TUNING_JOB),),
    "create_endpoint": (("EndpointName", n.ENDPOINT), ("EndpointConfigName", n.ENDPOINT_CONFIG)),
    "create_endpoint_config": (("EndpointConfigName", n.ENDPOINT_CONFIG),),
    "create_model": (("ModelName", n.MODEL),),
    "create_inference_component": (("InferenceComponentName", n.INFERENCE_COMPONENT),),
}


# The calls that mark a module building a SageMaker Pipeline, where they are defined and
# where their package re-exports them (SDK v2 `sagemaker.workflow`, v3 `sagemaker.mlops.workflow`).
_MARKER_MODULES = {
    "Pipeline": ("pipeline",),
    "PipelineSession": ("pipeline_context",),
    "LocalPipelineSession": ("pipeline_context",),
    "TrainingStep": ("steps",),
    "ProcessingStep": ("steps",),
    "TuningStep": ("steps",),
    "TransformStep": ("steps",),
    "CreateModelStep": ("steps",),
    "ModelStep": ("model_step",),
    "PipelineDefinitionConfig": ("pipeline_definition_config",),
}
_WORKFLOW = ("sagemaker.workflow", "sagemaker.mlops.workflow")


def pipeline_markers() -> Tuple[str, ...]:
    """Every qualified name of a pipeline marker: each module under each workflow package
    that defines a marker, and the package itself."""
    found = []
    for package in _WORKFLOW:
        modules = {module for defining in _MARKER_MODULES.values() for module in defining}
        for name in _MARKER_MODULES:
            found.append(f"{package}.{name}")
            found.extend(f"{package}.{module}.{name}" for module in sorted(modules))
    return tuple(found)


# -- what the call itself says ----------------------------------------------------------------
def processor(ctx: Context, call: cst.Call, label: str) -> None:
    keywords = ctx.resolver.keywords(call)
    _name(ctx, CallSite(call, label), keywords, "base_job_name", n.PROCESSING_JOB,
          n.DEFAULT_SHORTENING)


def estimator_fit(ctx: Context, call: cst.Call, label: str) -> None:
    """`estimator.fit(job_name=...)`."""
    if _only(ctx, call, Receiver.ESTIMATOR):
        _name(ctx, _site(call, label), ctx.resolver.keywords(call), "job_name", n.TRAINING_JOB)


def tuner_fit(ctx: Context, call: cst.Call, label: str) -> None:
    """`tuner.fit(job_name=...)`."""
    if _only(ctx, call, Receiver.TUNER):
        _name(ctx, _site(call, label), ctx.resolver.keywords(call), "job_name", n.TUNING_JOB)


_FITS = frozenset({Receiver.ESTIMATOR, Receiver.TUNER})


def _only(ctx: Context, call: cst.Call, kind: Receiver) -> bool:
    """Whether the `.fit` receiver is only ever of this kind: an estimator or a tuner
    (`(tuner if amt else est).fit(job_name=...)`) names a training job on one path and a
    tuning job on the other, and which rule a name breaks is not known."""
    assert isinstance(call.func, cst.Attribute)
    return kinds(ctx, call.func.value, _FITS) == {kind}


def run(ctx: Context, call: cst.Call, label: str) -> None:
    """`processor.run(job_name=...)`."""
    _name(ctx, _site(call, label), ctx.resolver.keywords(call), "job_name", n.PROCESSING_JOB)


def boto3_names(ctx: Context, call: cst.Call, label: str) -> None:
    """The names, hyperparameters, tags and network isolation of a boto3 client call."""
    site = CallSite(call, label)
    keywords = ctx.resolver.keywords(call)
    for field, kind in _BOTO3_NAMES[label]:
        keyword = keywords.get(field)
        if keyword is not None and keyword.arg is not None:
            ctx.facts.names.append(ResourceName(site, f"`{field}`", kind, keyword.arg.value))
    _config(ctx, site, keywords, "HyperParameters", sent=Sent.AS_WRITTEN)
    _config(ctx, site, keywords, "Tags")
    if label == "create_hyper_parameter_tuning_job":
        _static_hyperparameters(ctx, site, keywords)
    if label == "create_model":
        isolation = keywords.get("EnableNetworkIsolation")
        if isolation is not None or keywords.closed:
            ctx.facts.isolation.append(ModelIsolation(site, isolation, "EnableNetworkIsolation"))


def pipeline(ctx: Context, call: cst.Call, label: str) -> None:
    ctx.facts.pipeline = True


def tuner(ctx: Context, call: cst.Call, label: str) -> None:
    """`HyperparameterTuner(base_tuning_job_name=...)`."""
    site = CallSite(call, label)
    keywords = ctx.resolver.keywords(call)
    _name(ctx, site, keywords, "base_tuning_job_name", n.TUNING_JOB, n.TUNER_SHORTENING)


# -- what earlier phases found about the call ---------------------------------------------------
def estimator(ctx: Context, call: cst.Call, label: str) -> None:
    """An estimator's base job name, code paths, hyperparameters and tags."""
    job = ctx.facts.by_call.get(call)
    if not isinstance(job, EstimatorJob) or not _own(job, ctx.facts.estimators):
        return
    keywords = job.keywords
    _name(ctx, job.site, keywords, "base_job_name", n.TRAINING_JOB, n.DEFAULT_SHORTENING)
    _sources(ctx, job.site, keywords, model=False)
    sent = Sent.JSON_ENCODED if _algorithm_mode(ctx, job) else None
    _config(ctx, job.site, keywords, "hyperparameters", sent=sent)
    _config(ctx, job.site, keywords, "tags")


def model(ctx: Context, call: cst.Call, label: str) -> None:
    """A model's name, code paths, tags and network isolation (a constructor, or what an
    estimator's create_model makes)."""
    fact = ctx.facts.by_call.get(call)
    if not isinstance(fact, ServingModel) or not _own(fact, ctx.facts.models):
        return
    if fact.info.model_builder:
        return
    keywords = fact.keywords
    _name(ctx, fact.site, keywords, "name", n.MODEL)
    _sources(ctx, fact.site, keywords, model=True)
    _config(ctx, fact.site, keywords, "tags")
    isolation = keywords.get("enable_network_isolation")
    if fact.source is not None:
        return  # create_model passes the estimator's isolation on: not the call's own
    if isolation is not None or keywords.closed:
        ctx.facts.isolation.append(
            ModelIsolation(fact.site, isolation, "enable_network_isolation")
        )


def deploy(ctx: Context, call: cst.Call, label: str) -> None:
    """`model.deploy(endpoint_name=...)`; an estimator's deploy also names its model."""
    for fact in ctx.facts.deploys:
        if fact.site.call is not call or fact.container is not call:
            continue
        keywords = fact.keywords
        _name(ctx, fact.site, keywords, "endpoint_name", n.ENDPOINT)
        if fact.from_estimator:
            _name(ctx, fact.site, keywords, "model_name", n.MODEL)
        _config(ctx, fact.site, keywords, "tags")


def model_trainer(ctx: Context, call: cst.Call, label: str) -> None:
    """A ModelTrainer's base job name (the SDK replaces `_` in it), hyperparameters and
    tags; none for one that runs in a local container (it made no job)."""
    for job in ctx.facts.training_jobs:
        if job.site.call is call and job.site.label == "ModelTrainer":
            keywords = ctx.resolver.keywords(call)
            _name(ctx, job.site, keywords, "base_job_name", n.TRAINING_JOB,
                  n.TRAINER_SHORTENING)
            _config(ctx, job.site, keywords, "hyperparameters", "tags")


def remote_function(ctx: Context, call: cst.Call, label: str) -> None:
    """`@remote(job_name_prefix=...)` / `RemoteExecutor(job_name_prefix=...)`: the SDK
    makes the job name with `name_from_base` (a `@step`'s name is the pipeline's: not
    read)."""
    keywords = ctx.resolver.keywords(call)
    _name(ctx, CallSite(call, label), keywords, "job_name_prefix", n.TRAINING_JOB,
          n.DEFAULT_SHORTENING)


# -- SDK v3 core resources: names as written, hyperparameters and tags as sent -------------
def core_training_job(ctx: Context, call: cst.Call, label: str) -> None:
    """`TrainingJob.create(training_job_name=..., hyper_parameters=..., tags=...)`."""
    site, keywords = CallSite(call, label), ctx.resolver.keywords(call)
    _name(ctx, site, keywords, "training_job_name", n.TRAINING_JOB)
    _config(ctx, site, keywords, "hyper_parameters", sent=Sent.AS_WRITTEN)
    _config(ctx, site, keywords, "tags")


def core_tuning_job(ctx: Context, call: cst.Call, label: str) -> None:
    """`HyperParameterTuningJob.create(hyper_parameter_tuning_job_name=..., tags=...)`."""
    site, keywords = CallSite(call, label), ctx.resolver.keywords(call)
    _name(ctx, site, keywords, "hyper_parameter_tuning_job_name", n.TUNING_JOB)
    _config(ctx, site, keywords, "tags")


def training_job_definition(ctx: Context, call: cst.Call, label: str) -> None:
    """`HyperParameterTrainingJobDefinition(static_hyper_parameters=...)`."""
    _config(
        ctx, CallSite(call, label), ctx.resolver.keywords(call), "static_hyper_parameters",
        sent=Sent.AS_WRITTEN,
    )


# -- hyperparameters: how each surface sends them (SM314, SM315) ------------------------------
def _static_hyperparameters(ctx: Context, site: CallSite, keywords: Keywords) -> None:
    """boto3 `create_hyper_parameter_tuning_job`: the `StaticHyperParameters` of its training
    job definition and of each of its `TrainingJobDefinitions`, sent as written."""
    definitions: List[Value] = []
    single = keywords.get("TrainingJobDefinition")
    if single is not None:
        definitions.append(single.value)
    listed = keywords.get("TrainingJobDefinitions")
    if listed is not None:
        definitions.extend(items(listed.value))
    for definition in definitions:
        if not isinstance(definition, DictValue):
            continue
        for entry in definition.effective_entries():
            if entry.key == "StaticHyperParameters":
                ctx.facts.config_values.append(
                    ConfigValues(site, "StaticHyperParameters", entry.value, Sent.AS_WRITTEN)
                )


def set_hyperparameters(ctx: Context, call: cst.Call, label: str) -> None:
    """`estimator.set_hyperparameters(**values)`: more hyperparameters for the job. A
    framework estimator JSON-encodes the values here and all of them again when it creates
    the job (SDK 2.257.7 `Framework.set_hyperparameters`, `Framework.hyperparameters`)."""
    assert isinstance(call.func, cst.Attribute)
    found = targets(ctx, call.func.value)
    if not found or not all(isinstance(target, EstimatorJob) for target in found):
        return
    twice = all(
        isinstance(target, EstimatorJob) and _algorithm_mode(ctx, target) for target in found
    )
    keywords = ctx.resolver.keywords(call)
    values = DictValue(
        [Entry(each.name, each.anchor, each.value) for each in keywords.by_name.values()],
        closed=keywords.closed,
    )
    ctx.facts.config_values.append(
        ConfigValues(_site(call, label), "hyperparameters", values,
                     Sent.ENCODED_TWICE if twice else None)
    )


# What makes a v2 XGBoost estimator upload code and run it in script mode when given a value
# other than None (SDK 2.257.7 `EstimatorBase._prepare_for_training`), and an image of the
# user's choice, which may read its hyperparameters another way.
_NOT_ALGORITHM_MODE = ("source_dir", "dependencies", "git_config", "image_uri")


def _algorithm_mode(ctx: Context, job: EstimatorJob) -> bool:
    """Whether a v2 XGBoost estimator is known to run its container's algorithm mode, which
    reads the JSON-encoded values as they come: `entry_point` is None and nothing else makes
    it a script-mode job (SAGEMAKER.md section 17)."""
    call = job.site.call
    if job.attached or ctx.resolver.qualified_name(call.func) not in XGBOOST_ESTIMATORS:
        return False
    keywords = job.keywords
    # XGBoost(entry_point, framework_version, source_dir, ...): a third positional argument
    # is a source_dir.
    if not keywords.closed or positional_count(call) > 2:
        return False
    entry = argument(ctx.resolver, call, keywords, 0, "entry_point")
    if entry is None or not _left_off(entry):
        return False  # a script, or not known
    return all(_left_off(keywords.get(name)) for name in _NOT_ALGORITHM_MODE)


def _left_off(keyword: Optional[Keyword]) -> bool:
    """Absent, None or an empty list: a setting left off."""
    if keyword is None:
        return True
    value = keyword.value
    if isinstance(value, ListValue):
        return value.closed and not value.items
    return isinstance(value, Scalar) and value.value is None


def table(catalog: Catalog) -> Table:
    routes = Table()
    for name in sorted(PROCESSORS):
        routes.add(name, processor, name.rsplit(".", 1)[-1])
    for name in sorted(_BOTO3_NAMES):
        routes.add(method(name, Receiver.CLIENT), boto3_names, name)
    routes.add(method("fit", Receiver.ESTIMATOR), estimator_fit, "fit", Phase.METHOD)
    routes.add(method("fit", Receiver.TUNER), tuner_fit, "fit", Phase.METHOD)
    routes.add(method("run", Receiver.PROCESSOR), run, "run", Phase.METHOD)
    routes.add(method("set_hyperparameters", Receiver.ESTIMATOR), set_hyperparameters,
               "set_hyperparameters", Phase.METHOD)
    for name in sorted(TUNERS | v3("tuner")):
        routes.add(name, tuner, "HyperparameterTuner")
    for name, (label, fields) in TRAINING_CALLABLES.items():
        if fields is REMOTE_FIELDS and label != "step":
            routes.add(name, remote_function, label)
    for name in sorted(CORE_TRAINING_JOB_CREATE):
        routes.add(name, core_training_job, "TrainingJob.create")
    for name in sorted(CORE_TUNING_JOB_CREATE):
        routes.add(name, core_tuning_job, "HyperParameterTuningJob.create")
    for name in sorted(TRAINING_JOB_DEFINITIONS):
        routes.add(name, training_job_definition, "HyperParameterTrainingJobDefinition")
    for name in pipeline_markers():
        routes.add(name, pipeline, name.rsplit(".", 1)[-1])
    # What the SDK surfaces found about these calls: read once every constructor and method
    # has been handled.
    for name, info in catalog.classes.items():
        if not info.model_builder:
            handler = model if info.kind is Kind.MODEL else estimator
            routes.add(name, handler, info.name, Phase.READ)
    routes.add(method("create_model", Receiver.ESTIMATOR), model, "create_model", Phase.READ)
    routes.add(method("deploy"), deploy, "deploy", Phase.READ)
    for name, (label, fields) in TRAINING_CALLABLES.items():
        if fields is MODEL_TRAINER_FIELDS:
            routes.add(name, model_trainer, label, Phase.READ)
    return routes


# -- shared -------------------------------------------------------------------------------
def _own(fact: object, produced: Sequence[object]) -> bool:
    """Whether this collection produced the fact (a function's calls on one path start from
    the module's `by_call`, whose facts are the module's)."""
    return any(each is fact for each in produced)


def _site(call: cst.Call, label: str) -> CallSite:
    assert isinstance(call.func, cst.Attribute)
    receiver = call.func.value
    return CallSite(call, f"{receiver.value}.{label}" if isinstance(receiver, cst.Name) else label)


def _name(
    ctx: Context,
    site: CallSite,
    keywords: Keywords,
    field: str,
    kind: n.NameKind,
    shortened: Optional[n.Shortening] = None,
) -> None:
    keyword = keywords.get(field)
    if keyword is not None and keyword.arg is not None:
        job = kind in _JOB_KINDS
        ctx.facts.names.append(
            ResourceName(site, f"`{field}`", kind, keyword.arg.value, shortened, job)
        )


def _sources(ctx: Context, site: CallSite, keywords: Keywords, model: bool) -> None:
    entry, source_dir = keywords.get("entry_point"), keywords.get("source_dir")
    dependencies = keywords.get("dependencies")
    if entry is None and source_dir is None and dependencies is None:
        return
    remote = "git_config" in keywords or not keywords.closed
    ctx.facts.sources.append(SourceFiles(site, entry, source_dir, dependencies, remote, model))


def _config(
    ctx: Context, site: CallSite, keywords: Keywords, *fields: str, sent: Optional[Sent] = None
) -> None:
    for field in fields:
        keyword = keywords.get(field)
        if keyword is not None:
            ctx.facts.config_values.append(ConfigValues(site, field, keyword.value, sent))
