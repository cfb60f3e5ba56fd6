"""SM102 server-timeout-missing: Serving env lacks `SAGEMAKER_MODEL_SERVER_TIMEOUT`."""

from __future__ import annotations

from functools import partial
from typing import Iterator, List, Union

import libcst as cst

from sagelint.fixes import FixContext, RawEdit, add_entry
from sagelint.model import Applicability
from sagelint.resolve import DictValue
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.env.common import IMPORT_PYTORCH, SERVER_TIMEOUT, model_env


class ServerTimeoutMissing(Rule):
    """
    ## What it does
    Checks that the env of a serving model whose container reads the model server timeout
    sets `SAGEMAKER_MODEL_SERVER_TIMEOUT`. Fires only when every key of the env is known.

    ## Why is this bad?
    The framework containers read `SAGEMAKER_MODEL_SERVER_TIMEOUT`, and nothing else sets the
    model server's request timeout; without it the default of 60 seconds applies. Keys such as
    `MODEL_SERVER_TIMEOUT` are read only by custom images.

    ## Example
    ```python
    model = PyTorchModel(..., env={"MODEL_SERVER_TIMEOUT": "300"})
    ```

    ## Use instead
    ```python
    model = PyTorchModel(
        ..., env={"MODEL_SERVER_TIMEOUT": "300", "SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}
    )
    ```

    ## Fix safety
    Safe: adds the key with `server-timeout-floor` as its value to the dict where the env is
    defined, following its layout. No fix when the env is not built by one dict literal or
    `dict(...)` call.

    ## Options
    - `server-timeout-floor`
    """

    summary = "Serving env lacks `SAGEMAKER_MODEL_SERVER_TIMEOUT`"
    fix_availability = Applicability.SAFE
    settings_used = ("server-timeout-floor",)
    invalid = (model_env("{'MODEL_SERVER_TIMEOUT': '300'}"),)
    valid = (
        IMPORT_PYTORCH + "env = {'A': '1'}\nenv['SAGEMAKER_MODEL_SERVER_TIMEOUT'] = '300'\n"
        "m = PyTorchModel(env=env)\n",
        IMPORT_PYTORCH + "import os\nm = PyTorchModel(env=dict(os.environ))\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        floor = ctx.settings.server_timeout_floor
        for mapping in ctx.facts.env_mappings:
            value = mapping.value
            if mapping.reads_server_timeout is not True or not isinstance(value, DictValue):
                continue
            if not value.closed or value.has_key(SERVER_TIMEOUT):
                continue
            target = value.insert_target
            fix = None
            if target is not None:
                build = partial(_add_server_timeout, target=target, floor=floor)
                fix = FixPlan(
                    Applicability.SAFE, f'Add `"{SERVER_TIMEOUT}": "{floor}"` to the env', build
                )
            yield self.finding(
                mapping.anchor,
                f"env lacks `{SERVER_TIMEOUT}`: the model server keeps its 60 s default timeout",
                used_by=mapping.site,
                fix=fix,
            )


def _add_server_timeout(
    ctx: FixContext, target: Union[cst.Dict, cst.Call], floor: int
) -> List[RawEdit]:
    return add_entry(ctx, target, SERVER_TIMEOUT, ctx.string(str(floor), target))
