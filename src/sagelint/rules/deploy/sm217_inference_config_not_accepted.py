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


def _reported_as_import(ctx: RuleContext, problem: InferenceConfigProblem) -> bool:
    """One root cause (RULES.md SM2, "Who owns a value"): SDK v2's class given to v3's
    builder is an import that cannot run beside it. SM603 / SM604 report that import when
    the admitted SDK releases are known (it fails in all of them), SM609 when they are not
    (the file imports v3's builder too); SM217 then stays silent."""
    rejected = problem.rejected or ""
    module = rejected.rpartition(".")[0]
    if not module.startswith("sagemaker."):
        return False
    from sagelint.rules.generations.imports import over
    from sagelint.sdk_judging import generation
    from sagelint.sdk_verdicts import import_row

    if generation(rejected, module, True) != 2:
        return False  # a v3 copy (sagemaker.core.serverless_inference_config): SM217's own
    admitted = ctx.sdk_versions(problem.config.anchor)
    enabled = ctx.settings.enabled
    if not admitted.known:
        return "SM609" in enabled
    row = import_row(rejected, module, True)
    return row is not None and over(row, admitted) == {"fails"} and bool(
        {"SM603", "SM604"} & enabled
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
    `sagemaker.serve.ModelBuilder`, takes them. When the v2 class's import is itself
    reported (SM603 or SM604 under the admitted SDK releases, SM609 when they are unknown),
    this rule leaves it to them.

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
            if problem.rejected is None or _reported_as_import(ctx, problem):
                continue
            yield self.finding(
                problem.config.anchor,
                f"`{problem.rejected}` is not a class `ModelBuilder.deploy` accepts: it raises "
                "\"Deployment Options not supported\" after the model is uploaded and created;"
                f" use `{ACCEPTED_INFERENCE_CONFIG_MODULE}.{problem.accepted}`",
                used_by=problem.site,
                fix=_fix(problem),
            )
