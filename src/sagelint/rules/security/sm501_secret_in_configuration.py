"""SM501 secret-in-configuration: a credential written into an env, hyperparameter or tag
value."""

from __future__ import annotations

from typing import Iterator, Optional, Tuple

from sagelint.credentials import credential
from sagelint.model import Severity
from sagelint.analysis.resolve import DictValue, ListValue, ObjectValue, Resolver, Scalar, Value
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import env_entries
from sagelint.rules.security.common import ESTIMATOR as _ESTIMATOR
from sagelint.surfaces.facts import CallSite

__all__ = ["SecretInConfiguration", "credential"]


def _scalars(
    value: Value, key: Optional[str], depth: int = 0
) -> Iterator[Tuple[Optional[str], Scalar]]:
    """Every known string inside a value, with the innermost dict key it is under."""
    if depth > 6:
        return
    if isinstance(value, Scalar):
        if isinstance(value.value, str):
            yield key, value
    elif isinstance(value, DictValue):
        for entry in value.effective_entries():
            inner = entry.key if isinstance(entry.key, str) else key
            yield from _scalars(entry.value, inner, depth + 1)
    elif isinstance(value, ListValue):
        for item in value.items:
            yield from _scalars(item, key, depth + 1)


def _shape_scalars(
    value: Value, key: Optional[str], resolver: Resolver
) -> Iterator[Tuple[Optional[str], Scalar]]:
    """Like _scalars, and also inside tag shapes (`Tag(key=, value=)`, CDK `CfnTag`)."""
    if isinstance(value, ListValue):
        for item in value.items:
            yield from _shape_scalars(item, key, resolver)
    elif isinstance(value, ObjectValue) and value.qualified_name.endswith((".Tag", ".CfnTag")):
        for keyword in resolver.keywords(value.call).by_name.values():
            yield from _scalars(keyword.value, key)
    else:
        yield from _scalars(value, key)


class SecretInConfiguration(Rule):
    """
    ## What it does
    Checks environment values, hyperparameter values and tag values for literals in a known
    credential format: AWS access key ids (`AKIA`/`ASIA` and 16 characters), Hugging Face
    tokens (`hf_` and 34 letters), GitHub tokens (`ghp_`, `github_pat_`, ...) and `sk-` API
    keys of 40 characters or more. Key names alone (`HF_TOKEN`) never count, and neither do
    placeholders (`hf_xxx...`, `<token>`, `YOUR_TOKEN`, AWS's `...EXAMPLE` keys). The message
    shows only the first 4 characters and the length.

    ## Why is this bad?
    A job's hyperparameters and environment, a model's container environment and tags are
    returned by `Describe*` calls and shown in the console: anyone with read access to
    SageMaker reads the credential, and it stays in the job's record after the key is
    rotated.

    ## Example
    ```python
    HuggingFaceModel(env={"HF_TOKEN": "hf_..."}, ...)
    ```

    ## Use instead
    ```python
    HuggingFaceModel(env={"HF_TOKEN": os.environ["HF_TOKEN"]}, ...)  # or Secrets Manager
    ```

    ## Fix safety
    No fix: the credential must be revoked and rotated, since it is already in the source
    history, and where it comes from instead is your choice.
    """

    severity = Severity.ERROR
    summary = "Credential written into an env, hyperparameter or tag value"
    invalid = (
        _ESTIMATOR
        + "e = PyTorch(environment={'HF_TOKEN': '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'})\n",
    )
    valid = (
        _ESTIMATOR + "e = PyTorch(environment={'HF_TOKEN': 'hf_xxx'})\n",
        _ESTIMATOR + "e = PyTorch(environment={'AWS_ACCESS_KEY_ID': 'AKIAIOSFODNN7EXAMPLE'})\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for mapping in ctx.facts.env_mappings:
            for key, entry in env_entries(mapping):
                if isinstance(entry.value, Scalar):
                    yield from self._check(entry.value, f"the env value of `{key}`", mapping.site)
        for carrier in ctx.facts.config_values:
            for inner, value in _shape_scalars(carrier.value, None, ctx.resolver):
                is_tag = carrier.what.lower() == "tags"
                if is_tag:
                    what = f"a tag value in `{carrier.what}`"
                elif inner is not None:
                    what = f"the {carrier.what} value of `{inner}`"
                else:
                    what = f"a value in `{carrier.what}`"
                yield from self._check(value, what, carrier.site)

    def _check(self, value: Scalar, what: str, site: CallSite) -> Iterator[Finding]:
        if not isinstance(value.value, str):
            return
        found = credential(value.value)
        if found is None:
            return
        kind, token = found
        yield self.finding(
            value.literal,
            f"{what} holds {kind} (`{token[:4]}…`, {len(token)} characters): anyone who can "
            "describe the resource reads it; pass it at run time (AWS Secrets Manager, an "
            "environment variable) instead",
            used_by=site,
            once_per_node=True,
        )
