"""Which SageMaker objects a receiver holds, through the SDK's own factories
(docs/how-rules-decide.md); `surfaces/receivers.py` reads its kind from these.

A `.deploy()` receiver is whatever its reaching bindings construct
(`Resolver.constructions`): a model or estimator built by a constructor of the module (its
fact is in `Facts.by_call`), or an object one of the SDK's factories makes (SDK 2.257.7):

- `estimator.create_model(...)`: a model of the class the estimator's `create_model` builds
  (`PyTorch` -> `PyTorchModel`, `Estimator` -> `Model`, ...: `ClassInfo.model_class`), with
  the keywords of that call (its `env`), the estimator's session and trained artifacts, and
  for a `HuggingFaceModel` the estimator's `image_uri` when the call gives none;
- `Cls.attach(training_job_name, ...)` on an estimator class: an estimator of that class whose
  settings come from the job, so only what the deploy call itself shows is known;
- `HyperparameterTuner(estimator, ...)`: a tuner, whose `deploy()` attaches the best training
  job to its estimator's class and deploys that; `HyperparameterTuner.attach(job,
  estimator_cls="sagemaker.pytorch.PyTorch")` likewise when the class is named (without it,
  the class comes from the job and may be anything); `tuner.best_estimator()` is such an
  attached estimator.

Several constructions reach a receiver: known only where they agree (models of one class, or
trained estimators and tuners of one estimator class). Anything else is unknown.
"""

from __future__ import annotations

from typing import List, Optional, Tuple, Union

import libcst as cst

from sagelint.catalog import LOCAL_SESSIONS, ClassInfo, Family, Kind
from sagelint.analysis.resolve import Keywords, ObjectValue, Resolver, Scalar, factory_method
from sagelint.surfaces.common import Context, argument
from sagelint.surfaces.containers import container
from sagelint.surfaces.facts import CallSite, EstimatorJob, ServingModel, Tuner

Target = Union[ServingModel, EstimatorJob, Tuner]

TUNERS = frozenset({"sagemaker.tuner.HyperparameterTuner", "sagemaker.HyperparameterTuner"})
_ATTACH = ".attach"
# HyperparameterTuner.attach(tuning_job_name, sagemaker_session, job_details, estimator_cls)
_TUNER_ESTIMATOR_CLS = 3


def targets(
    ctx: Context,
    expr: cst.BaseExpression,
    resolver: Optional[Resolver] = None,
    joined: bool = False,
) -> Optional[List[Target]]:
    """What every construction that reaches `expr` makes, when they all agree; else None.
    `joined`: for a caller that needs only what kind of object it is (a deploy: the SM2
    rules), objects of different classes agree when they are deployed the same way
    (docs/how-rules-decide.md: joins of receivers); the caller reads each fact of theirs
    only where they all agree."""
    resolver = resolver or ctx.resolver
    found = resolver.constructions(expr)
    if not found:
        return None
    agree = _same_kind if joined else _agree
    targets: List[Target] = []
    for call, on_path in found:
        target = target_of(ctx, call, on_path)
        if target is None or (targets and not agree(targets[0], target)):
            return None
        targets.append(target)
    return targets


def trained_estimator(target: Target) -> EstimatorJob:
    """The estimator a trained target deploys from (a tuner: its estimator)."""
    assert not isinstance(target, ServingModel)
    return target.estimator if isinstance(target, Tuner) else target


def session_keywords(target: Target) -> Keywords:
    """The keywords that say which session a target uses: a model made by an estimator's
    create_model uses the estimator's, a tuner its estimator's."""
    if isinstance(target, ServingModel):
        return target.source.keywords if target.source is not None else target.keywords
    return trained_estimator(target).keywords


def uses_local_session(target: Target) -> bool:
    """A known `LocalSession` (local mode: no endpoint)."""
    session = session_keywords(target).get("sagemaker_session")
    return (
        session is not None
        and isinstance(session.value, ObjectValue)
        and session.value.qualified_name in LOCAL_SESSIONS
    )


def _agree(first: Target, other: Target) -> bool:
    if uses_local_session(first) != uses_local_session(other):
        return False  # one may serve locally and the other not: what it makes is not known
    if isinstance(first, ServingModel) or isinstance(other, ServingModel):
        return (
            isinstance(first, ServingModel)
            and isinstance(other, ServingModel)
            and first.info == other.info
        )
    return trained_estimator(first).info == trained_estimator(other).info


