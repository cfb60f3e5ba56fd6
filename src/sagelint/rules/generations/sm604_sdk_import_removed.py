"""SM604 sdk-import-removed: SDK import that no admitted SDK version has."""

from __future__ import annotations

from typing import FrozenSet, Iterator, List

import libcst as cst

from sagelint.model import Severity
from sagelint.rules import Finding, RowOf, Rule, RuleContext, SdkLookup
from sagelint.rules.generations.common import v1_name_reported
from sagelint.rules.generations.dotted import failing
from sagelint.rules.generations.imports import (
    Imported,
    fails_everywhere,
    mentions_sagemaker,
    moved_target,
    replacement,
    sagemaker_imports,
    under,
)


def removed(module: cst.Module, sdk: SdkLookup) -> List[Imported]:
    """Every import SM604 reports: it fails in every admitted release and no same object
    exists in all of them (that is SM603)."""
    return [
        item for item in sagemaker_imports(module)
        if fails_everywhere(item, sdk(item.alias)) and moved_target(item, sdk(item.alias)) is None
    ]


class SdkImportRemoved(Rule):
    """
    ## What it does
    Checks each import from the SageMaker Python SDK against the SDK releases the project
    may run with (the `sdk-version` setting, a notebook's install cells, else the nearest
    requirements, lock or `pyproject.toml` file; see `--show-settings`), and reports an
    import that fails in every one of them with no same object elsewhere: v2's `Estimator`,
    `Model`, `Predictor` and framework classes under SDK v3, v3's `ModelTrainer` or
    `ModelBuilder` under SDK v2. One diagnostic per failing import, not per use; a dotted
    name read after `import sagemaker` (`sagemaker.estimator.Estimator(...)`) once per
    distinct dotted path per file. A v1 name (`sagemaker.tensorflow.serving.Model` under
    2.0 to 2.14) is left to SM602 when it is enabled, which names the v2 replacement; the
    uses of a reported import are not reported again by any SM6 rule. Code in a branch of
    a version test is checked against the releases that branch runs with. Imports
    inside a `try` that catches `ImportError` (a version switch) and star imports are not
    checked; with no declaration found nothing is reported.

    ## Why is this bad?
    The script stops at the import with `ImportError` or `ModuleNotFoundError`, under the SDK
    the project installs. The code needs porting: the message quotes the SDK's own
    replacement where the SDK names one that exists in the admitted releases.

    ## Example
    ```python
    from sagemaker.estimator import Estimator  # pyproject.toml: sagemaker>=3
    ```

    ## Use instead
    ```python
    from sagemaker.train import ModelTrainer
    ```

    ## Fix safety
    There is no fix: the v3 API differs.
    """

    severity = Severity.ERROR
    summary = "SDK import that no admitted SDK version has"
    judges_findings = True
    judges_whole_text = False
    reads_imports = True  # dotted access is read in check()
    judges_sdk_imports = True
    import_judge = "some_set_known"  # an unknown set fails nowhere
    example_settings = (("sdk_version", "3"),)
    invalid = ("from sagemaker.estimator import Estimator\n",)
    valid = ("from sagemaker.train import ModelTrainer\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """Dotted access (`import sagemaker` then `sagemaker.estimator.Estimator(...)`):
        once per distinct path per file, at its first failing use. Imports are read off
        the whole module: see judge()."""
        for found in failing(ctx):
            if found.target is not None:
                continue  # the same object exists: SM603
            calls = found.item.calls[found.uses[0]]
            if calls is not None and v1_name_reported(ctx, found.item.path, found.node):
                continue  # a called v1 name: SM602's, as at an import
            admitted = ctx.sdk_versions(found.node)
            message = f"`{found.item.path}` does not exist in {under(admitted)}: reading it fails"
            advice = replacement(found.item, admitted)
            if advice is not None:
                message += f"; the SDK names {advice} instead"
            yield self.finding(found.node, message + " (no fix: the API differs)")

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
        # One root cause: a v1 name SM602 reports at the import (`from
        # sagemaker.tensorflow.serving import Model` under 2.0-2.14) is SM602's, which names
        # the v2 replacement and fixes it.
        v1_names = {id(f.node) for f in findings if f.code == "SM602"}
        for item in removed(module, sdk):
            alias = item.alias
            if {id(alias), id(alias.name), id(alias.asname.name if alias.asname else None)} & v1_names:
                continue
            admitted = sdk(item.alias)
            message = f"`{item.path}` does not exist in {under(admitted)}: the import fails"
            advice = replacement(item, admitted)
            if advice is not None:
                message += f"; the SDK names {advice} instead"
            out.append(self.finding(item.alias, message + " (no fix: the API differs)"))
        return out
