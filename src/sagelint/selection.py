"""Which rules exist and which codes a selector names, without importing the rules.

Selecting rules (configuration, `--select`) must not import LibCST: a run whose files hold no
SageMaker code never needs it. The rule modules are found by listing the folders of
`sagelint/rules/` (a rule module is `rules/<family>/sm<NNN>_<name>.py`; its file name gives
its code and name), and whether a rule is on by default comes from the table that
`python -m sagelint.docs` generates into `sagelint/codes.py`. A rule module that table does
not list yet (added since the table was last generated) is imported to ask, so a new module
works with no other edit; a test fails while the committed table is stale.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
from functools import cache
from typing import Dict, List, Optional, Tuple

from sagelint.module_listing import iter_modules

CODE_RE = re.compile(r"^SM\d{3}$")
RULE_MODULE = re.compile(r"^sm(?P<number>\d{3})_(?P<name>[a-z0-9]+(?:_[a-z0-9]+)*)$")


def rule_identity(module: str) -> Optional[Tuple[str, str]]:
    """(code, name) of a rule module's last name component: `sm201_startup_timeout_missing`
    is SM201 `startup-timeout-missing`. None for modules that are not rules."""
    match = RULE_MODULE.match(module.rpartition(".")[2])
    if match is None:
        return None
    return f"SM{match.group('number')}", match.group("name").replace("_", "-")


@cache
def rule_modules() -> Dict[str, str]:
    """code -> module below `sagelint.rules` (`deploy.sm201_startup_timeout_missing`) for
    every rule module installed, in code order. Lists folders; imports nothing."""
    spec = importlib.util.find_spec("sagelint.rules")
    roots = list(spec.submodule_search_locations or []) if spec else []
    found: Dict[str, str] = {}
    for root, family, family_is_package in iter_modules(roots):
        if not family_is_package:
            continue
        for _, module, is_package in iter_modules([os.path.join(root, family)]):
            identity = rule_identity(module)
            if identity is None or is_package:
                continue
            qualified = f"{family}.{module}"
            if identity[0] in found:
                raise RuntimeError(
                    f"two rule modules for {identity[0]}: {found[identity[0]]}, {qualified}"
                )
            found[identity[0]] = qualified
    return dict(sorted(found.items()))


@cache
def codes() -> Dict[str, bool]:
    """code -> on by default, for every rule module installed, in code order."""
    from sagelint.codes import CODES

    out: Dict[str, bool] = {}
    for code, module in rule_modules().items():
        known = CODES.get(code)
        if known is not None and known[1] == module:
            out[code] = known[0]
        else:  # not in the generated table yet: ask the module itself
            out[code] = _default_enabled(module)
    return out


def _default_enabled(module: str) -> bool:
    """Whether the rule class of a module the generated table does not list yet is on by
    default. The module is loaded as a plug-in (by name): selection sits below the rules
    package and never imports it."""
    loaded = importlib.import_module(f"sagelint.rules.{module}")
    for value in vars(loaded).values():
        if isinstance(value, type) and value.__module__ == loaded.__name__:
            enabled = getattr(value, "default_enabled", None)
            if isinstance(enabled, bool):
                return enabled
    raise RuntimeError(f"{loaded.__name__} defines no rule class")


def expand_selector(selector: str, include_opt_in: bool) -> List[str]:
    """Codes a selector names: `ALL`, a prefix (`SM`, `SM1`, `SM10`) or a full code.

    Prefixes and ALL take the rules that are on by default; an opt-in rule is selected only
    by its full code (or when `include_opt_in`)."""
    table = codes()
    selector = selector.strip().upper()
    if selector in table:
        return [selector]
    prefix = "" if selector == "ALL" else selector
    return [
        code
        for code, default_enabled in table.items()
        if code.startswith(prefix) and (default_enabled or include_opt_in)
    ]


def is_valid_selector(selector: str) -> bool:
    """`ALL`, or a prefix of at least `SM` that names one rule or more."""
    selector = selector.strip().upper()
    if selector == "ALL":
        return True
    return selector.startswith("SM") and any(code.startswith(selector) for code in codes())
