"""SM401 resource-name-invalid: a resource name the API rejects."""

from __future__ import annotations

from typing import Iterator, Optional

from sagelint.model import Severity
from sagelint.names import (
    DEFAULT_SHORTENING,
    SHORT_TIMESTAMP,
    NameReader,
    NameText,
    Shortening,
    problem,
    shorten,
)
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.resources.common import ESTIMATOR as _ESTIMATOR

_RULE_OF_NAMES = (
    "letters, digits and hyphens, a letter or digit first and last, at most {} characters"
)


class ResourceNameInvalid(Rule):
    """
    ## What it does
    Checks the names SageMaker validates, wherever the code fixes them: training,
    processing, transform and tuning job names, endpoint, endpoint-config and model names, on
    the SDK (`fit(job_name=...)`, `deploy(endpoint_name=...)`, `Model(name=...)`,
    `base_job_name`), boto3 (`TrainingJobName`, `EndpointName`, ...) and AWS CDK
    (`CfnModel(model_name=...)`, ...). A name written as an f-string, with `+`, or through
    `name_from_base(...)` is checked on its fixed text.

    ## Why is this bad?
    Names take letters, digits and hyphens only, start and end with a letter or digit, and
    are at most 63 characters (tuning jobs: 32). botocore checks only that a name is not
    empty, so an underscore fails as a `ValidationException` after the SDK has already
    uploaded the code and built the model.

    The SDK builds job names from `base_job_name` by appending a timestamp, and shortens the
    base to fit: a long base is fine, but an underscore in it is not. Inside a SageMaker
    Pipeline job names are dropped from the steps, so they are not checked in a module that
    builds one; ModelTrainer turns `_` into `-` itself.

    ## Example
    ```python
    estimator = PyTorch(..., base_job_name="bert_finetune")
    ```

    ## Use instead
    ```python
    estimator = PyTorch(..., base_job_name="bert-finetune")
    ```

    ## Fix safety
    No fix: a resource name is often referred to elsewhere (IAM policies, dashboards,
    other scripts), so renaming it is left to you.
    """

    severity = Severity.ERROR
    summary = "Resource name the API rejects"
    invalid = (
        _ESTIMATOR + "e = PyTorch(base_job_name='bert_finetune')\n",
        _ESTIMATOR + "e = PyTorch()\ne.fit(job_name=f'{x}-run_1')\n",
    )
    valid = (
        _ESTIMATOR + "e = PyTorch(base_job_name='bert-finetune-with-a-very-long-base-name-x')\n",
        _ESTIMATOR + "e = PyTorch()\ne.fit(job_name=f'{x}-run-1')\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        reader = NameReader(ctx.resolver)
        for fact in ctx.facts.names:
            if fact.dropped_in_pipeline and ctx.facts.pipeline:
                continue
            text = reader.read(fact.expr)
            if text is None:
                continue
            if fact.shortened is not None:
                if text.text == "":
                    continue  # the SDK makes a base from the image instead
                text = shorten(text, fact.shortened)
            reason = problem(text, fact.kind)
            if reason is None:
                continue
            kind = fact.kind
            rules = _RULE_OF_NAMES.format(kind.max_length)
            if fact.shortened is not None:
                base = reader.read(fact.expr)
                kept = (
                    "replaces `_` by `-` and keeps its other characters"
                    if fact.shortened.underscores else "keeps its characters"
                )
                message = (
                    f"{fact.what} {_quoted(base)} makes {kind.label} names like "
                    f"{_quoted(text, fact.shortened)}, which the API rejects: {reason} "
                    f"({rules}; the SDK shortens a long base but {kept})"
                )
            else:
                source = " (from `name_from_base`)" if text.through_base else ""
                message = (
                    f"{fact.what} {_quoted(text, DEFAULT_SHORTENING)}{source} is not a valid "
                    f"{kind.label} name: {reason} ({rules})"
                )
            yield self.finding(
                text.node,
                message,
                used_by=fact.site,
                once_per_node=True,
            )


def _quoted(text: Optional[NameText], how: Optional[Shortening] = None) -> str:
    """The name as far as it is known (`…` for unknown text, `<timestamp>` for the SDK's)."""
    if text is None:
        return '""'
    shown = text.shown()
    for stand_in in {how.timestamp if how else "", SHORT_TIMESTAMP, DEFAULT_SHORTENING.timestamp}:
        if stand_in and text.through_base:
            shown = shown.replace(stand_in, "<timestamp>")
    return f'"{shown}"'
