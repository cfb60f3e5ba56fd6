"""SM608 sdk-framework-version-missing: a v2 framework class without its framework version."""

from __future__ import annotations

from typing import Iterator, List

import libcst as cst

from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.generations.common import (
    admits_v2,
    may_use_sdk,
    module_exists_over,
    sdk_calls,
)


class SdkFrameworkVersionMissing(Rule):
    """
    ## What it does
    Checks calls to the SDK v2 framework estimators and models (`PyTorch`, `TensorFlow`,
    `MXNet`, `Chainer`, `SKLearn`, `XGBoost` and their models) that pass no `image_uri` and
    no `framework_version`, or no `py_version` where the class has no default for it (read
    from the SDK's own signatures).

    ## Why is this bad?
    SDK v1 picked a default framework version; v2 raises `ValueError` when the class is
    built, so the script fails before any job starts.

    ## Example
    ```python
    from sagemaker.pytorch import PyTorch

    estimator = PyTorch(entry_point="train.py", instance_count=1, instance_type="ml.g5.xlarge")
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
    There is no fix: sagelint does not guess which framework version the code was written
    for.
    """

    severity = Severity.ERROR
    reads_imports = True
    summary = "A v2 framework class without its framework version"
    invalid = (
        "from sagemaker.pytorch import PyTorch\n"
        "e = PyTorch(entry_point='t.py', instance_type='ml.m5.xlarge')\n",
    )
    valid = (
        "from sagemaker.pytorch import PyTorch\n"
        "e = PyTorch(entry_point='t.py', framework_version='2.1', py_version='py310')\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not may_use_sdk(ctx):
            return
        from sagelint.sdk_generations import FRAMEWORKS

        for call, name in sdk_calls(ctx):
            py_default = FRAMEWORKS.get(name)
            if py_default is None or not _closed(call):
                continue
            if not module_exists_over(name.rsplit(".", 1)[0], ctx, call):
                continue  # not in the admitted releases: the import is the root cause (SM604)
            if not admits_v2(ctx, call):
                continue  # a v1 project: v1 chose a default version
            missing = _missing(call, py_default)
            if missing:
                shown = name.rsplit(".", 1)[-1]
                yield self.finding(
                    call,
                    f"`{shown}(...)` without `image_uri` needs {' and '.join(missing)}: "
                    "SDK v2 raises `ValueError` when the class is built",
                )


def _closed(call: cst.Call) -> bool:
    """Every argument is written out, and at most the first is positional (a second one
    may be the framework version)."""
    if any(arg.star for arg in call.args):
        return False
    return sum(1 for arg in call.args if arg.keyword is None) <= 1


def _missing(call: cst.Call, py_default: bool) -> List[str]:
    given = {arg.keyword.value for arg in call.args if arg.keyword is not None}
    if "image_uri" in given:
        return []
    missing = [] if "framework_version" in given else ["`framework_version=`"]
    if not py_default and "py_version" not in given:
        missing.append("`py_version=`")
    return missing
