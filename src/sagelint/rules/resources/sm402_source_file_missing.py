"""SM402 source-file-missing: local code that an estimator or model uploads is not there."""

from __future__ import annotations

from typing import Iterable, Iterator, List, Optional, Tuple

import libcst as cst

from sagelint.model import Severity
from sagelint.paths import SourcePaths
from sagelint.analysis.resolve import ListValue, Scalar
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.resources.common import ESTIMATOR as _ESTIMATOR
from sagelint.surfaces.facts import SourceFiles

_NOT_LOCAL = ("s3://", "git://", "http://", "https://", "file://")


class SourceFileMissing(Rule):
    """
    ## What it does
    Checks that the local code an estimator or model uploads exists: `entry_point`,
    `source_dir` and each `dependencies` entry, when they are known local paths. A path is
    looked up relative to the checked file's folder and to the repository root (the folder
    holding `.git`, else the configuration's folder); with `source_dir`, `entry_point` is
    looked up inside it.

    This is the only rule that reads the file system, and it reads only whether paths exist.
    Standard input is not checked unless `--stdin-filename` names a file in a real folder.

    ## Why is this bad?
    The SDK validates these paths only at `fit()` or `deploy()`, after every earlier cell of
    a notebook has run and after other resources may have been created.

    Silent when the code comes from git (`git_config`) or S3, when the file or notebook
    creates the path itself (`%%writefile train.py`, `open("train.py", "w")`,
    `os.makedirs(...)`, `shutil.copy(...)`, a shell escape naming it), and for a model without
    `source_dir` (the SDK then takes the code from `code/` in the model archive).

    ## Example
    ```python
    estimator = PyTorch(entry_point="trian.py", source_dir="src", ...)
    ```

    ## Use instead
    ```python
    estimator = PyTorch(entry_point="train.py", source_dir="src", ...)
    ```

    ## Fix safety
    No fix: only you know where the file is.
    """

    severity = Severity.ERROR
    summary = "Local source file or folder that does not exist"
    needs_paths = True
    invalid = (_ESTIMATOR + "e = PyTorch(entry_point='no_such_train_script_sm402.py')\n",)
    valid = (
        _ESTIMATOR + "e = PyTorch(entry_point='s3://bucket/train.py')\n",
        _ESTIMATOR + "e = PyTorch(entry_point='train.py', git_config={'repo': 'x'})\n",
        _ESTIMATOR + "open('sm402_made.py', 'w').write('')\n"
        "e = PyTorch(entry_point='sm402_made.py')\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        paths = ctx.paths
        if paths is None or not ctx.facts.sources:
            return
        created = list(paths.created)
        for fact in ctx.facts.sources:
            if not fact.remote:
                yield from self._check(fact, paths, created)

    def _check(
        self, fact: SourceFiles, paths: SourcePaths, created: List[str]
    ) -> Iterator[Finding]:
        folder: Optional[str] = None
        if fact.source_dir is not None:
            found = _local(fact.source_dir.value)
            if found is None:
                return  # an S3 archive, or unknown: entry_point is inside it
            folder, node = found
            if not paths.exists(folder) and not _made(folder, created):
                yield self._missing(node, "source_dir", folder, fact, "folder")
                return
        entry = fact.entry_point
        if entry is not None and (folder is not None or not fact.model):
            found = _local(entry.value)
            if found is not None:
                path, node = found
                full = f"{folder.rstrip('/')}/{path}" if folder else path
                if not paths.exists(full) and not _made(path, created):
                    where = f" in `{folder}`" if folder else ""
                    yield self._missing(node, "entry_point", path, fact, "file", where)
        if fact.dependencies is not None and isinstance(fact.dependencies.value, ListValue):
            for item in fact.dependencies.value.items:
                found = _local(item)
                if found is not None and not paths.exists(found[0]) and not _made(
                    found[0], created
                ):
                    yield self._missing(found[1], "dependencies", found[0], fact, "path")

    def _missing(
        self, node: cst.CSTNode, what: str, path: str, fact: SourceFiles, kind: str,
        where: str = "",
    ) -> Finding:
        return self.finding(
            node,
            f"`{what}` names {kind} `{path}`{where}, which does not exist (looked up next to "
            "this file and at the repository root): the SDK fails when it packages the code",
            used_by=fact.site,
            once_per_node=True,
        )


def _local(value: object) -> Optional[Tuple[str, cst.CSTNode]]:
    """A known local path and where it is written; None for S3, URLs and unknown values."""
    if not isinstance(value, Scalar) or not isinstance(value.value, str) or value.derived:
        return None
    path = value.value.strip()
    if not path or path.startswith(_NOT_LOCAL) or path.startswith("~") or "$" in path:
        return None
    return path, value.literal


def _normal(path: str) -> str:
    while path.startswith("./"):
        path = path[2:]
    return path.rstrip("/")


def _made(path: str, created: Iterable[str]) -> bool:
    """Whether something in the file may create the path (or the folder it is in)."""
    path = _normal(path)
    top = path.split("/", 1)[0]
    for text in created:
        if path in text or (top and _normal(text).split("/", 1)[0] == top):
            return True
    return False
