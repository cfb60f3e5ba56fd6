"""Merging sagelint SARIF runs into one organisation report (`sagelint report`).

Results are read one at a time (`stream.py`) and folded into their repository's counts; a
repository keeps its counts, top files, a bounded sample and the fingerprints the next
report's trend compares (`model.py`). Two runs of one repository (same name and SARIF
category): the newest wins, by the run's end time, else the later one read; the report lists
the ones it replaced. A file that is not sagelint's SARIF, or is cut short, is an input error
and adds nothing: the others are still merged.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Set, Tuple
from urllib.parse import unquote, urlsplit

from sagelint import __version__
from sagelint.org.codeowners import CodeOwners
from sagelint.org.codeowners import load as load_codeowners
from sagelint.org.model import (
    SAMPLE_PER_REPOSITORY,
    Counts,
    Finding,
    OrgReport,
    Repository,
    RuleSummary,
    Trend,
)
from sagelint.org.stream import InvalidSarif, runs

TOP_FILES = 10
TOOL = "sagelint"
FINGERPRINT = "sagelint/v2"  # the partialFingerprints key the baseline's fingerprints use


class InputError(Exception):
    """One input file cannot be merged; its reason is the message."""


@dataclass
class _Run:
    """One run being read: its repository, and what is dropped once the run is complete."""

    repository: Repository
    order: int
    ended: Optional[datetime] = None
    header: Dict[str, Any] = field(default_factory=dict)
    per_file: Dict[str, int] = field(default_factory=Counter)
    owners: Optional[CodeOwners] = None
    owners_loaded: bool = False


@dataclass
class Merger:
    """Feed it files with `add`; `report()` gives the merged report."""

    codeowners: Callable[[Path], Optional[CodeOwners]] = load_codeowners
    runs: List[_Run] = field(default_factory=list)
    input_errors: List[Tuple[str, str]] = field(default_factory=list)
    rule_names: Dict[str, Tuple[str, str]] = field(default_factory=dict)  # code -> (name, level)

    def add(self, path: str) -> Optional[str]:
        """Merge one SARIF file; the reason when it cannot be (recorded in the report)."""
        try:
            found = self._read(path)
        except InputError as exc:
            return self.input_error(path, str(exc))
        self.runs.extend(found)
        return None

    def input_error(self, path: str, reason: str) -> str:
        """Record an input that is not a file to read (an empty folder)."""
        self.input_errors.append((path, reason))
        return reason

    def _read(self, path: str) -> List[_Run]:
        complete: List[_Run] = []
        try:
            # utf-8-sig: a byte-order mark, as some Windows tools write, is no error.
            with open(path, encoding="utf-8-sig", errors="strict") as handle:
                current: Optional[_Run] = None
                for kind, name, value in runs(handle):
                    if current is None:
                        order = len(self.runs) + len(complete)
                        current = _Run(Repository(name="", source=path), order)
                    if kind == "member":
                        self._member(current, name, value)
                    elif kind == "result":
                        self._result(current, value)
                    else:
                        complete.append(self._finish(current, path))
                        current = None
        except InvalidSarif as exc:
            raise InputError(str(exc)) from None
        except UnicodeDecodeError:
            raise InputError("not a SARIF file: not UTF-8 text") from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}") from None
        if not complete:
            raise InputError("not a SARIF file of sagelint: it holds no run")
        return complete

    def _member(self, run: _Run, name: str, value: Any) -> None:
        if name == "tool":
            driver = _get(value, "driver")
            tool = _get(driver, "name")
            if tool != TOOL:
                raise InputError(f"not a SARIF file of sagelint: written by {tool or 'an unnamed tool'}")
            for rule in _get(driver, "rules") or []:
                code, rule_name = _get(rule, "id"), _get(rule, "name")
                level = _get(_get(rule, "defaultConfiguration"), "level") or "warning"
                if isinstance(code, str):
                    self.rule_names[code] = (str(rule_name or code), str(level))
        run.header[name] = value

    def _result(self, run: _Run, result: Any) -> None:
        if not isinstance(result, dict):
            raise InputError("not a SARIF file: a result is not an object")
        rule = str(result.get("ruleId") or "")
        level = str(result.get("level") or self.rule_names.get(rule, ("", "warning"))[1])
        path, line, column = _place(result)
        repository = run.repository
        table = self._owners(run)
        owners = table.owners(path) if table is not None else ()
        _count(repository.counts, level, result)
        _count(repository.by_rule.setdefault(rule, Counts()), level, result)
        for owner in owners:
            _count(repository.by_owner.setdefault(owner, Counts()), level, result)
        run.per_file[path] += 1
        partial = _get(result.get("partialFingerprints"), FINGERPRINT)
        fingerprint = f"{partial}" if partial else f"{rule}\0{line}\0{_message(result)}"
        digest = hashlib.blake2b(f"{path}\0{fingerprint}".encode("utf-8", "surrogatepass"),
                                 digest_size=8).hexdigest()
        repository.fingerprints.append((rule, digest))
        if len(repository.sample) < SAMPLE_PER_REPOSITORY:
            repository.sample.append(Finding(
                rule=rule, level=level, path=path, line=line, column=column,
                message=_message(result), owner=" ".join(owners) or None,
            ))

    def _owners(self, run: _Run) -> Optional[CodeOwners]:
        """The CODEOWNERS of the checkout the run names (SRCROOT), when it is on this
        machine: read once per run."""
        if not run.owners_loaded:
            run.owners_loaded = True
            root = _local_root(run.header)
            run.owners = self.codeowners(root) if root is not None else None
        return run.owners

    def _finish(self, run: _Run, path: str) -> _Run:
        header, repository = run.header, run.repository
        if "tool" not in header:
            raise InputError("not a SARIF file of sagelint: a run names no tool")
        properties = _get(header, "properties") or {}
        provenance = _first(header.get("versionControlProvenance"))
        invocation = _first(header.get("invocations"))
        uri = _get(provenance, "repositoryUri")
        repository.name = str(
            _get(properties, "repositoryName") or _name_from_uri(uri) or Path(path).stem
        )
        repository.commit = _text(_get(provenance, "revisionId"))
        repository.branch = _text(_get(provenance, "branch"))
        repository.sagelint_version = _text(_get(_get(header["tool"], "driver"), "version"))
        repository.settings_fingerprint = _text(_get(properties, "settingsFingerprint"))
        numbers = _get(invocation, "properties") or {}
        notifications = _get(invocation, "toolExecutionNotifications") or []
        repository.files_not_checked = _whole(_get(numbers, "filesNotChecked"), len(notifications))
        repository.files_scanned = _whole(_get(numbers, "filesScanned"), 0)
        repository.by_rule = dict(sorted(repository.by_rule.items()))
        repository.by_owner = dict(sorted(repository.by_owner.items()))
        repository.top_files = sorted(run.per_file.items(), key=lambda item: (-item[1], item[0]))[:TOP_FILES]
        repository.category = _text(_get(header.get("automationDetails"), "id"))
        run.ended = _time(_get(invocation, "endTimeUtc"))
        run.header, run.per_file, run.owners = {}, Counter(), None  # done with them
        return run

    def report(self, previous: Optional[OrgReport] = None, previous_name: Optional[str] = None) -> OrgReport:
        report = OrgReport(generated_by=f"sagelint {__version__}")
        report.input_errors = list(self.input_errors)
        newest = _newest(self.runs)
        report.repositories = sorted(
            (run.repository for run in newest.values()),
            key=lambda r: (-r.counts.findings, -r.counts.errors, r.name),
        )
        for repository in report.repositories:
            _add(report.totals, repository.counts)
            report.files_scanned += repository.files_scanned
            report.files_not_checked += repository.files_not_checked
            for owner, counts in repository.by_owner.items():
                _add(report.owners.setdefault(owner, Counts()), counts)
        report.owners = dict(sorted(report.owners.items(), key=lambda item: (-item[1].findings, item[0])))
        report.rules = self._rules(report.repositories)
        if previous is not None:
            report.previous = previous_name
            _trend(report, previous, newest, self.rule_names)
        return report

    def _rules(self, repositories: Iterable[Repository]) -> List[RuleSummary]:
        rules: Dict[str, RuleSummary] = {}
        for repository in repositories:
            for code, counts in repository.by_rule.items():
                summary = rules.get(code)
                if summary is None:
                    name, level = self.rule_names.get(code, (code, "warning"))
                    summary = rules[code] = RuleSummary(code, name, level)
                _add(summary.counts, counts)
                summary.repositories += 1
        return sorted(rules.values(), key=lambda r: (-r.counts.findings, r.code))


def _newest(found: List[_Run]) -> Dict[Tuple[str, Optional[str]], _Run]:
    """One run per repository (name and category): the newest, by end time when both runs
    have one, else the one read later. The winner lists what it replaced."""
    chosen: Dict[Tuple[str, Optional[str]], _Run] = {}
    for run in found:
        key = (run.repository.name, run.repository.category)
        other = chosen.get(key)
        if other is None:
            chosen[key] = run
            continue
        newer, older = (run, other) if _is_newer(run, other) else (other, run)
        newer.repository.superseded.extend(older.repository.superseded)
        newer.repository.superseded.append(_describe(older.repository))
        older.repository.superseded = []
        chosen[key] = newer
    return chosen


def _is_newer(run: _Run, other: _Run) -> bool:
    if run.ended is not None and other.ended is not None and run.ended != other.ended:
        return run.ended > other.ended
    return run.order > other.order


def _describe(repository: Repository) -> str:
    commit = repository.commit[:12] if repository.commit else "an unknown commit"
    return f"{commit} ({repository.source})"


def _trend(
    report: OrgReport,
    previous: OrgReport,
    newest: Dict[Tuple[str, Optional[str]], _Run],
    rule_names: Dict[str, Tuple[str, str]],
) -> None:
    """New, fixed and unchanged findings per repository, rule and in total, by fingerprint.
    A repository the previous report did not have: all its findings are new; one that is no
    longer in this report is left out (it was not audited, not fixed)."""
    before: Dict[Tuple[str, Optional[str]], Set[Tuple[str, str]]] = {}
    for old in previous.repositories:
        before[(old.name, old.category)] = set(old.fingerprints)
    known_rules = {rule.code: (rule.name, rule.level) for rule in previous.rules}
    by_rule: Dict[str, Trend] = {}
    report.trend = Trend()
    for repository in report.repositories:
        now = set(repository.fingerprints)
        then = before.get((repository.name, repository.category), set())
        repository.trend = Trend()
        for kind, keys in (("new", now - then), ("fixed", then - now), ("unchanged", now & then)):
            for code, _ in keys:
                for trend in (repository.trend, by_rule.setdefault(code, Trend()), report.trend):
                    setattr(trend, kind, getattr(trend, kind) + 1)
    rules = {rule.code: rule for rule in report.rules}
    for code, trend in sorted(by_rule.items()):
        if code not in rules:  # every finding of the rule fixed: it still has a row
            name, level = rule_names.get(code) or known_rules.get(code) or (code, "warning")
            rules[code] = RuleSummary(code, name, level)
            report.rules.append(rules[code])
        rules[code].trend = trend
    for rule in report.rules:
        if rule.trend is None:
            rule.trend = Trend()


def _count(counts: Counts, level: str, result: Dict[str, Any]) -> None:
    counts.findings += 1
    if level == "error":
        counts.errors += 1
    else:
        counts.warnings += 1
    if _get(result.get("properties"), "fix") == "safe":
        counts.fixable += 1


def _add(total: Counts, counts: Counts) -> None:
    total.findings += counts.findings
    total.errors += counts.errors
    total.warnings += counts.warnings
    total.fixable += counts.fixable


def _place(result: Dict[str, Any]) -> Tuple[str, int, int]:
    physical = _get(_first(result.get("locations")), "physicalLocation")
    uri = _get(_get(physical, "artifactLocation"), "uri")
    region = _get(physical, "region")
    path = unquote(uri, errors="surrogateescape") if isinstance(uri, str) else ""
    return path, _whole(_get(region, "startLine"), 0), _whole(_get(region, "startColumn"), 0)


def _message(result: Dict[str, Any]) -> str:
    return str(_get(result.get("message"), "text") or "")


def _local_root(header: Dict[str, Any]) -> Optional[Path]:
    uri = _get(_get(header.get("originalUriBaseIds"), "SRCROOT"), "uri")
    if not isinstance(uri, str) or not uri.startswith("file:"):
        return None
    root = Path(unquote(urlsplit(uri).path))
    return root if root.is_dir() else None


def _name_from_uri(uri: Any) -> Optional[str]:
    if not isinstance(uri, str):
        return None
    from sagelint.vcs import repository_name

    return repository_name(uri)


def _time(value: Any) -> Optional[datetime]:
    if not isinstance(value, str):
        return None
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo is not None else None  # naive times cannot be compared


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else None


def _text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and value else None


def _whole(value: Any, default: int) -> int:
    return value if type(value) is int and value >= 0 else default
