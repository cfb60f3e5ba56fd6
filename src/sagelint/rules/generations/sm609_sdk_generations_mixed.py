"""SM609 sdk-generations-mixed: File imports both SDK v2-only and v3-only paths."""

from __future__ import annotations

from typing import Iterator

from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext


class SdkGenerationsMixed(Rule):
    """
    ## What it does
    TODO: what the rule checks, and on which calls (every surface that carries the setting).

    ## Why is this bad?
    TODO: what goes wrong, and when (submission, deployment, the first request, ...).

    ## Example
    ```python
    TODO
    ```

    ## Use instead
    ```python
    TODO
    ```

    ## Fix safety
    There is no fix.
    """

    severity = Severity.WARNING
    summary = "File imports both SDK v2-only and v3-only paths"
    # Sources that must fire and must stay clean: tests/test_rules_meta.py runs both.
    invalid = ("TODO: a script that breaks the rule\n",)
    valid = ("TODO: the same script, fixed\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        # Read ctx.facts (sagelint/surfaces/facts.py), never raw calls, and report only what
        # the code proves: yield self.finding(node, message, used_by=..., fix=FixPlan(...)).
        yield from ()
