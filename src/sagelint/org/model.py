"""What an organisation report holds: built by the merge of sagelint SARIF runs
(`sagelint report FILES...`), read by its renderers (json, markdown, html) and, as JSON, by
the next report's `--previous`.

Memory grows with repositories, not findings: a repository keeps counts, its top files and
the fingerprints of its findings (for the trend), never the findings themselves; the
renderers that list findings read them from `Repository.sample` (bounded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

# Findings of one repository kept for display (the rest are counted only).
SAMPLE_PER_REPOSITORY = 200


@dataclass(frozen=True)
class Finding:
    """One result, as shown in a report's per-repository list."""

    rule: str  # "SM201"
    level: str  # "error", "warning"
    path: str  # relative to the repository root, with `/`
    line: int
    column: int
    message: str
    owner: Optional[str] = None  # the CODEOWNERS team of `path`, if any


@dataclass
class Counts:
    findings: int = 0
    errors: int = 0
    warnings: int = 0
    fixable: int = 0


@dataclass
class Trend:
    """New, fixed and unchanged findings against the previous report, by fingerprint."""

    new: int = 0
    fixed: int = 0
    unchanged: int = 0


@dataclass
class Repository:
    name: str
    commit: Optional[str] = None
    branch: Optional[str] = None
    sagelint_version: Optional[str] = None
    settings_fingerprint: Optional[str] = None
    source: str = ""  # the SARIF file it was read from
    files_scanned: int = 0
    files_not_checked: int = 0
    counts: Counts = field(default_factory=Counts)
    by_rule: Dict[str, Counts] = field(default_factory=dict)
    by_owner: Dict[str, Counts] = field(default_factory=dict)
    top_files: List[Tuple[str, int]] = field(default_factory=list)  # (path, findings), top 10
    sample: List[Finding] = field(default_factory=list)  # at most SAMPLE_PER_REPOSITORY
    # (rule, fingerprint) of every finding: what the next report's trend compares.
    fingerprints: List[Tuple[str, str]] = field(default_factory=list)
    # Older runs of the same repository that this one replaced (the newest commit wins).
    superseded: List[str] = field(default_factory=list)
    trend: Optional[Trend] = None
    # Added by the merge (issue 31): the run's SARIF category (`--sarif-category`); runs of
    # one repository in different categories are different analyses, each kept.
    category: Optional[str] = None


@dataclass
class RuleSummary:
    code: str
    name: str
    level: str
    counts: Counts = field(default_factory=Counts)
    repositories: int = 0
    trend: Optional[Trend] = None


@dataclass
class OrgReport:
    generated_by: str  # "sagelint 0.3.0"
    repositories: List[Repository] = field(default_factory=list)  # by findings, most first
    rules: List[RuleSummary] = field(default_factory=list)  # by findings, most first
    owners: Dict[str, Counts] = field(default_factory=dict)
    totals: Counts = field(default_factory=Counts)
    files_scanned: int = 0
    files_not_checked: int = 0
    # Input files that could not be read (not sagelint SARIF, truncated): (file, reason).
    input_errors: List[Tuple[str, str]] = field(default_factory=list)
    previous: Optional[str] = None  # the --previous report it was compared with
    trend: Optional[Trend] = None

    @property
    def clean_repositories(self) -> int:
        return sum(1 for repository in self.repositories if repository.counts.findings == 0)
