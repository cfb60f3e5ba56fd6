"""Placeholder of the organisation report in Markdown (the renderer is built on its own
branch and replaces this module)."""

from __future__ import annotations

from typing import TextIO

from sagelint.org.model import OrgReport


def render_markdown(report: OrgReport, stream: TextIO) -> None:
    totals = report.totals
    stream.write(
        "# sagelint organisation report\n\n"
        f"{len(report.repositories)} repositories, {totals.findings} findings "
        f"({totals.errors} errors).\n"
    )
