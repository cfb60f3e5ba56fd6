"""SM607 sdk-positional-order: positional arguments in SDK v1 order."""

from __future__ import annotations

from typing import Callable, Iterator, List, Optional, Tuple

import libcst as cst

from sagelint.analysis.resolve import Scalar
from sagelint.fixes import FixContext, RawEdit
from sagelint.model import Applicability, Severity
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.generations.common import (
    admits_v2,
    may_use_sdk,
    module_exists_over,
    sdk_calls,
)


class SdkPositionalOrder(Rule):
    """
    ## What it does
    Checks `sagemaker.model.Model(...)` whose first positional argument is an S3 URI or a
    `.tar.gz` path (v1's order, `Model(model_data, image)`), and the Airflow helpers
    `model_config` / `model_config_from_estimator` whose first positional argument is an
    `ml.*` instance type (v1's order).

    ## Why is this bad?
    SDK v2 swapped the first two parameters of `Model` (`image_uri`, then `model_data`): the
    v1 call still runs, with the artifact path as the image and the image as the artifact,
    and CreateModel fails only after the upload. The Airflow helpers moved `instance_type`
    behind the model or estimator.

    ## Example
    ```python
    from sagemaker.model import Model

    model = Model("s3://bucket/model.tar.gz", image, role=role)
    ```

    ## Use instead
    ```python
    from sagemaker.model import Model

    model = Model(image_uri=image, model_data="s3://bucket/model.tar.gz", role=role)
    ```

    ## Fix safety
    The fix names the arguments (`Model(image_uri=<2nd>, model_data=<1st>)`; Airflow: the
    instance type moves to `instance_type=`). It is unsafe: it changes what the call does,
    on purpose. There is no fix when more than two arguments are positional.
    """

    severity = Severity.ERROR
    fix_availability = Applicability.UNSAFE
    reads_imports = True
    summary = "Positional arguments in SDK v1 order"
    invalid = (
        "from sagemaker.model import Model\n"
        "m = Model('s3://bucket/model.tar.gz', 'image:1')\n",
    )
    valid = (
        "from sagemaker.model import Model\n"
        "m = Model('image:1', 's3://bucket/model.tar.gz')\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not may_use_sdk(ctx):
            return
        from sagelint.sdk_generations import POSITIONAL

        for call, name in sdk_calls(ctx):
            row = POSITIONAL.get(name)
            if row is None or not module_exists_over(name.rsplit(".", 1)[0], ctx, call):
                continue
            if not admits_v2(ctx, call):
                continue  # a v1 project: v1's order is right there
            positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
            if not positional or positional[0] is not call.args[0]:
                continue
            v1_first = row[0][2][0]  # the v1 parameter the first argument was written for
            value = ctx.resolver.resolve(positional[0].value)
            if not isinstance(value, Scalar) or not isinstance(value.value, str):
                continue
            if not _looks_like(v1_first, value.value):
                continue
            v2_first = row[-1][2][0]
            yield self._finding(call, name, positional, (v1_first, v2_first), value.value)

    def _finding(
        self,
        call: cst.Call,
        name: str,
        positional: List[cst.Arg],
        firsts: Tuple[str, str],
        text: str,
    ) -> Finding:
        shown = name.rsplit(".", 1)[-1]
        v1_first, v2_first = firsts
        message = (
            f"`{shown}(...)` gets {text!r} first, in SDK v1 order (`{v1_first}` first): "
            f"SDK v2 reads the first argument as `{v2_first}`"
        )
        fix = _fix(call, positional, v1_first)
        plan = None
        if fix is not None:
            plan = FixPlan(Applicability.UNSAFE, "Name the arguments in v2 order", fix)
        return self.finding(positional[0], message, fix=plan)


def _looks_like(v1_first: str, text: str) -> bool:
    if v1_first == "model_data":
        return text.startswith("s3://") or text.endswith(".tar.gz")
    if v1_first == "instance_type":
        return text.startswith("ml.")
    return False


def _fix(
    call: cst.Call, positional: List[cst.Arg], v1_first: str
) -> Optional[Callable[[FixContext], List[RawEdit]]]:
    if len(positional) > 2 or (v1_first == "instance_type" and len(positional) != 2):
        return None
    if any(arg is not call.args[index] for index, arg in enumerate(positional)):
        return None  # positional arguments after keywords: leave them to the user

    def build(fix: FixContext) -> List[RawEdit]:
        first = _value_span(fix, positional[0])
        first_text = fix.text[first[0]:first[1]]
        if len(positional) == 1:
            return [(first[0], first[1], f"{v1_first}={first_text}")]
        second = _value_span(fix, positional[1])
        second_text = fix.text[second[0]:second[1]]
        if v1_first == "model_data":
            return [
                (first[0], first[1], f"image_uri={second_text}"),
                (second[0], second[1], f"model_data={first_text}"),
            ]
        return [
            (first[0], first[1], second_text),
            (second[0], second[1], f"instance_type={first_text}"),
        ]

    return build


def _value_span(fix: FixContext, arg: cst.Arg) -> Tuple[int, int]:
    return fix.span(arg.value)
