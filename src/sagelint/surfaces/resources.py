"""Names, source files, hyperparameters, tags and network isolation on the SDK v2 and boto3
surfaces (SM401, SM402, SM501, SM503).

Which names reach the API as written and which the SDK makes from a base (SDK 2.257.7):
`base_job_name` of estimators and processors and `base_tuning_job_name` of a tuner go through
`name_from_base` (shortened, characters kept); `fit(job_name=...)`, `run(job_name=...)`,
`deploy(endpoint_name=..., model_name=...)`, a model's `name=` and every boto3 name are
used as they are. ModelTrainer replaces `_` by `-` in its base name itself: not checked.
Inside a SageMaker Pipeline, job names are dropped from the step arguments by default: a
module that builds a pipeline is marked (`Facts.pipeline`) and SM401 leaves its SDK job
names alone.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from sagelint import names as n
from sagelint.catalog import Catalog
from sagelint.analysis.resolve import Keywords
from sagelint.surfaces.boto3 import is_sagemaker_client
from sagelint.surfaces.common import Context, Route, Table, bound, method
from sagelint.surfaces.factories import TUNERS
from sagelint.surfaces.facts import (
    CallSite,
    ConfigValues,
    Deploy,
    EstimatorJob,
    ModelIsolation,
    ResourceName,
    ServingModel,
    SourceFiles,
)

PACKAGES = frozenset({"sagemaker", "boto3"})

_WORKFLOW = ("sagemaker.workflow.", "sagemaker.mlops.workflow.")
_JOB_KINDS = frozenset({n.TRAINING_JOB, n.PROCESSING_JOB, n.TRANSFORM_JOB, n.TUNING_JOB})

PROCESSORS = frozenset(
    {
        "sagemaker.Processor",
        "sagemaker.ScriptProcessor",
        "sagemaker.processing.Processor",
        "sagemaker.processing.ScriptProcessor",
        "sagemaker.processing.FrameworkProcessor",
        "sagemaker.sklearn.SKLearnProcessor",
        "sagemaker.sklearn.processing.SKLearnProcessor",
        "sagemaker.pytorch.PyTorchProcessor",
        "sagemaker.pytorch.processing.PyTorchProcessor",
        "sagemaker.huggingface.HuggingFaceProcessor",
        "sagemaker.huggingface.processing.HuggingFaceProcessor",
        "sagemaker.xgboost.XGBoostProcessor",
        "sagemaker.xgboost.processing.XGBoostProcessor",
        "sagemaker.tensorflow.processing.TensorFlowProcessor",
        "sagemaker.spark.PySparkProcessor",
        "sagemaker.spark.SparkJarProcessor",
        "sagemaker.spark.processing.PySparkProcessor",
        "sagemaker.spark.processing.SparkJarProcessor",
    }
)
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
}


# Names of the calls that mark a module building a SageMaker Pipeline (checked by name first,
# then by qualified name, so that no other call pays for a lookup).
_PIPELINE_MARKERS = frozenset(
    {
        "Pipeline", "PipelineSession", "LocalPipelineSession", "TrainingStep", "ProcessingStep",
        "TuningStep", "TransformStep", "ModelStep", "CreateModelStep", "PipelineDefinitionConfig",
    }
)
# boto3 methods other surfaces handle: their names, tags and settings are read in finish().
_HANDLED_ELSEWHERE = frozenset({"create_model", "create_endpoint_config", "create_training_job"})


# -- routes ---------------------------------------------------------------------------------
def processor(ctx: Context, call: cst.Call, label: str) -> None:
    keywords = ctx.resolver.keywords(call)
    _name(ctx, CallSite(call, label), keywords, "base_job_name", n.PROCESSING_JOB,
          n.DEFAULT_SHORTENING)


def fit(ctx: Context, call: cst.Call, label: str) -> None:
    """`estimator.fit(job_name=...)`, `tuner.fit(job_name=...)`."""
    owner = _owner(ctx, call)
    if isinstance(owner, EstimatorJob):
        kind = n.TRAINING_JOB
    elif owner == "tuner":
        kind = n.TUNING_JOB
    else:
        return
    _name(ctx, _site(call, label), ctx.resolver.keywords(call), "job_name", kind)


def run(ctx: Context, call: cst.Call, label: str) -> None:
    """`processor.run(job_name=...)`."""
    if _owner(ctx, call) == "processor":
        _name(ctx, _site(call, label), ctx.resolver.keywords(call), "job_name", n.PROCESSING_JOB)


def boto3_names(ctx: Context, call: cst.Call, label: str) -> None:
    assert isinstance(call.func, cst.Attribute)
    if is_sagemaker_client(ctx.resolver, call.func.value):
        _boto3(ctx, call, label)


def table(catalog: Catalog) -> Table:
    routes: Table = {name: Route(processor, name.rsplit(".", 1)[-1]) for name in PROCESSORS}
    routes[method("fit")] = Route(fit, "fit", late=True)
    routes[method("run")] = Route(run, "run", late=True)
    for name in _BOTO3_NAMES:
        if name not in _HANDLED_ELSEWHERE:
            routes[method(name)] = Route(boto3_names, name)
    return routes


# -- after every route ----------------------------------------------------------------------
def finish(ctx: Context, calls: List[cst.Call]) -> None:
    """Read names, code paths, hyperparameters, tags and isolation from what the other
    surfaces found (models, estimators, deploys), and from the calls they handle for their
    own settings (boto3 create_model, create_endpoint_config, create_training_job)."""
    facts = ctx.facts
    for job in facts.estimators:
        keywords = job.keywords
        _name(ctx, job.site, keywords, "base_job_name", n.TRAINING_JOB, n.DEFAULT_SHORTENING)
        _sources(ctx, job.site, keywords, model=False)
        _config(ctx, job.site, keywords, "hyperparameters", "tags")
    for model in facts.models:
        _model(ctx, model)
    for deploy in facts.deploys:
        _deploy(ctx, deploy)
    for trainer in facts.training_jobs:
        if trainer.site.label == "ModelTrainer":  # names repaired by the SDK: settings only
            keywords = ctx.resolver.keywords(trainer.site.call)
            _config(ctx, trainer.site, keywords, "hyperparameters", "tags")
    for call in calls:
        func = call.func
        last = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        if isinstance(func, cst.Attribute) and last in _HANDLED_ELSEWHERE:
            if is_sagemaker_client(ctx.resolver, func.value):
                _boto3(ctx, call, last)
        elif last == "HyperparameterTuner" or last in _PIPELINE_MARKERS:
            _marker(ctx, call, last)


def _model(ctx: Context, model: ServingModel) -> None:
    if model.info.model_builder:
        return
    keywords = model.keywords
    _name(ctx, model.site, keywords, "name", n.MODEL)
    _sources(ctx, model.site, keywords, model=True)
    _config(ctx, model.site, keywords, "tags")
    isolation = keywords.get("enable_network_isolation")
    if model.source is not None:
        return  # create_model passes the estimator's isolation on: not the call's own
    if isolation is not None or keywords.closed:
        ctx.facts.isolation.append(
            ModelIsolation(model.site, isolation, "enable_network_isolation")
        )


def _deploy(ctx: Context, deploy: Deploy) -> None:
    """`model.deploy(endpoint_name=...)`; an estimator's deploy also names its model."""
    call = deploy.site.call
    if deploy.container is not call or not isinstance(call.func, cst.Attribute):
        return
    if call.func.attr.value != "deploy":
        return
    keywords = deploy.keywords
    _name(ctx, deploy.site, keywords, "endpoint_name", n.ENDPOINT)
    if deploy.from_estimator:
        _name(ctx, deploy.site, keywords, "model_name", n.MODEL)
    _config(ctx, deploy.site, keywords, "tags")


