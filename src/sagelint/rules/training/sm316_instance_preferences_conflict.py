"""SM316 instance-preferences-conflict: Instance preferences with a setting they exclude."""

from __future__ import annotations

from typing import Dict, Iterator, Optional, Tuple

from sagelint.catalog import INSTANCE_GROUPS, INSTANCE_PLACEMENT, INSTANCE_TYPE, SPOT
from sagelint.model import Severity
from sagelint.analysis.resolve import DictValue, ListValue, ObjectValue, Scalar, Value
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.training.job_settings import written_name
from sagelint.surfaces.facts import InstancePreferences, PreferenceEntry

_TRAINER = (
    "from sagemaker.core.shapes import InstancePreference\n"
    "from sagemaker.core.training.configs import Compute\n"
    "from sagemaker.train import ModelTrainer\n"
)

# What each excluded setting is called in messages, and its usual keyword.
_EXCLUDED = {
    INSTANCE_TYPE: "instance_type",
    INSTANCE_GROUPS: "instance_groups",
    INSTANCE_PLACEMENT: "instance_placement_config",
    SPOT: "enable_managed_spot_training",
}
_COUNT = "instance count"


def _trainer(compute: str) -> str:
    return _TRAINER + f"ModelTrainer(training_image='image', compute=Compute({compute}))\n"


class InstancePreferencesConflict(Rule):
    """
    ## What it does
    Checks a training or processing job's instance preferences (SDK v3
    `Compute(instance_preferences=[...])`, `ResourceConfig(instance_preferences=[...])` of
    `TrainingJob.create`, boto3 `ResourceConfig.InstancePreferences`, v3 processors and
    `ProcessingClusterConfig`) against the settings they exclude. When the list is known and
    not empty, it reports each of: an `instance_type`; `instance_groups`;
    `instance_placement_config`; spot known true; a job-level instance count together with
    per-preference counts; per-preference counts on some preferences but not all; the same
    instance type twice. A `ModelTrainer` in a local container
    (`training_mode=Mode.LOCAL_CONTAINER`), `ModelTrainer.from_recipe(...)` and
    `ModelTrainer.from_jumpstart_config(...)` take no instance preferences at all.

    ## Why is this bad?
    Instance preferences let the platform pick the first type with capacity, so they are
    mutually exclusive with a fixed cluster and with managed spot training, an instance
    type may appear only once, and the instance count is given either for the job or on
    every preference. `Compute`'s validator raises when it is built; `TrainingJob.create`
    and boto3 fail when the job is submitted; a local, recipe or JumpStart trainer raises
    when it is built or trained.

    ## Example
    ```python
    Compute(
        instance_type="ml.g5.xlarge",
        instance_preferences=[InstancePreference(instance_type="ml.g6.xlarge")],
        instance_count=1,
    )
    ```

    ## Use instead
    ```python
    Compute(
        instance_preferences=[
            InstancePreference(instance_type="ml.g5.xlarge"),
            InstancePreference(instance_type="ml.g6.xlarge"),
        ],
        instance_count=1,
    )
    ```

    ## Fix safety
    There is no fix: which setting to keep is your choice.
    """

    severity = Severity.ERROR
    summary = "Instance preferences with a setting they exclude"
    invalid = (
        _trainer(
            "instance_type='ml.g5.xlarge', instance_count=1, "
            "instance_preferences=[InstancePreference(instance_type='ml.g6.xlarge')]"
        ),
        _trainer(
            "instance_preferences=[InstancePreference(instance_type='ml.g6.xlarge', "
            "instance_count=2), InstancePreference(instance_type='ml.g5.xlarge')]"
        ),
    )
    valid = (
        _trainer(
            "instance_count=1, instance_preferences=["
            "InstancePreference(instance_type='ml.g5.xlarge'), "
            "InstancePreference(instance_type='ml.g6.xlarge')]"
        ),
        _trainer("instance_type='ml.g5.xlarge', instance_count=1"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for fact in ctx.facts.instance_preferences:
            if not _non_empty(fact.preferences.value):
                continue
            if fact.excluded_by is not None:
                yield self.finding(
                    fact.preferences.anchor,
                    f"{fact.excluded_by} takes no instance preferences: the SDK raises",
                    used_by=fact.site,
                    once_per_node=True,
                )
                continue
            yield from self._settings(fact)
            if fact.entries is not None:
                yield from self._duplicates(fact, fact.entries)
                yield from self._counts(fact, fact.entries)

    def _settings(self, fact: InstancePreferences) -> Iterator[Finding]:
        for attribute, name in _EXCLUDED.items():
            field = fact.settings.get(attribute)
            if field is None or not _set(field.value, attribute == SPOT):
                continue
            what = "spot training" if attribute == SPOT else f"`{written_name(field, name)}`"
            yield self.finding(
                field.anchor,
                f"instance preferences exclude {what}: set one or the other",
                used_by=fact.site,
                once_per_node=True,
            )

    def _duplicates(
        self, fact: InstancePreferences, entries: Tuple[PreferenceEntry, ...]
    ) -> Iterator[Finding]:
        seen: Dict[str, PreferenceEntry] = {}
        for entry in entries:
            instance_type = _type(entry)
            if instance_type is None or entry.instance_type is None:
                continue
            if instance_type in seen:
                yield self.finding(
                    entry.instance_type.anchor,
                    f"`{instance_type}` is listed twice in the instance preferences: each "
                    "instance type may appear only once",
                    used_by=fact.site,
                    once_per_node=True,
                )
            else:
                seen[instance_type] = entry

    def _counts(
        self, fact: InstancePreferences, entries: Tuple[PreferenceEntry, ...]
    ) -> Iterator[Finding]:
        job_count = fact.settings.get(_COUNT)
        counted = [entry for entry in entries if entry.instance_count is not None]
        if job_count is not None and _set(job_count.value) and counted:
            yield self.finding(
                job_count.anchor,
                f"`{written_name(job_count, 'instance_count')}` is set for the job and "
                "instance preferences set their own: give the count in one place",
                used_by=fact.site,
                once_per_node=True,
            )
            return
        uncounted = [entry for entry in entries if entry.count_absent]
        if counted and uncounted and len(counted) + len(uncounted) == len(entries):
            yield self.finding(
                uncounted[0].node,
                "some instance preferences set an instance count and this one does not: "
                "set it on every preference, or on none and once for the job",
                used_by=fact.site,
                once_per_node=True,
            )


def _non_empty(value: Value) -> bool:
    return isinstance(value, ListValue) and bool(value.items)


def _set(value: Value, flag: bool = False) -> bool:
    """Whether a setting is known to be given: a known value other than None (True, for a
    flag such as spot), a non-empty list, a SageMaker shape or a dict."""
    if isinstance(value, Scalar):
        return value.value is True if flag else value.value is not None
    if isinstance(value, ListValue):
        return bool(value.items)
    if isinstance(value, ObjectValue):  # a SageMaker shape, not any call's result
        qualified = value.qualified_name
        return qualified.startswith("sagemaker.") and qualified.rsplit(".", 1)[-1][:1].isupper()
    return isinstance(value, DictValue) and not flag


def _type(entry: PreferenceEntry) -> Optional[str]:
    field = entry.instance_type
    if field is not None and isinstance(field.value, Scalar) and isinstance(field.value.value, str):
        return field.value.value
    return None
