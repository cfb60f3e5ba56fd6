"""SM603 sdk-import-moved: SDK import whose path moved in the admitted SDK versions."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Sequence, Tuple, Dict, FrozenSet, Iterator, List, Optional, Set

import libcst as cst

from sagelint.fixes import replace_node
from sagelint.model import Applicability, Severity
from sagelint.rules import Finding, FixPlan, RowOf, Rule, RuleContext, SdkLookup
from sagelint.rules.generations.imports import (
    Imported,
    fails_everywhere,
    mentions_sagemaker,
    moved_target,
    sagemaker_imports,
    under,
)

if TYPE_CHECKING:
    from sagelint.sdk_versions import Admitted


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


class SdkImportMoved(Rule):
    """
    ## What it does
    Checks each import from the SageMaker Python SDK against the SDK releases the project
    may run with (the `sdk-version` setting, a notebook's install cells, else the nearest
    requirements, lock or `pyproject.toml` file; see `--show-settings`). It reports an
    import whose path exists in none of those releases while the same object exists in all
    of them under another path: SDK v3 moved most of v2's helpers under `sagemaker.core`
    (`sagemaker.Session`, `get_execution_role`, `TrainingInput`, the inference configs).
    Imports inside a `try` that catches `ImportError` (a version switch) and star imports
    are not checked; with no declaration found nothing is reported.

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
    move to different modules or stay, nor for `import a.b` forms.
    """

    severity = Severity.ERROR
    summary = "SDK import whose path moved in the admitted SDK versions"
    fix_availability = Applicability.SAFE
    judges_findings = True
    judges_whole_text = False
    judges_sdk_imports = True
    # Sources that must fire and must stay clean: tests/test_rules_meta.py runs both.
    example_settings = (("sdk_version", "3"),)
    invalid = ("from sagemaker import get_execution_role\nrole = get_execution_role()\n",)
    valid = (
        "from sagemaker.core.helper.session_helper import get_execution_role\n"
        "role = get_execution_role()\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return iter(())  # imports are read off the whole module: see judge()

    def judges(self, text: str) -> bool:
        return mentions_sagemaker(text)

    def may_judge_imports(
        self, imports: Sequence[Tuple[str, str, bool]], admitted: Sequence[Admitted]
    ) -> bool:
        return any(each.known for each in admitted)  # an unknown set fails nowhere

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