def _marker(ctx: Context, call: cst.Call, last: str) -> None:
    qualified = ctx.resolver.qualified_name(call.func)
    if qualified is None:
        return
    if qualified.startswith(_WORKFLOW):
        ctx.facts.pipeline = True
    elif qualified in TUNERS:
        site = CallSite(call, "HyperparameterTuner")
        keywords = ctx.resolver.keywords(call)
        _name(ctx, site, keywords, "base_tuning_job_name", n.TUNING_JOB, n.TUNER_SHORTENING)


def _site(call: cst.Call, label: str) -> CallSite:
    assert isinstance(call.func, cst.Attribute)
    receiver = call.func.value
    return CallSite(call, f"{receiver.value}.{label}" if isinstance(receiver, cst.Name) else label)


def _owner(ctx: Context, call: cst.Call) -> object:
    """What a method is called on: a model or estimator fact, "tuner", "processor"."""
    assert isinstance(call.func, cst.Attribute)
    receiver = bound(ctx.resolver, call.func.value)
    if not isinstance(receiver, cst.Call):
        return None
    known = ctx.facts.by_call.get(receiver)
    if known is not None:
        return known
    qualified = ctx.resolver.qualified_name(receiver.func)
    if qualified in TUNERS:
        return "tuner"
    if qualified in PROCESSORS:
        return "processor"
    return None


def _boto3(ctx: Context, call: cst.Call, method_name: str) -> None:
    site = CallSite(call, method_name)
    keywords = ctx.resolver.keywords(call)
    for field, kind in _BOTO3_NAMES[method_name]:
        keyword = keywords.get(field)
        if keyword is not None and keyword.arg is not None:
            ctx.facts.names.append(ResourceName(site, f"`{field}`", kind, keyword.arg.value))
    _config(ctx, site, keywords, "HyperParameters", "Tags")
    if method_name == "create_model":
        isolation = keywords.get("EnableNetworkIsolation")
        if isolation is not None or keywords.closed:
            ctx.facts.isolation.append(ModelIsolation(site, isolation, "EnableNetworkIsolation"))


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


def _config(ctx: Context, site: CallSite, keywords: Keywords, *fields: str) -> None:
    for field in fields:
        keyword = keywords.get(field)
        if keyword is not None:
            ctx.facts.config_values.append(ConfigValues(site, field, keyword.value))
