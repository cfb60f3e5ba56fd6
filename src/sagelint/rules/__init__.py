"""Rules: one module per rule, one self-describing class per module.

A rule lives in `rules/<family>/sm<NNN>_<name>.py` (`rules/deploy/sm201_startup_timeout_missing.py`);
the file name gives its code and kebab-case name, and the rules are found by listing the
family folders (`sagelint.selection`), so a new module needs no registration anywhere. The
class holds the severity, whether it is on by default, its documentation (the docstring, in
ruff's sections) and examples that must fire (`invalid`) and must stay clean (`valid`).
`check()` reads the module's facts and yields findings; it never sees files, argv or the
terminal. Helpers shared by a family live in its `common.py`, by every family in
`rules/common.py`.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Callable,
    ClassVar,
    Dict,
    FrozenSet,
    Iterator,
    List,
    Optional,
    Sequence,
    Tuple,
    Type,
)

import libcst as cst

from sagelint.model import Applicability, Severity
from sagelint.selection import (  # noqa: F401 (re-exported)
    CODE_RE,
    expand_selector,
    is_valid_selector,
    rule_identity,
    rule_modules,
)

if TYPE_CHECKING:
    from sagelint.config import Settings
    from sagelint.fixes import FixContext, RawEdit
    from sagelint.paths import SourcePaths
    from sagelint.analysis.resolve import Hop, Resolver
    from sagelint.sdk_versions import Admitted
    from sagelint.surfaces.facts import CallSite, Facts

# A node -> the SageMaker SDK releases it may run with (SM6, `RuleContext.sdk_versions`).
SdkLookup = Callable[[cst.CSTNode], "Admitted"]

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
    # A rule whose severity depends on the case (SM601, SM602: an error where the spelling
    # fails in every admitted SDK release) sets it per finding; None: the rule's own.
    severity: Optional[Severity] = None
    # A value read from a configuration file (#28): the file's absolute path and the line
    # the value is written on (SARIF points there too).
    related: Optional[Tuple[str, int]] = None


@dataclass(frozen=True)
class RuleContext:
    facts: Facts
    settings: Settings
    resolver: Resolver
    # Whether local paths exist (rules that declare `needs_paths`), for a file with a place
    # on disk; None otherwise.
    paths: Optional[SourcePaths] = None
    # SM6: a node's admitted SDK releases, from the engine (None: the setting alone).
    sdk: Optional[SdkLookup] = None

    def function_of(self, call: cst.Call) -> Optional[cst.CSTNode]:
        """The function (or lambda) whose body holds a call; None at module level."""
        return self.resolver.index.call_function.get(call)

    def sdk_versions(self, node: cst.CSTNode) -> Admitted:
        """The SageMaker SDK releases the code at `node` may run with (SM6's admitted set):
        the `sdk-version` setting, else (a notebook) the last install cell before the
        node's cell, else the file's nearest declaration, else unknown. Computed on the
        first call, declarations read once per folder."""
        if self.sdk is not None:
            return self.sdk(node)
        from sagelint.sdk_versions import UNKNOWN, from_setting

        return from_setting(self.settings.sdk_version) if self.settings.sdk_version else UNKNOWN


RowOf = Callable[[cst.CSTNode], int]  # the 1-based row a node starts on


class Rule:
    code: ClassVar[str]  # set from the module's name
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    default_enabled: ClassVar[bool] = True
    fix_availability: ClassVar[Optional[Applicability]] = None  # for `sagelint rules`
    summary: ClassVar[str]
    settings_used: ClassVar[Tuple[str, ...]] = ()
    valid: ClassVar[Tuple[str, ...]] = ()
    invalid: ClassVar[Tuple[str, ...]] = ()
    # Settings the `invalid` / `valid` examples run with (SM6 needs an `sdk-version`).
    example_settings: ClassVar[Tuple[Tuple[str, str], ...]] = ()
    # What a rule needs of the engine beyond the facts, declared rather than known by code:
    # - the "does this path exist" service (`RuleContext.paths`; results that used it are
    #   cached against its answers);
    needs_paths: ClassVar[bool] = False
    # - to be the rule a file that cannot be parsed is reported under (`check` never runs);
    reports_syntax_errors: ClassVar[bool] = False
    # - to judge the other rules' findings (whether noqa comments silence any): it runs
    #   after them (`judge`), on the whole module, so a text it `judges` is neither pruned
    #   nor gated.
    judges_findings: ClassVar[bool] = False
    # - to run on a module that imports the SageMaker SDK even when no surface takes any of
    #   its calls (SM6 reads imports and names: `from sagemaker import s3_input` alone).
    reads_imports: ClassVar[bool] = False
    # - (a judge) every statement as written; False: the pruned text will do (SM6's import
    #   rules read imports, which pruning keeps).
    judges_whole_text: ClassVar[bool] = True
    # - (a judge) to report only about the module's `sagemaker` imports that the generation
    #   tables know (SM603, SM604, SM609, SM610): not asked about a module with none, read
    #   from CPython's tree before LibCST parses anything.
    judges_sdk_imports: ClassVar[bool] = False
    #   Whether it may report on a module at all, from the imports and the admitted sets: the
    #   name of its function in sagelint.sdk_judging.JUDGES (None: it may).
    import_judge: ClassVar[Optional[str]] = None

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        identity = rule_identity(cls.__module__)
        if identity is not None:
            cls.code, cls.name = identity

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        raise NotImplementedError

    def judges(self, text: str) -> bool:
        """Whether a rule that `judges_findings` has anything to judge in a text (a cheap
        look before parsing)."""
        return self.judges_findings

    def may_judge_imports(
        self, imports: Sequence[Tuple[str, str, bool]], admitted: Sequence["Admitted"]
    ) -> bool:
        """(A judge of SDK imports) whether it may report anything about a module with these
        `sagemaker` imports ((path, module, from-import), version switches included) under
        these admitted sets (the file's and its install cells'): its `import_judge`, which
        the engine asks before LibCST parses the module and before it loads the rule."""
        if self.import_judge is None:
            return True
        from sagelint.sdk_judging import JUDGES

        return JUDGES[self.import_judge](imports, admitted)

    def reads_whole_module(self, imports: Sequence[Tuple[str, str, bool]]) -> bool:
        """(A rule that `reads_imports`) whether its findings or fixes for a module with these
        `sagemaker` imports ((path, module, from-import)) read every use of a name (a fix
        that renames them all, or only where a name is free): then the module is not pruned,
        since pruning drops statements that only read a name. Asked before LibCST parses."""
        return False

    def needs_whole_module(self, dotted: FrozenSet[str]) -> bool:
        """(A rule whose `reads_whole_module` holds) whether it still does, given the dotted
        names the module reads through its `sagemaker` imports, qualified
        (analysis.prune.sdk_dotted_names: a superset of those a rule reads). False only when
        none of them can get a finding whose fix reads the whole module."""
        return True

    def judge(
        self,
        module: cst.Module,
        row_of: RowOf,
        findings: List[Finding],
        judged: FrozenSet[str],
        sdk: SdkLookup,
    ) -> List[Finding]:
        """Findings about the other rules' `findings` on `module`; `judged`: the codes that
        ran on it; `sdk`: a node's admitted SDK releases (SM6 reads imports here: a judge
        sees every statement, pruned and gated ones too)."""
        return []

    def finding(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        used_by: Optional[CallSite] = None,
        fix: Optional[FixPlan] = None,
        once_per_node: bool = False,
        refers_to: Optional[cst.CSTNode] = None,
        severity: Optional[Severity] = None,
    ) -> Finding:
        return Finding(
            self.code, node, message, used_by, fix, once_per_node, refers_to, severity
        )

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")


_REGISTRY: Dict[str, Type[Rule]] = {}


def load_rule(module: str) -> Type[Rule]:
    """The rule class of a rule module (`deploy.sm201_startup_timeout_missing`)."""
    loaded = importlib.import_module(f"sagelint.rules.{module}")
    found = [
        value
        for value in vars(loaded).values()
        if inspect.isclass(value) and issubclass(value, Rule) and value.__module__ == loaded.__name__
    ]
    if len(found) != 1:
        raise RuntimeError(f"{loaded.__name__} must define one rule class, not {len(found)}")
    return found[0]


def all_rules() -> Dict[str, Type[Rule]]:
    """Every rule by code, in code order. Imports the rule modules once."""
    if not _REGISTRY:
        for code, module in rule_modules().items():
            _REGISTRY[code] = load_rule(module)
    return _REGISTRY
