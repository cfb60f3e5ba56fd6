"""SM610 sdk-pin-admits-breaking-major: SDK requirement admits a major where an import fails."""

from __future__ import annotations

from typing import FrozenSet, Iterator, List

import libcst as cst

from sagelint.sdk_judging import DECLARED

from sagelint.model import Severity
from sagelint.rules import Finding, RowOf, Rule, RuleContext, SdkLookup
from sagelint.rules.generations.imports import majors_by_verdict, mentions_sagemaker, sagemaker_imports


class SdkPinAdmitsBreakingMajor(Rule):
    """
    ## What it does
    Reports a SageMaker requirement (in `requirements.txt`, `pyproject.toml`, a lock or
    environment file, or a notebook's `%pip install` cell) that admits several major versions
    of the SDK (`sagemaker`, `sagemaker>=2`, `pip install -U sagemaker`) while the file
    imports a path that works in one of them and fails in another. The message names the
    declaration (file and line) and the major where the import fails. Reported once per file,
    at its first such import.

    ## Why is this bad?
    A fresh install resolves to the newest major: code written for SDK v2 fails at its first
    import the day the environment is rebuilt, though nothing in the repository changed.

    ## Example
    ```python
    # requirements.txt: sagemaker>=2.100
    from sagemaker.estimator import Estimator
    ```

    ## Use instead
    ```python
    # requirements.txt: sagemaker>=2.100,<3
    from sagemaker.estimator import Estimator
    ```

    ## Fix safety
    There is no fix: the fix belongs in the requirement (`sagemaker<3`), or in porting the code.
    """

    severity = Severity.WARNING
    summary = "SDK requirement admits a major where an import fails"
    judges_findings = True
    judges_whole_text = False
    judges_sdk_imports = True
    import_judge = "declared_majors"  # a requirement that admits several majors
    # A setting never gives SM610 (the examples show the shape; the fixtures pin the rest).
    invalid = ()
    valid = ("from sagemaker.estimator import Estimator\n",)

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
        for item in sagemaker_imports(module):
            admitted = sdk(item.alias)
            if admitted.origin not in DECLARED or len(admitted.majors()) < 2:
                continue
            failing, working = majors_by_verdict(item, admitted)
            broken = sorted(failing - working)
            if not working or not broken:
                continue
            # The notebook's own install cell is named by its cell alone (the message is
            # already about this notebook).
            where = (
                f"the install in cell {admitted.cell}" if admitted.origin == "notebook"
                and admitted.cell is not None else admitted.where() or admitted.text
            )
            declared = f"`{admitted.text}`" if admitted.text else "the requirement"
            # The bound that keeps the majors the import works in.
            bound = (
                f"sagemaker<{broken[0]}" if broken[0] > max(working)
                else f"sagemaker>={broken[-1] + 1}"
            )
            return [self.finding(
                item.alias,
                f"{where} admits sagemaker {broken[-1]}.x ({declared}), where `{item.path}` does"
                f" not exist: a fresh install may get that major; bound the requirement"
                f" (`{bound}`) or port the import",
            )]
        return []
