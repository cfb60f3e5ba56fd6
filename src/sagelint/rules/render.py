"""A rule's documentation as the user reads it: `sagelint rule`, `sagelint rules` and the
language server's hover all render a rule class through these two functions."""

from __future__ import annotations

import re
from typing import Dict, List, Type

from sagelint.rules import Rule

_CODE_SPAN = re.compile(r"`([^`]+)`")


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


def plain_text(markdown: str) -> str:
    """A rule's documentation without Markdown, for readers that show text as it is (SARIF
    `help.text`): headings lose their `##`, code blocks their fences (indented instead),
    code spans their backticks."""
    lines: List[str] = []
    in_code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            lines.append(f"    {line}" if line else "")
        elif line.startswith("#"):
            if lines and lines[-1]:
                lines.append("")
            lines.append(line.lstrip("#").strip())
        else:
            lines.append(_CODE_SPAN.sub(r"\1", line))
    return "\n".join(lines).strip()
