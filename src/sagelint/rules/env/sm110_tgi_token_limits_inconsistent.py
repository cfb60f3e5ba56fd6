"""SM110 tgi-token-limits-inconsistent: TGI token limits its launcher rejects."""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Tuple

from sagelint.catalog import Family
from sagelint.model import Severity
from sagelint.analysis.resolve import Scalar, whole_number
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import env_entries
from sagelint.surfaces import EnvMapping

INPUT_KEYS = ("MAX_INPUT_TOKENS", "MAX_INPUT_LENGTH")  # the second is the legacy name
TOTAL = "MAX_TOTAL_TOKENS"
PREFILL = "MAX_BATCH_PREFILL_TOKENS"
BATCH_TOTAL = "MAX_BATCH_TOTAL_TOKENS"

_TGI_MODEL = (
    "from sagemaker.huggingface import HuggingFaceModel, get_huggingface_llm_image_uri\n"
    "m = HuggingFaceModel(image_uri=get_huggingface_llm_image_uri('huggingface'), env={env})\n"
)

Known = Dict[str, Tuple[int, Scalar]]


def _known_numbers(mapping: EnvMapping) -> Known:
    """The token-limit keys of the env that hold known whole numbers."""
    wanted = (*INPUT_KEYS, TOTAL, PREFILL, BATCH_TOTAL)
    found: Known = {}
    for key, entry in env_entries(mapping):
        value = entry.value
        if key in wanted and isinstance(value, Scalar) and not entry.conditional:
            number = whole_number(value.value)
            if number is not None:
                found[key] = (number, value)
    return found


def violations(known: Known) -> List[Tuple[Scalar, str]]:
    """(the literal to report, why TGI refuses it) for each rule of TGI's launcher broken."""
    out: List[Tuple[Scalar, str]] = []
    total: Optional[Tuple[int, Scalar]] = known.get(TOTAL)
    for input_key in INPUT_KEYS:
        if input_key not in known:
            continue
        number, literal = known[input_key]
        if total is not None and number >= total[0]:
            reason = f"`{input_key}` ({number}) must be below `{TOTAL}` ({total[0]})"
            out.append((literal, reason))
        prefill = known.get(PREFILL)
        if prefill is not None and prefill[0] < number:
            reason = f"`{PREFILL}` ({prefill[0]}) must be at least `{input_key}` ({number})"
            out.append((prefill[1], reason))
    batch_total = known.get(BATCH_TOTAL)
    if total is not None and batch_total is not None and total[0] > batch_total[0]:
        out.append(
            (total[1], f"`{TOTAL}` ({total[0]}) must be at most `{BATCH_TOTAL}` ({batch_total[0]})")
        )
    return out


class TgiTokenLimitsInconsistent(Rule):
    """
    ## What it does
    Checks the token limits in the env of a model known to run Hugging Face's
    text-generation-inference (TGI) container (a TGI image URI, or
    `get_huggingface_llm_image_uri("huggingface")`): when the values are known whole numbers,
    `MAX_INPUT_TOKENS` (or the legacy `MAX_INPUT_LENGTH`) must be below `MAX_TOTAL_TOKENS`,
    `MAX_BATCH_PREFILL_TOKENS` at least `MAX_INPUT_TOKENS`, and `MAX_TOTAL_TOKENS` at most
    `MAX_BATCH_TOTAL_TOKENS`.

    ## Why is this bad?
    TGI's launcher checks these at start-up and refuses to start when one fails. On SageMaker
    that happens only after the GPU instance was provisioned and the image pulled, and the
    endpoint then fails its health check. A limit that is not set is left to TGI, which derives
    it from the model: not checked.

    ## Example
    ```python
    HuggingFaceModel(..., env={"MAX_INPUT_TOKENS": "4096", "MAX_TOTAL_TOKENS": "4096"})
    ```

    ## Use instead
    ```python
    HuggingFaceModel(..., env={"MAX_INPUT_TOKENS": "4095", "MAX_TOTAL_TOKENS": "4096"})
    ```

    ## Fix safety
    There is no fix: which limit to change depends on the model and the workload.
    """

    severity = Severity.ERROR
    summary = "TGI token limits its launcher rejects"
    invalid = (
        _TGI_MODEL.format(env="{'MAX_INPUT_TOKENS': '4096', 'MAX_TOTAL_TOKENS': '4096'}"),
    )
    valid = (
        _TGI_MODEL.format(env="{'MAX_INPUT_TOKENS': '4095', 'MAX_TOTAL_TOKENS': '4096'}"),
        "from sagemaker.pytorch import PyTorchModel\n"
        "m = PyTorchModel(env={'MAX_INPUT_TOKENS': '4096', 'MAX_TOTAL_TOKENS': '4096'})\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for mapping in ctx.facts.env_mappings:
            if mapping.family is not Family.TGI:
                continue
            for literal, reason in violations(_known_numbers(mapping)):
                yield self.finding(
                    literal.literal,
                    f"TGI refuses to start: {reason}",
                    used_by=mapping.site,
                    once_per_node=True,
                )
