"""SM605 sdk-keyword-rejected: a keyword that a closed SDK class takes in no admitted release."""

from __future__ import annotations

from typing import AbstractSet, Callable, Iterator, List, Optional, Set

import libcst as cst

from sagelint.fixes import FixContext, RawEdit, replace_node
from sagelint.model import Applicability, Severity
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.generations.common import may_use_sdk, sdk_calls
from sagelint.sdk_closed import defining_class
from sagelint.sdk_verdicts import Release, Verdicts, verdicts, version_key

class SdkKeywordRejected(Rule):
    """
    ## What it does
    Checks calls to SageMaker SDK classes whose signature is closed in every release the
    project admits (`sdk-version`, else its requirements) for keywords that are a field or
    parameter of the class in none of them: the v3 pydantic configs that forbid extra
    fields (`ModelTrainer`, `Compute`, `SourceCode`, `InputData`, `Networking`,
    `CheckpointConfig`, every `sagemaker.core.shapes` shape such as `StoppingCondition`),
    v3 `ModelBuilder`, v2 `Model` (and v2 `Predictor` before 2.15, which had no
    `**kwargs`). A field added during a major is accepted when some
    admitted release has it. With no version known, only keywords that no known release
    accepts are reported.

    ## Why is this bad?
    The call raises when it runs (a pydantic `ValidationError` for an extra field, a
    `TypeError` for an unexpected keyword), typically after the v2 spelling of a setting was
    carried over to a v3 class: `Compute(volume_size=...)`, `SourceCode(entry_point=...)`.

    ## Example
    ```python
    from sagemaker.train import ModelTrainer
    from sagemaker.train.configs import Compute, SourceCode

    trainer = ModelTrainer(
        training_image="123456789012.dkr.ecr.us-east-1.amazonaws.com/train:latest",
        source_code=SourceCode(source_dir="src", entry_point="train.py"),
        compute=Compute(instance_type="ml.g5.xlarge", instance_count=1, volume_size=100),
    )
    ```

    ## Use instead
    ```python
    from sagemaker.train import ModelTrainer
    from sagemaker.train.configs import Compute, SourceCode

    trainer = ModelTrainer(
        training_image="123456789012.dkr.ecr.us-east-1.amazonaws.com/train:latest",
        source_code=SourceCode(source_dir="src", entry_script="train.py"),
        compute=Compute(instance_type="ml.g5.xlarge", instance_count=1, volume_size_in_gb=100),
    )
    ```

    ## Fix safety
    Where v3 names a v2 setting one-to-one (`volume_size` -> `volume_size_in_gb`,
    `use_spot_instances` -> `enable_managed_spot_training`, `max_run` /
    `max_wait` -> `max_runtime_in_seconds` / `max_wait_time_in_seconds` on
    `StoppingCondition`, `entry_point` -> `entry_script`, `s3_data` -> `data_source`,
    `image_uri` -> `training_image`, `encrypt_inter_container_traffic` ->
    `enable_inter_container_traffic_encryption`, `env` -> `env_vars`), the fix renames the
    keyword. It is unsafe: the value is kept as written, and v3 may expect another type or
    unit for it. There is no fix when the new name is also given, or for a keyword that
    belongs to another object (`instance_type=` on `ModelTrainer` goes in `Compute`).
    """

    severity = Severity.ERROR
    fix_availability = Applicability.UNSAFE
    reads_imports = True
    summary = "A keyword that a closed SDK class does not take"
    invalid = (
        "from sagemaker.train.configs import Compute\n"
        "c = Compute(instance_type='ml.m5.xlarge', volume_size=50)\n",
    )
    valid = (
        "from sagemaker.train.configs import Compute\n"
        "c = Compute(instance_type='ml.m5.xlarge', volume_size_in_gb=50)\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not may_use_sdk(ctx):
            return
        from sagelint.sdk_curated import FIELD_RENAMES
        from sagelint.sdk_generations import CLOSED_CLASSES, CLOSED_FIELDS, RENAMED_KEYWORDS

        for call, name in sdk_calls(ctx):
            defining, v3_name = defining_class(name)
            if defining is None:
                continue
            releases = ctx.sdk_versions(call).releases
            if verdicts(CLOSED_CLASSES[defining], releases) != {"fails"}:
                continue  # open somewhere in A, or absent from A (its import is SM604's)
            if v3_name and _name_before_v3(name, releases):
                continue  # a v2 class of the same path may be the one called
            fields = CLOSED_FIELDS.get(defining, {})
            owned = RENAMED_KEYWORDS.get(name, {})  # SM601 reports v1 spellings
            given = {arg.keyword.value for arg in call.args if arg.keyword is not None}
            for arg in call.args:
                if arg.keyword is None or arg.keyword.value in owned:
                    continue
                if "works" in verdicts(fields.get(arg.keyword.value, ()), releases):
                    continue
                new = FIELD_RENAMES.get(defining, {}).get(arg.keyword.value)
                if new is not None and "works" not in verdicts(fields.get(new, ()), releases):
                    new = None
                yield self._finding(arg.keyword, name, new, given, releases is None)

    def _finding(
        self, keyword: cst.Name, name: str, new: Optional[str], given: Set[str], unknown: bool
    ) -> Finding:
        shown = name.rsplit(".", 1)[-1]
        where = "any known SDK release" if unknown else "any admitted SDK release"
        message = (
            f"`{shown}(...)` takes no keyword `{keyword.value}=` in {where}: "
            "the call raises when it runs"
        )
        fix = None
        if new is not None:
            message += f" (v3 names this setting `{new}=`"
            if new in given:
                message += ", which is also given)"
            else:
                message += ")"
                fix = FixPlan(Applicability.UNSAFE, f"Rename to `{new}=`", _rename(keyword, new))
        return self.finding(keyword, message, fix=fix)


def _name_before_v3(path: str, releases: Optional[AbstractSet[Release]]) -> bool:
    """Whether the module of a v3 public path exists in an admitted 2.x release: there it
    may hold v2's class of the same name (`sagemaker.serve.ModelBuilder`), whose signature
    the v3 definition says nothing about (unknown A admits every 2.x release)."""
    from sagelint.sdk_generations import MODULES

    row = MODULES.get(path.rpartition(".")[0])
    if row is None:
        return True  # a module no release read has: nothing is known of it
    if releases is None:
        before: Verdicts = tuple(
            interval for interval in row if version_key(interval[0]) < (3,)
        )
        return "works" in verdicts(before, None)
    older = {release for release in releases if tuple(release.release)[:1] < (3,)}
    return bool(older) and "works" in verdicts(row, older)


def _rename(keyword: cst.Name, new: str) -> Callable[[FixContext], List[RawEdit]]:
    def build(fix: FixContext) -> List[RawEdit]:
        return replace_node(fix, keyword, new)

    return build
