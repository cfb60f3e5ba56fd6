"""SM1: the serving and training container environment."""

from __future__ import annotations

import re
from functools import partial
from typing import Iterator, List, Optional, Union

import libcst as cst

from sagelint.catalog import Family
from sagelint.fixes import FixContext, RawEdit, add_entry, add_keyword, replace_node
from sagelint.model import Applicability, Severity
from sagelint.resolve import DictValue, Keywords, Scalar, whole_number
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.common import env_entries, number_literal_fix, scalar, timeout_values

SERVER_TIMEOUT = "SAGEMAKER_MODEL_SERVER_TIMEOUT"
_IMPLAUSIBLE = 3600
_ENV_KEY = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_ENDPOINT_SETTINGS = frozenset(
    {
        "container_startup_health_check_timeout",
        "container_startup_health_check_timeout_in_seconds",
        "model_data_download_timeout",
        "model_data_download_timeout_in_seconds",
        "ContainerStartupHealthCheckTimeoutInSeconds",
        "ModelDataDownloadTimeoutInSeconds",
    }
)

_IMPORT_PYTORCH = "from sagemaker.pytorch import PyTorchModel\n"


class ModelEnvMissing(Rule):
    """
    ## What it does
    Checks that a serving model whose container reads the model server timeout
    (`PyTorchModel`, `SKLearnModel`, `XGBoostModel`, `MXNetModel`, `ChainerModel`,
    `HuggingFaceModel` with a Hugging Face inference-toolkit image, classes in
    `extend-model-classes`) is built with an `env`. Also checks `estimator.deploy(...)` of the
    matching framework estimators, whose `env` argument becomes the model's env.

    ## Why is this bad?
    Without `SAGEMAKER_MODEL_SERVER_TIMEOUT` the model server answers each request within its
    default of 60 seconds. A model that takes longer to load or to answer deploys fine, then
    times out on its first request.

    ## Example
    ```python
    model = PyTorchModel(model_data=uri, role=role, entry_point="inference.py")
    ```

    ## Use instead
    ```python
    model = PyTorchModel(
        model_data=uri,
        role=role,
        entry_point="inference.py",
        env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"},
    )
    ```

    ## Fix safety
    Safe: adds `env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}` (the value is
    `server-timeout-floor`). A call with a `**kwargs` splat of unknown content is not reported.

    ## Options
    - `server-timeout-floor`
    - `extend-model-classes`
    """

    code = "SM101"
    name = "model-env-missing"
    summary = "Serving model built without `env`"
    fix_availability = Applicability.SAFE
    settings_used = ("server-timeout-floor", "extend-model-classes")
    invalid = (_IMPORT_PYTORCH + "m = PyTorchModel(model_data='s3://b/m.tar.gz', role='r')\n",)
    valid = (
        _IMPORT_PYTORCH + "m = PyTorchModel(env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '300'})\n",
        _IMPORT_PYTORCH + "def f(kw):\n    return PyTorchModel(**kw)\n",
        "from sagemaker.tensorflow import TensorFlowModel\nm = TensorFlowModel(role='r')\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        floor = ctx.settings.server_timeout_floor
        for model in ctx.facts.models:
            if model.reads_server_timeout is True:
                yield from self._check_call(
                    model.site.call, model.site.label, model.keywords, floor
                )
        for deploy in ctx.facts.deploys:
            if deploy.from_estimator and deploy.reads_server_timeout is True:
                yield from self._check_call(
                    deploy.site.call, deploy.site.label, deploy.keywords, floor
                )
        for container in ctx.facts.containers:
            build = partial(_add_environment, target=container.node, floor=floor)
            yield self.finding(
                container.node,
                f"the container of `{container.site.label}(...)` has no `Environment`: its "
                f"model server keeps the 60 s default timeout; set `{SERVER_TIMEOUT}`",
                fix=FixPlan(
                    Applicability.SAFE,
                    f'Add `"Environment": {{"{SERVER_TIMEOUT}": "{floor}"}}`',
                    build,
                ),
            )

    def _check_call(
        self, call: cst.Call, label: str, keywords: Keywords, floor: int
    ) -> Iterator[Finding]:
        env = keywords.get("env")
        if env is None and not keywords.closed:
            return
        if env is not None and not (isinstance(env.value, Scalar) and env.value.value is None):
            return
        title = f'Add `env={{"{SERVER_TIMEOUT}": "{floor}"}}`'

        def build(fix_ctx: FixContext) -> List[RawEdit]:
            key, number = fix_ctx.string(SERVER_TIMEOUT, call), fix_ctx.string(str(floor), call)
            value = f"{{{key}: {number}}}"
            if env is not None and env.arg is not None:
                return replace_node(fix_ctx, env.arg.value, value)
            return add_keyword(fix_ctx, call, "env", value)

        fixable = env is None or env.arg is not None
        yield self.finding(
            call,
            f"`{label}(...)` has no `env`: the model server keeps its 60 s default timeout; "
            f"set `{SERVER_TIMEOUT}`",
            fix=FixPlan(Applicability.SAFE, title, build) if fixable else None,
        )


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

    code = "SM102"
    name = "server-timeout-missing"
    summary = "Serving env lacks `SAGEMAKER_MODEL_SERVER_TIMEOUT`"
    fix_availability = Applicability.SAFE
    settings_used = ("server-timeout-floor",)
    invalid = (_IMPORT_PYTORCH + "m = PyTorchModel(env={'MODEL_SERVER_TIMEOUT': '300'})\n",)
    valid = (
        _IMPORT_PYTORCH + "env = {'A': '1'}\nenv['SAGEMAKER_MODEL_SERVER_TIMEOUT'] = '300'\n"
        "m = PyTorchModel(env=env)\n",
        _IMPORT_PYTORCH + "import os\nm = PyTorchModel(env=dict(os.environ))\n",
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


def _add_environment(ctx: FixContext, target: cst.Dict, floor: int) -> List[RawEdit]:
    key, value = ctx.string(SERVER_TIMEOUT, target), ctx.string(str(floor), target)
    return add_entry(ctx, target, "Environment", f"{{{key}: {value}}}")


class EnvValueNotString(Rule):
    """
    ## What it does
    Checks that every value of a container environment mapping (model `env`,
    `deploy(env=...)`, estimator `environment`, ...) is a string.

    ## Why is this bad?
    The SDK passes env values through unchanged, and the API accepts only strings:
    `env={"X": 300}` fails in botocore with "Invalid type for parameter ... valid types:
    <class 'str'>", after the SDK may already have uploaded code and created resources.

    ## Example
    ```python
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": 300}
    ```

    ## Use instead
    ```python
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}
    ```

    ## Fix safety
    Safe for an int or a whole float: the literal becomes the same number as a string. No
    fix for other floats, booleans or None (which string is meant is the user's call), nor
    when the literal is bound to a name that is also used elsewhere.
    """

    code = "SM103"
    name = "env-value-not-string"
    severity = Severity.ERROR
    summary = "Environment value is not a string"
    fix_availability = Applicability.SAFE
    invalid = (_IMPORT_PYTORCH + "m = PyTorchModel(env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': 300})\n",)
    valid = (_IMPORT_PYTORCH + "m = PyTorchModel(env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': str(300)})\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for mapping in ctx.facts.env_mappings:
            for key, entry in env_entries(mapping):
                value = scalar(entry)
                if value is None or isinstance(value.value, str):
                    continue
                kind = type(value.value).__name__ if value.value is not None else "None"
                fix = None
                number = whole_number(value.value)
                if number is not None and not value.derived:
                    fix = _string_fix(value, number, entry.key_node)
                yield self.finding(
                    value.literal,
                    f"env value of `{key}` is {kind} `{value.value!r}`: the API accepts only "
                    "strings",
                    used_by=mapping.site,
                    fix=fix,
                    once_per_node=True,
                )


def _string_fix(value: Scalar, number: int, key_node: Optional[cst.CSTNode]) -> FixPlan:
    literal = value.literal

    def build(ctx: FixContext) -> List[RawEdit]:
        return replace_node(ctx, literal, ctx.string(str(number), key_node))

    return FixPlan(Applicability.SAFE, f'Write the value as a string: `"{number}"`', build, value.hops)


class EnvTimeoutTooLow(Rule):
    """
    ## What it does
    Checks that a timeout key of a serving env (setting `timeout-env-keys`) is at least
    `server-timeout-floor` seconds, on models whose container reads the server timeout.

    ## Why is this bad?
    A model server timeout below the time a model takes to load or answer makes the first
    requests fail with a timeout. Models that load in minutes are common; 300 seconds is the
    floor teams that have been bitten settle on.

    ## Example
    ```python
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "180"}
    ```

    ## Use instead
    ```python
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}
    ```

    ## Fix safety
    Unsafe: it changes a value the user wrote. It sets the value to the floor, keeping its
    type (a string stays a string).

    ## Options
    - `server-timeout-floor`
    - `timeout-env-keys`
    """

    code = "SM104"
    name = "env-timeout-too-low"
    summary = "Server timeout below the floor"
    fix_availability = Applicability.UNSAFE
    settings_used = ("server-timeout-floor", "timeout-env-keys")
    invalid = (_IMPORT_PYTORCH + "m = PyTorchModel(env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '180'})\n",)
    valid = (_IMPORT_PYTORCH + "m = PyTorchModel(env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '300'})\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        floor = ctx.settings.server_timeout_floor
        subject = (m for m in ctx.facts.env_mappings if m.reads_server_timeout is True)
        for mapping, key, value in timeout_values(subject, ctx.settings.timeout_env_keys):
            number = whole_number(value.value)
            if number is None or number >= floor:
                continue
            yield self.finding(
                value.literal,
                f"`{key}` is {number} s, below the floor of {floor} s: requests to a "
                "slow model time out",
                used_by=mapping.site,
                fix=number_literal_fix(
                    value, floor, Applicability.UNSAFE, f"Set `{key}` to {floor}"
                ),
                once_per_node=True,
            )


class EnvTimeoutNotSeconds(Rule):
    """
    ## What it does
    Checks that a timeout key of a serving env holds a whole number of seconds.

    ## Why is this bad?
    The model servers parse these values as integers. `"5m"`, `"300s"`, `"3.5"` or `""` are
    not read as intended: the server falls back to its default or fails to start.

    ## Example
    ```python
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "5m"}
    ```

    ## Use instead
    ```python
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}
    ```

    ## Fix safety
    There is no fix: which number was meant is the user's call.

    ## Options
    - `timeout-env-keys`
    """

    code = "SM105"
    name = "env-timeout-not-seconds"
    summary = "Timeout env value is not a whole number of seconds"
    settings_used = ("timeout-env-keys",)
    invalid = (_IMPORT_PYTORCH + "m = PyTorchModel(env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '5m'})\n",)
    valid = (_IMPORT_PYTORCH + "m = PyTorchModel(env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '300'})\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        serving = (m for m in ctx.facts.env_mappings if m.serving)
        for mapping, key, value in timeout_values(serving, ctx.settings.timeout_env_keys):
            if isinstance(value.value, str) and whole_number(value.value) is None:
                yield self.finding(
                    value.literal,
                    f"`{key}` is {value.value!r}: it takes a whole number of seconds",
                    used_by=mapping.site,
                    once_per_node=True,
                )


class EnvTimeoutImplausible(Rule):
    """
    ## What it does
    Checks that a timeout key of a serving env is at most 3600 seconds.

    ## Why is this bad?
    These keys take seconds. A value such as `"30000"` is more than 8 hours and was most
    likely meant as milliseconds; real-time invocations are capped at 60 s by the platform and
    asynchronous ones at 3600 s anyway.

    ## Example
    ```python
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "30000"}  # 30 seconds
    ```

    ## Use instead
    ```python
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}
    ```

    ## Fix safety
    There is no fix: whether seconds or milliseconds were meant is the user's call.

    ## Options
    - `timeout-env-keys`
    """

    code = "SM106"
    name = "env-timeout-implausible"
    summary = "Timeout env value above 3600 seconds"
    settings_used = ("timeout-env-keys",)
    invalid = (_IMPORT_PYTORCH + "m = PyTorchModel(env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '30000'})\n",)
    valid = (_IMPORT_PYTORCH + "m = PyTorchModel(env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '3600'})\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        serving = (m for m in ctx.facts.env_mappings if m.serving)
        for mapping, key, value in timeout_values(serving, ctx.settings.timeout_env_keys):
            number = whole_number(value.value)
            if number is not None and number > _IMPLAUSIBLE:
                yield self.finding(
                    value.literal,
                    f"`{key}` is {number} s ({number / 3600:.1f} hours): these keys take "
                    "seconds, not milliseconds",
                    used_by=mapping.site,
                    once_per_node=True,
                )


class EnvKeyInvalid(Rule):
    """
    ## What it does
    Checks that every key of a container environment mapping is a valid variable name
    (`[a-zA-Z_][a-zA-Z0-9_]*`) and is not an endpoint setting.

    ## Why is this bad?
    CreateModel and CreateTrainingJob reject keys that are not valid names. Endpoint settings
    such as `container_startup_health_check_timeout` or
    `ModelDataDownloadTimeoutInSeconds` put in the env do nothing: no container reads them. They
    belong in `deploy(...)` or the ProductionVariant.

    ## Example
    ```python
    env = {"container_startup_health_check_timeout": "600"}
    ```

    ## Use instead
    ```python
    model.deploy(..., container_startup_health_check_timeout=600)
    ```

    ## Fix safety
    There is no fix.
    """

    code = "SM107"
    name = "env-key-invalid"
    severity = Severity.ERROR
    summary = "Environment key is invalid or an endpoint setting"
    invalid = (_IMPORT_PYTORCH + "m = PyTorchModel(env={'model-dir': '/opt'})\n",)
    valid = (_IMPORT_PYTORCH + "m = PyTorchModel(env={'MODEL_DIR': '/opt'})\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for mapping in ctx.facts.env_mappings:
            for key, entry in env_entries(mapping):
                if entry.key_node is None:
                    continue
                if key in _ENDPOINT_SETTINGS:
                    message = (
                        f"env key `{key}` is an endpoint setting that no container reads: pass "
                        "it to `deploy(...)` or the production variant"
                    )
                elif not _ENV_KEY.match(key):
                    message = (
                        f"env key {key!r} is not a valid variable name "
                        "(`[a-zA-Z_][a-zA-Z0-9_]*`): the API rejects it"
                    )
                else:
                    continue
                yield self.finding(
                    entry.key_node, message, used_by=mapping.site, once_per_node=True
                )


class EstimatorEnvIgnored(Rule):
    """
    ## What it does
    Checks for `env=` passed to an estimator constructor.

    ## Why is this bad?
    Estimators swallow unknown keyword arguments: `env=` has no effect at all. The training
    environment is `environment=`; a serving env belongs on the model or on
    `estimator.deploy(env=...)`.

    ## Example
    ```python
    estimator = PyTorch(..., env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})
    ```

    ## Use instead
    ```python
    estimator = PyTorch(...)
    estimator.deploy(..., env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})
    ```

    ## Fix safety
    There is no fix: whether the env was meant for training or for serving is the user's call.
    """

    code = "SM108"
    name = "estimator-env-ignored"
    summary = "`env=` on an estimator is ignored"
    invalid = ("from sagemaker.pytorch import PyTorch\ne = PyTorch(env={'A': '1'})\n",)
    valid = ("from sagemaker.pytorch import PyTorch\ne = PyTorch(environment={'A': '1'})\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job in ctx.facts.estimators:
            env = job.keywords.get("env")
            if env is not None:
                yield self.finding(
                    env.anchor,
                    f"`env=` on `{job.info.name}(...)` is silently ignored: use `environment=` "
                    "for training, or `deploy(env=...)` for serving",
                )


_SERVER_KEYS = frozenset({"SAGEMAKER_MODEL_SERVER_TIMEOUT", "SAGEMAKER_MODEL_SERVER_WORKERS"})
_UNPREFIXED_KEYS = frozenset({"MODEL_SERVER_TIMEOUT", "MODEL_SERVER_WORKERS"})
_IGNORES_SERVER_KEYS = {
    Family.TFS: "TensorFlow Serving",
    Family.LMI: "LMI / DJL Serving",
    Family.TGI: "text-generation-inference (TGI)",
}
_FRAMEWORK_FAMILIES = frozenset({Family.TORCHSERVE, Family.MMS, Family.HUGGINGFACE})


class EnvKeyNotRead(Rule):
    """
    ## What it does
    Opt-in. Reports env keys that the model's container is known not to read:
    `SAGEMAKER_MODEL_SERVER_TIMEOUT` / `SAGEMAKER_MODEL_SERVER_WORKERS` on TensorFlow Serving,
    LMI / DJL and TGI models; unprefixed `MODEL_SERVER_TIMEOUT` / `MODEL_SERVER_WORKERS` on
    framework models.

    ## Why is this bad?
    A key no one reads gives a false sense of safety: the timeout seems set and is not. The
    unprefixed names are read by AWS's bring-your-own-container template, so they are right
    for custom images and wrong for framework images. Off by default because many working
    scripts carry both spellings on purpose.

    ## Example
    ```python
    TensorFlowModel(..., env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})
    ```

    ## Use instead
    ```python
    TensorFlowModel(..., env={"SAGEMAKER_GUNICORN_TIMEOUT_SECONDS": "300"})
    ```

    ## Fix safety
    There is no fix.
    """

    code = "SM109"
    name = "env-key-not-read"
    default_enabled = False
    summary = "Environment key the container does not read"
    invalid = (
        "from sagemaker.tensorflow import TensorFlowModel\n"
        "m = TensorFlowModel(env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '300'})\n",
    )
    valid = (_IMPORT_PYTORCH + "m = PyTorchModel(env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '300'})\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for mapping in ctx.facts.env_mappings:
            family = mapping.family
            if family is None or not mapping.serving:
                continue
            for key, entry in env_entries(mapping):
                if entry.key_node is None:
                    continue
                if key in _SERVER_KEYS and family in _IGNORES_SERVER_KEYS:
                    reason = f"{_IGNORES_SERVER_KEYS[family]} containers do not read it"
                elif key in _UNPREFIXED_KEYS and family in _FRAMEWORK_FAMILIES:
                    reason = (
                        "framework containers read `SAGEMAKER_" + key + "`; the unprefixed "
                        "name is only for custom images"
                    )
                else:
                    continue
                yield self.finding(
                    entry.key_node, f"env key `{key}` is not read: {reason}",
                    used_by=mapping.site, once_per_node=True,
                )


RULES = [
    ModelEnvMissing,
    ServerTimeoutMissing,
    EnvValueNotString,
    EnvTimeoutTooLow,
    EnvTimeoutNotSeconds,
    EnvTimeoutImplausible,
    EnvKeyInvalid,
    EstimatorEnvIgnored,
    EnvKeyNotRead,
]
