"""The per-file gate: whether any call of a file can produce a finding, read from CPython's
tree (sagelint.analysis.prune.Survey) before LibCST sees the file. When none can, the file is not
parsed by LibCST at all (most files a SageMaker repository holds import `boto3` or
`sagemaker` for something else, or only name them).

A call can reach a surface (`sagelint.surfaces`) only

- in a file that imports one of the surfaces' packages (the engine's own precondition);
- by a method name the surfaces' table claims on some receiver (`.deploy`, `.create_model`),
  or by a qualified name the table holds, whose last part is then the last name of the call
  (`PyTorch(...)`, `sagemaker.pytorch.PyTorch(...)`, `Model.create(...)`,
  `HyperparameterTuner(...)`, the pipeline markers);
- or through a name the file binds to something the gate does not follow: an import from a
  surface package (`from sagemaker.pytorch import PyTorch as Trainer`), an assignment, a
  parameter, a loop target, an attribute assigned to (`self.cls = PyTorch`).

A file with none of these has no call a surface takes, so no facts and no findings. When in
doubt (a star import, a dynamic scope, a table name outside the surfaces' packages) the file
is parsed.
"""

from __future__ import annotations

from typing import FrozenSet, Iterable

from sagelint.analysis.prune import Survey


class Gate:
    """The names a call needs for any surface to take it (built once per run, from the
    surfaces' table: its method names, and the last names of its qualified names)."""

    def __init__(
        self, methods: Iterable[str], qualified: Iterable[str], packages: FrozenSet[str]
    ) -> None:
        qualified = list(qualified)
        self.packages = packages
        self.methods = frozenset(methods)
        self.names = frozenset(key.rsplit(".", 1)[-1] for key in qualified)
        # A table name outside the surfaces' packages could be reached from any import.
        self.sound = all(key.split(".", 1)[0] in packages for key in qualified)

    def may_find(self, surveyed: Survey) -> bool:
        """False only when no call of the surveyed file can produce a finding."""
        if surveyed.dynamic or surveyed.too_deep or not self.sound:
            return True
        surface = {name for top, name in surveyed.imports if top in self.packages}
        if not surface:
            return False  # no import can bring a SageMaker class into this module
        if not surveyed.calls:
            return False
        for callee in surveyed.callees:
            if (
                callee in self.methods
                or callee in self.names
                or callee in surface
                or callee in surveyed.bound
                or callee in surveyed.stored
            ):
                return True
        return False
