"""One file's bytes + Settings -> FileResult.

parse once -> index -> (scope analysis only when the file imports a package that can hold a
SageMaker class) -> surfaces -> facts -> rules -> findings. Positions, messages and fix edits
are computed only for files that have findings. With fixes on, the engine applies
non-overlapping fixes, re-checks and repeats until nothing changes (bounded); every
intermediate text is parsed again by the next round, so code that does not parse is never
kept. Scripts and notebooks take one path (`Engine.check`): a `.py` file is a one-cell
program, and `sagelint.programs` says what a file's programs are and where their rows lie.
The engine names no rule: what a rule needs beyond the facts it declares on its class
(`sagelint.rules.Rule`).

Built lazily: what the engine needs before LibCST (the gate's names, what each rule declares
it needs) is read from the generated `sagelint.gate_table`; the rules, the surfaces, LibCST
and the fix builders are imported when the first file passes the gate (`_load_checker`), so
a run whose files the gate rejects imports none of them.
"""

from __future__ import annotations

import ast
import bisect
import os
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import (
    TYPE_CHECKING, Callable, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple, Type, Union,
)

from sagelint.config import Settings
from sagelint.files import relative_to
from sagelint.lazydata import lazy_dataclass
from sagelint.memory import forget_file
from sagelint.analysis.gate import Gate, known_sdk_import, surface_names, table_is_current
from sagelint.paths import CREATING, SourcePaths, created_by_code, remember_creating
from sagelint.project import Overlay, ProjectFiles, module_file
from sagelint.analysis import front
from sagelint.analysis.front import surveyed as kept_survey
from sagelint.analysis.prune import Survey, prune, rows_of, sdk_dotted_names
from sagelint.analysis.syntax import MAX_PARSED_CHARS, Verdict, judge, parse_target
from sagelint.model import (
    Applicability,
    Diagnostic,
    Edit,
    Elsewhere,
    FileError,
    FileResult,
    Fix,
    Location,
    Severity,
)
from sagelint.programs import Cells, NotebookFile, Source, Unit, Unreadable, read
from sagelint.selection import rule_identity, rule_modules

if TYPE_CHECKING:
    # Imported by `_load_checker` when the first file passes the gate (LibCST with them).
    import libcst as cst

    from sagelint.analysis import modules
    from sagelint.analysis.bindings import Bindings
    from sagelint.analysis.config_files import ConfigOrigin
    from sagelint.analysis.index import ModuleIndex
    from sagelint.analysis.positions import Positions
    from sagelint.analysis.resolve import Resolver
    from sagelint.notebook import Locator as nb_locator
    from sagelint.fixes import FixContext, NoFix, RawEdit, apply_edits, line_starts, overlaps
    from sagelint.rules import Finding, Rule, RuleContext, SdkLookup, all_rules
    from sagelint.surfaces import Surfaces
    from sagelint.surfaces.facts import Facts

    # imported when a rule first asks (it loads `packaging`)
    from sagelint.sdk_versions import Admitted, FileSdk, Finder


_checker_loaded = False


def _load_checker() -> None:
    """Import what checking a file past the gate takes (LibCST, the analysis on its tree, the
    rules, the fix builders) into this module's names, once: a run whose files the gate
    rejects never pays for them. Called before anything that reads those names."""
    global cst, Bindings, ModuleIndex, Positions, Resolver, FixContext, NoFix, apply_edits
    global line_starts, overlaps, RuleContext, all_rules, Surfaces, Facts, modules
    global _checker_loaded
    if _checker_loaded:
        return
    import libcst as cst

    from sagelint.analysis import modules
    from sagelint.analysis.bindings import Bindings
    from sagelint.analysis.index import ModuleIndex
    from sagelint.analysis.positions import Positions
    from sagelint.analysis.resolve import Resolver
    from sagelint.fixes import (
        FixContext, NoFix, apply_edits, line_starts, overlaps,
    )
    from sagelint.rules import RuleContext, all_rules
    from sagelint.surfaces import Surfaces
    from sagelint.surfaces.facts import Facts

    _checker_loaded = True  # last: another thread sees every name, or loads them again


MAX_FIX_PASSES = 10
# Deeper syntax trees are not handed to LibCST: its native parser slows down superlinearly
# with depth (about a second at 1000 chained operators, 30 s at 8000) and overflows its
# stack, killing the process, beyond that. CPython 3.11 and 3.12 refuse about 3000 levels
# themselves; 3.9, 3.10 and 3.13 accept far more.
MAX_SYNTAX_DEPTH = 1000
# A tree cannot be MAX_SYNTAX_DEPTH deep in fewer characters than this.
_SHALLOW_ENOUGH = 2 * MAX_SYNTAX_DEPTH


def _line(row: int) -> str:
    return f"line {row}"


# A rule's name, severity, what it declares it needs of the engine before LibCST, and the
# function of sdk_judging.JUDGES an SDK-import judge is asked with first ("": none).
_Declared = Tuple[str, Severity, FrozenSet[str], str]


def _declared(code: str) -> _Declared:
    """What an installed rule declares, from the generated table; a rule the table does not
    list yet (added since it was generated) is imported to ask, so a new module works with no
    other edit."""
    from sagelint.gate_table import RULES

    known = RULES.get(code)
    if known is None:
        from sagelint.rules import load_rule

        return _declared_by(load_rule(rule_modules()[code]))
    name = (rule_identity(rule_modules()[code]) or (code, code))[1]
    return name, Severity(known[0]), frozenset(known[1]), known[2]


def _declared_by(rule: Type[Rule]) -> _Declared:
    from sagelint.docs import FRONT_NEEDS

    needs = frozenset(need for need in FRONT_NEEDS if getattr(rule, need))
    return rule.name, rule.severity, needs, rule.import_judge or ""


@lazy_dataclass()
class _Fixable:
    """A finding with the edits of its fix."""

    finding: Finding
    edits: List[RawEdit]
    applicability: Applicability


