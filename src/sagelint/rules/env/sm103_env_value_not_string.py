"""SM103 env-value-not-string: Environment value is not a string."""

from __future__ import annotations

from typing import Iterator

from sagelint.model import Applicability, Severity
from sagelint.analysis.resolve import whole_number
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import env_entries, scalar, string_fix
from sagelint.rules.env.common import timeout_env


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

    severity = Severity.ERROR
    summary = "Environment value is not a string"
    fix_availability = Applicability.SAFE
    invalid = (timeout_env("300"),)
    valid = (timeout_env("str(300)"),)

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
                    fix = string_fix(value, number, entry.key_node)
                yield self.finding(
                    value.literal,
                    f"env value of `{key}` is {kind} `{value.value!r}`: the API accepts only "
                    "strings",
                    used_by=mapping.site,
                    fix=fix,
                    once_per_node=True,
                )

