"""SM101 model-env-missing: Serving model built without `env`."""

from __future__ import annotations

from functools import partial
from typing import Iterator, List, Union

import libcst as cst

from sagelint.fixes import FixContext, RawEdit, add_entry, add_keyword, replace_node
from sagelint.model import Applicability
from sagelint.analysis.resolve import Keywords, Scalar
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.env.common import IMPORT_PYTORCH, SERVER_TIMEOUT, timeout_env


class ModelEnvMissing(Rule):
    """
    ## What it does
    Checks that a serving model whose container reads the model server timeout
    (`PyTorchModel`, `SKLearnModel`, `XGBoostModel`, `MXNetModel`, `ChainerModel`,
    `HuggingFaceModel` with a Hugging Face inference-toolkit image, classes in
    `extend-model-classes`) is built with an `env`. Also checks `estimator.deploy(...)` of the
    matching framework estimators, whose `env` argument becomes the model's env, in local mode
    too (`instance_type="local"` runs the same container on this machine).

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

    summary = "Serving model built without `env`"
    fix_availability = Applicability.SAFE
    settings_used = ("server-timeout-floor", "extend-model-classes")
    invalid = (IMPORT_PYTORCH + "m = PyTorchModel(model_data='s3://b/m.tar.gz', role='r')\n",)
    valid = (
        timeout_env("'300'"),
        IMPORT_PYTORCH + "def f(kw):\n    return PyTorchModel(**kw)\n",
        "from sagemaker.tensorflow import TensorFlowModel\nm = TensorFlowModel(role='r')\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        floor = ctx.settings.server_timeout_floor
        for model in ctx.facts.models:
            if model.reads_server_timeout is True:
                yield from self._check_call(
                    model.site.call, model.site.label, model.keywords, floor
                )
        # A deploy in local mode runs the same container: only the SM2 rules exempt it.
        for deploy in (*ctx.facts.deploys, *ctx.facts.local_deploys):
            if deploy.from_estimator and deploy.reads_server_timeout is True:
                yield from self._check_call(
                    deploy.site.call, deploy.site.label, deploy.keywords, floor
                )
        for container in ctx.facts.containers:
            key = container.key
            build = partial(_add_environment, target=container.node, floor=floor, key=key)
            shown = f'"{key}": ' if isinstance(container.node, cst.Dict) else f"{key}="
            yield self.finding(
                container.node,
                f"the container of `{container.site.label}(...)` has no `{key}`: its "
                f"model server keeps the 60 s default timeout; set `{SERVER_TIMEOUT}`",
                fix=FixPlan(
                    Applicability.SAFE,
                    f'Add `{shown}{{"{SERVER_TIMEOUT}": "{floor}"}}`',
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


def _add_environment(
    ctx: FixContext, target: Union[cst.Dict, cst.Call], floor: int, key: str
) -> List[RawEdit]:
    """Add the environment to a container: an entry of a dict (boto3, a CDK dict property),
    a keyword of a property call (CDK `ContainerDefinitionProperty(...)`)."""
    name, value = ctx.string(SERVER_TIMEOUT, target), ctx.string(str(floor), target)
    if isinstance(target, cst.Call):
        return add_keyword(ctx, target, key, f"{{{name}: {value}}}")
    return add_entry(ctx, target, key, f"{{{name}: {value}}}")
