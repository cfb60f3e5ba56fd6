"""Placeholder of the organisation report's HTML page (the renderer is built on its own
branch and replaces this module)."""

from __future__ import annotations

from html import escape
from typing import TextIO

from sagelint.org.model import OrgReport


def render_html(report: OrgReport, stream: TextIO) -> None:
    totals = report.totals
    stream.write(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>sagelint organisation "
        f"report</title></head><body><h1>sagelint organisation report</h1><p>"
        f"{len(report.repositories)} repositories, {totals.findings} findings "
        f"({totals.errors} errors), {escape(report.generated_by)}</p></body></html>\n"
    )
