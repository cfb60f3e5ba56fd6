"""SM307 training-volume-on-local-storage: Training volume size on a local-storage type."""

from __future__ import annotations

from typing import Iterator

from sagelint.catalog import VOLUME_SIZE
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.training.common import estimator, set_on_local_storage
from sagelint.rules.training.job_settings import shown_type, written_name


class TrainingVolumeOnLocalStorage(Rule):
    """
    ## What it does
    Checks for a training job that sets a volume size (`volume_size`, `volume_size_in_gb`,
    `VolumeSizeInGB`) on an instance type known to have local NVMe storage. Processing jobs
    are not checked: CreateProcessingJob requires a volume size on every instance type (and
    the SDK's processors always send one), so there is nothing to remove.

    ## Why is this bad?
    Instance types with local NVMe storage get no EBS volume: "SageMaker doesn't provision
    Amazon EBS ... storage is fixed to the NVMe-type instance's storage capacity"
    (CreateTrainingJob, `ResourceConfig.VolumeSizeInGB`). The value has no effect, and one
    larger than the local disk fails the job with "Invalid VolumeSizeInGB" after it was
    submitted. Which types
    have local storage is the SDK's own test (`sagemaker.utils.volume_size_supported`): a
    family containing `d` (`c5d`, `g4dn`, `p4d`, ...) or starting with `g5`, `g6`, `p5` or
    `trn1`. Unknown instance types, local mode and pipeline parameters are not checked.

    ## Example
    ```python
    PyTorch(..., instance_type="ml.g5.12xlarge", volume_size=200)
    ```

    ## Use instead
    ```python
    PyTorch(..., instance_type="ml.g5.12xlarge")  # 3.8 TB of local NVMe storage
    ```

    ## Fix safety
    There is no fix: whether the job needs an instance type with an EBS volume instead is
    the user's call.
    """

    summary = "Training volume size on an instance type with local storage"
    invalid = (estimator("instance_type='ml.g5.12xlarge', volume_size=200"),)
    valid = (
        estimator("instance_type='ml.m5.xlarge', volume_size=200"),
        estimator("instance_type='ml.g5.12xlarge'"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job, volume, instance_type in set_on_local_storage(ctx, VOLUME_SIZE):
            yield self.finding(
                volume.anchor,
                f"`{written_name(volume, 'volume_size')}` has no effect on {shown_type(job, instance_type)}: "
                "it has local NVMe storage and no EBS volume is attached, and a size above "
                "the local disk's fails the job",
                used_by=job.site,
                once_per_node=True,
            )
