"""The language server skips only work that cannot change a result (issue 29, "Editor"):
quick edits publish the last version only, and whatever the server reuses (the text of the
last check again, a notebook whose code cells did not change) equals a fresh check, through
a real LSP client (pytest-lsp). A held worker (SAGELINT_TEST_HOLD_CHECKS) shows what was
answered without running the engine: a reused result is published while checks are held."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import pytest
from lsprotocol import converters
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from conftest import ROOT
from sagelint.config import resolve_settings
from sagelint.engine import Engine
from sagelint.model import FileResult
from sagelint.server import notebook_bytes, notebook_identity
from test_cli import BAD, GOOD
from test_server import codes, open_text, published, replace_text
from test_server_load import HOLD, change, client, held, hover_answered, record_publishes

__all__ = ["client", "held"]  # the fixtures, imported for pytest

CONVERTER = converters.get_converter()
FIXTURES = ROOT / "fixtures"

SDK_SCRIPT = """\
from sagemaker.estimator import Estimator

estimator = Estimator(image_uri="my-image", role="r", instance_count=1,
                      instance_type="ml.m5.xlarge")
"""


def plain(diagnostics: Sequence[lsp.Diagnostic], uri: str) -> List[Dict[str, Any]]:
    """Diagnostics as JSON, the document's own uri (in related information) made neutral."""
    text = json.dumps(CONVERTER.unstructure(list(diagnostics)), sort_keys=True)
    return list(json.loads(text.replace(json.dumps(uri)[1:-1], "<document>")))


async def fresh(client: LanguageClient, path: Path, text: str) -> List[Dict[str, Any]]:
    """The diagnostics of `text` checked from scratch, as a document of its own."""
    return plain(await open_text(client, path, text), path.as_uri())


# -- scripts ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_rapid_edits_publish_the_last_version_only_equal_to_a_fresh_check(
    held: LanguageClient, tmp_path: Path
) -> None:
    client, path = held, tmp_path / "deploy.py"
    uri = path.as_uri()
    seen = record_publishes(client)
    HOLD.touch()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, GOOD))
    )
    texts = [BAD, GOOD, BAD.replace('"r"', '"role"'), BAD + "\n# more\n", BAD.replace("m5", "m4")]
    for version, text in enumerate(texts, 2):
        change(client, path, text, version)
    await hover_answered(client, path)  # every change was read before the checks go on
    HOLD.unlink()
    last = plain(await published(client, uri), uri)
    assert [(p.uri, p.version) for p in seen] == [(uri, len(texts) + 1)]
    assert codes(client.diagnostics[uri])
    assert last == await fresh(client, tmp_path / "fresh.py", texts[-1])


@pytest.mark.asyncio
async def test_an_edit_undone_publishes_what_a_fresh_check_gives(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "deploy.py"
    first = plain(await open_text(client, path, BAD), path.as_uri())
    assert codes(await replace_text(client, path, GOOD, 2)) == []
    again = plain(await replace_text(client, path, BAD, 3), path.as_uri())
    assert again == first == await fresh(client, tmp_path / "fresh.py", BAD)


@pytest.mark.asyncio
async def test_the_same_text_is_checked_again_when_a_declaration_it_read_changed(
    client: LanguageClient, tmp_path: Path
) -> None:
    """SM6 read requirements.txt: the same text after the declaration changed is not the
    same input (reported by the editor, or noticed on save by comparing its content)."""
    (tmp_path / ".git").mkdir()  # the repository root stops the walk up
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("sagemaker>=3\n", encoding="utf-8")
    path = tmp_path / "train.py"
    assert "SM604" in codes(await open_text(client, path, SDK_SCRIPT))
    requirements.write_text("sagemaker==2.257.7\n", encoding="utf-8")
    client.diagnostics.pop(path.as_uri(), None)
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([
        lsp.FileEvent(requirements.as_uri(), lsp.FileChangeType.Changed)
    ]))
    assert "SM604" not in codes(await published(client, path.as_uri()))
    requirements.write_text("sagemaker>=3\n", encoding="utf-8")  # not reported this time
    client.diagnostics.pop(path.as_uri(), None)
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(path.as_uri()))
    )
    assert "SM604" in codes(await published(client, path.as_uri()))


ENTRY_SCRIPT = """\
from sagemaker.pytorch import PyTorch

PyTorch(entry_point="train.py", role="r", instance_type="ml.g5.xlarge", instance_count=1)
"""


@pytest.mark.asyncio
async def test_the_same_text_is_checked_again_when_a_path_it_asked_about_appeared(
    client: LanguageClient, tmp_path: Path
) -> None:
    """SM402 asked whether train.py exists: once it does, the same text saved again is
    checked again (the worker compares the answers), as a fresh check would be."""
    (tmp_path / ".git").mkdir()
    path = tmp_path / "launch.py"
    assert "SM402" in codes(await open_text(client, path, ENTRY_SCRIPT))
    (tmp_path / "train.py").write_text("print('training')\n", encoding="utf-8")
    client.diagnostics.pop(path.as_uri(), None)
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(path.as_uri()))
    )
    assert "SM402" not in codes(await published(client, path.as_uri()))


