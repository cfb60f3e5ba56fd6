"""What a method is called on: the one place that decides a receiver's kind
(`surfaces/keys.py`, `Receiver`).

- A model, model builder, estimator, tuner, processor or trainer is what every construction
  that reaches the receiver makes (`Resolver.constructions`: names, parameters on the
  current path, module functions, `a if c else b`), when each of them is known: the fact of
  a constructor the surfaces handled (`Facts.by_call`), what one of the SDK's factories
  makes (`surfaces/factories.py`: `create_model`, `attach`, `HyperparameterTuner`,
  `best_estimator`), a processor class, or the call that declares a training job.
- A session is a `sagemaker.Session(...)` (or a PipelineSession) bound once; a boto3
  SageMaker client is `boto3.client("sagemaker")`, `boto3.Session(...).client("sagemaker")`
  or a session's `sagemaker_client` (directly or through a name bound once).

The dispatcher (`surfaces/__init__.py`) asks once per method call, and only for the kinds
some route claims on that method name; a route that needs more than the kind (which
estimator, which model) reads it from `factories.targets`.
"""

from __future__ import annotations

from typing import FrozenSet, Set

import libcst as cst

from sagelint.analysis.resolve import Resolver, Scalar
from sagelint.catalog import (
    BOTO3_CLIENTS, BOTO3_SESSIONS, PROCESSORS, SAGEMAKER_SESSIONS, TRANSFORMERS, V3_PROCESSORS,
    V3_SESSIONS,
)
from sagelint.surfaces.common import Context, bound
from sagelint.surfaces.factories import TUNERS, target_of
from sagelint.surfaces.facts import EstimatorJob, ServingModel, Tuner
from sagelint.surfaces.keys import Receiver

# The kinds read off the constructions that reach a receiver.
_CONSTRUCTED = frozenset(
    {
        Receiver.MODEL, Receiver.MODEL_BUILDER, Receiver.ESTIMATOR, Receiver.TUNER,
        Receiver.PROCESSOR, Receiver.TRAINER, Receiver.TRANSFORMER,
    }
)


def kinds(
    ctx: Context, expr: cst.BaseExpression, wanted: FrozenSet[Receiver]
) -> FrozenSet[Receiver]:
    """The kinds among `wanted` that the receiver `expr` is known to be."""
    found: Set[Receiver] = set()
    if wanted & _CONSTRUCTED:
        found |= _constructed(ctx, expr, wanted)
    if Receiver.SESSION in wanted and is_session(ctx.resolver, expr):
        found.add(Receiver.SESSION)
    if Receiver.CLIENT in wanted and is_client(ctx.resolver, expr):
        found.add(Receiver.CLIENT)
    return frozenset(found) & wanted


def _constructed(
    ctx: Context, expr: cst.BaseExpression, wanted: FrozenSet[Receiver]
) -> Set[Receiver]:
    """What every construction reaching `expr` makes; nothing when one of them is unknown."""
    made = ctx.resolver.constructions(expr)
    if not made:
        return set()
    out: Set[Receiver] = set()
    for call, resolver in made:
        each = _made_by(ctx, call, resolver, Receiver.TRAINER in wanted)
        if not each:
            return set()
        out |= each
    return out


def _made_by(ctx: Context, call: cst.Call, resolver: Resolver, trainer: bool) -> Set[Receiver]:
    out: Set[Receiver] = set()
    if trainer and any(job.site.call is call for job in ctx.facts.training_jobs):
        out.add(Receiver.TRAINER)
    target = target_of(ctx, call, resolver)
    if isinstance(target, ServingModel):
        out.add(Receiver.MODEL_BUILDER if target.info.model_builder else Receiver.MODEL)
    elif isinstance(target, EstimatorJob):
        out.add(Receiver.ESTIMATOR)
    elif isinstance(target, Tuner):
        out.add(Receiver.TUNER)
    else:
        # A tuner whose estimator is not known is still a tuner (its `fit` names a job).
        qualified = resolver.qualified_name(call.func)
        if qualified in TUNERS:
            out.add(Receiver.TUNER)
        elif qualified in PROCESSORS or qualified in V3_PROCESSORS:
            out.add(Receiver.PROCESSOR)
        elif qualified in TRANSFORMERS:
            out.add(Receiver.TRANSFORMER)
    return out


def is_session(resolver: Resolver, expr: cst.BaseExpression) -> bool:
    target = bound(resolver, expr)
    if not isinstance(target, cst.Call):
        return False
    return resolver.qualified_name(target.func) in SAGEMAKER_SESSIONS


def is_v3_session(resolver: Resolver, expr: cst.BaseExpression) -> bool:
    """A session known to be SDK v3's (`session_helper.Session` on any path): some of its
    methods take other arguments than v2's (`create_endpoint_config(name,
    production_variants, ...)`)."""
    target = bound(resolver, expr)
    return isinstance(target, cst.Call) and resolver.qualified_name(target.func) in V3_SESSIONS


def is_client(resolver: Resolver, expr: cst.BaseExpression) -> bool:
    """boto3.client("sagemaker"), boto3.Session(...).client("sagemaker"), or a SageMaker
    session's `sagemaker_client` (directly or through a name bound once)."""
    target = bound(resolver, expr)
    if isinstance(target, cst.Attribute) and target.attr.value == "sagemaker_client":
        return is_session(resolver, target.value)
    if not isinstance(target, cst.Call) or not _names_sagemaker(resolver, target):
        return False
    func = target.func
    if resolver.qualified_name(func) in BOTO3_CLIENTS:
        return True
    if isinstance(func, cst.Attribute) and func.attr.value == "client":
        session = bound(resolver, func.value)
        return isinstance(session, cst.Call) and (
            resolver.qualified_name(session.func) in BOTO3_SESSIONS
        )
    return False


def _names_sagemaker(resolver: Resolver, call: cst.Call) -> bool:
    service = None
    for arg in call.args:
        if arg.keyword is None and not arg.star:
            service = arg.value
            break
        if arg.keyword is not None and arg.keyword.value == "service_name":
            service = arg.value
    if service is None:
        return False
    value = resolver.resolve(service)
    return isinstance(value, Scalar) and value.value == "sagemaker"
