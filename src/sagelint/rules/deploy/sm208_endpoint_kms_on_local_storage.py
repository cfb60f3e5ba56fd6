"""SM208 endpoint-kms-on-local-storage: Endpoint KMS key on a local-storage instance type."""

from __future__ import annotations

from typing import Iterator

from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.deploy.common import MODEL
from sagelint.rules.deploy.storage import set_on_local_storage

_TIMEOUTS = "container_startup_health_check_timeout=600, model_data_download_timeout=600"
_KEY = "'arn:aws:kms:us-east-1:123456789012:key/abc'"


class EndpointKmsOnLocalStorage(Rule):
    """
    ## What it does
    Checks for an endpoint config that sets a KMS key for the storage volume
    (`deploy(kms_key=...)`, `KmsKeyId`, `kms_key_id`) while one of its variants has an
    instance type known to have local NVMe storage.

    ## Why is this bad?
    "If you specify a value for KmsKeyId when using any nitro-based instances with local
    storage, the call to CreateEndpointConfig fails" (CreateEndpointConfig). The SDK passes a
    key you give it through, so the deploy fails after the model was created. Local NVMe
    storage is encrypted by the instance itself. Which types have local storage is the SDK's
    own test (`sagemaker.utils.volume_size_supported`), as for SM207.

    ## Example
    ```python
    model.deploy(initial_instance_count=1, instance_type="ml.g5.2xlarge", kms_key=key_arn)
    ```

    ## Use instead
    ```python
    model.deploy(initial_instance_count=1, instance_type="ml.g5.2xlarge")
    ```

    ## Fix safety
    There is no fix: dropping the key may break a policy that requires it; an instance type
    with an EBS volume may be the answer instead.
    """

    severity = Severity.ERROR
    summary = "Endpoint KMS key on an instance type with local storage"
    invalid = (
        MODEL + f"model.deploy(instance_type='ml.g5.2xlarge', kms_key={_KEY}, {_TIMEOUTS})\n",
    )
    valid = (
        MODEL + f"model.deploy(instance_type='ml.m5.xlarge', kms_key={_KEY}, {_TIMEOUTS})\n",
        MODEL + f"model.deploy(instance_type='ml.g5.2xlarge', kms_key=None, {_TIMEOUTS})\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for deploy, keyword, instance_type in set_on_local_storage(ctx, lambda d: d.kms):
            yield self.finding(
                keyword.anchor,
                f"`{keyword.name}` cannot be used with `{instance_type}`: it has local NVMe "
                "storage, and CreateEndpointConfig fails with a storage KMS key there",
                used_by=deploy.site,
                once_per_node=True,
            )
