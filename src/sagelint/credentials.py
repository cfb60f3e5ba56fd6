"""Credential formats: what SM501 reports, and what no excerpt, diff or cache ever shows.

Light on purpose (no LibCST, no rules): the reporters and the cache use it too."""

from __future__ import annotations

import re
from typing import Iterator, Optional, Tuple

# Credential formats (the providers' documented prefixes and lengths), never key names.
_FORMATS: Tuple[Tuple[str, "re.Pattern[str]"], ...] = (
    ("an AWS access key id",
     re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])")),
    ("a Hugging Face token", re.compile(r"(?<![A-Za-z0-9_])hf_[A-Za-z]{34}(?![A-Za-z0-9])")),
    ("a GitHub token",
     re.compile(r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})"
                r"(?![A-Za-z0-9_])")),
    ("an `sk-` API key", re.compile(r"(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{37,}(?![A-Za-z0-9_-])")),
)
# Words and runs that mark a documentation value, not a credential.
_PLACEHOLDER = re.compile(
    r"x{4}|example|your|token|placeholder|redacted|dummy|fake|sample|changeme|secret|insert"
    r"|replace|abcdef|123456",
    re.IGNORECASE,
)
_MIN_DISTINCT = 8  # a credential's random part uses many different characters
# What every format starts with: one search rules most lines out (excerpts run this on
# every line they show).
_PREFIXES = re.compile(r"AKIA|ASIA|hf_|gh[pousr]_|github_pat_|sk-")


def _is_placeholder(token: str) -> bool:
    body = token.split("_", 1)[-1] if not token.startswith("sk-") else token[3:]
    if token.startswith(("AKIA", "ASIA")):
        body = token[4:]
    return bool(_PLACEHOLDER.search(token)) or len(set(body)) < _MIN_DISTINCT


def credential_spans(text: str) -> Iterator[Tuple[str, int, int]]:
    """(what it looks like, start, end) of every credential in a known format in `text`
    (a value or a line of code) that is not a placeholder."""
    if _PREFIXES.search(text) is None:
        return
    for kind, pattern in _FORMATS:
        for match in pattern.finditer(text):
            if not _is_placeholder(match.group(0)):
                yield kind, match.start(), match.end()


def credential(text: str) -> Optional[Tuple[str, str]]:
    """(what it looks like, the match) when a string value holds a known credential format
    that is not a placeholder; a templated value (`<token>`, `${X}`, `{{ x }}`) holds none."""
    if "<" in text and ">" in text or "${" in text or "{{" in text:
        return None
    for kind, start, end in credential_spans(text):
        return kind, text[start:end]
    return None


def shown(secret: str) -> str:
    """How a secret is shown: a short prefix (4 characters at most, a quarter of a short
    one) and an ellipsis, as SM501's message shows it."""
    return secret[: min(4, len(secret) // 4)] + "…"


def masked(text: str) -> str:
    """`text` (a message) with every credential in a known format shown as SM501 shows it:
    a message quotes the code it is about (a file name, a value) and is printed everywhere."""
    spans = list(credential_spans(text))
    for _, start, end in sorted(spans, key=lambda span: span[1], reverse=True):
        text = text[:start] + shown(text[start:end]) + text[end:]
    return text
