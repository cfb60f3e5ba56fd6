"""Helpers shared by rule families: walking env mappings, building literal fixes."""

from __future__ import annotations

from typing import Iterable, Iterator, List, Optional, Tuple

import libcst as cst

from sagelint.fixes import FixContext, RawEdit, replace_node
from sagelint.model import Applicability
from sagelint.analysis.resolve import DictValue, Entry, Scalar, whole_number
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.surfaces.facts import CallSite, ConfigValues, EnvMapping, Sent, TrainingJob


def new_training_jobs(ctx: RuleContext) -> Iterator[TrainingJob]:
    """The training jobs the file creates (an update changes a job that exists already)."""
    for job in ctx.facts.training_jobs:
        if not job.is_update:
            yield job


def env_entries(mapping: EnvMapping) -> Iterator[Tuple[str, Entry]]:
    """The (key, entry) pairs of a known env mapping whose key is known and whose value may
    reach the API."""
    value = mapping.value
    if not isinstance(value, DictValue):
        return
    for entry in value.effective_entries():
        if isinstance(entry.key, str):
            yield entry.key, entry


def scalar(entry: Entry) -> Optional[Scalar]:
    return entry.value if isinstance(entry.value, Scalar) else None


def timeout_values(
    mappings: Iterable[EnvMapping], keys: Iterable[str]
) -> Iterator[Tuple[EnvMapping, str, Scalar]]:
    """(mapping, key, known value) for every timeout key of the given env mappings."""
    wanted = frozenset(keys)
    for mapping in mappings:
        for key, entry in env_entries(mapping):
            value = scalar(entry)
            if key in wanted and value is not None:
                yield mapping, key, value


# -- values the API takes only as strings (SM103 env values, SM315 hyperparameters) --------
def string_fix(value: Scalar, number: int, key_node: Optional[cst.CSTNode]) -> FixPlan:
    """A safe fix writing a whole number as a string, quoted like `key_node` (the entry's
    key) when there is one."""
    literal = value.literal

    def build(ctx: FixContext) -> List[RawEdit]:
        return replace_node(ctx, literal, ctx.string(str(number), key_node))

    return FixPlan(Applicability.SAFE, f'Write the value as a string: `"{number}"`', build, value.hops)


def hyperparameter_values(
    ctx: RuleContext, *sent: Sent
) -> Iterator[Tuple[ConfigValues, Optional[str], Entry, Scalar]]:
    """(map, key or None, entry, value) for every known scalar of the hyperparameter maps sent
    in one of these ways that may reach the job; list and dict values are left out."""
    for carrier in ctx.facts.config_values:
        if carrier.sent not in sent or not isinstance(carrier.value, DictValue):
            continue
        for entry in carrier.value.effective_entries():
            if isinstance(entry.value, Scalar):
                key = entry.key if isinstance(entry.key, str) else None
                yield carrier, key, entry, entry.value


def render_like(literal: cst.BaseExpression, number: int) -> Optional[str]:
    """`number` written in the literal's own type: a string stays a string with the same
    quotes, an int an int. None when there is no such plain rendering."""
    if isinstance(literal, cst.SimpleString):
        if literal.prefix.lower() not in ("", "u"):
            return None
        return f"{literal.prefix}{literal.quote}{number}{literal.quote}"
    if isinstance(literal, (cst.Integer, cst.UnaryOperation)):
        return str(number)
    if isinstance(literal, cst.Float):
        return f"{number}.0"
    return None


def replace_literal_fix(
    scalar_value: Scalar, content: str, applicability: Applicability, title: str
) -> FixPlan:
    literal = scalar_value.literal

    def build(ctx: FixContext) -> List[RawEdit]:
        return replace_node(ctx, literal, content)

    return FixPlan(applicability, title, build, scalar_value.hops)


def number_literal_fix(
    scalar_value: Scalar, number: int, applicability: Applicability, title: str
) -> Optional[FixPlan]:
    """A fix setting the literal to `number`, keeping its type; None when it cannot."""
    if scalar_value.derived and not isinstance(scalar_value.literal, (cst.Integer, cst.Float)):
        return None
    content = render_like(scalar_value.literal, number)
    if content is None:
        return None
    return replace_literal_fix(scalar_value, content, applicability, title)


def in_units(seconds: int, unit_seconds: int, unit: str) -> str:
    """` (8.3 hours)` for a message; nothing for a number too large to divide as a float
    (true division of a 400-digit int overflows)."""
    if abs(seconds) > 10**15:
        return ""
    return f" ({seconds / unit_seconds:.1f} {unit})"


_LONGEST_SHOWN = 40


def shorten(text: str) -> str:
    """A string as Python would write it, cut when long (a message stays one line)."""
    if len(text) <= _LONGEST_SHOWN:
        return repr(text)
    return f"{text[:12]!r}… ({len(text):,} characters)"


def not_integer_finding(
    rule: Rule, value: Scalar, what: str, used_by: CallSite
) -> Optional[Finding]:
    """A finding for integer seconds written as a string or float literal (`"600"`,
    `600.0`), with a safe fix when the literal is a whole number. None for other values."""
    if not isinstance(value.value, (str, float)):
        return None
    number = whole_number(value.value)
    fix = None
    if number is not None and not value.derived:
        fix = replace_literal_fix(
            value, str(number), Applicability.SAFE, f"Write {what} as the integer {number}"
        )
    kind = "a string" if isinstance(value.value, str) else "a float"
    shown = shorten(value.value) if isinstance(value.value, str) else repr(value.value)
    return rule.finding(
        value.literal,
        f"{what} is {kind} ({shown}): the API takes integer seconds",
        used_by=used_by,
        fix=fix,
        once_per_node=True,
    )
