"""SM207 endpoint-volume-on-local-storage: Endpoint volume size on a local-storage type."""

from __future__ import annotations

from functools import partial
from typing import Iterator

import libcst as cst

from sagelint.fixes import remove_argument
from sagelint.model import Applicability, Severity
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.deploy.common import MODEL
from sagelint.rules.deploy.storage import set_on_local_storage

_TIMEOUTS = "container_startup_health_check_timeout=600, model_data_download_timeout=600"


class EndpointVolumeOnLocalStorage(Rule):
    """
    ## What it does
    Checks for a real-time deploy that sets a volume size (`volume_size`, a variant's
    `VolumeSizeInGB`, `volume_size_in_gb`) on an instance type known to have local NVMe
    storage. Serverless deploys are SM206's: the SDK drops `volume_size` there.

    ## Why is this bad?
    CreateEndpointConfig rejects an EBS volume on those instance types ("VolumeSize parameter
    is not allowed for the selected instance type"), after the model was created. Which types
    have local storage is the SDK's own test (`sagemaker.utils.volume_size_supported`): a
    family containing `d` (`c5d`, `g4dn`, `p4d`, ...) or starting with `g5`, `g6`, `p5` or
    `trn1`. Unknown instance types and local mode are not checked.

    ## Example
    ```python
    model.deploy(initial_instance_count=1, instance_type="ml.g5.2xlarge", volume_size=100)
    ```

    ## Use instead
    ```python
    model.deploy(initial_instance_count=1, instance_type="ml.g5.2xlarge")
    ```

    ## Fix safety
    Unsafe: it removes an argument the user wrote (the instance's own storage is used
    instead). A setting that comes from a dict or a variant has no fix.
    """

    severity = Severity.ERROR
    summary = "Endpoint volume size on an instance type with local storage"
    fix_availability = Applicability.UNSAFE
    invalid = (
        MODEL + f"model.deploy(instance_type='ml.g5.2xlarge', volume_size=100, {_TIMEOUTS})\n",
    )
    valid = (
        MODEL + f"model.deploy(instance_type='ml.m5.xlarge', volume_size=100, {_TIMEOUTS})\n",
        MODEL + f"model.deploy(instance_type='ml.g5.2xlarge', {_TIMEOUTS})\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for deploy, keyword, instance_type in set_on_local_storage(
            ctx, lambda deploy: deploy.keywords.get(deploy.names.volume)
        ):
            name = deploy.names.volume
            fix = None
            owner = deploy.container  # the call the argument is written in
            written = isinstance(owner, cst.Call) and keyword.arg in owner.args
            if keyword.arg is not None and isinstance(owner, cst.Call) and written:
                build = partial(remove_argument, call=owner, arg=keyword.arg)
                fix = FixPlan(Applicability.UNSAFE, f"Remove `{name}`", build)
            yield self.finding(
                keyword.anchor,
                f"`{name}` is not allowed on `{instance_type}`: it has local NVMe storage and no "
                "EBS volume, so the endpoint config is rejected",
                used_by=deploy.site,
                fix=fix,
                once_per_node=True,
            )
