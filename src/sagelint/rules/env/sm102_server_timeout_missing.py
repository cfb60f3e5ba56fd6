"""SM102 server-timeout-missing: Serving env lacks `SAGEMAKER_MODEL_SERVER_TIMEOUT`."""

from __future__ import annotations

from functools import partial
from typing import Dict, Iterable, Iterator, List, Optional, Tuple, Union

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
    It also names each timeout key of the env that this container does not read, and the key
    it reads instead: `MMS_DEFAULT_RESPONSE_TIMEOUT` on TorchServe, the `TS_` keys on MMS
    toolkits, and `MODEL_SERVER_TIMEOUT`, which only custom images read.

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
    Safe: adds the key to the dict where the env is defined, following its layout, with the
    timeout the author asked for: the value of a key this container reads, when it is a whole
    number of at least `server-timeout-floor` (the timeout in effect, never lowered); else the
    value of any other timeout key (`timeout-env-keys`), when it is from the floor to 3600;
    otherwise the floor. No fix when the env is not built
    by one dict literal or `dict(...)` call.

    ## Options
    - `server-timeout-floor`
    - `timeout-env-keys`
    """

    summary = "Serving env lacks `SAGEMAKER_MODEL_SERVER_TIMEOUT`"
    fix_availability = Applicability.SAFE
    settings_used = ("server-timeout-floor", "timeout-env-keys")
    invalid = (model_env("{'MODEL_SERVER_TIMEOUT': '300'}"),)
    valid = (
        IMPORT_PYTORCH + "env = {'A': '1'}\nenv['SAGEMAKER_MODEL_SERVER_TIMEOUT'] = '300'\n"
        "m = PyTorchModel(env=env)\n",
        IMPORT_PYTORCH + "import os\nm = PyTorchModel(env=dict(os.environ))\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        floor = ctx.settings.server_timeout_floor
        keys = ctx.settings.timeout_env_keys
        for mapping in ctx.facts.env_mappings:
            value = mapping.value
            if mapping.reads_server_timeout is not True or not isinstance(value, DictValue):
                continue
            if not value.closed or value.has_key(SERVER_TIMEOUT):
                continue
            yield self.finding(
                mapping.anchor, _message(value, mapping.family), used_by=mapping.site,
                fix=_fix(value, mapping.family, floor, keys),
            )


# The keys each container family also reads for its response timeout (`sagelint rule SM102`):
# MMS properties on the MMS toolkits, TorchServe's on the PyTorch toolkit.
_RESPONSE_TIMEOUT_KEYS: Dict[Optional[Family], Tuple[str, ...]] = {
    Family.MMS: ("MMS_DEFAULT_RESPONSE_TIMEOUT",),
    Family.HUGGINGFACE: ("MMS_DEFAULT_RESPONSE_TIMEOUT",),
    Family.TORCHSERVE: ("TS_DEFAULT_RESPONSE_TIMEOUT", "SAGEMAKER_TS_RESPONSE_TIMEOUT"),
}

# Timeout keys these families do not read, and what reads the timeout instead: an author who
# wrote one meant a timeout, so the message names it (shared/SAGEMAKER.md §2). The unprefixed
# name is read by custom images only; MMS and TorchServe each read their own prefix.
_UNPREFIXED = f"framework containers read `{SERVER_TIMEOUT}`"
_TO_TS = "TorchServe reads `TS_DEFAULT_RESPONSE_TIMEOUT`"
_TO_MMS = "the multi-model server reads `MMS_DEFAULT_RESPONSE_TIMEOUT`"
_NOT_READ: Dict[Optional[Family], Dict[str, str]] = {
    Family.TORCHSERVE: {
        "MODEL_SERVER_TIMEOUT": _UNPREFIXED,
        "MMS_DEFAULT_RESPONSE_TIMEOUT": _TO_TS,
    },
    Family.MMS: {
        "MODEL_SERVER_TIMEOUT": _UNPREFIXED,
        "TS_DEFAULT_RESPONSE_TIMEOUT": _TO_MMS,
        "SAGEMAKER_TS_RESPONSE_TIMEOUT": _TO_MMS,
    },
}
_NOT_READ[Family.HUGGINGFACE] = _NOT_READ[Family.MMS]

# SM106's bound: no timeout above an hour is carried over from a key the container does not
# read (async inference stops at 3600 s; a larger value was likely meant in another unit).
_MOST_SECONDS = 3600


def _message(env: DictValue, family: Optional[Family]) -> str:
    equivalent = _response_timeout(env, family)
    unread = _unread_keys(env, family)
    if equivalent is None:
        then = "the model server keeps its 60 s default timeout"
        if unread:
            then += ": " + unread
    else:
        then = f"the model server's timeout is then {equivalent[1]} s, set by `{equivalent[0]}`"
        if unread:
            then += "; " + unread
    return f"env lacks `{SERVER_TIMEOUT}`: {then}"


def _unread_keys(env: DictValue, family: Optional[Family]) -> str:
    """`MMS_DEFAULT_RESPONSE_TIMEOUT` is not read by this container (TorchServe reads ...):
    every timeout key of the env that this container does not read, with the key it reads
    instead; empty when there is none."""
    instead = _NOT_READ.get(family, {})
    named: List[str] = []
    for entry in env.effective_entries():
        key = entry.key
        if isinstance(key, str) and key in instead and key not in named:
            named.append(key)
    if not named:
        return ""
    said = [f"`{key}` ({instead[key]})" for key in named]
    if len(said) == 1:
        return f"`{named[0]}` is not read by this container ({instead[named[0]]})"
    return f"{', '.join(said[:-1])} and {said[-1]} are not read by this container"


def _response_timeout(env: DictValue, family: Optional[Family]) -> Optional[Tuple[str, int]]:
    """The key this container reads for its response timeout, and its whole number of
    seconds, when the env holds one (never a default the env overrides)."""
    return next(_timeouts(env, _RESPONSE_TIMEOUT_KEYS.get(family, ())), None)


def _timeouts(env: DictValue, keys: Iterable[str]) -> Iterator[Tuple[str, int]]:
    """(key, seconds) for each of these keys that the env surely holds as a whole number."""
    wanted = frozenset(keys)
    for entry in env.effective_entries():
        if entry.key in wanted and isinstance(entry.value, Scalar) and not entry.conditional:
            seconds = whole_number(entry.value.value)
            if seconds is not None and seconds > 0:
                yield str(entry.key), seconds


def _carried_over(
    env: DictValue, family: Optional[Family], floor: int, keys: Iterable[str]
) -> Optional[Tuple[str, int]]:
    """The timeout the author asked for, to keep in the fix: the value of a key this
    container reads when it is at least the floor (it is the timeout in effect: the fix must
    not lower it), else of any other timeout key (whichever key held it: the author meant a
    timeout) when it is between the floor and an hour."""
    read = _RESPONSE_TIMEOUT_KEYS.get(family, ())
    others = [key for key in keys if key not in read]
    for key, seconds in _timeouts(env, read):
        if floor <= seconds:
            return key, seconds
    for key, seconds in _timeouts(env, others):
        if floor <= seconds <= _MOST_SECONDS:
            return key, seconds
    return None


def _fix(
    env: DictValue, family: Optional[Family], floor: int, keys: Iterable[str]
) -> Optional[FixPlan]:
    target = env.insert_target
    if target is None:
        return None
    kept = _carried_over(env, family, floor, keys)
    seconds = floor if kept is None else kept[1]
    message = f'Add `"{SERVER_TIMEOUT}": "{seconds}"` to the env'
    if kept is not None:
        message += f" (the value of `{kept[0]}`)"
    build = partial(_add_server_timeout, target=target, seconds=seconds)
    return FixPlan(Applicability.SAFE, message, build)


def _add_server_timeout(
    ctx: FixContext, target: Union[cst.Dict, cst.Call], seconds: int
) -> List[RawEdit]:
    return add_entry(ctx, target, SERVER_TIMEOUT, ctx.string(str(seconds), target))
