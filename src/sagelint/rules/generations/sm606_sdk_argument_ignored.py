"""SM606 sdk-argument-ignored: a keyword or call the SDK accepts and ignores."""

from __future__ import annotations

from typing import Callable, Iterator, List

import libcst as cst

from sagelint.fixes import FixContext, RawEdit, remove_argument
from sagelint.model import Applicability, Severity
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.generations.common import ignored_over, may_use_sdk, sdk_calls

# TensorFlow's legacy script keywords: what they meant moved into the script's own
# arguments, so removing them is not the whole fix (moving them into `hyperparameters`
# would change what the script receives).
_NO_FIX = frozenset({"training_steps", "evaluation_steps", "requirements_file", "checkpoint_path"})


class SdkArgumentIgnored(Rule):
    """
    ## What it does
    Checks calls resolved to the SageMaker SDK for keywords and calls that the admitted SDK
    releases accept and ignore: v1-only estimator keywords swallowed by `**kwargs`
    (`enable_cloudwatch_metrics`, `script_mode`, TensorFlow's `training_steps`,
    `evaluation_steps`, `requirements_file`, `checkpoint_path`), `content_type=` / `accept=`
    on predictors, and `delete_endpoint()` on an estimator or tuner, or
    `get_ecr_image_uri_prefix()`, which v2 keeps as no-ops.

    ## Why is this bad?
    The code reads as if it configured something, or deleted an endpoint, and nothing
    happens: the endpoint keeps running and billing, the predictor sends with its default
    serializer.

    ## Example
    ```python
    estimator = PyTorch(..., enable_cloudwatch_metrics=True)
    estimator.delete_endpoint()
    ```

    ## Use instead
    ```python
    estimator = PyTorch(...)
    predictor.delete_endpoint()  # the predictor that deploy() returned
    ```

    ## Fix safety
    The fix removes the keyword and is unsafe: the code may have relied on what the keyword
    meant in v1. There is no fix for the calls, nor for TensorFlow's legacy keywords
    (`env=` on an estimator is reported by SM108).
    """

    severity = Severity.WARNING
    fix_availability = Applicability.UNSAFE
    reads_imports = True
    summary = "A keyword or call the SDK accepts and ignores"
    invalid = (
        "from sagemaker.pytorch import PyTorch\n"
        "e = PyTorch(entry_point='t.py', enable_cloudwatch_metrics=True)\n",
    )
    valid = ("from sagemaker.pytorch import PyTorch\ne = PyTorch(entry_point='t.py')\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not may_use_sdk(ctx):
            return
        from sagelint.sdk_generations import NOOP_CALLS, NOOP_KEYWORDS, RENAMED_KEYWORDS

        for call, name in sdk_calls(ctx):
            intervals = NOOP_CALLS.get(name)
            if intervals is not None and ignored_over(intervals, ctx, call):
                yield self.finding(
                    call,
                    f"`{_shown(name)}()` does nothing in SDK v2: "
                    + _call_advice(name),
                )
            row = NOOP_KEYWORDS.get(name)
            if row is None:
                continue
            renamed = RENAMED_KEYWORDS.get(name, {})  # SM601 reports those
            for arg in call.args:
                if arg.keyword is None or arg.keyword.value not in row:
                    continue
                keyword = arg.keyword.value
                if keyword in renamed or keyword == "env":
                    continue
                if not ignored_over(row[keyword], ctx, call):
                    continue
                yield self._keyword(call, name, arg, keyword)

    def _keyword(self, call: cst.Call, name: str, arg: cst.Arg, keyword: str) -> Finding:
        fix = None
        if keyword not in _NO_FIX:
            fix = FixPlan(Applicability.UNSAFE, f"Remove `{keyword}=`", _remove(call, arg))
        return self.finding(
            arg.keyword or arg,
            f"`{keyword}=` on `{_shown(name)}(...)` is accepted and ignored by SDK v2",
            fix=fix,
        )


def _shown(name: str) -> str:
    parts = name.split(".")
    if parts[-1][:1].islower() and len(parts) > 1 and parts[-2][:1].isupper():
        return ".".join(parts[-2:])
    return parts[-1]


def _call_advice(name: str) -> str:
    if name.endswith(".delete_endpoint"):
        return "nothing is deleted; call `delete_endpoint()` on the predictor `deploy()` returned"
    return "it returns `None`; use `sagemaker.image_uris.retrieve(...)`"


def _remove(call: cst.Call, arg: cst.Arg) -> Callable[[FixContext], List[RawEdit]]:
    def build(fix: FixContext) -> List[RawEdit]:
        return remove_argument(fix, call, arg)

    return build
