"""SM315 hyperparameter-value-not-string: Hyperparameter value is not a string."""

from __future__ import annotations

from typing import Iterator

from sagelint.model import Applicability, Severity
from sagelint.analysis.resolve import whole_number
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import hyperparameter_values, string_fix
from sagelint.surfaces.facts import Sent


def _create_training_job(hyperparameters: str) -> str:
    """An example: a boto3 CreateTrainingJob call with these hyperparameters (source)."""
    return (
        "import boto3\n"
        'sm = boto3.client("sagemaker")\n'
        f'sm.create_training_job(TrainingJobName="churn-xgb", HyperParameters={hyperparameters})\n'
    )


class HyperparameterValueNotString(Rule):
    """
    ## What it does
    Checks that every value of a hyperparameter map the API receives as written is a
    string: boto3 (or a SageMaker `Session`'s `sagemaker_client`)
    `create_training_job(HyperParameters=...)`, the `StaticHyperParameters` of
    `create_hyper_parameter_tuning_job(TrainingJobDefinition=..., TrainingJobDefinitions=[...])`,
    and the SDK v3 core `TrainingJob.create(hyper_parameters=...)` and
    `HyperParameterTrainingJobDefinition(static_hyper_parameters=...)`.

    ## Why is this bad?
    The API takes hyperparameters as a map of strings. botocore checks the types before
    sending and raises "Invalid type for parameter HyperParameters.epochs, value: 10";
    the v3 core shapes are pydantic `Dict[str, str]` models that reject an int too. The
    SDK estimators and `ModelTrainer` turn values into strings themselves, so they are not
    checked.

    ## Example
    ```python
    sm.create_training_job(..., HyperParameters={"epochs": 10, "lr": 0.001})
    ```

    ## Use instead
    ```python
    sm.create_training_job(..., HyperParameters={"epochs": "10", "lr": "0.001"})
    ```

    ## Fix safety
    Safe for an int or a whole float: the literal becomes the same number as a string. No
    fix for other floats, booleans or None (which string the container expects is your
    call), nor when the literal is bound to a name that is also used elsewhere.
    """

    severity = Severity.ERROR
    summary = "Hyperparameter value is not a string"
    fix_availability = Applicability.SAFE
    invalid = (_create_training_job('{"epochs": 10}'),)
    valid = (_create_training_job('{"epochs": "10"}'),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for carrier, key, entry, value in hyperparameter_values(ctx, Sent.AS_WRITTEN):
            if isinstance(value.value, str):
                continue
            kind = type(value.value).__name__ if value.value is not None else "None"
            number = whole_number(value.value)
            fix = None
            if number is not None and not value.derived:
                fix = string_fix(value, number, entry.key_node)
            name = f"`{key}`" if key is not None else "a key"
            yield self.finding(
                value.literal,
                f"the `{carrier.what}` value of {name} is {kind} `{value.value!r}`: the API "
                "accepts only strings, so the request is rejected",
                used_by=carrier.site,
                fix=fix,
                once_per_node=True,
            )
