"""SM205 deploy-timeout-not-int: Deploy timeout is not an integer."""

from __future__ import annotations

from typing import Iterator

from sagelint.model import Applicability, Severity
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import not_integer_finding
from sagelint.rules.deploy.common import deploy_with, timeout_values_of
from sagelint.surfaces.facts import SHAPE_NAMES


class DeployTimeoutNotInt(Rule):
    """
    ## What it does
    Checks that the deploy timeouts are integers, not string or float literals.

    ## Why is this bad?
    The API takes integer seconds; botocore rejects a string, and a float fails its type check
    too.

    ## Example
    ```python
    model.deploy(..., container_startup_health_check_timeout="600")
    ```

    ## Use instead
    ```python
    model.deploy(..., container_startup_health_check_timeout=600)
    ```

    ## Fix safety
    Safe when the literal is a whole number (`"600"` and `600.0` become `600`); no fix
    otherwise.
    """

    severity = Severity.ERROR
    summary = "Deploy timeout is not an integer"
    fix_availability = Applicability.SAFE
    invalid = (deploy_with("'600'", "600"),)
    valid = (deploy_with("600", "600"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for deploy, _, argument, value in timeout_values_of(ctx):
            # A v3 pydantic shape coerces a string of digits to an int (lax mode).
            if deploy.names is SHAPE_NAMES and isinstance(value.value, str) and (
                value.value.isascii() and value.value.isdigit()
            ):
                continue
            finding = not_integer_finding(self, value, f"`{argument}`", deploy.site)
            if finding is not None:
                yield finding
