"""SM603 sdk-import-moved: SDK import whose path moved in the admitted SDK versions."""

from __future__ import annotations

from functools import partial
from typing import Callable, Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

import libcst as cst

from sagelint.analysis.bindings import DefKind
from sagelint.fixes import FixContext, RawEdit, replace_node
from sagelint.model import Applicability, Severity
from sagelint.sdk_verdicts import verdicts
from sagelint.rules import Finding, FixPlan, RowOf, Rule, RuleContext, SdkLookup
from sagelint.rules.generations.dotted import Failing, failing, split_dotted, top_statement
from sagelint.rules.generations.imports import (
    NameReads,
    Imported,
    fails_everywhere,
    mentions_sagemaker,
    moved_target,
    sagemaker_imports,
    under,
)


def moved(module: cst.Module, sdk: SdkLookup) -> Dict[Imported, str]:
    """Every import SM603 reports, with the path of the same object in the admitted set."""
    found: Dict[Imported, str] = {}
    for item in sagemaker_imports(module):
        admitted = sdk(item.alias)
        if not fails_everywhere(item, admitted):
            continue
        target = moved_target(item, admitted)
        if target is not None:
            found[item] = target
    return found


def _fix(statement: cst.ImportFrom, items: List[Imported], targets: Dict[Imported, str]) -> Optional[FixPlan]:
    """Change the statement's module when every name it imports moved to one module under
    its own name (aliases stay as written); a statement whose names part ways is left to
    the hand."""
    if statement.module is None or isinstance(statement.names, cst.ImportStar):
        return None
    if len(items) != len(statement.names):
        return None
    modules: Set[str] = set()
    for item in items:
        target_module, _, leaf = targets[item].rpartition(".")
        if leaf != item.name:
            return None
        modules.add(target_module)
    if len(modules) != 1:
        return None
    (target_module,) = modules
    return FixPlan(
        Applicability.SAFE,
        f"Import from `{target_module}`",
        partial(replace_node, node=statement.module, content=target_module),
    )


def _dotted_fix(ctx: RuleContext, found: Failing, target: str) -> Optional[FixPlan]:
    """Import the same object by its name below `import sagemaker` and read it by that name
    (every failing use), when the name is free in the module. Safe where the object takes
    the same arguments; a `positional<=N` object (v3's `Session`: parameters past the fifth
    moved) only when every use is a call with at most N positional arguments."""
    from sagelint import sdk_generations as gen

    item = found.item
    statement = top_statement(ctx, item.root)
    target_module, _, leaf = target.rpartition(".")
    bound = _bound(ctx, leaf, target)
    if bound is None or (statement is None and not bound):
        return None
    uses = [item.uses[index] for index in found.uses]
    calls = [item.calls[index] for index in found.uses]
    applicability = Applicability.SAFE
    compatibility = gen.MOVED[item.path][1]
    if compatibility.startswith("positional<="):
        limit = int(compatibility.split("<=", 1)[1])
        if not all(call is not None and _positional_at_most(call, limit) for call in calls):
            applicability = Applicability.UNSAFE
    if not bound and not _imports_everywhere(ctx, target_module, statement):
        return None  # the import would go where it fails (a use under a version test)
    line = None if bound else f"from {target_module} import {leaf}"
    return FixPlan(
        applicability, f"Import `{leaf}` from `{target_module}`" if line else f"Use `{leaf}`",
        _insert_and_rename(statement, line, uses, leaf),
    )


def _imports_everywhere(
    ctx: RuleContext, module: str, statement: Optional[cst.CSTNode]
) -> bool:
    """Whether an import of `module` added at `statement` works in every release admitted
    there: a use under a version test may see fewer releases than the module's top does
    (`if version(...) >= "3": sagemaker.Session()` beside a 2.x branch)."""
    from sagelint.sdk_generations import MODULES

    row = MODULES.get(module)
    if row is None or statement is None:
        return False
    return verdicts(row, ctx.sdk_versions(statement).releases) == {"works"}


def _positional_at_most(call: cst.Call, limit: int) -> bool:
    positional = [arg for arg in call.args if arg.keyword is None]
    return not any(arg.star for arg in call.args) and len(positional) <= limit


def _bound(ctx: RuleContext, name: str, target: str) -> Optional[bool]:
    """False: `name` is free in the module (no binding or read anywhere, no star import):
    the import the fix adds shadows nothing. True: every read of it is the target already
    (an earlier fix, or the user's own import): the fix only renames. None: taken."""
    if ctx.resolver.bindings.star_import:
        return None
    module = ctx.resolver.bindings.module_scope.node
    names = NameReads(name)
    module.visit(names)
    if not names.found and name not in ctx.resolver.bindings.module_scope.defs:
        return False
    defs = ctx.resolver.bindings.module_scope.defs.get(name, ())
    if not defs or any(d.kind is not DefKind.IMPORT or d.qualified != target for d in defs):
        return None
    if all(ctx.resolver.qualified_name(node) == target for node in names.found):
        return True
    return None


