"""SM609 sdk-generations-mixed: File imports both SDK v2-only and v3-only paths."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, FrozenSet, Iterator, List

import libcst as cst

from sagelint.model import Severity
from sagelint.rules import Finding, RowOf, Rule, RuleContext, SdkLookup
from sagelint.rules.generations.imports import Imported, mentions_sagemaker, sagemaker_imports
from sagelint.sdk_judging import generation

if TYPE_CHECKING:
    from sagelint.sdk_versions import Admitted


def mixed(module: cst.Module, sdk: SdkLookup) -> List[Imported]:
    """The import SM609 reports (at most one): with the admitted set unknown, the first
    import of the generation that appears later, when the file also imports one of the
    other."""
    first: Dict[int, Imported] = {}
    for item in sagemaker_imports(module):
        if not _unknown(sdk(item.alias)):
            continue
        major = generation(item.path, item.module, item.name is not None)
        if major is not None and major not in first:
            first[major] = item
            if len(first) == 2:
                return [item]
    return []


def _unknown(admitted: "Admitted") -> bool:
    """A is unknown where the import runs: nothing decided it, or a version-guarded branch
    narrowed it (sagelint.sdk_guards) and it still holds both majors. A branch that runs
    under one major only is where that generation's import belongs."""
    if not admitted.known:
        return True
    return admitted.origin == "unknown" and admitted.majors() >= {2, 3}


class SdkGenerationsMixed(Rule):
    """
    ## What it does
    When nothing says which SageMaker Python SDK the project installs (no `sdk-version`
    setting, install cell or declaration), reports a file that imports both a path that
    exists only in SDK v2 (`sagemaker.estimator`, `sagemaker.pytorch`, `sagemaker.Session`)
    and one that exists only in SDK v3 (`sagemaker.train`, `sagemaker.core`). It is reported
    once, at the first import of the generation that appears later, naming the line of the
    other. Imports inside a `try` that catches `ImportError` are not checked.

    ## Why is this bad?
    No SDK release has both: whichever major is installed, one of the imports fails.

    ## Example
    ```python
    from sagemaker.estimator import Estimator
    from sagemaker.train import ModelTrainer
    ```

    ## Use instead
    ```python
    from sagemaker.train import ModelTrainer
    from sagemaker.train.configs import Compute
    ```

    ## Fix safety
    There is no fix: which generation the code should keep is the author's choice.
    """

    severity = Severity.ERROR
    summary = "File imports both SDK v2-only and v3-only paths"
    judges_findings = True
    judges_whole_text = False
    judges_sdk_imports = True
    import_judge = "generations_mixed"  # some set unknown, imports of both generations
    invalid = (
        "from sagemaker.estimator import Estimator\nfrom sagemaker.train import ModelTrainer\n",
    )
    valid = (
        "from sagemaker.train import ModelTrainer\nfrom sagemaker.train.configs import Compute\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return iter(())  # imports are read off the whole module: see judge()

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
        out: List[Finding] = []
        imports = sagemaker_imports(module)
        for item in mixed(module, sdk):
            major = generation(item.path, item.module, item.name is not None)
            other = next(
                other for other in imports
                if _unknown(sdk(other.alias))
                and generation(other.path, other.module, other.name is not None) not in (None, major)
            )
            out.append(self.finding(
                item.alias,
                f"`{item.path}` exists only in SDK v{major} and `{other.path}` ({{line}})"
                f" only in SDK v{3 if major == 2 else 2}: no release has both, one of the imports"
                " fails whichever is installed",
                refers_to=other.alias,
            ))
        return out
