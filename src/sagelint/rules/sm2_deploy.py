"""SM2: endpoint deployment timeouts."""

from __future__ import annotations

from functools import partial
from typing import Iterator, List, Optional, Tuple, Union

import libcst as cst

from sagelint.config import API_TIMEOUT_MAX, API_TIMEOUT_MIN
from sagelint.fixes import FixContext, RawEdit, add_entry, add_keyword, remove_argument
from sagelint.model import Applicability, Severity
from sagelint.resolve import Scalar, whole_number
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.common import not_integer_finding, number_literal_fix
from sagelint.surfaces import Deploy

STARTUP, DOWNLOAD, VOLUME = "startup", "download", "volume"  # fields of DeployNames
TIMEOUTS = (STARTUP, DOWNLOAD)
_SERVERLESS_IGNORED = (STARTUP, DOWNLOAD, VOLUME)

_MODEL = (
    "from sagemaker.pytorch import PyTorchModel\n"
    "model = PyTorchModel(env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '300'})\n"
)


def _floor(ctx: RuleContext, setting: str) -> int:
    settings = ctx.settings
    return settings.startup_timeout_floor if setting == STARTUP else settings.download_timeout_floor


def add_setting(
    ctx: FixContext, where: Union[cst.Call, cst.Dict], name: str, value_code: str
) -> List[RawEdit]:
    """Add a missing setting: a keyword to a call, an entry to a variant dict."""
    if isinstance(where, cst.Dict):
        return add_entry(ctx, where, name, value_code)
    return add_keyword(ctx, where, name, value_code)


def _instance_deploys(ctx: RuleContext) -> Iterator[Deploy]:
    """Deploys known to create an instance-based (real-time or async) endpoint."""
    for deploy in ctx.facts.deploys:
        if deploy.serverless is False:
            yield deploy


class _MissingTimeout(Rule):
    setting: str
    what: str

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        floor = _floor(ctx, self.setting)
        for deploy in _instance_deploys(ctx):
            target = deploy.target
            if target.jumpstart or not target.deploy_takes_timeouts:
                continue
            name = getattr(deploy.names, self.setting)
            if not deploy.keywords.closed or name in deploy.keywords:
                continue
            where = deploy.container
            fix = None
            if where is not None:
                build = partial(add_setting, where=where, name=name, value_code=str(floor))
                shown = f'"{name}": {floor}' if isinstance(where, cst.Dict) else f"{name}={floor}"
                fix = FixPlan(Applicability.SAFE, f"Add `{shown}`", build)
            yield self.finding(
                deploy.anchor,
                f"`{deploy.site.label}(...)` does not set `{name}`: {self.what}; set it to at "
                f"least {floor} s{deploy.note}",
                fix=fix,
            )


class StartupTimeoutMissing(_MissingTimeout):
    """
    ## What it does
    Checks that a real-time `deploy(...)` sets `container_startup_health_check_timeout`.
    Serverless deploys and JumpStart models (which take the timeout from JumpStart metadata)
    are not checked.

    ## Why is this bad?
    The endpoint fails if the container does not pass its first health check in time. A model
    that loads for minutes fails the deployment after the code was uploaded and resources were
    created.

    ## Example
    ```python
    model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
    ```

    ## Use instead
    ```python
    model.deploy(
        initial_instance_count=1,
        instance_type="ml.g5.xlarge",
        container_startup_health_check_timeout=600,
    )
    ```

    ## Fix safety
    Safe: adds `container_startup_health_check_timeout=600` (the value is
    `startup-timeout-floor`).

    ## Options
    - `startup-timeout-floor`
    """

    code = "SM201"
    name = "startup-timeout-missing"
    summary = "Real-time deploy without a startup health-check timeout"
    fix_availability = Applicability.SAFE
    settings_used = ("startup-timeout-floor",)
    setting = STARTUP
    what = "the container's first health check may give up before the model has loaded"
    invalid = (_MODEL + "model.deploy(initial_instance_count=1, instance_type='ml.m5.large')\n",)
    valid = (
        _MODEL + "model.deploy(container_startup_health_check_timeout=600, "
        "model_data_download_timeout=600)\n",
        _MODEL + "from sagemaker.serverless import ServerlessInferenceConfig\n"
        "model.deploy(serverless_inference_config=ServerlessInferenceConfig())\n",
    )


