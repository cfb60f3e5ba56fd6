"""The language server and the other files of a project a check reads (issue 28, "Other
modules of the project" and "Configuration files"): a change of such a file, on disk or in
an unsaved editor buffer, checks the documents that read it again, through a real LSP
client (pytest-lsp)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from test_server import codes, open_text, published
from test_server_load import client

__all__ = ["client"]  # the fixture, imported for pytest

SCRIPT = """\
import json
from pathlib import Path

from sagemaker.pytorch import PyTorchModel

with open(Path(__file__).parent / "serve.json") as f:
    cfg = json.load(f)

model = PyTorchModel(
    model_data="s3://models/m.tar.gz",
    role="arn:aws:iam::123456789012:role/SageMakerRole",
    framework_version="2.1",
    py_version="py310",
    env=cfg["env"],
)
"""


def settings(timeout: object) -> str:
    return json.dumps({"env": {"SAGEMAKER_MODEL_SERVER_TIMEOUT": timeout}}, indent=2) + "\n"


@pytest.mark.asyncio
async def test_a_changed_configuration_file_checks_its_readers_again(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / ".git").mkdir()
    config = tmp_path / "serve.json"
    config.write_text(settings(300), encoding="utf-8")  # a number: SM103
    script = tmp_path / "deploy.py"
    uri = script.as_uri()
    assert "SM103" in codes(await open_text(client, script, SCRIPT))

    # Changed on disk, reported by the editor's file watcher.
    config.write_text(settings("300"), encoding="utf-8")
    client.diagnostics.pop(uri, None)
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([
        lsp.FileEvent(config.as_uri(), lsp.FileChangeType.Changed)
    ]))
    assert "SM103" not in codes(await published(client, uri))

    # Edited in the editor and not saved: the check reads the buffer, not the disk.
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        lsp.TextDocumentItem(config.as_uri(), "json", 1, settings("300"))
    ))
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        lsp.VersionedTextDocumentIdentifier(2, config.as_uri()),
        [lsp.TextDocumentContentChangeWholeDocument(settings(30))],
    ))
    found = await published(client, uri)
    assert "SM103" in codes(found) and "SM104" in codes(found)
    assert json.loads(config.read_text(encoding="utf-8"))["env"] == {
        "SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"
    }  # the disk as it was

    # Closed without saving: the disk's text again.
    client.diagnostics.pop(uri, None)
    client.text_document_did_close(
        lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(config.as_uri()))
    )
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri))
    )
    assert codes(await published(client, uri)) == []


MODULE_SCRIPT = """\
from sagemaker.pytorch import PyTorchModel

from config import SERVER_ENV

model = PyTorchModel(
    model_data="s3://models/m.tar.gz",
    role="arn:aws:iam::123456789012:role/SageMakerRole",
    framework_version="2.1",
    py_version="py310",
    env=SERVER_ENV,
)
"""


@pytest.mark.asyncio
async def test_an_unsaved_edit_of_an_imported_module_checks_its_importers_again(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / ".git").mkdir()
    module = tmp_path / "config.py"
    module.write_text('SERVER_ENV = {"HF_MODEL_ID": "org/model"}\n', encoding="utf-8")
    script = tmp_path / "deploy.py"
    uri = script.as_uri()
    assert "SM102" in codes(await open_text(client, script, MODULE_SCRIPT))

    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        lsp.TextDocumentItem(module.as_uri(), "python", 1, module.read_text(encoding="utf-8"))
    ))
    client.diagnostics.pop(uri, None)
    fixed = 'SERVER_ENV = {"HF_MODEL_ID": "org/model", "SAGEMAKER_MODEL_SERVER_TIMEOUT": "600"}\n'
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        lsp.VersionedTextDocumentIdentifier(2, module.as_uri()),
        [lsp.TextDocumentContentChangeWholeDocument(fixed)],
    ))
    assert "SM102" not in codes(await published(client, uri))
