"""Shared by the deploy rules."""

from __future__ import annotations

from functools import partial
from typing import Iterator, List, Optional, Tuple, Union

import libcst as cst

from sagelint.fixes import FixContext, RawEdit, add_entry, add_keyword
from sagelint.model import Applicability
from sagelint.analysis.resolve import Scalar
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.surfaces.facts import Deploy, SettingsBlock

STARTUP, DOWNLOAD, VOLUME = "startup", "download", "volume"  # fields of DeployNames


TIMEOUTS = (STARTUP, DOWNLOAD)


MODEL = (
    "from sagemaker.pytorch import PyTorchModel\n"
    "model = PyTorchModel(\n"
    "    model_data='s3://models/m.tar.gz', env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '300'}\n"
    ")\n"
)


def floor_of(ctx: RuleContext, setting: str) -> int:
    settings = ctx.settings
    return settings.startup_timeout_floor if setting == STARTUP else settings.download_timeout_floor


def add_setting(
    ctx: FixContext, where: Union[cst.Call, cst.Dict], name: str, value_code: str
) -> List[RawEdit]:
    """Add a missing setting: a keyword to a call, an entry to a variant dict."""
    if isinstance(where, cst.Dict):
        return add_entry(ctx, where, name, value_code)
    return add_keyword(ctx, where, name, value_code)


def instance_deploys(ctx: RuleContext) -> Iterator[Deploy]:
    """Deploys known to create an instance-based (real-time or async) endpoint."""
    for deploy in ctx.facts.deploys:
        if deploy.serverless is False:
            yield deploy


class MissingTimeout(Rule):
    setting: str
    what: str

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        floor = floor_of(ctx, self.setting)
        for deploy in instance_deploys(ctx):
            target = deploy.target
            if target.jumpstart or not target.deploy_takes_timeouts:
                continue
            # The download timeout governs only the copy of model artifacts from S3.
            if self.setting == DOWNLOAD and ctx.facts.has_artifacts(deploy) is not True:
                continue
            name = getattr(deploy.names, self.setting)
            if not deploy.keywords.closed or name in deploy.keywords:
                continue
            where = deploy.container
            fix = None
            if deploy.wrap is not None and where is not None:
                fix = _wrapped_fix(deploy.wrap, where, name, floor)
            elif where is not None:
                build = partial(add_setting, where=where, name=name, value_code=str(floor))
                shown = f'"{name}": {floor}' if isinstance(where, cst.Dict) else f"{name}={floor}"
                fix = FixPlan(Applicability.SAFE, f"Add `{shown}`", build)
            yield self.finding(
                deploy.anchor,
                f"`{deploy.site.label}(...)` does not set `{name}`: {self.what}; set it to at "
                f"least {floor} s{deploy.note}",
                fix=fix,
            )


def _wrapped_fix(
    wrap: SettingsBlock, where: Union[cst.Call, cst.Dict], name: str, floor: int
) -> Optional[FixPlan]:
    """An inference component without startup parameters: add the block holding the
    setting (a dict, or the v3 shape under the name the module imports it as)."""
    if wrap.shape is not None:
        if not wrap.shape or not isinstance(where, cst.Call):
            return None  # the shape's class is not imported: a fix would need an import
        shape = wrap.shape
        value_code = f"{shape}({name}={floor})"

        def shape_block(ctx: FixContext) -> List[RawEdit]:
            return add_setting(ctx, where, wrap.key, _laid_out(ctx, where, wrap.key, shape, name, floor))

        return FixPlan(Applicability.SAFE, f"Add `{wrap.key}={value_code}`", shape_block)

    def block(ctx: FixContext) -> List[RawEdit]:
        inner = "{" + f"{ctx.string(name, where)}: {floor}" + "}"
        return add_setting(ctx, where, wrap.key, inner)

    return FixPlan(Applicability.SAFE, f'Add `"{wrap.key}": {{"{name}": {floor}}}`', block)


def _laid_out(ctx: FixContext, call: cst.Call, key: str, shape: str, name: str, floor: int) -> str:
    """`Shape(name=floor)`, on lines of its own when the call's arguments stand one per line
    and one line would pass `line-length`."""
    one_line = f"{shape}({name}={floor})"
    if not call.args:
        return one_line
    start, _ = ctx.span(call.args[-1])
    line_start = max(ctx.text.rfind("\n", 0, start), ctx.text.rfind("\r", 0, start)) + 1
    indent = ctx.text[line_start:start]
    if indent.strip() or len(indent) + len(key) + 2 + len(one_line) <= ctx.line_length:
        return one_line  # not one argument per line, or short enough
    newline = ctx.newline()
    inner = indent + ("\t" if indent.startswith("\t") else "    ")
    return f"{shape}({newline}{inner}{name}={floor},{newline}{indent})"


def timeout_values_of(ctx: RuleContext) -> Iterator[Tuple[Deploy, str, str, Scalar]]:
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


BARE_DEPLOY = MODEL + "model.deploy(initial_instance_count=1, instance_type='ml.m5.large')\n"
SERVERLESS = MODEL + "from sagemaker.serverless import ServerlessInferenceConfig\n"


def deploy_with(startup: str, download: str) -> str:
    """An example: a deploy setting both timeouts (Python source of their values)."""
    return MODEL + (
        f"model.deploy(container_startup_health_check_timeout={startup}, "
        f"model_data_download_timeout={download})\n"
    )
