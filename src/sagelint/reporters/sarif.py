"""`sarif`: SARIF 2.1.0 as GitHub code scanning accepts it (a public contract)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, TextIO
from urllib.parse import quote

from sagelint import __version__
from sagelint.clock import utc_now
from sagelint.model import Diagnostic
from sagelint.vcs import Provenance, provenance
from sagelint.reporters import ReportOptions
from sagelint.reporters.common import (
    UNCHECKED_CODE,
    UNCHECKED_NAME,
    UNCHECKED_SUMMARY,
    code_fingerprints,
    repository_path,
    repository_root,
    unchecked,
)
from sagelint.rules import Rule, all_rules
from sagelint.rules.render import plain_text
from sagelint.runner import RunResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/sagelint/sagelint"
LEVELS = {"error": "error", "warning": "warning"}
# GitHub code scanning's limits on an upload: a run with more results is rejected; of those
# it takes, it shows the first ones by severity; the upload is gzip-compressed.
GITHUB_MAX_RESULTS = 25_000
GITHUB_SHOWN_RESULTS = 5_000
GITHUB_MAX_GZIP_BYTES = 10 * 1024 * 1024
_WHAT_TO_DO = (
    "check fewer rules (`--select`), or record today's findings in a baseline "
    "(`--baseline FILE --update-baseline`) so that only new ones are reported"
)


def _first_paragraph(rule: type[Rule]) -> str:
    docs = rule.documentation()
    body = docs.split("## What it does", 1)[-1].split("##", 1)[0]
    return " ".join(body.split())


def _rule(rule: type[Rule], options: ReportOptions) -> Dict[str, Any]:
    docs = rule.documentation()
    descriptor: Dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(rule)},
        # Viewers that cannot render Markdown show `text`: it carries no `##` or fences.
        "help": {"text": plain_text(docs), "markdown": docs},
        "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
        "properties": {"tags": ["sagemaker"]},
    }
    url = options.rule_url(rule.code)
    if url is not None:  # `docs-url = ""` turns links off: SARIF has no null URI
        descriptor["helpUri"] = url
    return descriptor


def _related(diagnostic: Diagnostic, root: Path) -> Dict[str, Any]:
    """A value read from a configuration file (#28): where it is written, as a related
    location (the result itself is at the load in the script)."""
    if diagnostic.related is None:
        return {}
    path, line = diagnostic.related
    return {
        "relatedLocations": [{
            "id": 1,
            "physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(path, root)},
                "region": {"startLine": line},
            },
            "message": {"text": "the value, in the configuration file"},
        }]
    }


def _region(diagnostic: Diagnostic) -> Dict[str, int]:
    if diagnostic.file_rows is not None:  # a notebook: the place in the .ipynb file itself
        region = {"startLine": diagnostic.file_rows[0], "endLine": diagnostic.file_rows[1]}
        if diagnostic.file_columns is not None:
            region["startColumn"], region["endColumn"] = diagnostic.file_columns
        return region
    return {
        "startLine": diagnostic.location.row,
        "startColumn": diagnostic.location.column,
        "endLine": diagnostic.end_location.row,
        "endColumn": diagnostic.end_location.column,
    }


def _fix_property(diagnostic: Diagnostic) -> Dict[str, Any]:
    """A result with a fix says which (`safe`: `--fix` applies it; `unsafe`: only with
    `--unsafe-fixes`), so that a merged report counts what is fixable."""
    if diagnostic.fix is None:
        return {}
    return {"properties": {"fix": diagnostic.fix.applicability.value}}


def _message(diagnostic: Diagnostic) -> str:
    if diagnostic.cell is None:
        return diagnostic.message
    return f"{diagnostic.message} [cell {diagnostic.cell}, line {diagnostic.location.row}]"


def artifact_uri(path: str, root: Path) -> str:
    """A URI reference for a result's file: relative to the repository root and
    percent-encoded (`notebooks/my%20model.py`), or a `file:` URI outside the repository."""
    relative = repository_path(path, root)
    if relative != "-" and Path(relative).is_absolute():
        return Path(relative).as_uri()
    # A name that is not UTF-8 holds lone surrogates: percent-encode its original bytes.
    return quote(relative, safe="/", errors="surrogateescape")


# The one notification descriptor: `toolExecutionNotifications` entries point at it.
NOTIFICATIONS = [
    {
        "id": UNCHECKED_CODE,
        "name": UNCHECKED_NAME,
        "shortDescription": {"text": UNCHECKED_SUMMARY},
        "defaultConfiguration": {"level": "error"},
    }
]


def _invocation(outcome: RunResult, root: Path, options: ReportOptions) -> Dict[str, Any]:
    """The run's invocation: one error notification per file that could not be checked, at
    the file; the execution counts as successful only when every file was checked. Its
    times, the files it scanned and the baseline it applied are what `sagelint report`
    needs to merge runs (the newest run of a repository wins)."""
    notifications = [
        {
            "level": "error",
            "message": {"text": reason},
            "descriptor": {"id": UNCHECKED_CODE, "index": 0},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(result.path, root)}}}
            ],
        }
        for result, reason in unchecked(outcome)
    ]
    invocation: Dict[str, Any] = {
        "executionSuccessful": not notifications,
        "toolExecutionNotifications": notifications,
    }
    if options.started:
        invocation["startTimeUtc"] = options.started
    invocation["endTimeUtc"] = utc_now()
    properties: Dict[str, Any] = {
        "filesScanned": len(outcome.files),
        "filesNotChecked": len(notifications),
    }
    if options.baseline is not None:
        properties["baseline"] = {
            "path": repository_path(options.baseline.path, root),
            "hidden": options.baseline.hidden,
            "stale": options.baseline.stale,
        }
    invocation["properties"] = properties
    return invocation


# The `uriBaseId` of the checked folder: results' URIs are relative to it.
SRCROOT = "SRCROOT"


def _repository(run: Dict[str, Any], found: Provenance, options: ReportOptions) -> None:
    """Which repository the run checked, at which commit: `versionControlProvenance` (in
    git only), the checked folder (`originalUriBaseIds`, where `sagelint report` finds a
    CODEOWNERS), and the repository's name and settings fingerprint (`properties`)."""
    root_uri = found.root.as_uri()
    root_uri = root_uri if root_uri.endswith("/") else root_uri + "/"
    if found.commit:
        details: Dict[str, Any] = {
            "repositoryUri": found.remote_uri or root_uri,
            "revisionId": found.commit,
        }
        if found.branch:
            details["branch"] = found.branch
        details["mappedTo"] = {"uriBaseId": SRCROOT}
        run["versionControlProvenance"] = [details]
    run["originalUriBaseIds"] = {SRCROOT: {"uri": root_uri}}
    properties: Dict[str, Any] = {"repositoryName": found.name}
    if options.settings_fingerprint:
        properties["settingsFingerprint"] = options.settings_fingerprint
    run["properties"] = properties


def automation_id(category: str) -> str:
    """SARIF `automationDetails.id`. GitHub takes what comes before the last `/` as the
    analysis's category (`category/run-id`): a bare name is a category of its own, as
    GitHub's upload action writes it (`sagelint` -> `sagelint/`)."""
    return category if "/" in category else f"{category}/"


def sarif_document(outcome: RunResult, options: Optional[ReportOptions] = None) -> Dict[str, Any]:
    options = options or ReportOptions()
    category = options.sarif_category
    rules = list(all_rules().values())
    index = {rule.code: i for i, rule in enumerate(rules)}
    root = repository_root()
    results: List[Dict[str, Any]] = []
    for result, diagnostic, fingerprint, occurrence in code_fingerprints(outcome):
        results.append(
            {
                "ruleId": diagnostic.code,
                "ruleIndex": index[diagnostic.code],
                "level": LEVELS[diagnostic.severity.value],
                "message": {"text": _message(diagnostic)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": artifact_uri(result.path, root)},
                            "region": _region(diagnostic),
                        }
                    }
                ],
                # As GitHub's own line hashes: the code's fingerprint and its occurrence.
                "partialFingerprints": {"sagelint/v2": f"{fingerprint}:{occurrence}"},
                **_related(diagnostic, root),
                **_fix_property(diagnostic),
            }
        )
    run: Dict[str, Any] = {}
    if category:  # several analyses uploaded to one repository are told apart by it
        run["automationDetails"] = {"id": automation_id(category)}
    _repository(run, provenance(root, options.repository_name), options)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                **run,
                "tool": {
                    "driver": {
                        "name": "sagelint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule, options) for rule in rules],
                        "notifications": NOTIFICATIONS,
                    }
                },
                "invocations": [_invocation(outcome, root, options)],
                "results": results,
                "columnKind": "unicodeCodePoints",  # columns count characters, as ruff's
            }
        ],
    }


