"""SM502 inter-container-encryption-off (opt-in): distributed training without
inter-container traffic encryption."""

from __future__ import annotations

from typing import Iterator

from sagelint.catalog import INSTANCE_GROUPS
from sagelint.model import Severity
from sagelint.analysis.resolve import ListValue
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import new_training_jobs
from sagelint.rules.security.common import ESTIMATOR as _ESTIMATOR
from sagelint.rules.security.common import known_count, setting_off, spelled


class InterContainerEncryptionOff(Rule):
    """
    ## What it does
    (Opt-in.) Checks that a distributed training job — a known instance count above 1, or
    instance groups — turns on inter-container traffic encryption
    (`encrypt_inter_container_traffic=True`, boto3 `EnableInterContainerTrafficEncryption`).

    ## Why is this bad?
    Without it, the data and model parameters the instances exchange travel unencrypted
    between them. Compliance regimes that require encryption in transit require this.

    ## Example
    ```python
    PyTorch(..., instance_count=4)
    ```

    ## Use instead
    ```python
    PyTorch(..., instance_count=4, encrypt_inter_container_traffic=True)
    ```

    ## Fix safety
    No fix: encryption slows distributed training down, a trade-off to decide.
    """

    severity = Severity.WARNING
    default_enabled = False
    summary = "Distributed training without inter-container traffic encryption"
    invalid = (_ESTIMATOR + "e = PyTorch(instance_count=2, instance_type='ml.g5.xlarge')\n",)
    valid = (
        _ESTIMATOR + "e = PyTorch(instance_count=2, encrypt_inter_container_traffic=True)\n",
        _ESTIMATOR + "e = PyTorch(instance_count=1)\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job in new_training_jobs(ctx):
            count = known_count(job.fields.get("instance count"))
            groups = job.fields.get(INSTANCE_GROUPS)
            distributed = (count is not None and count > 1) or (
                groups is not None
                and isinstance(groups.value, ListValue)
                and bool(groups.value.items)
            )
            if not distributed:
                continue
            off = setting_off(job, "inter-container encryption")
            if off is None:
                continue
            name = spelled(job, "inter-container encryption")
            shape = f"{count} instances" if count is not None and count > 1 else "instance groups"
            yield self.finding(
                off[0],
                f"`{job.site.label}(...)` runs {shape} without inter-container traffic "
                f"encryption: set `{name}` to True",
            )
