"""SM209 serverless-config-invalid: Serverless memory size or concurrency the API rejects."""

from __future__ import annotations

from typing import Iterator, Optional, Tuple

from sagelint.model import Severity
from sagelint.analysis.resolve import Keyword, Scalar
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.surfaces.facts import ServerlessSettings

MEMORY_SIZES = (1024, 2048, 3072, 4096, 5120, 6144)
CONCURRENCY = (1, 200)

_CONFIG = (
    "from sagemaker.serverless import ServerlessInferenceConfig\n"
    "c = ServerlessInferenceConfig({})\n"
)


def _integer(keyword: Optional[Keyword]) -> Optional[Tuple[int, Scalar]]:
    """A known integer setting and its literal (a string or a float is not checked here)."""
    if keyword is None or not isinstance(keyword.value, Scalar):
        return None
    value = keyword.value.value
    if isinstance(value, int) and not isinstance(value, bool):
        return value, keyword.value
    return None


def problems(config: ServerlessSettings) -> Iterator[Tuple[Scalar, str]]:
    """(literal, what is wrong) for each setting of a serverless config the API rejects."""
    low, high = CONCURRENCY
    memory = _integer(config.memory)
    if memory is not None and memory[0] not in MEMORY_SIZES:
        sizes = ", ".join(map(str, MEMORY_SIZES))
        yield memory[1], f"the memory size is {memory[0]} MB: it must be one of {sizes}"
    maximum = _integer(config.max_concurrency)
    if maximum is not None and not low <= maximum[0] <= high:
        yield maximum[1], f"the max concurrency is {maximum[0]}: it must be {low} to {high}"
    provisioned = _integer(config.provisioned)
    if provisioned is None:
        return
    if not low <= provisioned[0] <= high:
        yield provisioned[1], (
            f"the provisioned concurrency is {provisioned[0]}: it must be {low} to {high}"
        )
        return
    limit = maximum[0] if maximum is not None else None
    where = ""
    if limit is None and config.max_concurrency is None:
        limit, where = config.default_max_concurrency, " (the default)"
    if limit is not None and low <= limit <= high and provisioned[0] > limit:
        yield provisioned[1], (
            f"the provisioned concurrency is {provisioned[0]}, above the max concurrency of "
            f"{limit}{where}"
        )


class ServerlessConfigInvalid(Rule):
    """
    ## What it does
    Checks a serverless endpoint's configuration (`ServerlessInferenceConfig(...)`, a
    variant's `ServerlessConfig`, `ProductionVariantServerlessConfig(...)`): a known memory
    size must be 1024, 2048, 3072, 4096, 5120 or 6144 MB, a max concurrency 1 to 200, and a
    provisioned concurrency 1 to 200 and at most the max concurrency (the SDK's default max
    concurrency is 5).

    ## Why is this bad?
    These are the limits of `ProductionVariantServerlessConfig` in the SageMaker API.
    botocore checks only the minimums and the SDK none, so a wrong value is rejected by
    CreateEndpointConfig, after the model was created.

    ## Example
    ```python
    ServerlessInferenceConfig(memory_size_in_mb=8192, max_concurrency=5)
    ```

    ## Use instead
    ```python
    ServerlessInferenceConfig(memory_size_in_mb=6144, max_concurrency=5)
    ```

    ## Fix safety
    There is no fix: the right size depends on the model.
    """

    severity = Severity.ERROR
    summary = "Serverless memory size or concurrency the API rejects"
    invalid = (
        _CONFIG.format("memory_size_in_mb=8192"),
        _CONFIG.format("max_concurrency=10, provisioned_concurrency=20"),
    )
    valid = (_CONFIG.format("memory_size_in_mb=6144, max_concurrency=200"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for config in ctx.facts.serverless_configs:
            for literal, message in problems(config):
                yield self.finding(
                    literal.literal,
                    f"{message}; the endpoint config is rejected",
                    used_by=config.site,
                    once_per_node=True,
                )