def _same_kind(first: Target, other: Target) -> bool:
    """Two models (or two trained estimators or tuners) of different classes that a deploy
    treats alike: the same session kind, neither a JumpStart one or a builder, and both
    taking the deploy timeouts. A model and an estimator stay apart (their deploys build
    different things)."""
    if _agree(first, other):
        return True
    if uses_local_session(first) != uses_local_session(other):
        return False
    if isinstance(first, ServingModel) != isinstance(other, ServingModel):
        return False
    infos = [
        target.info if isinstance(target, ServingModel) else trained_estimator(target).info
        for target in (first, other)
    ]
    return all(
        not info.jumpstart and not info.model_builder and info.deploy_takes_timeouts
        for info in infos
    )


def target_of(ctx: Context, call: cst.Call, resolver: Resolver) -> Optional[Target]:
    """What one call makes: the fact of a constructor, or what a factory makes (computed on
    the path of `resolver`, since a factory's receiver may be a parameter there)."""
    known = ctx.facts.by_call.get(call)
    if known is None and ctx.construct is not None and not ctx.holds_all_calls_of(resolver.index):
        # Built in another module of the project (also in the module of a function another
        # module calls: `deploy_endpoint(build_model(...))` from a.py, both in helpers.py,
        # collects only `deploy_endpoint`'s calls there).
        ctx.construct(call, resolver)
        known = ctx.facts.by_call.get(call)
    if isinstance(known, (ServingModel, EstimatorJob, Tuner)):
        return known
    if known is not None:
        return None
    receiver = factory_method(call)
    if receiver is not None:
        assert isinstance(call.func, cst.Attribute)
        if call.func.attr.value == "create_model":
            return created_model(ctx, call, resolver)
        return _best_estimator(ctx, call, receiver, resolver)
    qualified = resolver.qualified_name(call.func)
    if qualified is None:
        return None
    if qualified in TUNERS:
        return _tuner(ctx, call, resolver)
    if qualified.endswith(_ATTACH):
        return _attached(ctx, call, qualified[: -len(_ATTACH)], resolver)
    info = ctx.catalog.lookup(qualified)
    if info is not None and info.kind is Kind.ESTIMATOR:
        # An estimator whose constructor is not handled yet (it comes later in the walk).
        return EstimatorJob(CallSite(call, info.name), info, resolver.keywords(call))
    return None


def _label(call: cst.Call, name: str) -> str:
    func = call.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        return f"{func.value.value}.{name}"
    return name


def _estimators(
    ctx: Context, expr: cst.BaseExpression, resolver: Resolver
) -> Optional[List[EstimatorJob]]:
    """The estimators an expression may be, when every construction reaching it is an
    estimator of one class."""
    found = targets(ctx, expr, resolver)
    if not found:
        return None
    estimators = [target for target in found if isinstance(target, EstimatorJob)]
    return estimators if len(estimators) == len(found) else None


def _estimator(ctx: Context, expr: cst.BaseExpression, resolver: Resolver) -> Optional[EstimatorJob]:
    """One estimator standing for all an expression may be (attached if any of them is)."""
    found = _estimators(ctx, expr, resolver)
    if found is None:
        return None
    first = found[0]
    if any(target.attached for target in found):
        return EstimatorJob(first.site, first.info, first.keywords, attached=True)
    return first


# -- create_model ----------------------------------------------------------------------------
def created_model(ctx: Context, call: cst.Call, resolver: Resolver) -> Optional[ServingModel]:
    """`estimator.create_model(...)`: a model of the estimator's model class."""
    receiver = factory_method(call)
    if receiver is None:
        return None
    sources = _estimators(ctx, receiver, resolver)
    model_class = sources[0].info.model_class if sources else None
    info = ctx.catalog.lookup(model_class) if model_class is not None else None
    if sources is None or info is None:
        return None
    keywords = resolver.keywords(call)
    if resolver.attribute_touched(call, "env"):
        keywords = keywords.with_unknown("env")
    reads, family = agreed_container(resolver, info, sources, keywords)
    source = sources[0]
    site = CallSite(call, _label(call, "create_model"))
    return ServingModel(site, info, keywords, reads, family, source=source)


