"""Every rule code and whether it is on by default, without importing the rules.

Selecting rules (configuration, `--select`) needs only this table, so a run whose files hold
no SageMaker code never imports LibCST or the rule modules. A test checks the table against
the rule classes.
"""

from __future__ import annotations

import re
from typing import Dict, List

CODE_RE = re.compile(r"^SM\d{3}$")

# code -> on by default
CODES: Dict[str, bool] = {
    "SM001": True,
    "SM101": True,
    "SM102": True,
    "SM103": True,
    "SM104": True,
    "SM105": True,
    "SM106": True,
    "SM107": True,
    "SM108": True,
    "SM109": False,
    "SM201": True,
    "SM202": True,
    "SM203": True,
    "SM204": True,
    "SM205": True,
    "SM206": True,
    "SM301": True,
    "SM302": True,
    "SM303": True,
    "SM304": True,
    "SM305": True,
    "SM306": True,
}


def expand_selector(selector: str, include_opt_in: bool) -> List[str]:
    """Codes a selector names: `ALL`, a prefix (`SM`, `SM1`, `SM10`) or a full code.

    Prefixes and ALL take the rules that are on by default; an opt-in rule is selected only
    by its full code (or when `include_opt_in`)."""
    selector = selector.strip().upper()
    if selector in CODES:
        return [selector]
    prefix = "" if selector == "ALL" else selector
    return [
        code
        for code, default_enabled in CODES.items()
        if code.startswith(prefix) and (default_enabled or include_opt_in)
    ]


def is_valid_selector(selector: str) -> bool:
    """`ALL`, or a prefix of at least `SM` that names one rule or more."""
    selector = selector.strip().upper()
    if selector == "ALL":
        return True
    return selector.startswith("SM") and any(code.startswith(selector) for code in CODES)
