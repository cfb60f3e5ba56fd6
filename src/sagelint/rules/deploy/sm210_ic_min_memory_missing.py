"""SM210 ic-min-memory-missing: Inference component without a memory request."""

from __future__ import annotations

from typing import Iterator, List

from sagelint.catalog import IC_DEFAULT_MEMORY_MB
from sagelint.fixes import FixContext, RawEdit
from sagelint.model import Applicability, Severity
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.deploy.common import add_setting
from sagelint.surfaces.facts import MemoryRequest

_BUILDER = (
    "from sagemaker.core.inference_config import ResourceRequirements\n"
    "from sagemaker.serve import ModelBuilder\n"
    "mb = ModelBuilder(model='s3://models/llm/model.tar.gz', role_arn='arn:aws:iam::1:role/r')\n"
    "mb.deploy(instance_type='ml.g5.2xlarge', inference_config=ResourceRequirements("
    "requests={requests}), container_startup_health_check_timeout=600,"
    " model_data_download_timeout=600)\n"
)


_MEMORY = str(IC_DEFAULT_MEMORY_MB)  # MB


def _fix(request: MemoryRequest) -> FixPlan:
    where = request.where
    assert where is not None

    def build(ctx: FixContext) -> List[RawEdit]:
        value = request.value_code
        if not value:  # no `requests` at all: a dict of the memory entry
            value = "{" + f"{ctx.string('memory', where)}: {_MEMORY}" + "}"
        return add_setting(ctx, where, request.key, value)

    return FixPlan(
        Applicability.SAFE, f"Request a minimum memory of {_MEMORY} MB (`{request.key}`)", build
    )


class IcMinMemoryMissing(Rule):
    """
    ## What it does
    Checks that an inference component asks for a minimum amount of memory:
    `ModelBuilder.deploy(inference_config=ResourceRequirements(requests={...}))` whose
    `requests` is known to lack `"memory"` (or that has no `requests` at all), on a builder
    that is not a JumpStart model or model customization, and a boto3 (or
    `Session.sagemaker_client`) `create_inference_component` whose `ComputeResourceRequirements`
    is known to lack `MinMemoryRequiredInMb`.

    ## Why is this bad?
    The service requires a minimum memory for every inference component. Without one, SDK v3
    sends `MinMemoryRequiredInMb: None`, and botocore rejects the request, but only after the
    SDK has uploaded the model, created the endpoint and waited until it is InService: a
    long, billed wait that ends in an error, leaving the endpoint behind.

    ## Example
    ```python
    builder.deploy(
        instance_type="ml.g5.2xlarge",
        inference_config=ResourceRequirements(requests={"num_accelerators": 1}),
    )
    ```

    ## Use instead
    ```python
    builder.deploy(
        instance_type="ml.g5.2xlarge",
        inference_config=ResourceRequirements(requests={"num_accelerators": 1, "memory": 1024}),
    )
    ```

    ## Fix safety
    Safe: adds `"memory": 1024` to `requests` (the SDK's own default on its JumpStart path),
    `requests={"memory": 1024}` when there is none, or `"MinMemoryRequiredInMb": 1024` to a
    boto3 `ComputeResourceRequirements`. Raise it to what the model needs.
    """

    severity = Severity.ERROR
    summary = "Inference component without a memory request"
    fix_availability = Applicability.SAFE
    invalid = (_BUILDER.format(requests="{'num_accelerators': 1}"),)
    valid = (_BUILDER.format(requests="{'num_accelerators': 1, 'memory': 8192}"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for request in ctx.facts.memory_requests:
            yield self.finding(
                request.anchor,
                f"{request.what}: the inference component gets no minimum memory, which the "
                "service requires; the request fails only after the endpoint is created",
                used_by=request.site,
                fix=_fix(request) if request.where is not None else None,
            )
