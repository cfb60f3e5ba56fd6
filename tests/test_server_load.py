"""The language server under load and bad input: checks run off the event loop, a newer edit
wins, large documents wait for a save, invalid params get -32602, and a broken message
header does not wedge or kill it. A real LSP client (pytest-lsp) where the client can say
it; raw bytes on the server's standard input where it cannot. No timed assertions: a test
holds the worker's checks (SAGELINT_TEST_HOLD_CHECKS) and observes the order of events."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import attrs
import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from sagelint.live import HOLD_ENV
from sagelint.server import LIVE_CHECK_BYTES
from test_cli import BAD, GOOD
from test_server import WAIT, codes, open_text, published

SERVER = [sys.executable, "-m", "sagelint", "server"]
# While this file exists, the server's worker holds every check before running it.
HOLD = Path(tempfile.gettempdir()) / f"sagelint-hold-{os.getpid()}"


async def _initialize(lsp_client: LanguageClient, root: Path) -> None:
    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams) -> None:
        pass

    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=root.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(root.as_uri(), "workspace")],
        )
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient, tmp_path: Path) -> Any:
    await _initialize(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER, server_env={**os.environ, HOLD_ENV: str(HOLD)})
)
async def held(lsp_client: LanguageClient, tmp_path: Path) -> Any:
    """A client whose server holds its checks while HOLD exists (the test creates it)."""
    await _initialize(lsp_client, tmp_path)
    yield
    HOLD.unlink(missing_ok=True)
    await lsp_client.shutdown_session()


def record_publishes(client: LanguageClient) -> List[lsp.PublishDiagnosticsParams]:
    """Every publishDiagnostics the client receives from now on (it keeps only the last)."""
    seen: List[lsp.PublishDiagnosticsParams] = []
    features = client.protocol.fm.features
    original = features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: lsp.PublishDiagnosticsParams) -> Any:
        seen.append(params)
        return original(params)

    features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    return seen


def change(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version, path.as_uri()),
            [lsp.TextDocumentContentChangeWholeDocument(text)],
        )
    )


def large_text() -> str:
    """BAD, then ordinary code up to just over the live-check limit."""
    rows, size, number = [BAD], len(BAD), 0
    while size <= LIVE_CHECK_BYTES:
        rows.append(f"row_{number} = {number}\n")
        size += len(rows[-1])
        number += 1
    return "".join(rows)


# -- checks off the event loop ---------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_large_document_is_checked_on_save_and_the_server_says_so_once(
    client: LanguageClient, tmp_path: Path
) -> None:
    big, small, other = tmp_path / "big.py", tmp_path / "small.py", tmp_path / "other.py"
    text = large_text()
    assert len(text.encode()) > LIVE_CHECK_BYTES
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(big.as_uri(), "python", 1, text))
    )
    # The worker checks one document at a time, in order: once the small document opened
    # after it is published, a check of the large one would have been published before.
    assert codes(await open_text(client, small, BAD))
    assert big.as_uri() not in client.diagnostics
    change(client, big, text + "x = 1\n", 2)
    assert codes(await open_text(client, other, BAD))
    assert big.as_uri() not in client.diagnostics
    told = [m.message for m in client.messages if "big.py" in m.message]
    assert told == ["sagelint: big.py is 1.0 MB, more than 1 MB: it is checked when saved,"
                    " not as you type"]
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(big.as_uri()))
    )
    assert codes(await published(client, big.as_uri())) == codes(client.diagnostics[small.as_uri()])


@pytest.mark.asyncio
async def test_quick_edits_publish_the_diagnostics_of_the_last_version_only(
    held: LanguageClient, tmp_path: Path
) -> None:
    client, path = held, tmp_path / "deploy.py"
    seen = record_publishes(client)
    HOLD.touch()
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, BAD))
    )
    change(client, path, GOOD, 2)
    change(client, path, BAD.replace('"r"', '"role"'), 3)
    await hover_answered(client, path)  # the changes were read before the checks go on
    HOLD.unlink()
    diagnostics = await published(client, uri)
    assert codes(diagnostics)
    assert [(p.uri, p.version) for p in seen] == [(uri, 3)]


@pytest.mark.asyncio
async def test_a_check_from_before_a_close_is_not_published_after_reopening(
    held: LanguageClient, tmp_path: Path
) -> None:
    """The reopened document's checks are numbered after every earlier one: the check of
    the closed text (version 1 too) finishes first and is dropped."""
    client, path, other = held, tmp_path / "deploy.py", tmp_path / "other.py"
    uri = path.as_uri()
    seen = record_publishes(client)
    HOLD.touch()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, BAD))
    )
    await hover_answered(client, path)
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, GOOD))
    )
    await hover_answered(client, path)
    HOLD.unlink()
    # The worker checks in order: once a document opened afterwards is published, every
    # check of deploy.py has finished.
    assert codes(await open_text(client, other, BAD))
    mine = [p for p in seen if p.uri == uri]
    assert mine and all(not p.diagnostics for p in mine), mine


@pytest.mark.asyncio
async def test_the_server_answers_while_a_check_runs(held: LanguageClient, tmp_path: Path) -> None:
    client, path = held, tmp_path / "deploy.py"
    HOLD.touch()
    text = BAD.replace('py_version="py310")', 'py_version="py310")  # noqa: SM201')
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(path.as_uri(), "python", 1, text))
    )
    hover = await hover_answered(client, path, lsp.Position(2, text.splitlines()[2].index("SM201")))
    assert hover is not None and "SM201" in str(hover.contents)
    assert path.as_uri() not in client.diagnostics  # its check is still held
    HOLD.unlink()
    assert codes(await published(client, path.as_uri()))


async def hover_answered(
    client: LanguageClient, path: Path, where: Optional[lsp.Position] = None
) -> Any:
    return await asyncio.wait_for(
        client.text_document_hover_async(
            lsp.HoverParams(lsp.TextDocumentIdentifier(path.as_uri()), where or lsp.Position(0, 0))
        ),
        WAIT,
    )


# -- JSON-RPC errors -------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_request_with_invalid_params_gets_invalid_params(
    client: LanguageClient, tmp_path: Path
) -> None:
    position = lsp.Position(0, 0)
    with attrs.validators.disabled():
        object.__setattr__(position, "line", "first")  # not an integer
    params = lsp.HoverParams(lsp.TextDocumentIdentifier((tmp_path / "x.py").as_uri()), position)
    with pytest.raises(JsonRpcException) as raised:
        await asyncio.wait_for(client.text_document_hover_async(params), WAIT)
    assert raised.value.code == -32602
    assert "textDocument/hover" in raised.value.message
    # and the server goes on
    assert codes(await open_text(client, tmp_path / "deploy.py", BAD))


# -- the wire: raw bytes on standard input ---------------------------------------------------


def frame(message: Dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def session(broken: bytes) -> Tuple[List[Dict[str, Any]], str, int]:
    """The server's answers, standard error and exit code for `broken` followed by a whole
    session (initialize, initialized, shutdown, exit)."""
    stream = broken + b"".join([
        frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
               "params": {"processId": None, "rootUri": None, "capabilities": {}}}),
        frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
        frame({"jsonrpc": "2.0", "method": "exit"}),
    ])
    done = subprocess.run(SERVER, input=stream, capture_output=True, timeout=120)
    answers = []
    rest = done.stdout
    while rest:
        head, _, rest = rest.partition(b"\r\n\r\n")
        headers = dict(line.split(b": ", 1) for line in head.split(b"\r\n"))
        length = int(headers[b"Content-Length"])
        answers.append(json.loads(rest[:length]))
        rest = rest[length:]
    return answers, done.stderr.decode(), done.returncode


LOST = json.dumps({"jsonrpc": "2.0", "id": 99, "method": "shutdown"}).encode()
BROKEN_HEADERS = {
    "not a number": b"Content-Length: abc\r\n\r\n" + LOST,
    "negative": b"Content-Length: -5\r\n\r\n" + LOST,
    "huge": b"Content-Length: 99999999999999999999999\r\n\r\n" + LOST,
    "missing": b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + LOST,
    "not a header": b"hello\r\n\r\n" + LOST,
}


@pytest.mark.parametrize("case", sorted(BROKEN_HEADERS))
def test_a_bad_header_is_skipped_and_the_next_message_answered(case: str) -> None:
    answers, stderr, code = session(BROKEN_HEADERS[case])
    assert "Traceback" not in stderr
    assert code == 0, stderr
    by_id = {answer.get("id"): answer for answer in answers}
    assert "capabilities" in by_id[1]["result"]
    assert 2 in by_id and 99 not in by_id
    warnings = [line for line in stderr.splitlines() if line.startswith("sagelint server:")]
    assert len(warnings) == 1 and "skipped" in warnings[0], stderr


def test_a_body_that_is_not_json_gets_a_parse_error() -> None:
    answers, stderr, code = session(b"Content-Length: 5\r\n\r\n{oops")
    assert "Traceback" not in stderr and code == 0
    assert answers[0]["id"] is None and answers[0]["error"]["code"] == -32700
    assert "capabilities" in answers[1]["result"]
