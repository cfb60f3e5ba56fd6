"""SM202 download-timeout-missing: Real-time deploy without a model download timeout."""

from __future__ import annotations

from sagelint.model import Applicability
from sagelint.rules.deploy.common import (
    BARE_DEPLOY,
    DOWNLOAD,
    MissingTimeout,
    deploy_with,
)


class DownloadTimeoutMissing(MissingTimeout):
    """
    ## What it does
    Checks that a real-time `deploy(...)` sets `model_data_download_timeout`. Serverless
    deploys and JumpStart models are not checked.

    ## Why is this bad?
    Large model artifacts take minutes to download and extract; when the download outlasts
    the platform default the endpoint fails after resources were created.

    ## Example
    ```python
    model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
    ```

    ## Use instead
    ```python
    model.deploy(
        initial_instance_count=1,
        instance_type="ml.g5.xlarge",
        model_data_download_timeout=600,
    )
    ```

    ## Fix safety
    Safe: adds `model_data_download_timeout=600` (the value is `download-timeout-floor`).

    ## Options
    - `download-timeout-floor`
    """

    summary = "Real-time deploy without a model download timeout"
    fix_availability = Applicability.SAFE
    settings_used = ("download-timeout-floor",)
    setting = DOWNLOAD
    what = "a large model may not finish downloading in time"
    invalid = (BARE_DEPLOY,)
    valid = (deploy_with("600", "600"),)
