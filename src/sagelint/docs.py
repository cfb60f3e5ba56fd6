"""Documentation generated from the rules themselves: the README's rule table.

`python -m sagelint.docs` rewrites the table between the markers in README.md; a test fails
when the committed table is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

START = "<!-- rules:start -->"
END = "<!-- rules:end -->"


def rule_table() -> str:
    from sagelint.rules import all_rules

    rows = [
        "| code | name | what it reports | severity | default | fix |",
        "|---|---|---|---|---|---|",
    ]
    for code, rule in all_rules().items():
        fix = rule.fix_availability.value if rule.fix_availability else "—"
        default = "on" if rule.default_enabled else "opt-in"
        summary = rule.summary.replace("|", "\\|")
        rows.append(
            f"| {code} | `{rule.name}` | {summary} | {rule.severity.value} | {default} | {fix} |"
        )
    return "\n".join(rows)


def with_table(readme: str) -> str:
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{rule_table()}\n{END}{tail}"


def main() -> int:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"{path}: no {START} / {END} markers", file=sys.stderr)
        return 2
    path.write_text(with_table(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
