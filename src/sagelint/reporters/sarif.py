"""`sarif`: SARIF 2.1.0 as GitHub code scanning accepts it (a public contract)."""

from __future__ import annotations

import json
from typing import Any, Dict, List, TextIO

from sagelint import __version__
from sagelint.model import Diagnostic
from sagelint.reporters import ReportOptions
from sagelint.reporters.common import fingerprints, repository_path, repository_root
from sagelint.rules import Rule, all_rules
from sagelint.runner import RunResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/sagelint/sagelint"
LEVELS = {"error": "error", "warning": "warning"}


def _first_paragraph(rule: type[Rule]) -> str:
    docs = rule.documentation()
    body = docs.split("## What it does", 1)[-1].split("##", 1)[0]
    return " ".join(body.split())


def _rule(rule: type[Rule]) -> Dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(rule)},
        "help": {"text": rule.documentation(), "markdown": rule.documentation()},
        "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
        "properties": {"tags": ["sagemaker"]},
    }


def _region(diagnostic: Diagnostic) -> Dict[str, int]:
    if diagnostic.file_rows is not None:  # a notebook: the rows of the .ipynb file itself
        return {"startLine": diagnostic.file_rows[0], "endLine": diagnostic.file_rows[1]}
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


def sarif_document(outcome: RunResult) -> Dict[str, Any]:
    rules = list(all_rules().values())
    index = {rule.code: i for i, rule in enumerate(rules)}
    root = repository_root()
    results: List[Dict[str, Any]] = []
    for result, diagnostic, fingerprint in fingerprints(outcome, root):
        results.append(
            {
                "ruleId": diagnostic.code,
                "ruleIndex": index[diagnostic.code],
                "level": LEVELS[diagnostic.severity.value],
                "message": {"text": _message(diagnostic)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": repository_path(result.path, root)},
                            "region": _region(diagnostic),
                        }
                    }
                ],
                "partialFingerprints": {"sagelint/v1": fingerprint},
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
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "results": results,
            }
        ],
    }


def report_sarif(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(sarif_document(outcome), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
