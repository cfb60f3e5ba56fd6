"""`sagelint check --show-settings`: per file, the settings it is checked with, the
configuration file they come from, and the SageMaker SDK releases admitted for it (SM6) with
the declaration that decided them. It checks nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Sequence, Tuple

if TYPE_CHECKING:
    from sagelint.config import Settings
    from sagelint.sdk_versions import Admitted, Finder

ADMITTED = "admitted SDK releases"


def _value(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, tuple):
        if value and all(isinstance(item, tuple) for item in value):  # per-file-ignores
            return json.dumps({pattern: list(codes) for pattern, codes in value})
        return json.dumps(list(value))
    return json.dumps(value)


def setting_lines(settings: Settings) -> List[str]:
    """`key = value` for every configuration key, in the schema's order."""
    from sagelint.config import SCHEMA

    lines = []
    for key in SCHEMA:
        value = getattr(settings, key.replace("-", "_"))
        if key == "exclude" and value is None:
            lines.append(f"{key} = (the default excludes)")
            continue
        lines.append(f"{key} = {_value(value)}")
    return lines


def notebook_cells(path: str) -> Optional[List[Tuple[int, str]]]:
    """A notebook's code cells (number, source); None for a script or a notebook that
    cannot be read (its install cells are then not shown)."""
    if not path.endswith(".ipynb"):
        return None
    from sagelint import notebook as nb
    from sagelint.files import read_bounded, source_limit

    try:
        book = nb.load(read_bounded(path, source_limit(path)))
    except (OSError, ValueError, nb.NotebookError):
        return None
    return [
        (number, book.cell_source(number))
        for number, cell in enumerate(book.cells, 1)
        if cell.get("cell_type") == "code"
    ]


def admitted_lines(path: str, settings: Settings, finder: Finder) -> List[str]:
    """The file's admitted set, then, for a notebook, the set each install cell sets for
    the cells after it."""
    from sagelint.sdk_versions import FileSdk

    file_sdk = FileSdk(path, settings.sdk_version, settings.root, finder, notebook_cells(path))
    lines = [f"{ADMITTED}: {file_sdk.base().describe()}"]
    installs: Sequence[Tuple[int, Admitted]] = file_sdk.installs()
    for cell, admitted in installs:
        lines.append(f"{ADMITTED} after cell {cell}: {admitted.describe()}")
    return lines


def show(
    files: Sequence[str],
    settings_for: Callable[[Path], Settings],
    config_for: Callable[[Path], Optional[Path]],
    echo: Callable[[str], None],
) -> None:
    from sagelint.sdk_versions import Finder, shown_path

    finder = Finder()
    for number, path in enumerate(files):
        settings = settings_for(Path(path))
        config = config_for(Path(path))
        if number:
            echo("")
        echo(path)
        echo(f"  configuration: {shown_path(config) if config else '(none: the defaults)'}")
        for line in (*setting_lines(settings), *admitted_lines(path, settings, finder)):
            echo(f"  {line}")