def agreed_container(
    resolver: Resolver, info: ClassInfo, sources: List[EstimatorJob], keywords: Keywords
) -> Tuple[Optional[bool], Optional[Family]]:
    """`model_container` when every estimator that may be the source gives the same one."""
    found = {model_container(resolver, info, source, keywords) for source in sources}
    return found.pop() if len(found) == 1 else (None, None)


def model_container(
    resolver: Resolver, info: ClassInfo, source: EstimatorJob, keywords: Keywords
) -> Tuple[Optional[bool], Optional[Family]]:
    """The container of the model (class `info`) an estimator builds, by its `create_model`
    or its `deploy` (which passes its keywords on to `create_model`): an attached estimator's
    image comes from the training job (unknown); a Hugging Face model takes the estimator's
    `image_uri` when the keywords give none."""
    if source.attached:
        return None, None
    if info.family is not Family.HUGGINGFACE:
        return info.reads_server_timeout, info.family
    if resolver.attribute_touched(source.site.call, "image_uri", stores_only=True):
        return None, None  # `estimator.image_uri = ...`: not the image it was built with
    if "image_uri" not in keywords:
        # HuggingFace(py_version, entry_point, transformers_version, tensorflow_version,
        # pytorch_version, source_dir, hyperparameters, image_uri, ...)
        inherited = argument(resolver, source.site.call, source.keywords, 7, "image_uri")
        if inherited is None and not source.keywords.closed:
            return None, None  # a splat may give the estimator an image
        if inherited is not None:
            keywords = Keywords({**keywords.by_name, "image_uri": inherited}, keywords.closed)
    return container(resolver, info, keywords, 0)


# -- attach, tuners ----------------------------------------------------------------------------
def _attached(
    ctx: Context, call: cst.Call, owner: str, resolver: Resolver
) -> Optional[Target]:
    """`PyTorch.attach(job)`: an estimator of that class, its settings unknown (the call's
    own keywords say which session it uses). `HyperparameterTuner.attach(job,
    estimator_cls="...")`: a tuner whose estimator class is the one named."""
    keywords = resolver.keywords(call)
    opened = Keywords(keywords.by_name, closed=False)
    site = CallSite(call, _label(call, "attach"))
    if owner in TUNERS:
        named = argument(resolver, call, keywords, _TUNER_ESTIMATOR_CLS, "estimator_cls")
        if named is None or not isinstance(named.value, Scalar):
            return None
        value = named.value.value
        info = ctx.catalog.lookup(value) if isinstance(value, str) else None
        if info is None or info.kind is not Kind.ESTIMATOR:
            return None
        return Tuner(site, EstimatorJob(site, info, opened, attached=True))
    info = ctx.catalog.lookup(owner)
    if info is None or info.kind is not Kind.ESTIMATOR:
        return None
    return EstimatorJob(site, info, opened, attached=True)


def _tuner(ctx: Context, call: cst.Call, resolver: Resolver) -> Optional[Tuner]:
    """`HyperparameterTuner(estimator, ...)`, the estimator known."""
    keywords = resolver.keywords(call)
    given = argument(resolver, call, keywords, 0, "estimator")
    if given is None or given.arg is None:
        return None
    estimator = _estimator(ctx, given.arg.value, resolver)
    if estimator is None:
        return None
    return Tuner(CallSite(call, "HyperparameterTuner"), estimator)


def _best_estimator(
    ctx: Context, call: cst.Call, receiver: cst.BaseExpression, resolver: Resolver
) -> Optional[EstimatorJob]:
    """`tuner.best_estimator()`: the best training job attached to the tuner's estimator
    class, with the tuner's session."""
    found = targets(ctx, receiver, resolver)
    if not found or not all(isinstance(target, Tuner) for target in found):
        return None
    tuner = found[0]
    assert isinstance(tuner, Tuner)
    estimator = tuner.estimator
    opened = Keywords(estimator.keywords.by_name, closed=False)
    site = CallSite(call, _label(call, "best_estimator"))
    return EstimatorJob(site, estimator.info, opened, attached=True)
