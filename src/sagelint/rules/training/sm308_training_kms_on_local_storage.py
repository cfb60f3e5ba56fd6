"""SM308 training-kms-on-local-storage: Training volume KMS key on a local-storage type."""

from __future__ import annotations

from typing import Iterator

from sagelint.catalog import VOLUME_KMS_KEY
from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.training.common import estimator, set_on_local_storage
from sagelint.rules.training.job_settings import shown_type, written_name
from sagelint.rules.training.other_jobs import job_storage_on_local

_KEY = "'arn:aws:kms:us-east-1:123456789012:key/abc'"


class TrainingKmsOnLocalStorage(Rule):
    """
    ## What it does
    Checks for a training job that sets a volume KMS key (`volume_kms_key`,
    `volume_kms_key_id`, `VolumeKmsKeyId`) on an instance type known to have local NVMe
    storage. Processing and transform jobs are checked too (SDK v2 and v3 processors and
    `Transformer`, `model.transformer(...)`, `ProcessingClusterConfig`, `TransformResources`,
    boto3 `create_processing_job` / `create_transform_job`), including each preferred
    instance type of a processing job.

    ## Why is this bad?
    CreateTrainingJob rejects it: "You can't request a VolumeKmsKeyId when using an instance
    type with local storage" (`ResourceConfig.VolumeKmsKeyId`). The SDK passes a key you give
    it through; the job fails when it is submitted, after the code was uploaded. Local NVMe
    storage is encrypted by the instance itself. Which types have local storage is the SDK's
    own test (`sagemaker.utils.volume_size_supported`), as for SM307. CreateProcessingJob
    (`ProcessingClusterConfig.VolumeKmsKeyId`) and CreateTransformJob
    (`TransformResources.VolumeKmsKeyId`) say the same.

    ## Example
    ```python
    HuggingFace(..., instance_type="ml.p4d.24xlarge", volume_kms_key=key_arn)
    ```

    ## Use instead
    ```python
    HuggingFace(..., instance_type="ml.p4d.24xlarge", output_kms_key=key_arn)
    ```

    ## Fix safety
    There is no fix.
    """

    severity = Severity.ERROR
    summary = "Training volume KMS key on an instance type with local storage"
    invalid = (estimator(f"instance_type='ml.p4d.24xlarge', volume_kms_key={_KEY}"),)
    valid = (
        estimator(f"instance_type='ml.p3.2xlarge', volume_kms_key={_KEY}"),
        estimator("instance_type='ml.p4d.24xlarge', volume_kms_key=None"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job, key, instance_type in set_on_local_storage(ctx, VOLUME_KMS_KEY):
            yield self.finding(
                key.anchor,
                f"`{written_name(key, 'volume_kms_key')}` cannot be used with {shown_type(job, instance_type)}: "
                "it has local NVMe storage, and CreateTrainingJob rejects a volume KMS key there",
                used_by=job.site,
                once_per_node=True,
            )
        for other, key, named in job_storage_on_local(ctx, VOLUME_KMS_KEY):
            yield self.finding(
                key.anchor,
                f"`{written_name(key, 'volume_kms_key')}` cannot be used with {named}: it has "
                f"local NVMe storage, and {other.api} rejects a volume KMS key there",
                used_by=other.site,
                once_per_node=True,
            )
