"""SM002 unused-noqa: `# noqa` code that silences nothing."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, FrozenSet, Iterable, Iterator, List, Set, Tuple

import libcst as cst

from sagelint.analysis.walk import every_node
from sagelint.fixes import NoFix
from sagelint.model import Applicability
from sagelint.rules import Finding, FixPlan, RowOf, Rule, RuleContext, SdkLookup

if TYPE_CHECKING:
    from sagelint.fixes import FixContext, RawEdit

# The codes this rule never calls unused: SM001 cannot be silenced (a noqa naming it never
# meets a finding to silence, but says nothing wrong either), and SM002 silences this rule.
_NEVER_UNUSED = frozenset({"SM001", "SM002"})
_DIRECTIVE = re.compile(
    r"#\s*noqa:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE
)


class UnusedNoqa(Rule):
    """
    ## What it does
    Reports a code in a `# noqa: SMxxx` comment when no finding of that rule starts on the
    comment's line. Only codes of rules that run on the file are judged: a code of a rule not
    selected, or turned off for the file by `per-file-ignores`, and codes of other tools
    (`E501`) are left alone. A bare `# noqa` and file-level `# sagelint: noqa` comments are
    not checked.

    ## Why is this bad?
    A `noqa` that silences nothing is left over from code that was fixed or moved. It hides
    the next real finding on that line, and it tells readers a problem is there when it is
    not. After adopting sagelint with `--add-noqa`, this rule shows which comments the fixes
    have made unnecessary.

    ## Example
    ```python
    model = PyTorchModel(env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})  # noqa: SM101
    ```

    ## Use instead
    ```python
    model = PyTorchModel(env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})
    ```

    ## Fix safety
    Safe: it removes the unused codes from the comment, or the `noqa` directive when none of
    its codes is used (another comment on the line, `# noqa: SM101  # why`, stays). Removing a
    directive that silenced nothing changes no finding.

    Files are checked only where sagelint reads them: a file without SageMaker code is never
    parsed, so its `noqa` comments are not judged.
    """

    default_enabled = False
    judges_findings = True
    summary = "`# noqa` code that silences nothing"
    fix_availability = Applicability.SAFE
    invalid = (
        "from sagemaker.pytorch import PyTorchModel\n"
        "m = PyTorchModel(model_data='s3://b/m', role='r',\n"
        "                 env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '300'})  # noqa: SM101\n",
        "import sagemaker\nx = 1  # noqa: SM201\n",
    )
    valid = (
        "from sagemaker.pytorch import PyTorchModel\n"
        "m = PyTorchModel(model_data='s3://b/m', role='r')  # noqa: SM101\n",
        "import sagemaker\nx = 1  # noqa: E501, SM109\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return iter(())  # needs every other rule's findings: it judges them (below)

    def judges(self, text: str) -> bool:
        return "noqa" in text.lower()

    def judge(
        self,
        module: cst.Module,
        row_of: RowOf,
        findings: List[Finding],
        judged: FrozenSet[str],
        sdk: SdkLookup,
    ) -> List[Finding]:
        return self.unused(module, row_of, findings, judged)

    def unused(
        self,
        module: cst.Module,
        row_of: RowOf,
        findings: Iterable[Finding],
        judged: FrozenSet[str],
    ) -> List[Finding]:
        """Findings for the noqa codes among `judged` that silence none of `findings`."""
        comments = _noqa_comments(module)
        if not comments:
            return []
        used: Set[Tuple[int, str]] = {(row_of(f.node), f.code) for f in findings}
        out = []
        for comment in comments:
            row = row_of(comment)
            match = _DIRECTIVE.search(comment.value)
            assert match is not None
            codes = re.split(r"[\s,]+", match.group("codes").strip())
            unused = [
                code for code in codes
                if code.upper() in judged and code.upper() not in _NEVER_UNUSED
                and (row, code.upper()) not in used
            ]
            if unused:
                out.append(self._finding(comment, match, codes, unused))
        return out

    def _finding(
        self, comment: cst.Comment, match: "re.Match[str]", codes: List[str], unused: List[str]
    ) -> Finding:
        listed = ", ".join(f"`{code}`" for code in unused)
        kept = [code for code in codes if code not in unused]
        title = (
            f"Remove {listed} from the `noqa` comment" if kept
            else "Remove the unused `noqa` directive"
        )
        return self.finding(
            comment,
            f"Unused `noqa` directive (unused: {listed}): no such finding on this line",
            fix=FixPlan(
                Applicability.SAFE, title, lambda ctx: _removal(ctx, comment, match, kept)
            ),
        )


def _noqa_comments(module: cst.Module) -> List[cst.Comment]:
    """The comments holding a `noqa:` directive, in source order (a read-only walk: the
    comments live in the whitespace the other passes skip)."""
    search = _DIRECTIVE.search
    return [
        node
        for node in every_node(module)
        if type(node) is cst.Comment and search(node.value)
    ]


def _removal(
    ctx: FixContext, comment: cst.Comment, match: "re.Match[str]", kept: List[str]
) -> List[RawEdit]:
    """Edits that drop the unused codes, or the directive, from the comment's text."""
    start, end = ctx.span(comment)
    text = ctx.text
    if kept:
        return [(start + match.start("codes"), start + match.end("codes"), ", ".join(kept))]
    rest = comment.value[match.end():]
    if match.start() == 0 and rest.strip() and not rest.lstrip().startswith("#"):
        raise NoFix("the directive runs into other text: no fix")
    if match.start() > 0:  # a type comment, then the directive: keep what comes before
        cut = start + match.start()
        while cut > start and text[cut - 1] in " \t":
            cut -= 1
        return [(cut, start + match.end(), "")]
    if rest.strip():  # the directive, then another comment: keep that one
        return [(start, start + match.end() + len(rest) - len(rest.lstrip()), "")]
    return [_whole_comment(text, start, end)]


def _whole_comment(text: str, start: int, end: int) -> Tuple[int, int, str]:
    """The comment and the blanks before it; a comment alone on its line goes with its line."""
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip():
        line_end = text.find("\n", end)
        return (line_start, len(text) if line_end < 0 else line_end + 1, "")
    cut = start
    while cut > line_start and text[cut - 1] in " \t":
        cut -= 1
    return (cut, end, "")
