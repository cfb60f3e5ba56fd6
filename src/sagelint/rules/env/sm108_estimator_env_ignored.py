"""SM108 estimator-env-ignored: `env=` on an estimator is ignored."""

from __future__ import annotations

from typing import Iterator

from sagelint.rules import Finding, Rule, RuleContext


class EstimatorEnvIgnored(Rule):
    """
    ## What it does
    Checks for `env=` passed to an estimator constructor.

    ## Why is this bad?
    Estimators swallow unknown keyword arguments: `env=` has no effect at all. The training
    environment is `environment=`; a serving env belongs on the model or on
    `estimator.deploy(env=...)`.

    ## Example
    ```python
    estimator = PyTorch(..., env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})
    ```

    ## Use instead
    ```python
    estimator = PyTorch(...)
    estimator.deploy(..., env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})
    ```

    ## Fix safety
    There is no fix: whether the env was meant for training or for serving is the user's call.
    """

    summary = "`env=` on an estimator is ignored"
    invalid = ("from sagemaker.pytorch import PyTorch\ne = PyTorch(env={'A': '1'})\n",)
    valid = ("from sagemaker.pytorch import PyTorch\ne = PyTorch(environment={'A': '1'})\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job in ctx.facts.estimators:
            env = job.keywords.get("env")
            if env is not None:
                yield self.finding(
                    env.anchor,
                    f"`env=` on `{job.info.name}(...)` is silently ignored: use `environment=` "
                    "for training, or `deploy(env=...)` for serving",
                )