@dataclass
class Analysis:
    """The findings of one text, and what it takes to turn them into diagnostics."""

    text: str
    findings: List[Finding] = field(default_factory=list)
    syntax_error: Optional[Diagnostic] = None
    error: Optional[str] = None  # the file cannot be checked at all
    module: Optional[cst.Module] = None  # LibCST's tree, when the text parsed
    index: Optional[ModuleIndex] = None
    pruned: bool = False  # LibCST parsed the text with irrelevant statements blanked
    parsed_text: str = ""  # the text LibCST parsed (the text, or the pruned text)
    tree: Optional[ast.Module] = None  # CPython's tree of the text (placing statements)
    gated: bool = False  # valid code, not parsed by LibCST: no call can produce a finding
    facts: Optional[Facts] = None  # what the surfaces found, when any may be there
    # Findings about code of another module of the project (sagelint.analysis.modules): a
    # literal the checked file reads from a module it imports. Reported in that module.
    foreign: List[Finding] = field(default_factory=list)
    reads_paths: bool = False  # a rule asked whether paths exist: not cacheable
    path: str = ""  # the checked file's absolute path, when it has one (names other modules)
    strict_fixes: bool = False  # a fix that cannot be built raises instead of being dropped
    # Past it, inserted arguments go one per line (fixes.DEFAULT_LINE_LENGTH: fixes loads LibCST).
    line_length: int = 88
    _fix_context: Optional[FixContext] = None
    _edits: Dict[int, Optional[List[RawEdit]]] = field(default_factory=dict)
    _visible: Optional[List[Finding]] = None

    @property
    def parsed(self) -> bool:
        return self.module is not None or self.gated

    def release(self) -> None:
        """Let go of the trees (only the text is kept): the fixed text is about to be
        parsed, and two files' worth of trees at once would double the peak memory."""
        self.module = self.index = self.tree = self.facts = self._fix_context = None
        self.findings, self._edits, self._visible, self.foreign = [], {}, None, []
        forget_file()  # what rules remember of this tree

    def fix_context(self) -> FixContext:
        if self._fix_context is None:
            assert self.module is not None and self.index is not None
            starts = line_starts(self.text)  # pruning keeps every line break where it was
            positions = Positions(
                self.module,
                self.parsed_text,
                starts,
                self.tree,
                self.index,
                self.pruned,
                self.text,
            )
            # A pruned parse saw only some of the strings: count the file's own (one
            # scan of the whole text, done only if a fix needs the file's quote).
            text = self.text
            quote: Union[str, Callable[[], str]] = (
                (lambda: majority_quote(text)) if self.pruned else self.index.quote
            )
            self._fix_context = FixContext(self.text, positions, starts, quote, self.line_length)
        return self._fix_context

    def visible(self) -> List[Finding]:
        """The findings no `# noqa` comment silences (read only when there are findings)."""
        if self._visible is None:
            if not self.findings:
                self._visible = []
            else:
                # here: a file without findings never loads the reader of suppression comments
                from sagelint.suppression import parse_suppressions

                suppressions = parse_suppressions(self.text)
                positions = self.fix_context().positions
                self._visible = [
                    finding
                    for finding in self.findings
                    if not suppressions.suppresses(
                        finding.code, positions[finding.node].start.line
                    )
                ]
        return self._visible

    def _place(self, ctx: FixContext, node: cst.CSTNode, where: Callable[[int], str]) -> str:
        """Where a node a message names is: "line 12" here, or `helpers.py:3` for a call
        of another module of the project (a literal of this file passed to a function
        there, `build({"K": 30})`)."""
        try:
            return where(ctx.positions[node].start.line)
        except KeyError:
            owner = modules.holder(node)
            if owner is None:
                raise
            folder = os.path.dirname(self.path) if self.path else os.getcwd()
            return f"{os.path.relpath(owner.path, folder)}:{owner.positions()[node].start.line}"

    def edits_for(self, finding: Finding) -> Optional[List[RawEdit]]:
        """The edits of a finding's fix; None when it has none or it cannot be built."""
        key = id(finding)
        if key not in self._edits:
            edits: Optional[List[RawEdit]] = None
            if finding.fix is not None:
                try:
                    edits = finding.fix.build(self.fix_context()) or None
                except (ValueError, KeyError, IndexError) as exc:
                    # A fix that cannot be built is dropped for the user; the test suite
                    # checks with strict fixes so that such a bug fails instead.
                    if self.strict_fixes and not isinstance(exc, NoFix):
                        raise
                    edits = None
            self._edits[key] = edits
        return self._edits[key]

    def fixable(self, unsafe: bool) -> List[_Fixable]:
        out = []
        for finding in self.visible():
            fix = finding.fix
            if fix is None or (fix.applicability is Applicability.UNSAFE and not unsafe):
                continue
            edits = self.edits_for(finding)
            if edits:
                out.append(_Fixable(finding, edits, fix.applicability))
        return out

    def diagnostics(self, where: Callable[[int], str] = _line) -> List[Diagnostic]:
        """The visible findings as diagnostics; `where` names a row in messages that point
        elsewhere ("line 12", or a notebook's "cell 3, line 2")."""
        if self.syntax_error is not None:
            return [self.syntax_error]
        visible = self.visible()
        if not visible:
            return []
        from sagelint.credentials import masked  # here: only files with findings load it

        ctx = self.fix_context()
        rules = all_rules()
        out = []
        for finding in visible:
            code_range = ctx.positions[finding.node]
            message = finding.message
            if finding.used_by is not None:
                place = self._place(ctx, finding.used_by.call, where)
                message += f" (used by {finding.used_by.label}(...) at {place})"
            if finding.refers_to is not None:
                message = message.replace("{line}", self._place(ctx, finding.refers_to, where))
            message = masked(message)  # a value it quotes may be a credential
            fix = None
            edits = self.edits_for(finding)
            if finding.fix is not None and edits:
                fix = Fix(
                    finding.fix.applicability,
                    finding.fix.title,
                    tuple(_edit(ctx, edit) for edit in sorted(edits)),
                )
            rule = rules[finding.code]
            out.append(
                Diagnostic(
                    code=finding.code,
                    name=rule.name,
                    message=message,
                    severity=finding.severity or rule.severity,
                    location=Location(code_range.start.line, code_range.start.column + 1),
                    end_location=Location(code_range.end.line, code_range.end.column + 1),
                    fix=fix,
                    related=finding.related,
                )
            )
        out.sort(key=lambda d: (d.location, d.code))
        return out


def _offset_location(ctx: FixContext, offset: int) -> Location:
    return _offset_location_in(ctx.starts, offset)


def _offset_location_in(starts: Sequence[int], offset: int) -> Location:
    row = bisect.bisect_right(starts, offset) - 1
    return Location(row + 1, offset - starts[row] + 1)


