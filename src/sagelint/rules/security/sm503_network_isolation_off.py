"""SM503 network-isolation-off (opt-in): a training job or model without network
isolation."""

from __future__ import annotations

from typing import Iterator, Optional

import libcst as cst

from sagelint.model import Severity
from sagelint.analysis.resolve import Scalar
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import new_training_jobs
from sagelint.rules.security.common import ESTIMATOR as _ESTIMATOR
from sagelint.rules.security.common import setting_off, spelled


class NetworkIsolationOff(Rule):
    """
    ## What it does
    (Opt-in.) Checks that training jobs and models turn on network isolation
    (`enable_network_isolation=True`, boto3 and CDK `EnableNetworkIsolation` /
    `enable_network_isolation`).

    ## Why is this bad?
    Without network isolation the container can make outbound calls to the internet and to
    AWS services: user code or a compromised dependency can send data out. Teams with
    compliance requirements run training and inference containers isolated.

    ## Example
    ```python
    PyTorch(entry_point="train.py", ...)
    ```

    ## Use instead
    ```python
    PyTorch(entry_point="train.py", ..., enable_network_isolation=True)
    ```

    ## Fix safety
    No fix: an isolated container cannot reach S3 or the internet itself, which breaks code
    that downloads at run time.
    """

    severity = Severity.WARNING
    default_enabled = False
    summary = "Training job or model without network isolation"
    invalid = (_ESTIMATOR + "e = PyTorch(entry_point='train.py')\n",)
    valid = (_ESTIMATOR + "e = PyTorch(entry_point='train.py', enable_network_isolation=True)\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job in new_training_jobs(ctx):
            off = setting_off(job, "network isolation")
            if off is not None:
                name = spelled(job, "network isolation")
                yield self.finding(
                    off[0],
                    f"`{job.site.label}(...)` does not turn on network isolation: set `{name}` "
                    "to True",
                )
        for model in ctx.facts.isolation:
            setting = model.setting
            node: Optional[cst.CSTNode] = model.site.call
            if setting is not None:
                value = setting.value
                known_off = isinstance(value, Scalar) and value.value in (False, None)
                node = value.literal if known_off and isinstance(value, Scalar) else None
            if node is not None:
                yield self.finding(
                    node,
                    f"`{model.site.label}(...)` does not turn on network isolation: set "
                    f"`{model.name}` to True",
                )
