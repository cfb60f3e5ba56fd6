"""SM201 startup-timeout-missing: Real-time deploy without a startup health-check timeout."""

from __future__ import annotations

from sagelint.model import Applicability
from sagelint.rules.deploy.common import (
    BARE_DEPLOY,
    SERVERLESS,
    STARTUP,
    MissingTimeout,
    deploy_with,
)


class StartupTimeoutMissing(MissingTimeout):
    """
    ## What it does
    Checks that a real-time `deploy(...)` sets `container_startup_health_check_timeout`.
    Serverless deploys and JumpStart models (which take the timeout from JumpStart metadata)
    are not checked.

    ## Why is this bad?
    The endpoint fails if the container does not pass its first health check in time. A model
    that loads for minutes fails the deployment after the code was uploaded and resources were
    created.

    ## Example
    ```python
    model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
    ```

    ## Use instead
    ```python
    model.deploy(
        initial_instance_count=1,
        instance_type="ml.g5.xlarge",
        container_startup_health_check_timeout=600,
    )
    ```

    ## Fix safety
    Safe: adds `container_startup_health_check_timeout=600` (the value is
    `startup-timeout-floor`).

    ## Options
    - `startup-timeout-floor`
    """

    summary = "Real-time deploy without a startup health-check timeout"
    fix_availability = Applicability.SAFE
    settings_used = ("startup-timeout-floor",)
    setting = STARTUP
    what = "the container's first health check may give up before the model has loaded"
    invalid = (BARE_DEPLOY,)
    valid = (
        deploy_with("600", "600"),
        SERVERLESS
        + "model.deploy(serverless_inference_config=ServerlessInferenceConfig())\n",
    )