def _edit(ctx: FixContext, raw: RawEdit) -> Edit:
    start, end, content = raw
    return Edit(start, end, content, _offset_location(ctx, start), _offset_location(ctx, end))


class Engine:
    """Checks files against one Settings; built once per run."""

    def __init__(
        self,
        settings: Settings,
        prune: bool = True,
        gate: bool = True,
        strict_fixes: bool = False,
        rules: Optional[Dict[str, Type[Rule]]] = None,
    ) -> None:
        self.settings = settings
        self.prune = prune  # hand LibCST only the statements that can matter (sagelint.analysis.prune)
        self.gated = gate  # skip LibCST for files no call of can find (sagelint.analysis.gate)
        # A fix that cannot be built raises instead of being dropped (the test suite's choice).
        self.strict_fixes = strict_fixes
        # The rule classes by code to check with instead of the installed rules (tests
        # substitute probes so): their declarations are read from the classes themselves.
        self._classes = rules
        # The enabled rules in code order; the rule objects are built when first needed
        # (`rules`, `_rule`).
        self._codes = [code for code in rules or rule_modules() if code in settings.enabled]
        self._built: Dict[str, Rule] = {}
        # What rules declare they need (sagelint.rules.Rule), read from the generated table:
        # the rule syntax errors are reported under, the rules that judge the others'
        # findings (they run last; those that judge SDK imports), the rules that ask whether
        # paths exist, whether a rule reads SDK paths without a surface.
        declared = {
            code: _declared_by(rules[code]) if rules else _declared(code) for code in self._codes
        }
        syntax = next((c for c in self._codes if "reports_syntax_errors" in declared[c][2]), None)
        self._syntax: Optional[Tuple[str, str, Severity]] = None
        if syntax is not None:
            self._syntax = (syntax, declared[syntax][0], declared[syntax][1])
        self.judge_codes = [c for c in self._codes if "judges_findings" in declared[c][2]]
        # The SDK-import judges asked without their rules (a script that imports the SDK and
        # calls none of it loads no rule and no LibCST): code -> function name.
        self.import_judges = {c: declared[c][3] for c in self.judge_codes if declared[c][3]}
        self.sdk_judge_codes = frozenset(
            c for c in self.judge_codes if "judges_sdk_imports" in declared[c][2]
        )
        self.path_rules = frozenset(c for c in self._codes if "needs_paths" in declared[c][2])
        self.target = parse_target(settings.target_version) if settings.target_version else None
        self.triggers = settings.catalog.trigger_words
        # The surfaces' names from the generated table, with the user's classes added: the
        # same as the live surfaces' (a test checks), without importing them; the live
        # surfaces' when a surface module was added since the table was generated.
        if table_is_current():
            methods, qualified, packages, words = surface_names(
                (*settings.extend_model_classes, *settings.extend_estimator_classes)
            )
        else:
            live = self.surfaces
            methods, qualified, packages = live.method_names, live.qualified_names, live.packages
            words = live.words
        self.packages = packages  # a file must import one for a surface to match
        self.seeds = packages | words  # what pruning keeps statements by (and project names)
        self.gate = Gate(  # files no call of can find
            methods, qualified, self.packages,
            reads_imports=any("reads_imports" in declared[c][2] for c in self._codes),
        )
        # SM6: the admitted SDK releases of the file being checked, built when a rule first
        # asks (`RuleContext.sdk_versions`); declarations are read once per folder.
        self._sdk_finder: Optional[Finder] = None
        self._sdk_file: Optional[FileSdk] = None
        self._sdk_source: Optional[Tuple[str, Source]] = None
        self._sdk_unit: Optional[Unit] = None
        self._sdk_lookup: Optional[SdkLookup] = None
        self._project: Optional[ProjectFiles] = None  # the checked file's, during check()
        self._module_path: Optional[str] = None  # its absolute path, during check()
        self._project_tops: Dict[Optional[str], bool] = {}  # _project_import's, per check
        # _dotted_names': the tree it read and what it found (let go with the file's trees).
        self._dotted: Optional[Tuple[ast.Module, FrozenSet[str]]] = None
        # A notebook's shell lines and cell magics that may write files, during check():
        # files and modules they name are not read from the project (#28).
        self._creators: Tuple[str, ...] = ()
        # The text of a file open and unsaved in an editor (the language server sets it).
        self.overlay: Optional[Overlay] = None

    @cached_property
    def rules(self) -> List[Rule]:
        """The enabled rules, in code order (imports every rule module, and LibCST)."""
        return [self._rule(code) for code in self._codes]

    @cached_property
    def judges(self) -> List[Rule]:
        """The rules that judge the others' findings (imports only those)."""
        return [self._rule(code) for code in self.judge_codes]

    @cached_property
    def import_rules(self) -> List[Rule]:
        """The rules that read SDK paths without a surface (SM6)."""
        return [rule for rule in self.rules if rule.reads_imports]

    @cached_property
    def surfaces(self) -> Surfaces:
        _load_checker()
        return Surfaces(self.settings.catalog)

    def prepare(self) -> None:
        """Build now what checking a file past the gate takes (LibCST, the rules, the
        surfaces): a run of several files does before it freezes its start-up heap
        (sagelint.memory), so that these long-lived tables stay out of the collector's
        sight; a one-file run leaves them to the first file that passes the gate."""
        _load_checker()
        _ = (self.rules, self.judges, self.import_rules, self.surfaces)

    def _rule(self, code: str) -> Rule:
        """The rule object of an enabled code, built once (its module imported then)."""
        rule = self._built.get(code)
        if rule is None:
            if self._classes is not None:
                rule = self._built[code] = self._classes[code]()
            else:
                from sagelint.rules import load_rule

                rule = self._built[code] = load_rule(rule_modules()[code])()
        return rule

    def may_contain_sagemaker(self, data: bytes) -> bool:
        return any(word in data for word in self.triggers)

    def check(self, path: str, data: bytes, fix: bool = False, unsafe: bool = False) -> FileResult:
        """One file's result: every program in it (a script is one) analysed, fixed when
        asked, and its diagnostics placed where the file has them."""
        if not self.may_contain_sagemaker(data):
            return FileResult(path)
        try:
            source = read(path, data, self.target)
        except Unreadable as exc:
            return FileResult(path, error=FileError(str(exc)))
        if source is None:  # a notebook in another language
            return FileResult(path)
        ignored = self.ignored_in(path)
        diagnostics = self.invalid_cells(source) if source.invalid else []
        result = FileResult(path)
        paths = self.paths_for(path, ignored)
        if paths is not None:
            paths = source.with_created(paths)
        self._sdk_source, self._sdk_file = (path, source), None
        # Other files of the project the check may read (imported modules, configuration
        # files), recorded so that a kept result knows what it depends on.
        self._project = ProjectFiles.for_file(path, self.settings.root, self.overlay)
        self._module_path = os.path.abspath(path) if self._project is not None else None
        self._project_tops = {}
        self._creators = source.creators()
        try:
            for unit in source.units:
                self._sdk_unit = unit
                error = self.check_unit(
                    unit, source.flags, result, diagnostics, fix, unsafe, ignored, paths
                )
                if error is not None:
                    return FileResult(path, error=FileError(error))
            if self._sdk_file is not None and self._sdk_file.asked:
                result.sdk_inputs = tuple(sorted(self._sdk_file.inputs))
        finally:
            if self._project is not None and self._project.reads:
                result.file_reads = self._project.recorded()
            self._sdk_source = self._sdk_file = self._sdk_unit = None
            self._project = self._module_path = None
            self._creators = ()
            self._dotted = None
            forget_file()  # no memo keeps this file's trees alive into the next check
        if paths is not None and paths.answers:
            result.path_answers = tuple(sorted(paths.answers.items()))
        if len(diagnostics) > 1:
            diagnostics.sort(key=lambda d: (d.cell or 0, d.location, d.code))
        return source.finish(result, diagnostics)

    def check_unit(
        self,
        unit: Unit,
        flags: int,
        result: FileResult,
        diagnostics: List[Diagnostic],
        fix: bool,
        unsafe: bool,
        ignored: FrozenSet[str],
        paths: Optional[SourcePaths],
    ) -> Optional[str]:
        """Analyse (and fix) one program into `result` and `diagnostics`; the reason the
        file cannot be checked, if so."""
        analysis = self.analyze(unit.text, ignored, flags, paths, unit.judged())
        if analysis.error is not None:
            return analysis.error
        result.reads_paths = result.reads_paths or analysis.reads_paths
        if fix and analysis.parsed:
            text = analysis.text
            # apply_fixes lets go of the trees of the analysis it is given once it fixes
            # anything (memory): from here on, only `fixed` or a new analysis is read.
            fixed, applied, dropped = self.apply_fixes(analysis, unsafe, ignored, flags, paths)
            rows = unit.rows(text)
            result.dropped_fixes += tuple(
                f"{code} at {rows.where(row, column)}" for code, row, column in dropped
            )
            if fixed.text == text:
                analysis = fixed
            elif unit.keep(fixed.text):
                analysis = fixed
                result.applied_fixes += tuple(applied)
            else:  # a fix moved a cell boundary: the text as it was
                analysis = self.analyze(text, ignored, flags, paths)
        rows = unit.rows(analysis.text)
        found = analysis.diagnostics(rows.describe)
        if found:
            diagnostics.extend(map(rows.place, found))
        if analysis.foreign:
            result.elsewhere += self._elsewhere(analysis, rows.describe)
        return None

    # -- diagnostics in other modules of the project (sagelint.analysis.modules) ----------------
    def _elsewhere(self, analysis: Analysis, describe: Callable[[int], str]) -> Tuple[Elsewhere, ...]:
        """The findings about literals (or code) of imported modules, as diagnostics of
        those modules: placed there, silenced by their `# noqa` comments, without a fix (the
        fix would edit a file the run may not be checking), naming the use in this file."""
        from sagelint.credentials import masked  # here: only files with findings load it

        checked = self._module_path or ""
        rules = all_rules()
        out: List[Elsewhere] = []
        for finding in analysis.foreign:
            holder = modules.holder(finding.node)
            if holder is None:
                continue
            code_range = holder.positions()[finding.node]
            if holder.suppressions().suppresses(finding.code, code_range.start.line):
                continue
            message = finding.message
            if finding.refers_to is not None:
                message = message.replace(
                    "{line}", self._place(analysis, finding.refers_to, holder, describe)
                )
            uses: Tuple[str, ...] = ()
            if finding.used_by is not None:
                where = self._place(analysis, finding.used_by.call, holder, describe)
                uses = (f"{finding.used_by.label}(...) at {where}",)
            rule = rules[finding.code]
            diagnostic = Diagnostic(
                code=finding.code,
                name=rule.name,
                message=masked(message),
                severity=finding.severity or rule.severity,
                location=Location(code_range.start.line, code_range.start.column + 1),
                end_location=Location(code_range.end.line, code_range.end.column + 1),
            )
            if holder.path != checked:
                used = finding.used_by.call if finding.used_by is not None else finding.refers_to
                anchor = self._anchor(analysis, used, describe)
                out.append(Elsewhere(holder.path, diagnostic, uses, anchor))
        return tuple(out)

    @staticmethod
    def _anchor(
        analysis: Analysis, node: Optional[cst.CSTNode], describe: Callable[[int], str]
    ) -> Optional[Tuple[int, int, int, int]]:
        """Where a node of the checked script is (None: another module's, or a notebook)."""
        if node is None or modules.holder(node) is not None:
            return None
        found = analysis.fix_context().positions[node]
        if describe(found.start.line) != f"line {found.start.line}":
            return None  # a notebook's program rows are not the document's
        return (
            found.start.line, found.start.column + 1, found.end.line, found.end.column + 1
        )

    def _place(
        self,
        analysis: Analysis,
        node: cst.CSTNode,
        holder: modules.Foreign,
        describe: Callable[[int], str],
    ) -> str:
        """Where a node is, named from the module a diagnostic is reported in: `deploy.py:12`
        (a notebook's `deploy.ipynb, cell 3, line 2`)."""
        owner = modules.holder(node)
        folder = os.path.dirname(holder.path)
        if owner is not None:
            name = os.path.relpath(owner.path, folder)
            return f"{name}:{owner.positions()[node].start.line}"
        name = os.path.relpath(self._module_path or "", folder)
        row = analysis.fix_context().positions[node].start.line
        place = describe(row)
        return f"{name}:{row}" if place == f"line {row}" else f"{name}, {place}"

    def invalid_cells(self, source: Source) -> List[Diagnostic]:
        """The cells that no Python accepts on their own, as syntax errors in their cell."""
        out = []
        for cell, row, column, reason in source.invalid:
            syntax_error = self.syntax_error(row, column, reason, source.subject)
            if syntax_error is not None:
                out.append(replace(syntax_error, cell=cell))
        return out

    # -- analysis ------------------------------------------------------------------------
    def ignored_in(self, path: str) -> FrozenSet[str]:
        if not self.settings.per_file_ignores:
            return frozenset()
        return self.settings.ignored_in(relative_to(Path(path), self.settings.root))

    def paths_for(self, path: str, ignored: FrozenSet[str]) -> Optional[SourcePaths]:
        """The "does this path exist" service, when a rule that runs on the file needs it
        and the file has a folder on disk."""
        if not self.path_rules - ignored:
            return None
        return SourcePaths.for_file(path, self.settings.root)

    def analyze(
        self,
        text: str,
        ignored: FrozenSet[str] = frozenset(),
        flags: int = 0,
        paths: Optional[SourcePaths] = None,
        verdict: Optional[Verdict] = None,
    ) -> Analysis:
        # CPython's compiler goes first (it costs a fifth of a LibCST parse): it reports
        # syntax errors at the right position, and it rejects the pathologically deep code
        # (thousands of chained operators) on which LibCST's native parser overflows its stack
        # and takes the whole process down. Code only a newer Python accepts has no tree.
        # A notebook's reader has judged its program's text already (`verdict`): its one
        # compile gives the tree that survey, gate and pruning read.
        if verdict is None:
            verdict = judge(text, flags, self.target)
        if verdict.rejection is not None:
            return Analysis(text, syntax_error=self.syntax_error(*verdict.rejection))
        tree = verdict.tree
        parsed_text = text
        # A rule that judges the findings (whether noqa comments silence any) needs every
        # statement, pruned ones too. Which rules judge is read from the generated table: a
        # judge's module is imported (with LibCST) only when it may judge this text.
        judging = [code for code in self.judge_codes if code not in ignored]
        if tree is None:
            judges = [rule for rule in map(self._rule, judging) if rule.judges(text)]
        else:
            # One walk over CPython's tree: its depth, the gate's names, pruning's units.
            lines = rows_of(text)
            surveyed = kept_survey(tree, lines, MAX_SYNTAX_DEPTH, CREATING)
            if surveyed.too_deep:
                return Analysis(
                    text,
                    error=f"nested more than {MAX_SYNTAX_DEPTH} levels deep: too deep to check",
                )
            if judging and not known_sdk_import(surveyed):
                # The SM6 import judges report only imports the generation tables know.
                judging = [code for code in judging if code not in self.sdk_judge_codes]
            # An SDK-import judge is asked first without its rule (sdk_judging): a file that
            # imports the SDK and calls none of it loads no rule and no LibCST.
            judges = [
                rule for rule in map(self._rule, (
                    code for code in judging
                    if code not in self.import_judges
                    or self._may_judge_imports(self.import_judges[code], surveyed, text, tree)
                ))
                if rule.judges(text)
            ]
            project = self._project_import if self._project is not None else None
            if self.gated and not judges and not self.gate.may_find(surveyed, project):
                return Analysis(text, gated=True)  # no call can produce a finding
            remember_creating(tree, surveyed.creating)
            if (
                self.prune
                and not any(rule.judges_whole_text for rule in judges)
                and not self._reads_whole_module(surveyed, ignored, text, tree)
            ):
                seeds = self.seeds | self._project_words(surveyed)
                parsed_text = prune(text, tree, seeds, lines, surveyed) or text
        _load_checker()
        chars = _code_chars(parsed_text) if verdict.module is None else 0
        if chars > MAX_PARSED_CHARS:
            return Analysis(text, error=too_much_to_parse(chars))
        try:
            # Code only a newer Python accepts was parsed by LibCST to learn that: once is enough.
            module = (
                verdict.module if verdict.module is not None else _parse(parsed_text, tree)
            )
        except cst.ParserSyntaxError as exc:  # CPython accepts what LibCST cannot parse
            return Analysis(
                text, syntax_error=self.syntax_error(exc.raw_line, exc.raw_column + 1, exc.message)
            )
        index = ModuleIndex(module)
        analysis = Analysis(
            text,
            module=module,
            index=index,
            pruned=parsed_text is not text,
            parsed_text=parsed_text,
            tree=tree,
            strict_fixes=self.strict_fixes,
            line_length=self.settings.line_length,
        )
        analysis.findings = self._findings(analysis, module, index, ignored, tree, paths)
        if judges:
            positions = analysis.fix_context().positions
            judged = self.settings.enabled - ignored
            findings = list(analysis.findings)  # each judge sees the same findings
            sdk = self._sdk_for(analysis)
            for rule in judges:
                analysis.findings += rule.judge(
                    module, lambda node: positions[node].start.line, findings, judged, sdk
                )
        return analysis

    def _project_import(self, top: Optional[str]) -> bool:
        """Whether an import of a top-level name (None: a relative import) may be a module
        of the checked file's project (sagelint.analysis.modules): looked up on disk."""
        if self._project is None or self._module_path is None:
            return False
        if top is None:
            return True
        found = self._project_tops.get(top)
        if found is None:
            where = module_file(top, 0, self._module_path, self._project)
            found = self._project_tops[top] = where is not None
        return found

    def _imports_project(self, module: cst.Module) -> bool:
        """Whether the module imports a module of its project (what that holds may be an
        SDK object)."""
        if self._project is None:
            return False
        found = modules.import_statements(module)
        return any(
            level or self._project_import(name.split(".", 1)[0])
            for level, name, _ in found.values()
        )

    def _project_words(self, surveyed: Survey) -> FrozenSet[str]:
        """Words that make an import of a project module a seed of pruning: what it binds
        may be an SDK object, and what reads it is kept."""
        if self._project is None:
            return frozenset()
        tops = {top for top, _ in surveyed.imports}
        words = {top for top in tops if top is not None and self._project_import(top)}
        if None in tops:
            words.add("from .")  # a relative import
        return frozenset(words)

    def _reads_whole_module(
        self, surveyed: Survey, ignored: FrozenSet[str], text: str, tree: ast.Module
    ) -> bool:
        """Whether a rule's fixes read every use of a name in this module (a rename of every
        use): pruning would hide the uses it drops. Only a rule that may report here counts
        (`Rule.may_judge_imports` under the admitted sets, unless a version test in the text
        may narrow them), and only for the dotted names the module reads through its SDK
        imports (`Rule.needs_whole_module`)."""
        if not surveyed.sdk_imports:
            return False
        admitted: Optional[List[Admitted]] = None
        dotted: Optional[FrozenSet[str]] = None
        for rule in self.import_rules:
            if rule.code in ignored or not rule.reads_whole_module(surveyed.sdk_imports):
                continue
            if dotted is None:
                dotted = self._dotted_names(tree, surveyed, text)
            if not rule.needs_whole_module(dotted):
                continue
            if _may_test_sdk_version(text):
                return True
            if admitted is None:
                file_sdk = self.file_sdk()
                admitted = [file_sdk.base(), *(each for _, each in file_sdk.installs())]
            if rule.may_judge_imports(surveyed.sdk_imports, admitted):
                return True
        return False

    def _dotted_names(self, tree: ast.Module, surveyed: Survey, text: str) -> FrozenSet[str]:
        """`prune.sdk_dotted_names` of the tree, worked out once per tree (each SDK-import
        judge asks, then pruning)."""
        kept = self._dotted
        if kept is None or kept[0] is not tree:
            kept = self._dotted = (tree, sdk_dotted_names(tree, surveyed, text))
        return kept[1]

    def _may_judge_imports(self, judge: str, surveyed: Survey, text: str, tree: ast.Module) -> bool:
        """Whether an SM6 import judge may report anything on the surveyed module: an import
        the generation tables know, under admitted sets the rule reports in (`judge`, the
        name of its `Rule.import_judge`, read as the judge would: the file's, its notebook's
        install cells')."""
        if not known_sdk_import(surveyed):
            return False
        plain = [path for path, _, is_from in surveyed.sdk_imports if not is_from]
        if plain:
            if any(path != "sagemaker" for path in plain):
                return True  # `import sagemaker.estimator`: an import the judges read
            names = {name for top, name in surveyed.imports if top == "sagemaker"}
            if any(f"{name}." in text for name in names):
                return True  # `import sagemaker` then its dotted names in the code
            if len(plain) == len(surveyed.sdk_imports) and not self._dotted_names(
                tree, surveyed, text
            ):
                # Only `import sagemaker`, which works in every release (a test reads the
                # generation tables), and none of its dotted names read (`sagemaker .x`
                # and a chain broken across lines too: read off the tree): no import to
                # judge, and no admitted set to work out.
                return False
        if _may_test_sdk_version(text):
            return True  # a version test may narrow an unknown set to a known one (sdk_guards)
        from sagelint.sdk_judging import JUDGES

        file_sdk = self.file_sdk()
        admitted = [file_sdk.base(), *(each for _, each in file_sdk.installs())]
        return JUDGES[judge](surveyed.sdk_imports, admitted)

    def _findings(
        self,
        analysis: Analysis,
        module: cst.Module,
        index: ModuleIndex,
        ignored: FrozenSet[str],
        tree: Optional[ast.Module],
        paths: Optional[SourcePaths],
    ) -> List[Finding]:
        if not index.calls or not (
            index.imported_packages & self.packages or self._imports_project(module)
        ):
            return []  # no import can bring a SageMaker class into this module
        resolver = Resolver(index, Bindings(module), self.settings.catalog, self._project)
        resolver.module_tree = tree  # configuration files: what the whole module may write
        resolver.module_path = self._module_path
        analysis.path = self._module_path or ""
        resolver.creators = self._creators
        facts = analysis.facts = self.surfaces.collect(resolver, index.calls)
        if paths is not None and facts.sources:
            # What the code creates is read from CPython's tree of the whole file; without
            # one (syntax only a newer Python reads) a rule that needs paths cannot know it,
            # and stays silent.
            paths = paths.with_created(created_by_code(tree)) if tree is not None else None
        analysis.reads_paths = paths is not None and bool(facts.sources)
        self._sdk_lookup = self._sdk_for(analysis)
        try:
            if not facts.is_empty():
                findings = self._rules(facts, resolver, ignored, paths)
            elif "sagemaker" in index.imported_packages:  # SM6 reads imports and names
                findings = self._rules(facts, resolver, ignored, paths, self.import_rules)
            else:
                findings = []
            findings.extend(self._through_calls(index, facts, resolver, ignored))
            if self._project is not None:
                findings.extend(self._into_imported(index, facts, resolver, ignored))
        finally:
            self._sdk_lookup = None
        kept = _once_per_literal(_once_per_code_node(findings))
        if resolver.config_origins:  # values of loaded files: reported at the load
            kept = _at_config_loads(kept, resolver.config_origins)
        if self._project is None:
            return kept
        # A finding about a node of another module is reported there (Engine._elsewhere).
        here = index.unit_of
        if all(finding.node in here for finding in kept):
            return kept
        analysis.foreign = [
            f for f in kept if f.node not in here and modules.holder(f.node) is not None
        ]
        return [f for f in kept if f.node in here]

    # -- SM6: which SDK releases a node runs with ------------------------------------------
    def file_sdk(self) -> FileSdk:
        """The admitted sets of the file being checked (outside `check`, as for a file
        with no folder: the setting, or unknown)."""
        if self._sdk_file is None:
            from sagelint.sdk_versions import FileSdk, Finder

            if self._sdk_finder is None:
                self._sdk_finder = Finder()
            path, source = self._sdk_source if self._sdk_source is not None else ("", None)
            cells = None
            if isinstance(source, NotebookFile):
                book = source.book
                cells = [
                    (number, book.cell_source(number))
                    for number, cell in enumerate(book.cells, 1)
                    if cell.get("cell_type") == "code"
                ]
            self._sdk_file = FileSdk(
                path, self.settings.sdk_version, self.settings.root, self._sdk_finder, cells
            )
        return self._sdk_file

    def _sdk_for(self, analysis: Analysis) -> SdkLookup:
        """A node's admitted set in this analysis: a notebook's main program maps the node's
        row to its cell (install cells set A for the cells after them); `%%writefile`
        scripts and `.py` files have the file's; inside a version-guarded branch, that
        set's part the branch runs with (sagelint.sdk_guards)."""
        unit = self._sdk_unit
        source = self._sdk_source[1] if self._sdk_source is not None else None
        main = (
            isinstance(source, NotebookFile) and isinstance(unit, Cells)
            and bool(source.units) and unit is source.units[0]
        )
        located: Dict[str, nb_locator] = {}

        def lookup(node: cst.CSTNode) -> Admitted:
            file_sdk = self.file_sdk()
            if not main or not file_sdk.installs():
                return file_sdk.base()
            assert isinstance(unit, Cells)
            if "locator" not in located:
                located["locator"] = unit.rows(analysis.text).locator
            row = analysis.fix_context().positions[node].start.line
            return file_sdk.at_cell(located["locator"].locate(row)[0])

        # A branch of a version test the reader reads runs with its own part of the set.
        from sagelint.sdk_guards import guarded

        return guarded(lookup, analysis.module, analysis.text)

    def _rules(
        self,
        facts: Facts,
        resolver: Resolver,
        ignored: FrozenSet[str],
        paths: Optional[SourcePaths] = None,
        rules: Optional[List[Rule]] = None,
    ) -> List[Finding]:
        ctx = RuleContext(facts, self.settings, resolver, paths, self._sdk_lookup)
        findings: List[Finding] = []
        for rule in self.rules if rules is None else rules:
            if rule.code not in ignored:
                findings.extend(rule.check(ctx))
        return findings

    def _through_calls(
        self, index: ModuleIndex, base: Facts, resolver: Resolver, ignored: FrozenSet[str]
    ) -> List[Finding]:
        """The SageMaker calls inside module functions, once per path into them (each call
        of the function in the module, with its arguments): what holds on a path is reported
        with that call named."""
        by_function: Dict[cst.FunctionDef, List[cst.Call]] = {}
        for call in index.calls:
            function = index.function_of.get(call)
            if function is not None:
                by_function.setdefault(function, []).append(call)
        findings: List[Finding] = []
        for function, calls in by_function.items():
            for path in resolver.functions.paths(function):
                on_path = resolver.on_path(path)
                # A call under a test known otherwise on this path does not run there.
                running = [call for call in calls if on_path.reachable(call)]
                facts = self.surfaces.collect(on_path, running, Facts(by_call=dict(base.by_call)))
                if facts.is_empty():
                    continue
                for finding in self._rules(facts, on_path, ignored):
                    if finding.refers_to is None:
                        finding.refers_to = path.call
                        finding.message += f" (through `{path.label}(...)` at {{line}})"
                    findings.append(finding)
        return findings

    def _into_imported(
        self, index: ModuleIndex, base: Facts, resolver: Resolver, ignored: FrozenSet[str]
    ) -> List[Finding]:
        """The SageMaker calls inside functions of other modules of the project that this
        module calls (`deploy_endpoint(model)`), on the path each call makes: what holds
        there is reported in that module (Engine._elsewhere), with the call named."""
        findings: List[Finding] = []
        for call in index.calls:
            function = index.function_of.get(call)
            callers = [resolver] if function is None else [
                resolver.on_path(path) for path in resolver.functions.paths(function)
            ]
            for caller in callers:
                entry = caller._foreign_entry(call)
                if entry is None:
                    continue
                there, target, path = entry
                on_path = there.on_path(path)
                inside = [
                    each for each in there.index.calls
                    if there.index.function_of.get(each) is target and on_path.reachable(each)
                ]
                if not inside:
                    continue
                with modules.Entered(there.module_path or ""):
                    facts = self.surfaces.collect(
                        on_path, inside, Facts(by_call=dict(base.by_call)), index
                    )
                    if facts.is_empty():
                        continue
                    found = self._rules(facts, on_path, ignored)
                for finding in found:
                    if finding.refers_to is None:
                        finding.refers_to = call
                        finding.message += f" (through `{path.label}(...)` at {{line}})"
                    findings.append(finding)
        return findings

    def syntax_error(
        self, row: int, column: int, reason: str, subject: str = ""
    ) -> Optional[Diagnostic]:
        if self._syntax is None:
            return None
        code, name, severity = self._syntax  # the rule's, read without importing it
        return Diagnostic(
            code,
            name,
            f"cannot parse {subject}: {reason}" if subject else f"cannot parse: {reason}",
            severity,
            Location(row, column),
            Location(row, column),
        )

    # -- fixing --------------------------------------------------------------------------
    def apply_fixes(
        self,
        analysis: Analysis,
        unsafe: bool,
        ignored: FrozenSet[str],
        flags: int = 0,
        paths: Optional[SourcePaths] = None,
    ) -> Tuple[Analysis, List[Tuple[str, str]], List[Tuple[str, int, int]]]:
        applied: List[Tuple[str, str]] = []
        dropped: List[Tuple[str, int, int]] = []  # (code, row, column)
        broken: Set[Tuple[str, int, int]] = set()
        for _ in range(MAX_FIX_PASSES):
            candidates = [
                c for c in analysis.fixable(unsafe) if _fix_key(c) not in broken
            ]
            # Plain data only from here: the trees of this text (its findings hold nodes)
            # are let go before the fixed text is parsed, so that two never coexist.
            plan = [(c.finding.code, c.edits, _fix_key(c)) for c in _non_overlapping(candidates)]
            if not plan:
                break
            text = analysis.text
            del candidates
            analysis.release()
            attempt = self.analyze(
                apply_edits(text, [edit for _, edits, _ in plan for edit in edits]),
                ignored, flags, paths,
            )
            if not attempt.parsed:
                # Never keep code that does not parse: retry the first fix alone, and give
                # up on it if it alone breaks the file.
                code, edits, key = plan[0]
                attempt = self.analyze(apply_edits(text, edits), ignored, flags, paths)
                if not attempt.parsed:
                    broken.add(key)
                    start = _offset_location_in(line_starts(text), edits[0][0])
                    dropped.append((code, start.row, start.column))
                    analysis = self.analyze(text, ignored, flags, paths)  # the text as it was
                    continue
                plan = plan[:1]
            applied.extend((code, all_rules()[code].name) for code, _, _ in plan)
            analysis = attempt
        return analysis, applied, dropped