class DownloadTimeoutMissing(_MissingTimeout):
    """
    ## What it does
    Checks that a real-time `deploy(...)` sets `model_data_download_timeout`. Serverless
    deploys and JumpStart models are not checked.

    ## Why is this bad?
    Large model artifacts take minutes to download and extract; when the download outlasts
    the platform default the endpoint fails after resources were created.

    ## Example
    ```python
    model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
    ```

    ## Use instead
    ```python
    model.deploy(
        initial_instance_count=1,
        instance_type="ml.g5.xlarge",
        model_data_download_timeout=600,
    )
    ```

    ## Fix safety
    Safe: adds `model_data_download_timeout=600` (the value is `download-timeout-floor`).

    ## Options
    - `download-timeout-floor`
    """

    code = "SM202"
    name = "download-timeout-missing"
    summary = "Real-time deploy without a model download timeout"
    fix_availability = Applicability.SAFE
    settings_used = ("download-timeout-floor",)
    setting = DOWNLOAD
    what = "a large model may not finish downloading in time"
    invalid = (_MODEL + "model.deploy(initial_instance_count=1, instance_type='ml.m5.large')\n",)
    valid = (
        _MODEL + "model.deploy(container_startup_health_check_timeout=600, "
        "model_data_download_timeout=600)\n",
    )


def _timeout_values(ctx: RuleContext) -> Iterator[Tuple[Deploy, str, str, Scalar]]:
    """(deploy, setting, its name there, known value) for the timeouts of deploys that are
    not known to be serverless."""
    for deploy in ctx.facts.deploys:
        if deploy.serverless is True:
            continue
        for setting in TIMEOUTS:
            name = getattr(deploy.names, setting)
            keyword = deploy.keywords.get(name)
            if keyword is not None and isinstance(keyword.value, Scalar):
                yield deploy, setting, name, keyword.value


