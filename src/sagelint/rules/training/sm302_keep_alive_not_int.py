"""SM302 keep-alive-not-int: Warm-pool keep-alive is not an integer."""

from __future__ import annotations

import re
from typing import Iterator

from sagelint.model import Applicability, Severity
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import not_integer_finding
from sagelint.rules.training.common import estimator, keep_alive


class KeepAliveNotInt(Rule):
    """
    ## What it does
    Checks that a training job's keep-alive period is an integer, not a string or a float.

    ## Why is this bad?
    The API takes integer seconds; a string or a float is rejected when the job is submitted.

    ## Example
    ```python
    PyTorch(..., keep_alive_period_in_seconds="1800")
    ```

    ## Use instead
    ```python
    PyTorch(..., keep_alive_period_in_seconds=1800)
    ```

    On a pydantic config or shape (SDK v3 `Compute`, `ResourceConfig`), a whole-number
    string or float is converted to an int before the API sees it: not reported there.

    ## Fix safety
    Safe when the literal is a whole number (`"1800"` and `1800.0` become `1800`).
    """

    severity = Severity.ERROR
    summary = "Warm-pool keep-alive is not an integer"
    fix_availability = Applicability.SAFE
    invalid = (estimator("keep_alive_period_in_seconds='1800'"),)
    valid = (estimator("keep_alive_period_in_seconds=1800"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job in ctx.facts.training_jobs:
            found = keep_alive(job)
            if found is None or (found[0].lax and _coerced(found[1].value)):
                continue
            finding = not_integer_finding(self, found[1], "keep-alive", job.site)
            if finding is not None:
                yield finding


_DIGITS = re.compile(r"[+-]?[0-9]+")


def _coerced(value: object) -> bool:
    """Whether pydantic's lax mode turns the value into an int: a string of digits, a float
    with no fraction."""
    if isinstance(value, str):
        return bool(_DIGITS.fullmatch(value))
    return isinstance(value, float) and value.is_integer()