def github_limits(results: int, gzip_bytes: int) -> List[str]:
    """What GitHub code scanning would do with a run of `results` results in an upload of
    `gzip_bytes` bytes (compressed), when it would not take it whole: one sentence each,
    with what to do."""
    problems = []
    if results > GITHUB_MAX_RESULTS:
        problems.append(
            f"the SARIF run has {results:,} results: GitHub code scanning rejects a run of "
            f"more than {GITHUB_MAX_RESULTS:,}"
        )
    elif results > GITHUB_SHOWN_RESULTS:
        problems.append(
            f"the SARIF run has {results:,} results: GitHub code scanning shows only "
            f"{GITHUB_SHOWN_RESULTS:,} of them (the most severe)"
        )
    if gzip_bytes > GITHUB_MAX_GZIP_BYTES:
        problems.append(
            f"the SARIF file is {gzip_bytes / 1024 / 1024:.1f} MB gzip-compressed: GitHub "
            f"code scanning rejects uploads over {GITHUB_MAX_GZIP_BYTES // 1024 // 1024} MB"
        )
    return [f"{problem}; {_WHAT_TO_DO}" for problem in problems]


def _gzip_size(data: bytes) -> int:
    """The upload's size. Compressing is skipped when the text itself is within the limit
    (compressed, it can only be smaller)."""
    if len(data) <= GITHUB_MAX_GZIP_BYTES:
        return len(data)
    import gzip

    return len(gzip.compress(data))


def report_sarif(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    document = sarif_document(outcome, options)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    stream.write(text)
    results = len(document["runs"][0]["results"])
    for warning in github_limits(results, _gzip_size(text.encode("utf-8", "replace"))):
        sys.stderr.write(f"warning: {warning}\n")