def _insert_and_rename(
    statement: Optional[cst.SimpleStatementLine],
    line: Optional[str],
    uses: List[cst.Attribute],
    leaf: str,
) -> Callable[[FixContext], List[RawEdit]]:
    def build(fix: FixContext) -> List[RawEdit]:
        edits: List[RawEdit] = []
        if statement is not None and line is not None:  # the line below the import
            end = fix.span(statement.body[0])[1]
            newline = fix.newline()
            at = fix.text.find("\n", end)
            if at < 0:
                edits.append((len(fix.text), len(fix.text), newline + line))
            else:
                edits.append((at + 1, at + 1, line + newline))
        for use in uses:
            edits.extend(replace_node(fix, use, leaf))
        return edits

    return build


class SdkImportMoved(Rule):
    """
    ## What it does
    Checks each import from the SageMaker Python SDK against the SDK releases the project
    may run with (the `sdk-version` setting, a notebook's install cells, else the nearest
    requirements, lock or `pyproject.toml` file; see `--show-settings`). It reports an
    import whose path exists in none of those releases while the same object exists in all
    of them under another path: SDK v3 moved most of v2's helpers under `sagemaker.core`
    (`sagemaker.Session`, `get_execution_role`, `TrainingInput`, the inference configs).
    A dotted name read after `import sagemaker` (`sagemaker.Session()`) is checked the
    same way, once per distinct dotted path per file, at its first use. Imports inside a
    `try` that catches `ImportError` (a version switch) and star imports are not checked;
    code in a branch of a version test (`if sagemaker.__version__.startswith("2"):`) is
    checked against the releases that branch runs with; with no declaration found nothing
    is reported.

    ## Why is this bad?
    The import raises `ImportError` (or `ModuleNotFoundError`) as soon as the script starts
    under the SDK the project installs.

    ## Example
    ```python
    from sagemaker import get_execution_role  # requirements.txt: sagemaker>=3

    role = get_execution_role()
    ```

    ## Use instead
    ```python
    from sagemaker.core.helper.session_helper import get_execution_role

    role = get_execution_role()
    ```

    ## Fix safety
    Safe: rewrites the module of a `from` import, keeping the names and their aliases, when
    every name of the statement moved to the same module under the same name (the object is
    the same one, never a deprecation shim). There is no fix for a statement whose names
    move to different modules or stay, nor for `import a.b` forms. For a dotted name the
    fix adds `from sagemaker.core.helper.session_helper import Session` (say) below
    `import sagemaker` and reads the name directly, only when that name is free in the
    module (or already that object); it is unsafe for `Session`, whose parameters after the
    fifth moved, unless every use is a call with at most five positional arguments.
    """

    severity = Severity.ERROR
    summary = "SDK import whose path moved in the admitted SDK versions"
    fix_availability = Applicability.SAFE
    judges_findings = True
    judges_whole_text = False
    reads_imports = True  # dotted access is read in check()
    judges_sdk_imports = True
    import_judge = "some_set_known"  # an unknown set fails nowhere
    # Sources that must fire and must stay clean: tests/test_rules_meta.py runs both.
    example_settings = (("sdk_version", "3"),)
    invalid = ("from sagemaker import get_execution_role\nrole = get_execution_role()\n",)
    valid = (
        "from sagemaker.core.helper.session_helper import get_execution_role\n"
        "role = get_execution_role()\n",
    )

    def reads_whole_module(self, imports: Sequence[Tuple[str, str, bool]]) -> bool:
        """`import sagemaker` (`import sagemaker.session` binds `sagemaker` too): the dotted
        fix adds an import only where the name is free in the module, and renames every
        failing use."""
        return any(not is_from for _, _, is_from in imports)

    def needs_whole_module(self, dotted: FrozenSet[str]) -> bool:
        """Only a dotted path that moved has a fix (an unmoved one is SM604's, or fine)."""
        from sagelint import sdk_generations as gen

        for name in dotted:
            split = split_dotted(name, gen.MODULES)
            if split is not None and split[0] in gen.MOVED:
                return True
        return False

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """Dotted access (`import sagemaker` then `sagemaker.Session()`): read with the
        resolver, once per distinct path per file. Imports are read off the whole module:
        see judge()."""
        for found in failing(ctx):
            if found.target is None:
                continue  # no same object: SM604
            item = found.item
            yield self.finding(
                found.node,
                f"`{item.path}` does not exist in {under(ctx.sdk_versions(found.node))}:"
                f" reading it fails; the same object is `{found.target}`",
                fix=_dotted_fix(ctx, found, found.target),
            )

    def judges(self, text: str) -> bool:
        return mentions_sagemaker(text)

    def judge(
        self,
        module: cst.Module,
        row_of: RowOf,
        findings: List[Finding],
        judged: FrozenSet[str],
        sdk: SdkLookup,
    ) -> List[Finding]:
        targets = moved(module, sdk)
        by_statement: Dict[cst.ImportFrom, List[Imported]] = {}
        for item in targets:
            if isinstance(item.statement, cst.ImportFrom):
                by_statement.setdefault(item.statement, []).append(item)
        fixed: Set[cst.ImportFrom] = set()
        out: List[Finding] = []
        for item, target in targets.items():
            fix = None
            statement = item.statement
            if isinstance(statement, cst.ImportFrom) and statement not in fixed:
                fixed.add(statement)  # one edit per statement, on its first finding
                fix = _fix(statement, by_statement[statement], targets)
            out.append(self.finding(
                item.alias,
                f"`{item.path}` does not exist in {under(sdk(item.alias))}: the import fails;"
                f" the same object is `{target}`",
                fix=fix,
            ))
        return out