def _parse(text: str, tree: Optional[ast.Module]) -> cst.Module:
    """LibCST's module of the text; in the language server's worker, assembled from the kept
    parses of its top-level statements (sagelint.analysis.chunks: always the whole parse's
    module), so that an edit parses only the statements it changed."""
    kept = front.current()
    if kept is None or tree is None:
        return cst.parse_module(text)
    return kept.libcst().parse(text, [front.first_row(node) for node in tree.body])


def _may_test_sdk_version(text: str) -> bool:
    """Whether the text may read the SDK's version, as sagelint.sdk_guards reads it:
    `sagemaker.__version__` or `importlib.metadata.version("sagemaker")` (`framework_version`
    alone is not)."""
    return "__version__" in text or "metadata" in text


def too_much_to_parse(chars: int) -> str:
    return (
        f"{chars // 1024} KB of code may reach SageMaker calls, more than sagelint analyses"
        f" ({MAX_PARSED_CHARS // 1024} KB): not checked"
    )


def _code_chars(text: str) -> int:
    """Characters other than white space: what LibCST's tree grows with (pruning blanks
    statements into spaces, which cost it nearly nothing)."""
    if len(text) <= MAX_PARSED_CHARS:
        return len(text)  # cannot be over the limit: not counted
    return len(text) - sum(text.count(blank) for blank in " \t\r\n\f")


