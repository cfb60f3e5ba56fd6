"""SM314 hyperparameter-string-quoted: XGBoost in algorithm mode quotes string
hyperparameters."""

from __future__ import annotations

import json
from typing import Iterator

from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import hyperparameter_values, shorten
from sagelint.surfaces.facts import Sent

_XGBOOST = "from sagemaker.xgboost import XGBoost\n"


def _xgboost(hyperparameters: str, after: str = "") -> str:
    """An example: a v2 XGBoost estimator in algorithm mode (source)."""
    return _XGBOOST + (
        'xgb = XGBoost(entry_point=None, framework_version="1.7-1", role="arn:aws:iam::1:role/r",\n'
        '              instance_count=1, instance_type="ml.m5.xlarge",\n'
        f"              hyperparameters={hyperparameters})\n{after}"
    )


class HyperparameterStringQuoted(Rule):
    """
    ## What it does
    Checks the hyperparameters of an SDK v2 `XGBoost` estimator that runs the built-in
    algorithm (`entry_point=None`, no `source_dir`, `dependencies`, `git_config` or
    `image_uri`): a value known to be a string is reported, and so is every number, boolean
    or string given later through `set_hyperparameters(...)`.

    ## Why is this bad?
    The XGBoost estimator JSON-encodes every hyperparameter value (`json.dumps`), so the
    string `reg:squarederror` reaches the container with its quotes: `"reg:squarederror"`.
    Script mode decodes the values again, but the container's algorithm mode reads them as
    they come and fails the job when it starts (aws/sagemaker-python-sdk#5317):
    `Hyperparameter objective: "reg:squarederror" is not in [...]`.
    `set_hyperparameters(...)` encodes its values a second time, so there even
    `num_round=100` arrives as `"100"` in quotes and cannot be parsed. Numbers in the
    constructor's `hyperparameters` are encoded as plain numbers and work; list and dict
    values are not reported. The generic `Estimator` (without `source_dir`), framework
    estimators with an entry point and the SDK v3 `ModelTrainer` do not have the problem.

    ## Example
    ```python
    XGBoost(entry_point=None, framework_version="1.7-1",
            hyperparameters={"objective": "reg:squarederror", "num_round": 100}, ...)
    ```

    ## Use instead
    ```python
    image = sagemaker.image_uris.retrieve("xgboost", region, version="1.7-1")
    Estimator(image_uri=image,
              hyperparameters={"objective": "reg:squarederror", "num_round": 100}, ...)
    ```

    ## Fix safety
    There is no fix: which estimator to use instead is your choice.
    """

    severity = Severity.ERROR
    summary = "XGBoost in algorithm mode quotes string hyperparameters"
    invalid = (
        _xgboost('{"objective": "reg:squarederror", "num_round": 100}'),
        _xgboost('{"num_round": 100}', "xgb.set_hyperparameters(max_depth=5)\n"),
    )
    valid = (
        _xgboost('{"num_round": 100, "eta": 0.2}'),
        "from sagemaker.xgboost import XGBoost\n"
        'XGBoost(entry_point="train.py", framework_version="1.7-1",\n'
        '        hyperparameters={"objective": "reg:squarederror"})\n',
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        found = hyperparameter_values(ctx, Sent.JSON_ENCODED, Sent.ENCODED_TWICE)
        for carrier, key, _, value in found:
            written = value.value
            twice = carrier.sent is Sent.ENCODED_TWICE
            if written is None or (not twice and not isinstance(written, str)):
                continue
            sent = json.dumps(written)
            if twice:
                sent = json.dumps(sent)
            shown = shorten(written) if isinstance(written, str) else repr(written)
            if len(sent) > 40:
                sent = f"{sent[:30]}…"
            name = f"hyperparameter `{key}`" if key is not None else "a hyperparameter"
            how = (
                "set_hyperparameters() JSON-encodes it and the job's creation encodes it again"
                if twice
                else "the XGBoost estimator JSON-encodes it"
            )
            yield self.finding(
                value.literal,
                f"{name} is {shown}: {how}, and the algorithm mode (entry_point=None) rejects "
                f"the quoted `{sent}` when the job starts; use the generic `Estimator` with "
                "the XGBoost image",
                used_by=carrier.site,
                once_per_node=True,
            )
