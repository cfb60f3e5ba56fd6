"""SM206 deploy-timeout-ignored: Deploy argument ignored by a serverless endpoint."""

from __future__ import annotations

from functools import partial
from typing import Iterator

import libcst as cst

from sagelint.fixes import remove_argument
from sagelint.model import Applicability
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.deploy.common import DOWNLOAD, SERVERLESS, STARTUP, VOLUME

_SERVERLESS_IGNORED = (STARTUP, DOWNLOAD, VOLUME)


class DeployTimeoutIgnored(Rule):
    """
    ## What it does
    Checks for `container_startup_health_check_timeout`, `model_data_download_timeout` or
    `volume_size` passed to a `deploy(...)` that also gets a `serverless_inference_config`.

    ## Why is this bad?
    For a serverless endpoint the SDK silently drops these arguments: the code suggests a
    setting that does not exist.

    ## Example
    ```python
    model.deploy(
        serverless_inference_config=ServerlessInferenceConfig(),
        container_startup_health_check_timeout=600,
    )
    ```

    ## Use instead
    ```python
    model.deploy(serverless_inference_config=ServerlessInferenceConfig())
    ```

    ## Fix safety
    Unsafe: it removes arguments the user wrote.
    """

    summary = "Deploy argument ignored by a serverless endpoint"
    fix_availability = Applicability.UNSAFE
    invalid = (
        SERVERLESS
        + "model.deploy(serverless_inference_config=ServerlessInferenceConfig(), "
        "volume_size=30)\n",
    )
    valid = (
        SERVERLESS
        + "model.deploy(serverless_inference_config=ServerlessInferenceConfig())\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for deploy in ctx.facts.deploys:
            if deploy.serverless is not True:
                continue
            for setting in _SERVERLESS_IGNORED:
                argument = getattr(deploy.names, setting)
                keyword = deploy.keywords.get(argument)
                if keyword is None:
                    continue
                fix = None
                if keyword.arg is not None:
                    # A nested variant (`production_variant(...)`, a v3 ProductionVariant)
                    # holds the argument in its own call, not in the endpoint call.
                    container = deploy.container
                    call = deploy.site.call
                    if isinstance(container, cst.Call) and keyword.arg in container.args:
                        call = container
                    build = partial(remove_argument, call=call, arg=keyword.arg)
                    fix = FixPlan(Applicability.UNSAFE, f"Remove `{argument}`", build)
                yield self.finding(
                    keyword.anchor,
                    f"`{argument}` has no effect on a serverless endpoint: it is silently "
                    "dropped",
                    fix=fix,
                )
