"""A rule's documentation as the user reads it: `sagelint rule`, `sagelint rules` and the
language server's hover all render a rule class through these two functions."""

from __future__ import annotations

from typing import Dict, Type

from sagelint.rules import Rule


def rule_json(rule: Type[Rule]) -> Dict[str, object]:
    """A rule as data (`rule --output-format json`, `rules --output-format json`)."""
    availability = rule.fix_availability
    return {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary,
        "severity": rule.severity.value,
        "default": rule.default_enabled,
        "fix": None if availability is None else availability.value,
        "settings": list(rule.settings_used),
        "explanation": rule.documentation(),
    }


def rule_text(rule: Type[Rule]) -> str:
    """A rule's heading, severity, default and fix, then its documentation."""
    default = "on" if rule.default_enabled else "off (opt-in)"
    availability = rule.fix_availability
    fix = "no fix" if availability is None else f"{availability.value} fix"
    return "\n".join(
        [
            f"# {rule.name} ({rule.code})",
            "",
            f"Severity: {rule.severity.value}. Default: {default}. Fix: {fix}.",
            "",
            rule.documentation(),
        ]
    )
