"""The time a run records (SARIF `startTimeUtc` / `endTimeUtc`): a module of its own, so a
run that writes no SARIF does not import the SARIF reporter (nor what it imports) to ask."""

from __future__ import annotations


def utc_now() -> str:
    """Now in SARIF's time format (ISO 8601, UTC, `Z`); SOURCE_DATE_EPOCH, when set, for
    reproducible output (as the audit reports' date)."""
    import os
    from datetime import datetime, timezone

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isascii() and epoch.isdigit() and len(epoch) <= 11:
        try:
            return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (OverflowError, OSError, ValueError):
            pass
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