# -- notebooks ----------------------------------------------------------------------------------

Cell = Tuple[lsp.NotebookCellKind, str]
CODE, MARKUP = lsp.NotebookCellKind.Code, lsp.NotebookCellKind.Markup
# A model's env in one cell, the model in the next, its deploy in a later one: an edit of
# the first changes what is reported in the others.
NOTEBOOK: List[Cell] = [
    (MARKUP, "# Deploy the ranker\n"),
    (CODE, "from sagemaker.pytorch import PyTorchModel\n\nENV = {\"LOG_LEVEL\": \"info\"}\n"),
    (CODE, 'model = PyTorchModel(model_data="s3://b/model.tar.gz", role="r", env=ENV)\n'),
    (MARKUP, "Then deploy it.\n"),
    (CODE, 'model.deploy(initial_instance_count=1, instance_type="ml.m5.large")\n'),
]
TIMEOUT_ENV = 'ENV = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "600"}\n'


def cell_uris(notebook: Path, count: int) -> List[str]:
    return [f"{notebook.as_uri()}#cell{n}" for n in range(1, count + 1)]


def open_notebook(client: LanguageClient, notebook: Path, cells: List[Cell]) -> List[str]:
    uris = cell_uris(notebook, len(cells))
    for uri in uris:
        client.diagnostics.pop(uri, None)
    client.notebook_document_did_open(lsp.DidOpenNotebookDocumentParams(
        lsp.NotebookDocument(notebook.as_uri(), "jupyter-notebook", 1,
                             [lsp.NotebookCell(kind, uri) for (kind, _), uri in zip(cells, uris)]),
        [lsp.TextDocumentItem(uri, "python" if kind == CODE else "markdown", 1, text)
         for (kind, text), uri in zip(cells, uris)],
    ))
    return uris


def edit_cell(
    client: LanguageClient, notebook: Path, uris: List[str], index: int, text: str, version: int
) -> None:
    for uri in uris:
        client.diagnostics.pop(uri, None)
    client.notebook_document_did_change(lsp.DidChangeNotebookDocumentParams(
        lsp.VersionedNotebookDocumentIdentifier(version, notebook.as_uri()),
        lsp.NotebookDocumentChangeEvent(cells=lsp.NotebookDocumentCellChanges(text_content=[
            lsp.NotebookDocumentCellContentChanges(
                lsp.VersionedTextDocumentIdentifier(version, uris[index]),
                [lsp.TextDocumentContentChangeWholeDocument(text)],
            )
        ])),
    ))


async def every_cell(
    client: LanguageClient, notebook: Path, uris: List[str]
) -> List[List[Dict[str, Any]]]:
    """Each cell's diagnostics (the cells' own uris made neutral)."""
    out = []
    for uri in uris:
        found = plain(await published(client, uri), uri)
        text = json.dumps(found).replace(notebook.as_uri(), "<notebook>")
        out.append(json.loads(text))
    return out


@pytest.mark.asyncio
async def test_a_notebook_edit_in_one_cell_equals_a_full_check_of_the_edited_notebook(
    client: LanguageClient, tmp_path: Path
) -> None:
    notebook = tmp_path / "deploy.ipynb"
    uris = open_notebook(client, notebook, NOTEBOOK)
    before = await every_cell(client, notebook, uris)
    assert "SM201" in codes(client.diagnostics[uris[4]])
    edit_cell(client, notebook, uris, 1, NOTEBOOK[1][1].replace(
        'ENV = {"LOG_LEVEL": "info"}\n', TIMEOUT_ENV), 2)
    after = await every_cell(client, notebook, uris)
    assert after != before  # the edit of cell 2 changed what cell 5 reports
    edited = list(NOTEBOOK)
    edited[1] = (CODE, edited[1][1].replace('ENV = {"LOG_LEVEL": "info"}\n', TIMEOUT_ENV))
    other = tmp_path / "fresh.ipynb"
    assert after == await every_cell(client, other, open_notebook(client, other, edited))


@pytest.mark.asyncio
async def test_a_markdown_edit_runs_no_check_and_publishes_what_a_full_check_gives(
    held: LanguageClient, tmp_path: Path
) -> None:
    client, notebook = held, tmp_path / "deploy.ipynb"
    uris = open_notebook(client, notebook, NOTEBOOK)
    before = await every_cell(client, notebook, uris)
    assert any(before)
    HOLD.touch()  # from here on, only an answer without the engine can come
    edit_cell(client, notebook, uris, 3, "Then deploy it, **on a GPU**.\n", 2)
    assert await every_cell(client, notebook, uris) == before
    assert not client.diagnostics[uris[3]]
    HOLD.unlink()
    edited = list(NOTEBOOK)
    edited[3] = (MARKUP, "Then deploy it, **on a GPU**.\n")
    other = tmp_path / "fresh.ipynb"
    assert before == await every_cell(client, other, open_notebook(client, other, edited))


