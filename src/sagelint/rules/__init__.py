"""Rules: one self-describing class per code.

A rule's class holds its code, kebab-case name, severity, whether it is on by default, its
documentation (the docstring, in ruff's sections) and examples that must fire (`invalid`) and
must stay clean (`valid`). `check()` reads the module's facts and yields findings; it never
sees files, argv or the terminal.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, ClassVar, Dict, Iterator, List, Optional, Tuple, Type

import libcst as cst

from sagelint.model import Applicability, Severity

if TYPE_CHECKING:
    from sagelint.config import Settings
    from sagelint.fixes import FixContext, RawEdit
    from sagelint.resolve import Hop, Resolver
    from sagelint.surfaces import CallSite, Facts

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")


@dataclass
class FixPlan:
    """A fix, described cheaply at check time and built into edits only when needed."""

    applicability: Applicability
    title: str
    build: Callable[[FixContext], List[RawEdit]]
    # Names between the diagnostic's uses and the literal the fix edits. The fix is offered
    # only when every reference of each of those names is one of the uses reported.
    hops: Tuple[Hop, ...] = ()


@dataclass
class Finding:
    code: str
    node: cst.CSTNode  # the span reported
    message: str
    used_by: Optional[CallSite] = None  # appended as "(used by X(...) at line N)"
    fix: Optional[FixPlan] = None
    # Value findings are reported once per literal, however many calls it feeds.
    once_per_node: bool = False
    # A node whose place ("line 12", in a notebook "cell 3, line 2") replaces `{line}` in
    # the message (another job, say).
    refers_to: Optional[cst.CSTNode] = None


@dataclass(frozen=True)
class RuleContext:
    facts: Facts
    settings: Settings
    resolver: Resolver


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    default_enabled: ClassVar[bool] = True
    fix_availability: ClassVar[Optional[Applicability]] = None  # for `sagelint rules`
    summary: ClassVar[str]
    settings_used: ClassVar[Tuple[str, ...]] = ()
    valid: ClassVar[Tuple[str, ...]] = ()
    invalid: ClassVar[Tuple[str, ...]] = ()

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, node: cst.CSTNode, message: str, **kwargs: object) -> Finding:
        return Finding(self.code, node, message, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def documentation(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")


_RULE_MODULES = ("sm0_syntax", "sm1_env", "sm2_deploy", "sm3_warm_pool")
_REGISTRY: Dict[str, Type[Rule]] = {}


def all_rules() -> Dict[str, Type[Rule]]:
    """Every rule by code, in code order. Imports the rule modules once."""
    if not _REGISTRY:
        found: List[Type[Rule]] = []
        for module in _RULE_MODULES:
            mod = importlib.import_module(f"sagelint.rules.{module}")
            found.extend(mod.RULES)
        for rule in sorted(found, key=lambda r: r.code):
            if rule.code in _REGISTRY:
                raise RuntimeError(f"duplicate rule code {rule.code}")
            _REGISTRY[rule.code] = rule
    return _REGISTRY


# Selection works from the static table of codes (no rule module imported); re-exported here.
from sagelint.codes import CODE_RE, expand_selector, is_valid_selector  # noqa: E402,F401
