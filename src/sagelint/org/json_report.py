"""The organisation report as JSON (`sagelint report --output-format json`): the model
(`model.py`) serialised field by field in its declared order, maps sorted, tuples as lists;
read back for the next report's `--previous`."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Dict, List, Optional, TextIO, Tuple

from sagelint.org.model import Counts, Finding, OrgReport, Repository, RuleSummary, Trend

FORMAT = "sagelint-org-report"
VERSION = 1


class ReportFileError(Exception):
    """The --previous file is not a report this command wrote."""


def to_json(report: OrgReport) -> Dict[str, Any]:
    document: Dict[str, Any] = {"format": FORMAT, "version": VERSION}
    document.update(dataclasses.asdict(report))
    document["clean_repositories"] = report.clean_repositories
    return document


def write_json(report: OrgReport, stream: TextIO) -> None:
    # One line: a report of 100,000 findings holds as many fingerprints (`jq .` shows it).
    json.dump(to_json(report), stream, ensure_ascii=False, separators=(",", ":"))
    stream.write("\n")


def read_json(path: str) -> OrgReport:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise ReportFileError(f"cannot read: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReportFileError(f"not a report: invalid JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ReportFileError(
            "not a report of `sagelint report --output-format json` (no \"format\": "
            f"\"{FORMAT}\")"
        )
    if document.get("version") != VERSION:
        raise ReportFileError(f"report version {document.get('version')!r}, expected {VERSION}")
    try:
        return _report(document)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReportFileError(f"not a complete report ({type(exc).__name__}: {exc})") from None


def _report(document: Dict[str, Any]) -> OrgReport:
    return OrgReport(
        generated_by=str(document["generated_by"]),
        repositories=[_repository(item) for item in document["repositories"]],
        rules=[_rule(item) for item in document["rules"]],
        owners={str(k): _counts(v) for k, v in document["owners"].items()},
        totals=_counts(document["totals"]),
        files_scanned=int(document["files_scanned"]),
        files_not_checked=int(document["files_not_checked"]),
        input_errors=[_pair(item) for item in document["input_errors"]],
        previous=document.get("previous"),
        trend=_trend(document.get("trend")),
    )


def _repository(item: Dict[str, Any]) -> Repository:
    return Repository(
        name=str(item["name"]),
        commit=item.get("commit"),
        branch=item.get("branch"),
        sagelint_version=item.get("sagelint_version"),
        settings_fingerprint=item.get("settings_fingerprint"),
        source=str(item.get("source", "")),
        files_scanned=int(item.get("files_scanned", 0)),
        files_not_checked=int(item.get("files_not_checked", 0)),
        counts=_counts(item["counts"]),
        by_rule={str(k): _counts(v) for k, v in item.get("by_rule", {}).items()},
        by_owner={str(k): _counts(v) for k, v in item.get("by_owner", {}).items()},
        top_files=[(str(path), int(n)) for path, n in item.get("top_files", [])],
        sample=[Finding(**finding) for finding in item.get("sample", [])],
        fingerprints=[_pair(pair) for pair in item["fingerprints"]],
        superseded=[str(text) for text in item.get("superseded", [])],
        trend=_trend(item.get("trend")),
        category=item.get("category"),
    )


def _rule(item: Dict[str, Any]) -> RuleSummary:
    return RuleSummary(
        code=str(item["code"]),
        name=str(item["name"]),
        level=str(item["level"]),
        counts=_counts(item["counts"]),
        repositories=int(item.get("repositories", 0)),
        trend=_trend(item.get("trend")),
    )


def _counts(item: Dict[str, Any]) -> Counts:
    return Counts(**{f.name: int(item.get(f.name, 0)) for f in dataclasses.fields(Counts)})


def _trend(item: Optional[Dict[str, Any]]) -> Optional[Trend]:
    if item is None:
        return None
    return Trend(**{f.name: int(item.get(f.name, 0)) for f in dataclasses.fields(Trend)})


def _pair(item: List[Any]) -> Tuple[str, str]:
    first, second = item
    return str(first), str(second)