def _notebook_cells(path: Path) -> List[Tuple[bool, str]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return [
        (cell.get("cell_type") == "code", "".join(cell.get("source", "")))
        for cell in document["cells"]
    ]


def _as_server_reads(result: FileResult) -> List[Any]:
    """What the server uses of a result: every diagnostic but its rows in the .ipynb text."""
    return [(d.code, d.message, d.cell, d.location, d.end_location, d.fix, d.severity)
            for d in result.diagnostics]


@pytest.mark.parametrize(
    "path",
    sorted((FIXTURES / "notebooks").glob("*.ipynb")) + sorted(FIXTURES.glob("**/examples/*.ipynb")),
    ids=lambda path: path.name,
)
def test_a_notebook_checks_the_same_as_its_identity(path: Path) -> None:
    """The engine reads no more of a notebook than notebook_identity keeps: checked with each
    non-code cell standing as its identity, every fixture notebook gives the same result."""
    cells = _notebook_cells(path)
    settings = resolve_settings(None)
    engine = Engine(settings)
    python = [is_code for is_code, _ in cells]
    texts = [text for _, text in cells]
    written = notebook_bytes(python, texts)
    identity = notebook_identity(python, texts, settings.catalog.trigger_words)
    assert _as_server_reads(engine.check(str(path), written)) == _as_server_reads(
        engine.check(str(path), identity)
    )
    if not all(python):
        changed = [text if code else text + "\nMore notes.\n" for code, text in cells]
        assert notebook_identity(python, changed, settings.catalog.trigger_words) == identity


def test_a_markdown_cell_naming_the_sdk_keeps_its_word_in_the_identity() -> None:
    """The prefilter looks at the whole file: a notebook whose only mention of SageMaker is
    in its markdown is checked (a syntax error in a code cell is reported), and one without
    is not; the identity keeps the difference."""
    settings = resolve_settings(None)
    python, code = [False, True], "x = (\n"
    named = notebook_identity(python, ["Using SageMaker: sagemaker", code],
                              settings.catalog.trigger_words)
    unnamed = notebook_identity(python, ["Using nothing", code], settings.catalog.trigger_words)
    assert named != unnamed
    engine = Engine(settings)
    assert [d.code for d in engine.check("n.ipynb", named).diagnostics] == ["SM001"]
    assert engine.check("n.ipynb", unnamed).diagnostics == ()


# -- the worker's results -----------------------------------------------------------------------


def test_last_results_reuse_only_the_same_input_with_the_same_outside_inputs(
    tmp_path: Path,
) -> None:
    from sagelint.live import LastResults
    from sagelint.model import FileError

    results = LastResults(documents=2, per_document=2)
    a, b, c = FileResult("x.py"), FileResult("x.py"), FileResult("x.py")
    results.put("doc", 1, "x.py", b"A", a)
    results.put("doc", 1, "x.py", b"B", b)
    assert results.get("doc", 1, "x.py", b"A") is a  # an edit undone
    assert results.get("doc", 2, "x.py", b"A") is None  # other settings
    assert results.get("doc", 1, "y.py", b"A") is None  # another path
    assert results.get("other", 1, "x.py", b"A") is None
    results.put("doc", 1, "x.py", b"C", c)  # three inputs: the least recently used goes
    assert results.get("doc", 1, "x.py", b"B") is None
    assert results.get("doc", 1, "x.py", b"C") is c
    # Not kept: an error.
    results.put("doc", 1, "x.py", b"E", FileResult("x.py", error=FileError("too slow")))
    assert results.get("doc", 1, "x.py", b"E") is None
    # A result that asked whether a path exists: kept while the answer stays.
    entry = tmp_path / "inference.py"
    paths = FileResult("x.py", reads_paths=True, path_answers=((str(entry), False),))
    results.put("doc", 1, "x.py", b"P", paths)
    assert results.get("doc", 1, "x.py", b"P") is paths
    entry.write_text("", encoding="utf-8")
    assert results.get("doc", 1, "x.py", b"P") is None
    # A declaration file read: kept while its content stays.
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("sagemaker>=3\n", encoding="utf-8")
    sdk = FileResult("x.py", sdk_inputs=(str(requirements),))
    results.put("doc", 1, "x.py", b"S", sdk)
    assert results.get("doc", 1, "x.py", b"S") is sdk
    requirements.write_text("sagemaker<3\n", encoding="utf-8")
    assert results.get("doc", 1, "x.py", b"S") is None
    # Documents beyond the limit: the least recently checked goes.
    results.put("second", 1, "x.py", b"A", a)
    results.put("third", 1, "x.py", b"A", a)
    assert results.get("doc", 1, "x.py", b"C") is None
    assert results.get("third", 1, "x.py", b"A") is a
