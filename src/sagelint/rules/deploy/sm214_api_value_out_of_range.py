"""SM214 api-value-out-of-range: Value outside the range the API accepts."""

from __future__ import annotations

from typing import Iterator, Optional, Tuple, Union

from sagelint import api_tables
from sagelint.analysis.resolve import Scalar, Value
from sagelint.api_owners import OWNED
from sagelint.model import Applicability, Severity
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.common import number_literal_fix, replace_literal_fix
from sagelint.rules.deploy.storage import local_storage_type
from sagelint.surfaces import CallSite

Number = Union[int, float]
_VARIANT = "CreateEndpointConfig.ProductionVariants[]."
VOLUME = _VARIANT + "VolumeSizeInGB"
PROVISION = _VARIANT + "VariantInstanceProvisionTimeoutInSeconds"
# A variant's provisioning timeout, by how the surface spells its volume size.
_PROVISION_NAMES = {
    "VolumeSizeInGB": "VariantInstanceProvisionTimeoutInSeconds",
    "volume_size_in_gb": "variant_instance_provision_timeout_in_seconds",
    "volumeSizeInGB": "variantInstanceProvisionTimeoutInSeconds",  # a CDK dict property
}
# (API path, the name as written, the value, the call that sends it)
_Use = Tuple[str, str, Value, CallSite]


class ApiValueOutOfRange(Rule):
    """
    ## What it does
    Checks that a known number is within the minimum and maximum of the API field that
    receives it, for the numeric fields no other rule owns: an endpoint's volume size
    (1..512 GB) and instance provisioning timeout (300..3600 s), data capture's sampling
    percentage (0..100), async inference's concurrency per instance (1..1000), an inference
    component's CPU cores, memory, accelerators and copies, a processing job's instance count
    (1..100), volume size (1..16384 GB) and run time (1..777600 s), a transform job's
    invocation timeout (1..3600 s), a training job's max pending time (1800..2419200 s) and a
    tuning job's max run time (120..15768000 s). Every surface that writes them is checked:
    SDK v2 and v3 classes (`DataCaptureConfig(sampling_percentage=)`,
    `AsyncInferenceConfig(max_concurrent_invocations_per_instance=)`, `deploy(volume_size=)`,
    processors), v3 shapes and core resources, boto3 and the SDK's `Session`. The ranges are
    botocore's, generated into sagelint. An endpoint volume size on an instance type with
    local NVMe storage is SM207's, not this rule's (a processing job's is checked here: the
    API requires one on every type).

    ## Why is this bad?
    botocore checks only the minimum before sending: a larger value reaches the service,
    which rejects the request after the SDK has uploaded code or created the model.

    ## Example
    ```python
    model.deploy(initial_instance_count=1, instance_type="ml.m5.xlarge", volume_size=1024)
    ```

    ## Use instead
    ```python
    model.deploy(initial_instance_count=1, instance_type="ml.m5.xlarge", volume_size=512)
    ```

    ## Fix safety
    Unsafe: it sets the value to the nearest bound, which changes what the code asks for.
    """

    severity = Severity.ERROR
    summary = "Value outside the range the API accepts"
    fix_availability = Applicability.UNSAFE
    invalid = (
        "from sagemaker.model_monitor import DataCaptureConfig\n"
        "c = DataCaptureConfig(enable_capture=True, sampling_percentage=150)\n",
    )
    valid = (
        "from sagemaker.model_monitor import DataCaptureConfig\n"
        "c = DataCaptureConfig(enable_capture=True, sampling_percentage=100)\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, name, value, site in _uses(ctx):
            if OWNED.get(path) != self.code or not isinstance(value, Scalar):
                continue
            number = _number(value.value, path in api_tables.FLOAT_PATHS)
            if number is None:
                continue
            low, high = api_tables.RANGES[path]
            bound = low if low is not None and number < low else None
            if bound is None and high is not None and number > high:
                bound = high
            if bound is None:
                continue
            yield self.finding(
                value.literal,
                f"`{name}` is {number}: the API accepts {_range(low, high)} "
                f"(`{path}`, {api_tables.SOURCE}), so the request is rejected",
                used_by=site,
                fix=_clamp(value, bound),
                once_per_node=True,
            )


def _uses(ctx: RuleContext) -> Iterator[_Use]:
    for fact in ctx.facts.api_values:
        yield fact.path, fact.name, fact.value, fact.site
    for deploy in ctx.facts.deploys:
        if deploy.serverless is not False or deploy.target.name == "InferenceComponent":
            continue  # a serverless deploy has no volume (SM206); a component no variant
        volume = deploy.keywords.get(deploy.names.volume)
        if volume is not None and local_storage_type(deploy) is None:  # else SM207's
            yield VOLUME, deploy.names.volume, volume.value, deploy.site
        provision = _PROVISION_NAMES.get(deploy.names.volume)
        timeout = deploy.keywords.get(provision) if provision is not None else None
        if provision is not None and timeout is not None:
            yield PROVISION, provision, timeout.value, deploy.site


def _number(value: object, fractional: bool) -> Optional[Number]:
    """A number as the API field takes it: an int, or for a float field also a float; a
    string, a bool or a fraction for an integer field is not this rule's."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not fractional:
        return int(value) if value.is_integer() else None
    return value


def _range(low: Optional[Number], high: Optional[Number]) -> str:
    if high is None:
        return f"at least {low}"
    if low is None:
        return f"at most {high}"
    return f"{low}..{high}"


def _clamp(value: Scalar, bound: Number) -> Optional[FixPlan]:
    title = f"Set it to {bound}, the nearest value the API accepts"
    if isinstance(bound, float) and not bound.is_integer():
        if value.derived:
            return None
        return replace_literal_fix(value, repr(bound), Applicability.UNSAFE, title)
    return number_literal_fix(value, int(bound), Applicability.UNSAFE, title)