def _fix_key(candidate: _Fixable) -> Tuple[str, int, int]:
    first = candidate.edits[0]
    return (candidate.finding.code, first[0], first[1])


def _non_overlapping(candidates: Sequence[_Fixable]) -> List[_Fixable]:
    """The fixes of one pass: their edits do not overlap, and no edit falls inside brackets
    that another fix of the pass lays out again (one element a line): that edit's line breaks
    would keep the old indentation. Layouts go first, outermost first; what they hold waits
    for the next pass, which sees the new layout."""
    chosen: List[_Fixable] = []
    taken: List[RawEdit] = []
    relaid: List[Tuple[int, int]] = []
    ordered = sorted(candidates, key=lambda c: _layout(c.edits) is None)  # stable
    for candidate in ordered:
        if any(overlaps(edit, other) for edit in candidate.edits for other in taken):
            continue
        layout = _layout(candidate.edits)
        if layout is not None and any(layout[0] <= edit[0] <= layout[1] for edit in taken):
            continue
        if any(start <= edit[0] <= end for edit in candidate.edits for start, end in relaid):
            continue
        chosen.append(candidate)
        taken.extend(candidate.edits)
        if layout is not None:
            relaid.append(layout)
    return chosen


def _layout(edits: Sequence[RawEdit]) -> Optional[Tuple[int, int]]:
    """The span a fix lays out again (several edits that break lines), or None."""
    if len(edits) < 2 or not any("\n" in content or "\r" in content for _, _, content in edits):
        return None
    return min(start for start, _, _ in edits), max(end for _, end, _ in edits)