class DeployTimeoutTooLow(Rule):
    """
    ## What it does
    Checks that `container_startup_health_check_timeout` and `model_data_download_timeout`
    are at least their floors (`startup-timeout-floor`, `download-timeout-floor`, 600 s by
    default).

    ## Why is this bad?
    A timeout shorter than the model's load or download time fails the deployment late, after
    code was uploaded and resources were created. 300 s passes the API's range check and still
    fails for large models.

    ## Example
    ```python
    model.deploy(..., container_startup_health_check_timeout=300)
    ```

    ## Use instead
    ```python
    model.deploy(..., container_startup_health_check_timeout=600)
    ```

    ## Fix safety
    Unsafe: it raises a value the user wrote to the floor.

    ## Options
    - `startup-timeout-floor`
    - `download-timeout-floor`
    """

    code = "SM203"
    name = "deploy-timeout-too-low"
    summary = "Deploy timeout below its floor"
    fix_availability = Applicability.UNSAFE
    settings_used = ("startup-timeout-floor", "download-timeout-floor")
    invalid = (
        _MODEL + "model.deploy(container_startup_health_check_timeout=300, "
        "model_data_download_timeout=600)\n",
    )
    valid = (
        _MODEL + "model.deploy(container_startup_health_check_timeout=900, "
        "model_data_download_timeout=600)\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for deploy, setting, argument, value in _timeout_values(ctx):
            number = whole_number(value.value)
            floor = _floor(ctx, setting)
            if number is None or number >= floor:
                continue
            if number < API_TIMEOUT_MIN and floor < API_TIMEOUT_MIN:
                continue  # SM204's: below the API minimum
            yield self.finding(
                value.literal,
                f"`{argument}` is {number} s, below the floor of {floor} s",
                used_by=deploy.site,
                fix=number_literal_fix(
                    value, floor, Applicability.UNSAFE, f"Set `{argument}` to {floor}"
                ),
                once_per_node=True,
            )


class DeployTimeoutOutOfRange(Rule):
    """
    ## What it does
    Checks that the deploy timeouts are within the API's range, 60 to 3600 seconds. (Values
    below 60 are reported by SM203 unless its floor is set lower than 60.)

    ## Why is this bad?
    botocore checks only minimums before sending; a value above 3600 fails on the server,
    after the model was created.

    ## Example
    ```python
    model.deploy(..., model_data_download_timeout=7200)
    ```

    ## Use instead
    ```python
    model.deploy(..., model_data_download_timeout=3600)
    ```

    ## Fix safety
    Unsafe: it clamps a value the user wrote into the range.
    """

    code = "SM204"
    name = "deploy-timeout-too-high"
    severity = Severity.ERROR
    summary = "Deploy timeout outside the API range"
    fix_availability = Applicability.UNSAFE
    invalid = (
        _MODEL + "model.deploy(container_startup_health_check_timeout=600, "
        "model_data_download_timeout=7200)\n",
    )
    valid = (
        _MODEL + "model.deploy(container_startup_health_check_timeout=3600, "
        "model_data_download_timeout=600)\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for deploy, setting, argument, value in _timeout_values(ctx):
            number = whole_number(value.value)
            if number is None:
                continue
            clamp: Optional[int] = None
            if number > API_TIMEOUT_MAX:
                clamp = API_TIMEOUT_MAX
            elif number < API_TIMEOUT_MIN and _floor(ctx, setting) < API_TIMEOUT_MIN:
                clamp = API_TIMEOUT_MIN
            if clamp is None:
                continue
            yield self.finding(
                value.literal,
                f"`{argument}` is {number} s, outside the API range "
                f"{API_TIMEOUT_MIN}..{API_TIMEOUT_MAX}: the endpoint config is rejected",
                used_by=deploy.site,
                fix=number_literal_fix(
                    value, clamp, Applicability.UNSAFE, f"Set `{argument}` to {clamp}"
                ),
                once_per_node=True,
            )


class DeployTimeoutNotInt(Rule):
    """
    ## What it does
    Checks that the deploy timeouts are integers, not string or float literals.

    ## Why is this bad?
    The API takes integer seconds; botocore rejects a string, and a float fails its type check
    too.

    ## Example
    ```python
    model.deploy(..., container_startup_health_check_timeout="600")
    ```

    ## Use instead
    ```python
    model.deploy(..., container_startup_health_check_timeout=600)
    ```

    ## Fix safety
    Safe when the literal is a whole number (`"600"` and `600.0` become `600`); no fix
    otherwise.
    """

    code = "SM205"
    name = "deploy-timeout-not-int"
    severity = Severity.ERROR
    summary = "Deploy timeout is not an integer"
    fix_availability = Applicability.SAFE
    invalid = (
        _MODEL + "model.deploy(container_startup_health_check_timeout='600', "
        "model_data_download_timeout=600)\n",
    )
    valid = (
        _MODEL + "model.deploy(container_startup_health_check_timeout=600, "
        "model_data_download_timeout=600)\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for deploy, _, argument, value in _timeout_values(ctx):
            finding = not_integer_finding(self, value, f"`{argument}`", deploy.site)
            if finding is not None:
                yield finding


class DeployTimeoutIgnored(Rule):
    """
    ## What it does
    Checks for `container_startup_health_check_timeout`, `model_data_download_timeout` or
    `volume_size` passed to a `deploy(...)` that also gets a `serverless_inference_config`.

    ## Why is this bad?
    For a serverless endpoint the SDK silently drops these arguments: the code suggests a
    setting that does not exist.

    ## Example
    ```python
    model.deploy(
        serverless_inference_config=ServerlessInferenceConfig(),
        container_startup_health_check_timeout=600,
    )
    ```

    ## Use instead
    ```python
    model.deploy(serverless_inference_config=ServerlessInferenceConfig())
    ```

    ## Fix safety
    Unsafe: it removes arguments the user wrote.
    """

    code = "SM206"
    name = "deploy-timeout-ignored"
    summary = "Deploy argument ignored by a serverless endpoint"
    fix_availability = Applicability.UNSAFE
    invalid = (
        _MODEL + "from sagemaker.serverless import ServerlessInferenceConfig\n"
        "model.deploy(serverless_inference_config=ServerlessInferenceConfig(), "
        "volume_size=30)\n",
    )
    valid = (
        _MODEL + "from sagemaker.serverless import ServerlessInferenceConfig\n"
        "model.deploy(serverless_inference_config=ServerlessInferenceConfig())\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for deploy in ctx.facts.deploys:
            if deploy.serverless is not True:
                continue
            for setting in _SERVERLESS_IGNORED:
                argument = getattr(deploy.names, setting)
                keyword = deploy.keywords.get(argument)
                if keyword is None:
                    continue
                fix = None
                if keyword.arg is not None:
                    build = partial(remove_argument, call=deploy.site.call, arg=keyword.arg)
                    fix = FixPlan(Applicability.UNSAFE, f"Remove `{argument}`", build)
                yield self.finding(
                    keyword.anchor,
                    f"`{argument}` has no effect on a serverless endpoint: it is silently "
                    "dropped",
                    fix=fix,
                )


RULES = [
    StartupTimeoutMissing,
    DownloadTimeoutMissing,
    DeployTimeoutTooLow,
    DeployTimeoutOutOfRange,
    DeployTimeoutNotInt,
    DeployTimeoutIgnored,
]
