"""SM213 instance-type-invalid: Instance type the API does not accept."""

from __future__ import annotations

from typing import Iterator, Optional, Tuple

from sagelint import api_tables
from sagelint.analysis.resolve import Scalar, Value
from sagelint.catalog import INSTANCE_TYPE, LOCAL_INSTANCE_TYPES
from sagelint.model import Applicability, Severity
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.common import new_training_jobs, replace_literal_fix
from sagelint.rules.deploy.instance_enums import (
    ENUM_NAMES, ENUMS, HOSTING, PROCESSING, TRAINING, TRANSFORM, Rejection, one_edit, rejection,
)
from sagelint.surfaces import CallSite

# (API, the value written, the call that sends it)
_Use = Tuple[str, Value, CallSite]


class InstanceTypeInvalid(Rule):
    """
    ## What it does
    Checks that a known instance type is one the API that receives it accepts: training
    (estimators, `ModelTrainer` / `Compute`, `@remote` / `@step`, boto3 and core
    `ResourceConfig`, each instance group and each instance preference), hosting (every
    deploy, production variant and inference-component specification), processing
    (processors, `ProcessingClusterConfig`, each preference) and transform (`Transformer`,
    `TransformResources`). The lists are botocore's enums (`TrainingInstanceType`,
    `ProductionVariantInstanceType`, `ProcessingInstanceType`, `TransformInstanceType`),
    generated into sagelint. So that a list older than the service does no harm, a type is
    reported only when it is another API's type (a training-only type on an endpoint), when
    its family is known and no type of that family has its size (`ml.p3.2xlarg`), or when it
    is not of the form `ml.<family>.<size>`. A family the lists do not know is not reported
    (it may be newer than them); neither are `local`, `local_gpu` and pipeline parameters.

    ## Why is this bad?
    botocore does not check enums before sending: the service rejects the type when the job
    or endpoint config is created, after the SDK has uploaded code and artifacts.

    ## Example
    ```python
    model.deploy(initial_instance_count=1, instance_type="ml.c5n.xlarge")  # training only
    ```

    ## Use instead
    ```python
    model.deploy(initial_instance_count=1, instance_type="ml.c5.xlarge")
    ```

    ## Options
    - `extra-instance-types`

    ## Fix safety
    Unsafe, and only for a size no type of the family has with exactly one accepted type one
    edit away (`ml.p3.2xlarg` becomes `ml.p3.2xlarge`): the intended type is a guess.
    """

    severity = Severity.ERROR
    summary = "Instance type the API does not accept"
    fix_availability = Applicability.UNSAFE
    settings_used = ("extra-instance-types",)
    invalid = (
        "from sagemaker.estimator import Estimator\n"
        "e = Estimator(image_uri='i', role='r', instance_count=1, instance_type='ml.p3.2xlarg')\n",
    )
    valid = (
        "from sagemaker.estimator import Estimator\n"
        "e = Estimator(image_uri='i', role='r', instance_count=1, instance_type='ml.p3.2xlarge')\n",
        "from sagemaker.estimator import Estimator\n"
        "e = Estimator(image_uri='i', role='r', instance_count=1, instance_type='ml.p7x.48xlarge')\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        extra = frozenset(ctx.settings.extra_instance_types)
        for api, value, site in _uses(ctx):
            if not isinstance(value, Scalar) or not isinstance(value.value, str):
                continue
            written = value.value
            if written in LOCAL_INSTANCE_TYPES:
                continue
            why = rejection(written, api, extra)
            if why is None:
                continue
            yield self.finding(
                value.literal, _message(written, api, why), used_by=site,
                fix=_fix(value, written, api, why), once_per_node=True,
            )


def _uses(ctx: RuleContext) -> Iterator[_Use]:
    facts = ctx.facts
    for deploy in facts.deploys:
        if deploy.serverless is not True:  # a serverless deploy sends no instance type
            yield HOSTING, deploy.instance_type, deploy.site
    for request in facts.accelerators:
        yield HOSTING, request.instance_type, request.site
    for job in new_training_jobs(ctx):
        field = job.fields.get(INSTANCE_TYPE)
        if field is not None:
            yield TRAINING, field.value, job.site
        for group in job.group_types:
            yield TRAINING, group.value, job.site
    for preferences in facts.instance_preferences:
        api = PROCESSING if preferences.api == "processing" else TRAINING
        for entry in preferences.entries or ():
            if entry.instance_type is not None:
                yield api, entry.instance_type.value, preferences.site
    for use in facts.instance_types:
        yield use.api, use.value, use.site
    for storage in facts.job_storage:
        api = PROCESSING if storage.api == "CreateProcessingJob" else TRANSFORM
        for field in (storage.instance_type, *storage.preferred):
            if field is not None:
                yield api, field.value, storage.site


def _message(written: str, api: str, why: Rejection) -> str:
    where = f"{api} API's `{ENUM_NAMES[api]}` ({api_tables.SOURCE})"
    if why.why == "other":
        others = sorted(name for name, enum in ENUMS.items() if written in enum)
        head = f"`{written}` is a {' and '.join(others)} instance type, not in the {where}"
    elif why.why == "size":
        head = f"`{written}`: no instance type of its family has this size in the {where}"
    else:
        head = f"`{written}` is not an instance type (`ml.<family>.<size>`) of the {where}"
    hint = f"; did you mean `{why.closest[0]}`?" if why.closest else ""
    return f"{head}: the request is rejected{hint}"


def _fix(value: Scalar, written: str, api: str, why: Rejection) -> Optional[FixPlan]:
    if why.why != "size":
        return None
    candidates = one_edit(written, ENUMS[api])
    if len(candidates) != 1 or value.derived:
        return None
    literal = value.literal
    quote = getattr(literal, "quote", None)
    prefix = getattr(literal, "prefix", None)
    if not isinstance(quote, str) or prefix not in ("", "u") or len(quote) != 1:
        return None
    content = f"{prefix}{quote}{candidates[0]}{quote}"
    return replace_literal_fix(value, content, Applicability.UNSAFE, f"Use `{candidates[0]}`")