def _once_per_code_node(findings: List[Finding]) -> List[Finding]:
    """A finding about code reached on several paths (and outside any) is reported once, the
    first time: without a path when it holds whatever the call."""
    kept: List[Finding] = []
    seen: Set[Tuple[str, int]] = set()
    for finding in findings:
        if finding.once_per_node:
            kept.append(finding)
            continue
        key = (finding.code, id(finding.node))
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def _at_config_loads(
    findings: List[Finding], origins: Dict[cst.CSTNode, ConfigOrigin]
) -> List[Finding]:
    """A finding about a value read from a configuration file moves to the call in the
    script that reads the file, naming where the value is written; it has no fix (the file
    is not Python). #28."""
    out = []
    for finding in findings:
        origin = origins.get(finding.node)
        refers = origins.get(finding.refers_to) if finding.refers_to is not None else None
        if origin is None and refers is None:
            out.append(finding)
            continue
        if origin is not None:
            finding = replace(
                finding, node=origin.load, message=f"{finding.message} ({origin.describe()})",
                fix=None, related=(origin.path, origin.line),
            )
        if refers is not None:
            finding = replace(finding, refers_to=refers.load)
        out.append(finding)
    return out


def _once_per_literal(findings: List[Finding]) -> List[Finding]:
    """Report a literal that feeds several calls once, and keep a fix that edits a literal
    reached through names only when every use of those names is among the uses reported
    (so `TIMEOUT = 300` is not turned into a string while another call reads it as a
    number)."""
    kept: List[Finding] = []
    groups: Dict[Tuple[str, int], List[Finding]] = {}
    for finding in findings:
        if not finding.once_per_node:
            kept.append(finding)
            continue
        key = (finding.code, id(finding.node))
        if key not in groups:
            groups[key] = []
            kept.append(finding)
        groups[key].append(finding)
    for group in groups.values():
        head = group[0]
        if head.fix is None or not head.fix.hops:
            continue
        seen = {id(hop.access) for member in group if member.fix for hop in member.fix.hops}
        for hop in head.fix.hops:
            # A name bound more than once: the literal is one of several values it may have.
            references = {id(node) for node in hop.assignment.reads}
            if not hop.assignment.sole or not references <= seen:
                head.fix = None
                break
    return kept


