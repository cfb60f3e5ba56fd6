"""Scaffold a rule: `python -m sagelint.new_rule SM307 spot-without-max-wait "Summary"`.

Writes `src/sagelint/rules/<family>/sm307_spot_without_max_wait.py` (the family of the other
rules of that hundred, or `--family NAME` for a new one) and `fixtures/rules/SM307.py`, then
regenerates the README's rule table, `codes.py` and the rule pages (`docs/rules/`). Both files are skeletons whose tests fail
until the rule is written: the examples and the fixture's `# expect:` line say what to do.
Run it from a source checkout; it never overwrites a file.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import List, Optional

from sagelint.selection import CODE_RE, rule_modules

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent.parent  # the checkout: src/sagelint/ -> .
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
_FAMILY = re.compile(r"^[a-z][a-z0-9_]*$")

MODULE = '''"""{code} {name}: {summary}."""

from __future__ import annotations

from typing import Iterator

from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext


class {cls}(Rule):
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
    summary = "{summary_code}"
    # Sources that must fire and must stay clean: tests/test_rules_meta.py runs both.
    invalid = ("TODO: a script that breaks the rule\\n",)
    valid = ("TODO: the same script, fixed\\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        # Read ctx.facts (sagelint/surfaces/facts.py), never raw calls, and report only what
        # the code proves: yield self.finding(node, message, used_by=..., fix=FixPlan(...)).
        yield from ()
'''

FIXTURE = '''"""{code} {name}: {summary}.

Each line marked `# expect: {code}` must be reported there, and every other line must stay
clean. Add a `{code}.fixed.py` (and `.unsafe-fixed.py`) snapshot when the rule fixes.
"""
import sagemaker

session = sagemaker.Session()
TODO = "a call that breaks the rule"  # expect: {code}
'''


class ScaffoldError(Exception):
    pass


def _family(code: str, requested: Optional[str]) -> str:
    if requested is not None:
        if not _FAMILY.match(requested):
            raise ScaffoldError(f"invalid family {requested!r}: use a lowercase Python name")
        return requested
    neighbours = {
        module.split(".")[0] for other, module in rule_modules().items() if other[:3] == code[:3]
    }
    if len(neighbours) != 1:
        raise ScaffoldError(
            f"no family holds the {code[:3]}xx rules yet: give one with --family NAME"
        )
    return neighbours.pop()


def _create(path: Path, text: str) -> None:
    """Write a new file; an existing one is never replaced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="") as out:
        out.write(text)


def scaffold(code: str, name: str, summary: str, family: Optional[str] = None) -> List[Path]:
    code = code.strip().upper()
    if not CODE_RE.match(code):
        raise ScaffoldError(f"invalid code {code!r}: expected SM followed by three digits")
    if code in rule_modules():
        raise ScaffoldError(f"{code} already exists: {rule_modules()[code]}")
    if not _NAME.match(name):
        raise ScaffoldError(f"invalid name {name!r}: expected kebab-case, like spot-without-max-wait")
    summary = summary.strip().rstrip(".")
    if not summary or "\n" in summary:
        raise ScaffoldError("the summary must be one non-empty line")
    if not (ROOT / "fixtures" / "rules").is_dir():
        raise ScaffoldError(f"no fixtures/rules/ in {ROOT}: run from a source checkout")
    kebab = name.replace("_", "-")
    family_name = _family(code, family)
    folder = PACKAGE / "rules" / family_name
    module = folder / f"{code.lower()}_{kebab.replace('-', '_')}.py"
    fixture = ROOT / "fixtures" / "rules" / f"{code}.py"
    for path in (module, fixture):
        if path.exists():
            raise ScaffoldError(f"{path} exists already")
    fields = {
        "code": code, "name": kebab, "summary": summary,
        "summary_code": summary.replace("\\", "\\\\").replace('"', '\\"'),
        "cls": "".join(part.capitalize() for part in kebab.split("-")),
    }
    written = []
    if not (folder / "__init__.py").exists():
        _create(folder / "__init__.py", f'"""{code[:3]}: {family_name} rules."""\n')
        written.append(folder / "__init__.py")
    _create(module, MODULE.format(**fields))
    _create(fixture, FIXTURE.format(**fields))
    return [*written, module, fixture]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sagelint.new_rule", description=__doc__.split("\n")[0])
    parser.add_argument("code", help="the new rule's code, e.g. SM307")
    parser.add_argument("name", help="its kebab-case name, e.g. spot-without-max-wait")
    parser.add_argument("summary", help="one line: what it reports")
    parser.add_argument("--family", help="the rules/ folder, when no rule of that hundred exists")
    args = parser.parse_args(argv)
    try:
        written = scaffold(args.code, args.name, args.summary, args.family)
    except (ScaffoldError, OSError) as exc:
        print(f"sagelint.new_rule: {exc}", file=sys.stderr)
        return 2
    rule_modules.cache_clear()
    from sagelint.docs import regenerate

    problem = regenerate(ROOT / "README.md")
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    if problem is not None:
        print(f"sagelint.new_rule: {problem}; run `python -m sagelint.docs`", file=sys.stderr)
        return 1
    print("regenerated README.md's rule table, src/sagelint/codes.py and docs/rules/")
    print("next: write the rule's docs, examples and check(), then the fixture's cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
