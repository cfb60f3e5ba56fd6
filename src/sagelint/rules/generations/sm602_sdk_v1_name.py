"""SM602 sdk-v1-name: a v1 name that SDK v2 renamed or removed."""

from __future__ import annotations

from typing import Callable, Iterator, List, Optional, Sequence, Tuple

import libcst as cst

from sagelint.fixes import FixContext, RawEdit, replace_node
from sagelint.model import Applicability, Severity
from sagelint.rules import Finding, FixPlan, Rule, RuleContext
from sagelint.rules.generations.imports import NameReads, dotted_text, sagemaker_imports
from sagelint.rules.generations.common import (
    may_use_sdk,
    sdk_calls,
    severity_over,
    verdict_phrase,
)

# (target or None, kind, verdicts): a row of sdk_generations.RENAMED_NAMES.
Row = Tuple[Optional[str], str, Tuple[Tuple[str, Optional[str], str], ...]]


class SdkV1Name(Rule):
    """
    ## What it does
    Checks imports and dotted names that resolve to a SageMaker SDK v1 name that v2 renamed
    or removed: `s3_input`, `RealTimePredictor`, `sagemaker.tensorflow.serving.Model` /
    `Predictor`, `csv_serializer` and its siblings, `get_image_uri`, `create_image_uri`,
    `session.ShuffleConfig`, ... The verdict is read from the SDK's own releases over the
    releases the project admits: an error where the name fails in every admitted release, a
    warning where it only works with a deprecation warning.

    ## Why is this bad?
    SDK 2.0 removed the v1 names; some came back as deprecated shims in 2.15 and some of
    those were removed again (`from sagemaker.predictor import csv_serializer` fails from
    2.154). The import fails before anything runs.

    ## Example
    ```python
    from sagemaker import s3_input

    train = s3_input("s3://bucket/train", content_type="text/csv")
    ```

    ## Use instead
    ```python
    from sagemaker.inputs import TrainingInput

    train = TrainingInput("s3://bucket/train", content_type="text/csv")
    ```

    ## Fix safety
    The fix is safe where the SDK declares the new name one-to-one (`s3_input` ->
    `TrainingInput`, `RealTimePredictor` -> `Predictor`, `csv_serializer` ->
    `CSVSerializer()`, ...): it rewrites the import, keeping an alias, and the uses of an
    unaliased name. There is no fix where the arguments differ (`get_image_uri`), for names
    v2 removed, for dotted uses (`sagemaker.s3_input(...)`), for an import that names
    several things, or when the new name is already bound in the module.
    """

    severity = Severity.WARNING
    fix_availability = Applicability.SAFE
    reads_imports = True
    summary = "A v1 name that SDK v2 renamed or removed"
    invalid = ("from sagemaker import s3_input\ntrain = s3_input('s3://bucket/train')\n",)
    valid = (
        "from sagemaker.inputs import TrainingInput\ntrain = TrainingInput('s3://bucket/train')\n",
    )

    def reads_whole_module(self, imports: Sequence[Tuple[str, str, bool]]) -> bool:
        """A from-import of a renamed v1 name: its fix renames every use of the name, and
        only when no other binding of it exists anywhere in the module."""
        from sagelint.sdk_generations import RENAMED_NAMES

        return any(is_from and path in RENAMED_NAMES for path, _, is_from in imports)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not may_use_sdk(ctx):
            return
        from sagelint.sdk_generations import RENAMED_NAMES

        module = ctx.resolver.bindings.module_scope.node
        for item in sagemaker_imports(module):  # outside version switches
            statement, alias, path = item.statement, item.alias, item.path
            row = RENAMED_NAMES.get(path)
            if row is None or not isinstance(statement, cst.ImportFrom):
                continue
            severity = severity_over(row[2], ctx, alias)
            if severity is not None:
                fix = _import_fix(ctx, module, statement, alias, path, row)
                node = alias.asname.name if alias.asname else alias.name
                how = verdict_phrase(row[2], ctx, alias)
                yield self._finding(node, path, (row, how), severity, fix)
        for call, path in sdk_calls(ctx):
            row = RENAMED_NAMES.get(path)
            if row is None or not isinstance(call.func, cst.Attribute):
                continue  # a name from a `from` import is reported at its import
            if ctx.resolver.qualified_name(call.func) != path:
                continue  # a method of an SDK object, not a dotted name
            severity = severity_over(row[2], ctx, call.func)
            if severity is not None:
                how = verdict_phrase(row[2], ctx, call.func)
                yield self._finding(call.func, path, (row, how), severity, None)

    def _finding(
        self,
        node: cst.CSTNode,
        path: str,
        judged: Tuple[Row, str],
        severity: Severity,
        fix: Optional[FixPlan],
    ) -> Finding:
        (target, kind, _verdicts), how = judged
        message = f"`{path}` is an SDK v1 name; it {how}"
        if target is not None and kind == "instance":
            message += f": use `{target}()`"
        elif target is not None and kind == "same":
            message += f": use `{target}`"
        elif target is not None:
            message += f": use `{target}` (its arguments differ)"
        else:
            message += " (v2 has no replacement)"
        return self.finding(node, message, fix=fix, severity=severity)


def _import_fix(
    ctx: RuleContext,
    module: cst.CSTNode,
    statement: cst.ImportFrom,
    alias: cst.ImportAlias,
    path: str,
    row: Row,
) -> Optional[FixPlan]:
    target, kind, _verdicts = row
    if target is None or kind not in ("same", "instance"):
        return None
    if isinstance(statement.names, cst.ImportStar) or len(statement.names) != 1:
        return None  # several names: the user splits the import
    new_module, new_name = target.rsplit(".", 1)
    old_name = path.rsplit(".", 1)[1]
    if alias.asname is not None:
        if kind == "instance":
            return None
        bound = dotted_text(alias.asname.name)
        text = f"from {new_module} import {new_name} as {bound}"
        return FixPlan(Applicability.SAFE, f"Import `{new_name}` from `{new_module}`",
                       _edits(statement, text, [], ""))
    if new_name != old_name and new_name in ctx.resolver.bindings.module_scope.defs:
        return None  # the new name is taken
    reads = NameReads(old_name)
    module.visit(reads)
    uses = [node for node in reads.found if ctx.resolver.qualified_name(node) == path]
    if len(uses) != len(reads.found):
        return None  # the same name bound otherwise somewhere: leave it
    replacement = f"{new_name}()" if kind == "instance" else new_name
    text = f"from {new_module} import {new_name}"
    return FixPlan(
        Applicability.SAFE,
        f"Use `{replacement}` from `{new_module}`",
        _edits(statement, text, uses, replacement),
    )


def _edits(
    statement: cst.ImportFrom, text: str, uses: List[cst.Name], replacement: str
) -> Callable[[FixContext], List[RawEdit]]:
    def build(fix: FixContext) -> List[RawEdit]:
        edits = replace_node(fix, statement, text)
        for use in uses:
            edits.extend(replace_node(fix, use, replacement))
        return edits

    return build
