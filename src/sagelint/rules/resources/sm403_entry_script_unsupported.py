"""SM403 entry-script-unsupported: Entry script that ModelTrainer cannot run."""

from __future__ import annotations

from typing import Iterator

from sagelint.model import Severity
from sagelint.analysis.resolve import Scalar
from sagelint.rules import Finding, Rule, RuleContext

_TRAINER = (
    "from sagemaker.core.training.configs import SourceCode\n"
    "from sagemaker.train import ModelTrainer\n"
)


def _trainer(source_code: str) -> str:
    return _TRAINER + f"ModelTrainer(training_image='image', source_code=SourceCode({source_code}))\n"


class EntryScriptUnsupported(Rule):
    """
    ## What it does
    Checks the `entry_script` of an SDK v3 `SourceCode(...)` given to a `ModelTrainer`: a
    known name that ends neither in `.py` nor in `.sh`, when neither `SourceCode(command=...)`
    nor `ModelTrainer(distributed=...)` runs the code instead.

    ## Why is this bad?
    `ModelTrainer.train()` runs only Python and shell entry scripts. Any other name (a
    notebook, a script without its extension) raises "Unsupported entry script ... Only .py
    and .sh scripts are supported", and only after `train()` has uploaded the input data
    channels.

    ## Example
    ```python
    ModelTrainer(..., source_code=SourceCode(source_dir="src", entry_script="train.ipynb"))
    ```

    ## Use instead
    ```python
    ModelTrainer(..., source_code=SourceCode(source_dir="src", entry_script="train.py"))
    ```

    ## Fix safety
    There is no fix: the script has to be converted or renamed.
    """

    severity = Severity.ERROR
    summary = "Entry script that ModelTrainer cannot run"
    invalid = (_trainer("source_dir='src', entry_script='train.ipynb'"),)
    valid = (
        _trainer("source_dir='src', entry_script='train.sh'"),
        _trainer("source_dir='src', command='python train.ipynb.py'"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for fact in ctx.facts.entry_scripts:
            value = fact.script.value
            if fact.other_launcher is not False or not isinstance(value, Scalar):
                continue
            script = value.value
            if not isinstance(script, str) or script.endswith((".py", ".sh")):
                continue
            yield self.finding(
                value.literal,
                f"entry script `{script}` is neither a `.py` nor a `.sh` file: `train()` "
                "raises \"Unsupported entry script\" after uploading the input data",
                used_by=fact.site,
                once_per_node=True,
            )
