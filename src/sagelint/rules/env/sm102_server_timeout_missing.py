"""SM102 server-timeout-missing: Serving env lacks `SAGEMAKER_MODEL_SERVER_TIMEOUT`."""

from __future__ import annotations

from functools import partial
from typing import Dict, Iterator, List, Optional, Tuple, Union

import libcst as cst

from sagelint.fixes import FixContext, RawEdit, add_entry
from sagelint.model import Applicability
from sagelint.catalog import Family
from sagelint.analysis.resolve import DictValue, Scalar, whole_number
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.env.common import IMPORT_PYTORCH, SERVER_TIMEOUT, model_env


class ServerTimeoutMissing(Rule):
    """
    ## What it does
    Checks that the env of a serving model whose container reads the model server timeout
    sets `SAGEMAKER_MODEL_SERVER_TIMEOUT`. Fires only when every key of the env is known.

    ## Why is this bad?
    The framework containers read `SAGEMAKER_MODEL_SERVER_TIMEOUT`; without it the default of
    60 seconds applies, unless the env sets a key this container also reads for its response
    timeout (`MMS_DEFAULT_RESPONSE_TIMEOUT` on MMS toolkits, `TS_DEFAULT_RESPONSE_TIMEOUT` /
    `SAGEMAKER_TS_RESPONSE_TIMEOUT` on TorchServe): the message says which timeout applies.
    Keys such as `MODEL_SERVER_TIMEOUT` are read only by custom images.

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
    Safe: adds the key with `server-timeout-floor` as its value (or the value of such an
    equivalent key, when it is a whole number at or above the floor) to the dict where the env
    is defined, following its layout. No fix when the env is not built by one dict literal or
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
            equivalent = _response_timeout(value, mapping.family)
            seconds = floor
            if equivalent is not None and equivalent[1] >= floor:
                seconds = equivalent[1]  # keep the timeout the env already asks for
            fix = None
            if target is not None:
                build = partial(_add_server_timeout, target=target, seconds=seconds)
                fix = FixPlan(
                    Applicability.SAFE, f'Add `"{SERVER_TIMEOUT}": "{seconds}"` to the env', build
                )
            if equivalent is None:
                then = "the model server keeps its 60 s default timeout"
            else:
                then = (
                    f"the model server's timeout is then {equivalent[1]} s, "
                    f"set by `{equivalent[0]}`"
                )
            yield self.finding(
                mapping.anchor, f"env lacks `{SERVER_TIMEOUT}`: {then}", used_by=mapping.site,
                fix=fix,
            )


# The keys each container family also reads for its response timeout (`sagelint rule SM102`):
# MMS properties on the MMS toolkits, TorchServe's on the PyTorch toolkit.
_RESPONSE_TIMEOUT_KEYS: Dict[Optional[Family], Tuple[str, ...]] = {
    Family.MMS: ("MMS_DEFAULT_RESPONSE_TIMEOUT",),
    Family.HUGGINGFACE: ("MMS_DEFAULT_RESPONSE_TIMEOUT",),
    Family.TORCHSERVE: ("TS_DEFAULT_RESPONSE_TIMEOUT", "SAGEMAKER_TS_RESPONSE_TIMEOUT"),
}


def _response_timeout(env: DictValue, family: Optional[Family]) -> Optional[Tuple[str, int]]:
    """The key this container reads for its response timeout, and its whole number of
    seconds, when the env holds one (never a default the env overrides)."""
    keys = _RESPONSE_TIMEOUT_KEYS.get(family, ())
    for entry in env.effective_entries():
        if entry.key in keys and isinstance(entry.value, Scalar) and not entry.conditional:
            seconds = whole_number(entry.value.value)
            if seconds is not None and seconds > 0:
                return str(entry.key), seconds
    return None


def _add_server_timeout(
    ctx: FixContext, target: Union[cst.Dict, cst.Call], seconds: int
) -> List[RawEdit]:
    return add_entry(ctx, target, SERVER_TIMEOUT, ctx.string(str(seconds), target))
