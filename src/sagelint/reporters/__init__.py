"""Output formats, one module each. Reporters see plain diagnostics, never CST nodes."""

from __future__ import annotations

import importlib
from typing import Callable, Dict, Optional, TextIO

from sagelint.config import DOCS_URL, rule_url
from sagelint.lazydata import lazy_dataclass
from sagelint.records import frozen_record
from sagelint.runner import RunResult

FORMATS: Dict[str, str] = {
    "full": "sagelint.reporters.text:report_full",
    "concise": "sagelint.reporters.text:report_concise",
    "json": "sagelint.reporters.json_format:report_json",
    "json-lines": "sagelint.reporters.json_format:report_json_lines",
    "sarif": "sagelint.reporters.sarif:report_sarif",
    "github": "sagelint.reporters.ci:report_github",
    "gitlab": "sagelint.reporters.ci:report_gitlab",
    "junit": "sagelint.reporters.junit:report_junit",
    "rdjson": "sagelint.reporters.rdjson:report_rdjson",
    "html": "sagelint.reporters.html:report_html",
    "markdown": "sagelint.reporters.markdown:report_markdown",
}

Reporter = Callable[[RunResult, TextIO, "ReportOptions"], None]


@lazy_dataclass(frozen=True)
class BaselineState:
    """The baseline a run applied: its file, the findings it hid, and the recorded ones that
    no longer occur (stale)."""

    path: str
    hidden: int = 0
    stale: int = 0


@frozen_record  # every run makes one (sagelint.records)
class ReportOptions:
    """How the run's report is written."""

    color: bool = False
    quiet: bool = False
    fix_mode: bool = False  # --fix ran: the summary counts fixed and remaining
    unsafe_fixes: bool = False
    fail_on: str = "warning"  # the summary says when `--fail-on error` lets warnings pass
    json: bool = False  # --statistics as JSON (with a json output format)
    settings_fingerprint: str = ""  # shown by the audit reports (html, markdown)
    sarif_category: Optional[str] = None  # SARIF `automationDetails.id`
    docs_url: str = DOCS_URL  # the `docs-url` setting: base of the rules' pages
    # What a SARIF run records for `sagelint report` (issue 31): --repository-name (None:
    # from the git remote, else the folder's name), when the run started (ISO 8601, UTC),
    # and the baseline applied (None: no baseline).
    repository_name: Optional[str] = None
    started: Optional[str] = None
    baseline: Optional[BaselineState] = None

    def rule_url(self, code: str) -> Optional[str]:
        """The page of rule `code` (None when `docs-url` is empty): what every format
        links to (json `url`, SARIF `helpUri`, rdjson `code.url`, HTML)."""
        return rule_url(code, self.docs_url)


def get_reporter(name: str) -> Reporter:
    module, function = FORMATS[name].split(":")
    reporter: Reporter = getattr(importlib.import_module(module), function)
    return reporter


def report_statistics(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    """--statistics: how many diagnostics each rule reported, and how many are fixable."""
    from sagelint.reporters.stats import report_statistics as report

    report(outcome, stream, options)
