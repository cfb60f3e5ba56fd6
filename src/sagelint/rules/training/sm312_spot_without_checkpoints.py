"""SM312 spot-without-checkpoints: Spot training without checkpoints."""

from __future__ import annotations

from typing import Iterator

from sagelint.catalog import CHECKPOINT
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.training.common import estimator, spot_without


class SpotWithoutCheckpoints(Rule):
    """
    ## What it does
    Checks for a training job that uses managed spot training and sets no checkpoint location
    (`checkpoint_s3_uri`, `checkpoint_config`, `CheckpointConfig`), when every keyword of the
    call is known and nothing sets one later (`estimator.checkpoint_s3_uri = ...`,
    `trainer.with_checkpoint_config(...)`). APIs that take no checkpoint location (`@remote`,
    `@step`) are not checked.

    ## Why is this bad?
    Spot instances can be interrupted. SageMaker resumes an interrupted job on new capacity,
    but without checkpoints copied to S3 the training starts again from the beginning: the
    savings go to repeated work, and a long job may never finish within its max wait.

    ## Example
    ```python
    PyTorch(..., use_spot_instances=True, max_wait=86400)
    ```

    ## Use instead
    ```python
    PyTorch(
        ...,
        use_spot_instances=True,
        max_wait=86400,
        checkpoint_s3_uri="s3://my-bucket/checkpoints/",
    )
    ```

    ## Fix safety
    There is no fix: where to keep checkpoints, and saving them in the training script, is
    the user's work.
    """

    summary = "Spot training without checkpoints"
    invalid = (estimator("use_spot_instances=True, max_wait=86400"),)
    valid = (
        estimator("use_spot_instances=True, max_wait=86400, checkpoint_s3_uri='s3://b/c'"),
        estimator("use_spot_instances=False"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return spot_without(
            self, ctx, CHECKPOINT, "an interrupted job starts again from the beginning"
        )
