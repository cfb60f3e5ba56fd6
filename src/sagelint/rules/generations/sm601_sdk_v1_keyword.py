"""SM601 sdk-v1-keyword: a keyword that SDK v2 renamed."""

from __future__ import annotations

from typing import Callable, Iterator, List, Set, Tuple

import libcst as cst

from sagelint.fixes import FixContext, RawEdit, replace_node
from sagelint.model import Applicability, Severity
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.generations.common import (
    may_use_sdk,
    sdk_calls,
    severity_over,
    verdict_phrase,
)


class SdkV1Keyword(Rule):
    """
    ## What it does
    Checks calls that resolve to a SageMaker SDK v2 class for keywords that v2 renamed:
    `train_instance_type=` and the other `train_*` keywords, `image_name=`, `image=` on
    models, `distributions=`, `endpoint=` on predictors, `session=` on S3 helpers,
    `primary_container_image=`, `deployment_image=`. The verdict is read from the SDK's own
    releases, over the releases the project admits (`sdk-version`, else its requirements):
    an error where the keyword fails in every admitted release, a warning where it only
    works with a deprecation warning.

    ## Why is this bad?
    SDK 2.0 to 2.14 reject the v1 keywords with a `TypeError`; later 2.x releases accept
    some of them with a warning and reject others (`image=` on a model, `endpoint=` on a
    predictor, `image_name=` on `Estimator`). When both spellings are given, the SDK keeps
    the old value.

    ## Example
    ```python
    from sagemaker.pytorch import PyTorch

    estimator = PyTorch(
        entry_point="train.py",
        framework_version="2.1",
        py_version="py310",
        train_instance_count=1,
        train_instance_type="ml.g5.xlarge",
    )
    ```

    ## Use instead
    ```python
    from sagemaker.pytorch import PyTorch

    estimator = PyTorch(
        entry_point="train.py",
        framework_version="2.1",
        py_version="py310",
        instance_count=1,
        instance_type="ml.g5.xlarge",
    )
    ```

    ## Fix safety
    The fix renames the keyword and is safe: v2 reads the new keyword as v1 read the old
    one. There is no fix when the new spelling is also given (which value was meant is the
    user's call), nor for `image_name=` on `Estimator` with `image_uri` passed positionally.
    """

    severity = Severity.WARNING
    fix_availability = Applicability.SAFE
    reads_imports = True
    summary = "A keyword that SDK v2 renamed"
    invalid = (
        "from sagemaker.pytorch import PyTorch\n"
        "e = PyTorch(entry_point='t.py', train_instance_type='ml.m5.xlarge')\n",
    )
    valid = (
        "from sagemaker.pytorch import PyTorch\n"
        "e = PyTorch(entry_point='t.py', instance_type='ml.m5.xlarge')\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not may_use_sdk(ctx):
            return
        from sagelint.sdk_generations import RENAMED_KEYWORDS

        for call, name in sdk_calls(ctx):
            row = RENAMED_KEYWORDS.get(name)
            if row is None:
                continue
            given = {arg.keyword.value for arg in call.args if arg.keyword is not None}
            for arg in call.args:
                if arg.keyword is None or arg.keyword.value not in row:
                    continue
                old = arg.keyword.value
                new, intervals = row[old]
                severity = severity_over(intervals, ctx, call)
                if severity is None:
                    continue
                how = verdict_phrase(intervals, ctx, call)
                yield self._finding(call, name, arg, (old, new, how), given, severity)

    def _finding(
        self,
        call: cst.Call,
        name: str,
        arg: cst.Arg,
        spelling: Tuple[str, str, str],
        given: Set[str],
        severity: Severity,
    ) -> Finding:
        old, new, how = spelling
        keyword = arg.keyword or cst.Name(old)  # (the caller passes keyword arguments only)
        shown = name.rsplit(".", 1)[-1]
        message = f"`{old}=` on `{shown}(...)` is the SDK v1 spelling of `{new}=`; it {how}"
        fix = None
        if new in given:
            message += f" (both are given: the SDK keeps the value of `{old}=`)"
        elif old == "image_name" and _positional_image_uri(call, name):
            message += " (`image_uri` is already passed positionally)"
        else:
            fix = FixPlan(Applicability.SAFE, f"Rename to `{new}=`", _rename(keyword, new))
        return self.finding(keyword, message, fix=fix, severity=severity)


def _positional_image_uri(call: cst.Call, name: str) -> bool:
    """`Estimator(image, role, ...)`: v2's first parameter is `image_uri`."""
    return name.endswith(".Estimator") and any(
        arg.keyword is None and not arg.star for arg in call.args
    )


def _rename(keyword: cst.Name, new: str) -> Callable[[FixContext], List[RawEdit]]:
    def build(fix: FixContext) -> List[RawEdit]:
        return replace_node(fix, keyword, new)

    return build
