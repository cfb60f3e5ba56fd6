"""`sarif`: SARIF 2.1.0 as GitHub code scanning accepts it (a public contract)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional, TextIO
from urllib.parse import quote

from sagelint import __version__
from sagelint.model import Diagnostic
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


def _invocation(outcome: RunResult, root: Path) -> Dict[str, Any]:
    """The run's invocation: one error notification per file that could not be checked, at
    the file; the execution counts as successful only when every file was checked."""
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
    return {"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}


def sarif_document(outcome: RunResult, options: Optional[ReportOptions] = None) -> Dict[str, Any]:
    options = options or ReportOptions()
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
            }
        )
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sagelint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule, options) for rule in rules],
                        "notifications": NOTIFICATIONS,
                    }
                },
                "invocations": [_invocation(outcome, root)],
                "results": results,
                "columnKind": "unicodeCodePoints",  # columns count characters, as ruff's
            }
        ],
    }


def report_sarif(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(sarif_document(outcome, options), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
