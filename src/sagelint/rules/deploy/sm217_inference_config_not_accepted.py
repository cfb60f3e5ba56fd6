"""SM217 inference-config-not-accepted: Inference config class that ModelBuilder.deploy rejects."""

from __future__ import annotations

from functools import partial
from typing import Iterator, Optional

from sagelint.catalog import ACCEPTED_INFERENCE_CONFIG_MODULE
from sagelint.fixes import replace_node
from sagelint.model import Applicability, Severity
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.surfaces.facts import InferenceConfigProblem

_BUILDER = (
    "from sagemaker.serve import ModelBuilder\n"
    "mb = ModelBuilder(model='s3://models/m/model.tar.gz', role_arn='arn:aws:iam::1:role/r')\n"
)


def _fix(problem: InferenceConfigProblem) -> Optional[FixPlan]:
    statement = problem.import_from
    if statement is None or statement.module is None:
        return None
    return FixPlan(
        Applicability.SAFE,
        f"Import `{problem.accepted}` from `{ACCEPTED_INFERENCE_CONFIG_MODULE}`",
        partial(replace_node, node=statement.module, content=ACCEPTED_INFERENCE_CONFIG_MODULE),
    )


class InferenceConfigNotAccepted(Rule):
    """
    ## What it does
    Checks the class of `ModelBuilder.deploy(inference_config=...)`. `deploy()` accepts only
    the classes of `sagemaker.core.inference_config` (also reached as
    `sagemaker.serve.serverless`, `sagemaker.serve.async_inference` and
    `sagemaker.serve.compute_resource_requirements`). SDK v3 ships other copies with the same
    fields, `sagemaker.core.serverless_inference_config.ServerlessInferenceConfig` and
    `sagemaker.core.compute_resource_requirements.ResourceRequirements`, and SDK v2's
    `sagemaker.serverless.ServerlessInferenceConfig`,
    `sagemaker.async_inference.AsyncInferenceConfig` and
    `sagemaker.compute_resource_requirements.ResourceRequirements`: this rule reports them.
    SDK v2's classes are reported only on a builder known to be v3's (imported from
    `sagemaker.serve.model_builder`): v2's own `ModelBuilder`, also imported as
    `sagemaker.serve.ModelBuilder`, takes them.

    ## Why is this bad?
    `deploy()` tells the kind of deployment by `isinstance` against its own classes. Any other
    copy falls through to `ValueError("Deployment Options not supported")`, raised after
    `build()` has uploaded the model artifacts and created the SageMaker Model.

    ## Example
    ```python
    from sagemaker.core.serverless_inference_config import ServerlessInferenceConfig

    builder.deploy(inference_config=ServerlessInferenceConfig(memory_size_in_mb=2048))
    ```

    ## Use instead
    ```python
    from sagemaker.core.inference_config import ServerlessInferenceConfig

    builder.deploy(inference_config=ServerlessInferenceConfig(memory_size_in_mb=2048))
    ```

    ## Fix safety
    Safe: changes the module of the import to `sagemaker.core.inference_config` (the
    constructor arguments are the same), when the class is imported alone by a `from`
    import in the same file and this deploy is its only use. Otherwise there is no fix.
    """

    severity = Severity.ERROR
    summary = "Inference config class that ModelBuilder.deploy rejects"
    fix_availability = Applicability.SAFE
    invalid = (
        "from sagemaker.core.serverless_inference_config import ServerlessInferenceConfig\n"
        + _BUILDER
        + "mb.deploy(inference_config=ServerlessInferenceConfig(memory_size_in_mb=2048))\n",
    )
    valid = (
        "from sagemaker.core.inference_config import ServerlessInferenceConfig\n"
        + _BUILDER
        + "mb.deploy(inference_config=ServerlessInferenceConfig(memory_size_in_mb=2048))\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for problem in ctx.facts.inference_config_problems:
            if problem.rejected is None:
                continue
            yield self.finding(
                problem.config.anchor,
                f"`{problem.rejected}` is not a class `ModelBuilder.deploy` accepts: it raises "
                "\"Deployment Options not supported\" after the model is uploaded and created;"
                f" use `{ACCEPTED_INFERENCE_CONFIG_MODULE}.{problem.accepted}`",
                used_by=problem.site,
                fix=_fix(problem),
            )
