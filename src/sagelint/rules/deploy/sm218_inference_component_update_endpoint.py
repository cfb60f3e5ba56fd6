"""SM218 inference-component-update-endpoint: update_endpoint with an inference-component deploy."""

from __future__ import annotations

from typing import Iterator

from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext

_DEPLOY = (
    "from sagemaker.core.inference_config import ResourceRequirements\n"
    "from sagemaker.serve import ModelBuilder\n"
    "mb = ModelBuilder(model='s3://models/m/model.tar.gz', role_arn='arn:aws:iam::1:role/r')\n"
    "mb.deploy(endpoint_name='llm', instance_type='ml.g5.2xlarge', {update}"
    "inference_config=ResourceRequirements(requests={{'memory': 8192}}),"
    " container_startup_health_check_timeout=600, model_data_download_timeout=600)\n"
)


class InferenceComponentUpdateEndpoint(Rule):
    """
    ## What it does
    Checks `ModelBuilder.deploy(update_endpoint=True, inference_config=ResourceRequirements(...))`
    (the `ResourceRequirements` that `deploy()` accepts, which makes it an
    inference-component deploy).

    ## Why is this bad?
    SDK v3 raises "update_endpoint is not supported for inference component deployments",
    after `build()` has uploaded the model and created the SageMaker Model. A component on an
    existing endpoint is created (or updated in place) by name: deploy it with that
    `endpoint_name`, without `update_endpoint`.

    ## Example
    ```python
    builder.deploy(
        endpoint_name="llm",
        update_endpoint=True,
        inference_config=ResourceRequirements(requests={"memory": 8192}),
    )
    ```

    ## Use instead
    ```python
    builder.deploy(
        endpoint_name="llm",
        inference_config=ResourceRequirements(requests={"memory": 8192}),
    )
    ```

    ## Fix safety
    There is no fix: whether to update an endpoint or add a component is the user's call.
    """

    severity = Severity.ERROR
    summary = "update_endpoint with an inference-component deploy"
    invalid = (_DEPLOY.format(update="update_endpoint=True, "),)
    valid = (_DEPLOY.format(update=""), _DEPLOY.format(update="update_endpoint=False, "))

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for problem in ctx.facts.inference_config_problems:
            if problem.update is None:
                continue
            yield self.finding(
                problem.update.anchor,
                "`update_endpoint=True` with an inference component: the SDK raises "
                "\"update_endpoint is not supported for inference component deployments\" "
                "after the model is uploaded and created",
                used_by=problem.site,
            )
