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
    Checks that a real-time `deploy(...)` of a model known to have artifacts in S3 sets
    `model_data_download_timeout`: `model_data` given, a `ModelPackage`, a trained estimator
    or tuner, a `ModelBuilder` with a model path, a boto3 / core container with
    `ModelDataUrl` (a variant's model is the `create_model` call with its `ModelName` in the
    same module). Serverless deploys, JumpStart models, local mode, models that fetch their
    weights themselves (`HF_MODEL_ID`, `DJLModel(model_id=...)`) and multi-model endpoints
    are not checked.

    ## Why is this bad?
    Large model artifacts take minutes to download and extract; when the download outlasts
    the platform default the endpoint fails after resources were created. The setting
    governs nothing else: a model without artifacts has nothing to download.

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
    valid = (
        deploy_with("600", "600"),
        "from sagemaker.huggingface import HuggingFaceModel\n"
        "llm = HuggingFaceModel(env={'HF_MODEL_ID': 'meta-llama/Llama-3.1-8B'})\n"
        "llm.deploy(initial_instance_count=1, instance_type='ml.g5.2xlarge')\n",
        BARE_DEPLOY.replace("instance_type='ml.m5.large'", "instance_type='local'"),
    )
