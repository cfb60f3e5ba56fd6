"""SM504 storage-unencrypted (opt-in): training storage without a KMS key."""

from __future__ import annotations

from typing import Iterator

from sagelint.catalog import OUTPUT_KMS_KEY
from sagelint.instances import has_local_storage
from sagelint.model import Severity
from sagelint.analysis.resolve import Scalar
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import new_training_jobs
from sagelint.rules.security.common import ESTIMATOR as _ESTIMATOR
from sagelint.rules.security.common import unset


class StorageUnencrypted(Rule):
    """
    ## What it does
    (Opt-in.) Checks that a training job on an instance type that attaches an EBS volume
    sets a KMS key for its storage volume or for its output (`volume_kms_key`,
    `output_kms_key`; boto3 `ResourceConfig.VolumeKmsKeyId`, `OutputDataConfig.KmsKeyId`).

    ## Why is this bad?
    Without a customer-managed key the volume and the model artifacts are encrypted only
    with an AWS-managed key: access cannot be restricted or audited through your own key
    policy, which many compliance regimes require. Instance types with local NVMe storage
    take no volume key (and reject one), so they are not reported.

    ## Example
    ```python
    PyTorch(..., instance_type="ml.m5.xlarge")
    ```

    ## Use instead
    ```python
    PyTorch(..., instance_type="ml.m5.xlarge", volume_kms_key=key_arn, output_kms_key=key_arn)
    ```

    ## Fix safety
    No fix: the key is yours to choose.
    """

    severity = Severity.WARNING
    default_enabled = False
    summary = "Training storage without a KMS key"
    invalid = (_ESTIMATOR + "e = PyTorch(instance_type='ml.m5.xlarge')\n",)
    valid = (
        _ESTIMATOR + "e = PyTorch(instance_type='ml.m5.xlarge', volume_kms_key='k')\n",
        _ESTIMATOR + "e = PyTorch(instance_type='ml.g5.xlarge')\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job in new_training_jobs(ctx):
            instance = job.fields.get("instance type")
            if instance is None or not isinstance(instance.value, Scalar):
                continue
            kind = instance.value.value
            if not isinstance(kind, str) or has_local_storage(kind) is not False:
                continue
            if kind.startswith("local"):
                continue  # local mode: no instance, no volume
            if all(unset(job, attribute) for attribute in ("volume KMS key", OUTPUT_KMS_KEY)):
                yield self.finding(
                    job.site.call,
                    f"`{job.site.label}(...)` on `{kind}` sets no KMS key for its volume or its "
                    "output: they are encrypted only with an AWS-managed key",
                )