# Comments and string literals where the tokenizer finds them (a prefix only where it starts
# a token: `if"x"` has none), so that a quote in a comment or inside another string is not
# counted. Compiled (and kept by `re`) when a fix first asks, not at start-up.
_STRING_OR_COMMENT = (
    r"""
    \#[^\r\n]*
    | (?:(?<!\w)(?P<prefix>[rRbBuUfF]{1,2}))?
      (?P<string>
          \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        | '''(?:[^'\\]|\\.|'(?!''))*'''
        | "(?:[^"\\\r\n]|\\(?:\r\n|.))*"
        | '(?:[^'\\\r\n]|\\(?:\r\n|.))*'
      )
    """
)


def majority_quote(text: str) -> str:
    """The quote character the file's plain string literals mostly use (double when
    undecided), counted as ModuleIndex counts them (f-strings aside). One scan with a
    regular expression, not a second tokenize: a checked text is valid Python, so its
    strings and comments are where the tokenizer finds them."""
    singles = doubles = 0
    for match in re.finditer(_STRING_OR_COMMENT, text, re.VERBOSE | re.DOTALL):
        string = match.group("string")
        if string is None:
            continue  # a comment
        prefix = match.group("prefix")
        if prefix is not None and "f" in prefix.lower():
            continue
        if string[0] == "'":
            singles += 1
        else:
            doubles += 1
    return "'" if singles > doubles else '"'


def deeper_than(tree: ast.AST, limit: int) -> bool:
    """Whether the syntax tree nests more than `limit` levels (iteratively: it may be deep)."""
    stack = [(tree, 0)]
    pop, push, children = stack.pop, stack.append, ast.iter_child_nodes
    while stack:
        node, depth = pop()
        if depth > limit:
            return True
        for child in children(node):
            push((child, depth + 1))
    return False
