"""`sagelint server` end to end: a real LSP client (pytest-lsp) drives the real server
process over stdio."""

from __future__ import annotations

import ast
import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import ROOT
from test_cli import BAD, GOOD

FIXTURES = ROOT / "fixtures"
CHANGED = lsp.FileChangeType.Changed
WAIT = 20.0  # seconds a test waits for the server's diagnostics before it fails


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "sagelint", "server"])
)
async def client(lsp_client: LanguageClient, tmp_path: Path) -> Any:
    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams) -> None:
        lsp_client.registrations = params.registrations  # type: ignore[attr-defined]

    capabilities = client_capabilities("visual-studio-code")
    capabilities.notebook_document = lsp.NotebookDocumentClientCapabilities(
        lsp.NotebookDocumentSyncClientCapabilities()
    )
    lsp_client.initialize_result = await lsp_client.initialize_session(  # type: ignore[attr-defined]
        lsp.InitializeParams(
            capabilities=capabilities,
            root_uri=tmp_path.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(tmp_path.as_uri(), "workspace")],
            initialization_options={"sagelint": {"unsafeFixes": False}},
        )
    )
    yield
    await lsp_client.shutdown_session()


# -- helpers -----------------------------------------------------------------------------------


async def published(client: LanguageClient, uri: str) -> Sequence[lsp.Diagnostic]:
    """Wait for the next diagnostics of `uri` (the caller removed the previous ones)."""
    for _ in range(int(WAIT / 0.01)):
        if uri in client.diagnostics:
            return client.diagnostics[uri]
        await asyncio.sleep(0.01)
    raise AssertionError(f"no diagnostics published for {uri}")


async def open_text(
    client: LanguageClient, path: Path, text: str, version: int = 1
) -> Sequence[lsp.Diagnostic]:
    uri = path.as_uri()
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", version, text))
    )
    return await published(client, uri)


async def replace_text(
    client: LanguageClient, path: Path, text: str, version: int
) -> Sequence[lsp.Diagnostic]:
    uri = path.as_uri()
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version, uri),
            [lsp.TextDocumentContentChangeWholeDocument(text)],
        )
    )
    return await published(client, uri)


def close(client: LanguageClient, path: Path) -> None:
    client.text_document_did_close(
        lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(path.as_uri()))
    )


def codes(diagnostics: Sequence[lsp.Diagnostic]) -> List[str]:
    return sorted(str(d.code) for d in diagnostics)


async def actions(
    client: LanguageClient,
    uri: str,
    where: lsp.Range,
    diagnostics: Sequence[lsp.Diagnostic] = (),
    only: Optional[List[str]] = None,
) -> List[lsp.CodeAction]:
    found = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri), where, lsp.CodeActionContext(list(diagnostics), only)
        )
    )
    return [action for action in found or [] if isinstance(action, lsp.CodeAction)]


def offset(text: str, position: lsp.Position) -> int:
    """A UTF-16 LSP position as an offset in text (LSP line breaks: \\n, \\r\\n, \\r)."""
    lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)  # not str.splitlines: \f
    start = sum(len(line) for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for index, char in enumerate(line):
        if units >= position.character:
            return start + index
        units += 2 if ord(char) > 0xFFFF else 1
    return start + len(line.rstrip("\r\n"))


def apply(text: str, edits: Sequence[lsp.TextEdit]) -> str:
    spans = sorted(
        ((offset(text, e.range.start), offset(text, e.range.end), e.new_text) for e in edits),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_of(action: lsp.CodeAction) -> Dict[str, List[lsp.TextEdit]]:
    assert action.edit is not None and action.edit.document_changes is not None
    out: Dict[str, List[lsp.TextEdit]] = {}
    for change in action.edit.document_changes:
        assert isinstance(change, lsp.TextDocumentEdit)
        out.setdefault(change.text_document.uri, []).extend(
            e for e in change.edits if isinstance(e, lsp.TextEdit)
        )
    return out


def check_fix_stdout(path: Path, text: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "sagelint", "check", "--fix", "--no-cache", *args,
         "--stdin-filename", str(path)],
        input=text, capture_output=True, text=True, cwd=path.parent, timeout=120,
    )
    return result.stdout


# -- the tests ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_initialize_declares_what_the_server_does(client: LanguageClient) -> None:
    capabilities = client.initialize_result.capabilities  # type: ignore[attr-defined]
    assert capabilities.hover_provider
    assert capabilities.position_encoding == lsp.PositionEncodingKind.Utf16
    kinds = capabilities.code_action_provider.code_action_kinds
    assert lsp.CodeActionKind.QuickFix in kinds and "source.fixAll.sagelint" in kinds
    assert capabilities.notebook_document_sync is not None
    assert client.initialize_result.server_info.name == "sagelint"  # type: ignore[attr-defined]


@pytest.mark.asyncio
async def test_diagnostics_on_open_match_the_cli_and_follow_edits(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "deploy.py"
    found = await open_text(client, path, BAD)
    assert codes(found) == ["SM101", "SM201", "SM202"]
    deploy = next(d for d in found if d.code == "SM201")
    assert deploy.range.start == lsp.Position(3, 0)  # the CLI's 4:1
    assert deploy.source == "sagelint" and deploy.severity == lsp.DiagnosticSeverity.Warning
    assert "container_startup_health_check_timeout" in deploy.message
    assert "\nhelp: " in deploy.message and deploy.data["name"] == "startup-timeout-missing"
    assert codes(await replace_text(client, path, GOOD, 2)) == []
    assert codes(await replace_text(client, path, BAD, 3)) == ["SM101", "SM201", "SM202"]


@pytest.mark.asyncio
async def test_a_burst_of_changes_ends_with_the_diagnostics_of_its_last_text(
    client: LanguageClient, tmp_path: Path
) -> None:
    """A change after a quiet spell is checked at once; the changes of a burst after it are
    checked together once the burst is quiet: the last diagnostics are the last text's."""
    path = tmp_path / "deploy.py"
    uri = path.as_uri()
    await open_text(client, path, BAD)
    last = "import sagemaker\nmodel = (\n"  # SM001: no intermediate text gives it
    texts = [GOOD, BAD, GOOD, BAD, last]
    for version, text in enumerate(texts, 2):
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(version, uri),
                [lsp.TextDocumentContentChangeWholeDocument(text)],
            )
        )
    for _ in range(int(WAIT / 0.01)):
        if codes(client.diagnostics.get(uri, [])) == ["SM001"]:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)  # nothing older is published after it
    assert codes(client.diagnostics[uri]) == ["SM001"]


@pytest.mark.asyncio
async def test_syntax_error_is_sm001_and_the_server_keeps_serving(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "broken.py"
    found = await open_text(client, path, "import sagemaker\nmodel = (\n")
    assert codes(found) == ["SM001"]
    assert found[0].severity == lsp.DiagnosticSeverity.Error
    assert await actions(client, path.as_uri(), found[0].range, found) == []  # no noqa for SM001
    assert codes(await open_text(client, tmp_path / "next.py", BAD)) == ["SM101", "SM201", "SM202"]


@pytest.mark.asyncio
async def test_positions_count_utf16_code_units(client: LanguageClient, tmp_path: Path) -> None:
    # Before the finding on its line: two BMP characters and one outside it (a surrogate
    # pair in UTF-16): 3 characters, 4 code units.
    text = BAD.replace(
        'model.deploy(initial_instance_count=1, instance_type="ml.m5.large")',
        'x = "é😀"; model.deploy(initial_instance_count=1, instance_type="ml.m5.large")',
    )
    found = await open_text(client, tmp_path / "utf16.py", text)
    deploy = next(d for d in found if d.code == "SM201")
    prefix = 'x = "é😀"; '
    assert deploy.range.start == lsp.Position(3, len(prefix) + 1)
    assert deploy.range.end.character == len(prefix) + 1 + len(
        'model.deploy(initial_instance_count=1, instance_type="ml.m5.large")'
    )
    fix = next(
        a for a in await actions(client, (tmp_path / "utf16.py").as_uri(), deploy.range, [deploy])
        if a.title.endswith("(SM201)")
    )
    fixed = apply(text, edits_of(fix)[(tmp_path / "utf16.py").as_uri()])
    assert 'x = "é😀"; model.deploy(' in fixed and "container_startup_health_check_timeout" in fixed
    ast.parse(fixed)


def _fixable_codes() -> List[str]:
    from sagelint.rules import all_rules

    return [code for code, rule in all_rules().items() if rule.fix_availability is not None]


def _fixture_for(code: str) -> Optional[Path]:
    candidates = sorted(
        path for path in FIXTURES.rglob(f"{code}*.py")
        if not path.stem.endswith(("fixed", "not_sagemaker"))
    )
    return candidates[0] if candidates else None


@pytest.mark.asyncio
async def test_each_fixable_code_has_a_quick_fix_that_removes_it(
    client: LanguageClient, tmp_path: Path
) -> None:
    checked = []
    for code in _fixable_codes():
        fixture = _fixture_for(code)
        if fixture is None:
            continue
        client.workspace_did_change_configuration(
            lsp.DidChangeConfigurationParams({"sagelint": {"select": ["ALL", code],
                                                           "unsafeFixes": True}})
        )
        path = tmp_path / fixture.name
        text = fixture.read_text()
        found = [d for d in await open_text(client, path, text) if d.code == code]
        offered = []
        for diagnostic in found:
            for action in await actions(client, path.as_uri(), diagnostic.range, [diagnostic],
                                        only=[lsp.CodeActionKind.QuickFix]):
                if action.title.startswith("Disable"):
                    continue
                assert action.kind == lsp.CodeActionKind.QuickFix
                (target,) = action.diagnostics or []
                if target != diagnostic:
                    continue  # another diagnostic on the same span (SM103 under SM104)
                offered.append((diagnostic, action))
        close(client, path)
        if not offered:
            continue  # this fixture's findings have no fix that can be built
        diagnostic, action = offered[0]
        fixed = apply(text, edits_of(action)[path.as_uri()])
        ast.parse(fixed)
        assert fixed != text
        unsafe = "unsafe" in action.title
        assert action.is_preferred is not unsafe
        after = [d for d in await open_text(client, tmp_path / f"after_{fixture.name}", fixed)
                 if d.code == code]
        assert len(after) < len(found), (code, action.title)
        close(client, tmp_path / f"after_{fixture.name}")
        checked.append(code)
    print("quick fixes checked:", checked)
    assert {"SM101", "SM102", "SM103", "SM104", "SM201", "SM202", "SM203"} <= set(checked)


@pytest.mark.asyncio
async def test_unsafe_fixes_are_offered_only_when_enabled(
    client: LanguageClient, tmp_path: Path
) -> None:
    text = BAD.replace('py_version="py310")', 'py_version="py310", env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "30"})')
    path = tmp_path / "low.py"
    found = [d for d in await open_text(client, path, text) if d.code == "SM104"]
    assert found
    assert [a for a in await actions(client, path.as_uri(), found[0].range, found)
            if "(SM104" in a.title] == []
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams({"unsafeFixes": True})
    )
    client.diagnostics.pop(path.as_uri(), None)
    found = [d for d in await published(client, path.as_uri()) if d.code == "SM104"]
    titles = [a.title for a in await actions(client, path.as_uri(), found[0].range, found)]
    assert any("(SM104, unsafe fix)" in title for title in titles)


@pytest.mark.asyncio
@pytest.mark.parametrize("name", ["deploy_no_env.py", "deploy_partial_env.py", "BAD"])
async def test_fix_all_equals_check_fix(
    client: LanguageClient, tmp_path: Path, name: str
) -> None:
    text = BAD if name == "BAD" else (FIXTURES / "examples" / name).read_text()
    path = tmp_path / ("bad.py" if name == "BAD" else name)
    found = await open_text(client, path, text)
    everything = lsp.Range(lsp.Position(0, 0), lsp.Position(len(text.splitlines()) + 1, 0))
    fix_all = [a for a in await actions(client, path.as_uri(), everything, found,
                                        only=[lsp.CodeActionKind.SourceFixAll])]
    assert [a.kind for a in fix_all] == ["source.fixAll.sagelint"]
    edits = edits_of(fix_all[0])[path.as_uri()]
    assert all(e.new_text != text for e in edits)  # line edits, not the whole document
    assert apply(text, edits) == check_fix_stdout(path, text)


@pytest.mark.asyncio
async def test_noqa_action_adds_and_extends_the_comment(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "noqa.py"
    text = BAD.replace('"ml.m5.large")', '"ml.m5.large")  # noqa: SM202')
    found = await open_text(client, path, text)
    assert codes(found) == ["SM101", "SM201"]
    model = next(d for d in found if d.code == "SM101")
    disable = [a for a in await actions(client, path.as_uri(), model.range, [model])
               if a.title == "Disable SM101 for this line"]
    assert len(disable) == 1
    added = apply(text, edits_of(disable[0])[path.as_uri()])
    assert 'py_version="py310")  # noqa: SM101\n' in added
    deploy = next(d for d in found if d.code == "SM201")
    extend = next(a for a in await actions(client, path.as_uri(), deploy.range, [deploy])
                  if a.title == "Disable SM201 for this line")
    both = apply(added, edits_of(extend)[path.as_uri()])
    assert '"ml.m5.large")  # noqa: SM202, SM201\n' in both
    assert codes(await replace_text(client, path, both, 2)) == []


@pytest.mark.asyncio
async def test_hover_shows_the_rule_docs(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "hover.py"
    text = BAD.replace('"ml.m5.large")', '"ml.m5.large")  # noqa: SM202')
    found = await open_text(client, path, text)
    deploy = next(d for d in found if d.code == "SM201")
    on_diagnostic = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(path.as_uri()), deploy.range.start)
    )
    assert on_diagnostic is not None
    assert "startup-timeout-missing (SM201)" in on_diagnostic.contents.value
    line = text.splitlines()[3]
    on_noqa = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(path.as_uri()),
                        lsp.Position(3, line.index("SM202") + 2))
    )
    assert on_noqa is not None and "download-timeout-missing (SM202)" in on_noqa.contents.value
    nowhere = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(path.as_uri()), lsp.Position(1, 0))
    )
    assert nowhere is None


NOTEBOOK_CELLS = [
    (lsp.NotebookCellKind.Code, "from sagemaker.pytorch import PyTorchModel\n%pip install x\n"),
    (lsp.NotebookCellKind.Markup, "# Deploy"),
    (lsp.NotebookCellKind.Code,
     'model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1", py_version="py310")'),
    (lsp.NotebookCellKind.Code,
     'model.deploy(initial_instance_count=1, instance_type="ml.m5.large")'),
]


@pytest.mark.asyncio
async def test_notebook_cells_are_one_module_with_diagnostics_per_cell(
    client: LanguageClient, tmp_path: Path
) -> None:
    notebook_uri = (tmp_path / "deploy.ipynb").as_uri()
    cells = [f"{notebook_uri}#cell{n}" for n in range(len(NOTEBOOK_CELLS))]
    for uri in cells:
        client.diagnostics.pop(uri, None)
    client.notebook_document_did_open(
        lsp.DidOpenNotebookDocumentParams(
            lsp.NotebookDocument(
                notebook_uri, "jupyter-notebook", 1,
                [lsp.NotebookCell(kind, uri) for (kind, _), uri in zip(NOTEBOOK_CELLS, cells)],
            ),
            [lsp.TextDocumentItem(uri, "python" if kind == lsp.NotebookCellKind.Code else
                                  "markdown", 1, text)
             for (kind, text), uri in zip(NOTEBOOK_CELLS, cells)],
        )
    )
    assert codes(await published(client, cells[3])) == ["SM201", "SM202"]
    model = await published(client, cells[2])
    assert codes(model) == ["SM101"] and model[0].range.start == lsp.Position(0, 8)
    assert codes(await published(client, cells[0])) == []
    deploy = client.diagnostics[cells[3]]
    fix_all = await actions(client, cells[3], deploy[0].range, deploy,
                            only=["source.fixAll"])
    assert len(fix_all) == 1
    changed = edits_of(fix_all[0])
    assert set(changed) == {cells[2], cells[3]}  # the model's cell and the deploy's
    fixed_deploy = apply(NOTEBOOK_CELLS[3][1], changed[cells[3]])
    assert "container_startup_health_check_timeout=600" in fixed_deploy
    assert "SAGEMAKER_MODEL_SERVER_TIMEOUT" in apply(NOTEBOOK_CELLS[2][1], changed[cells[2]])
    quick = [a for a in await actions(client, cells[3], deploy[0].range, [deploy[0]])
             if a.title.endswith(f"({deploy[0].code})")]
    assert set(edits_of(quick[0])) == {cells[3]}
    # An edit in a cell is checked again, the whole notebook with it.
    client.diagnostics.pop(cells[3], None)
    client.notebook_document_did_change(
        lsp.DidChangeNotebookDocumentParams(
            lsp.VersionedNotebookDocumentIdentifier(2, notebook_uri),
            lsp.NotebookDocumentChangeEvent(
                cells=lsp.NotebookDocumentCellChanges(
                    text_content=[
                        lsp.NotebookDocumentCellContentChanges(
                            lsp.VersionedTextDocumentIdentifier(2, cells[3]),
                            [lsp.TextDocumentContentChangeWholeDocument(fixed_deploy)],
                        )
                    ]
                )
            ),
        )
    )
    assert codes(await published(client, cells[3])) == []


@pytest.mark.asyncio
async def test_configuration_is_nearest_and_reloaded_when_it_changes(
    client: LanguageClient, tmp_path: Path
) -> None:
    config = tmp_path / "service" / "pyproject.toml"
    config.parent.mkdir()
    config.write_text("[tool.sagelint]\nignore = ['SM201']\n")
    path = tmp_path / "service" / "deploy.py"
    assert codes(await open_text(client, path, BAD)) == ["SM101", "SM202"]
    assert codes(await open_text(client, tmp_path / "other.py", BAD)) == [
        "SM101", "SM201", "SM202"
    ]
    registered = getattr(client, "registrations", [])
    assert any(r.method == lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES for r in registered)
    config.write_text("[tool.sagelint]\nignore = ['SM101', 'SM202']\n")
    client.diagnostics.pop(path.as_uri(), None)
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams([lsp.FileEvent(config.as_uri(), CHANGED)])
    )
    assert codes(await published(client, path.as_uri())) == ["SM201"]
    # An invalid file is reported to the user once; the document is checked with defaults.
    config.write_text("[tool.sagelint]\nignor = ['SM101']\n")
    client.diagnostics.pop(path.as_uri(), None)
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams([lsp.FileEvent(config.as_uri(), CHANGED)])
    )
    assert codes(await published(client, path.as_uri())) == ["SM101", "SM201", "SM202"]
    assert any("unknown key 'ignor'" in m.message for m in client.messages)


@pytest.mark.asyncio
async def test_diagnostics_link_their_rule_page_from_the_nearest_configuration(
    client: LanguageClient, tmp_path: Path
) -> None:
    default = await open_text(client, tmp_path / "deploy.py", BAD)
    assert codes(default) == ["SM101", "SM201", "SM202"]
    for diagnostic in default:
        assert diagnostic.code_description is not None
        assert diagnostic.code_description.href == (
            f"https://github.com/sagelint/sagelint/blob/main/docs/rules/{diagnostic.code}.md"
        )
    config = tmp_path / "wiki" / "sagelint.toml"
    config.parent.mkdir()
    config.write_text('docs-url = "https://wiki.example.com/sagelint/"\n')
    moved = await open_text(client, tmp_path / "wiki" / "deploy.py", BAD)
    assert sorted(str(d.code_description.href) for d in moved if d.code_description) == [
        f"https://wiki.example.com/sagelint/{code}.md" for code in ("SM101", "SM201", "SM202")
    ]
    config.write_text('docs-url = ""\n')
    off = await open_text(client, tmp_path / "wiki" / "other.py", BAD)
    assert codes(off) == ["SM101", "SM201", "SM202"]
    assert all(d.code_description is None for d in off)


@pytest.mark.asyncio
async def test_client_settings_select_ignore_and_run_on_save(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "deploy.py"
    await open_text(client, path, BAD)
    client.diagnostics.pop(path.as_uri(), None)
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams({"sagelint": {"ignore": ["SM101"], "run": "onSave"}})
    )
    assert codes(await published(client, path.as_uri())) == ["SM201", "SM202"]
    client.diagnostics.pop(path.as_uri(), None)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(2, path.as_uri()),
            [lsp.TextDocumentContentChangeWholeDocument(GOOD)],
        )
    )
    await asyncio.sleep(0.5)
    assert path.as_uri() not in client.diagnostics  # onSave: typing does not check
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(path.as_uri()))
    )
    assert codes(await published(client, path.as_uri())) == []
    client.diagnostics.pop(path.as_uri(), None)
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams({"select": ["SM999"]})
    )
    assert codes(await published(client, path.as_uri())) == []  # checked again: still GOOD
    await replace_text(client, path, BAD, 3)  # run is onType again: a change is checked
    assert codes(client.diagnostics[path.as_uri()]) == ["SM101", "SM201", "SM202"]
    assert any("editor settings ignored" in m.message for m in client.log_messages)


@pytest.mark.asyncio
async def test_related_information_points_at_the_call_a_value_feeds(
    client: LanguageClient, tmp_path: Path
) -> None:
    text = (
        "from sagemaker.pytorch import PyTorchModel\n"
        "ENV = {'SAGEMAKER_MODEL_SERVER_TIMEOUT': 300}\n"
        "model = PyTorchModel(model_data='s3://b/m.tar.gz', role='r', env=ENV)\n"
    )
    found = await open_text(client, tmp_path / "env.py", text)
    value = next(d for d in found if d.code == "SM103")
    assert value.related_information is not None
    assert value.related_information[0].location.range.start.line == 2


@pytest.mark.asyncio
async def test_a_literal_of_an_imported_module_is_shown_where_it_is_used(
    client: LanguageClient, tmp_path: Path
) -> None:
    """sagelint.analysis.modules: the check of the open script finds a value in config.py;
    the editor shows it on the call that uses it, linked to the literal, with no fix and no
    `noqa` action (config.py's comments silence it)."""
    (tmp_path / "config.py").write_text("ENV = {'SAGEMAKER_MODEL_SERVER_TIMEOUT': 300}\n")
    text = (
        "from sagemaker.pytorch import PyTorchModel\n"
        "from config import ENV\n"
        "model = PyTorchModel(model_data='s3://b/m.tar.gz', role='r', env=ENV)\n"
    )
    path = tmp_path / "serve.py"
    found = await open_text(client, path, text)
    value = next(d for d in found if d.code == "SM103")
    assert value.range.start.line == 2 and value.message.startswith("config.py:1: ")
    assert value.related_information is not None
    there = value.related_information[0].location
    assert there.uri == (tmp_path / "config.py").as_uri() and there.range.start.line == 0
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(path.as_uri()), value.range, lsp.CodeActionContext([value])
        )
    )
    assert not [a for a in actions or [] if "SM103" in getattr(a, "title", "")]


def test_check_does_not_import_the_server_libraries(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    code = (
        "import sys\nfrom sagelint.cli import main\n"
        "try:\n    main(['check', '--no-cache', 'bad.py'])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pygls', 'lsprotocol'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", "import json\n" + code], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


# -- unit tests of the pure helpers -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, row, expected",
    [
        ("x = f(1)\n", 1, "x = f(1)  # noqa: SM101\n"),
        ("x = f(1)  # keep\n", 1, "x = f(1)  # keep  # noqa: SM101\n"),
        ("x = f(1)  # noqa: SM201\n", 1, "x = f(1)  # noqa: SM201, SM101\n"),
        ("x = f(1)  # NOQA:SM201,SM202\n", 1, "x = f(1)  # NOQA:SM201, SM202, SM101\n"),
        ("x = f(1)  # noqa\n", 1, None),  # already silences every code
        ("x = f(1)  # noqa: SM101\n", 1, None),
        ('x = f("""a\nb""")\n', 1, None),  # a comment there would be inside the string
        ("x = f(1, \\\n  2)\n", 1, None),
        ("a = 1\r\nx = f(1)\r\n", 2, "a = 1\r\nx = f(1)  # noqa: SM101\r\n"),
        ("x = f(1)   \n", 1, "x = f(1)  # noqa: SM101\n"),
        ("x = f(1)\ny = (\n", 1, "x = f(1)  # noqa: SM101\ny = (\n"),  # an unfinished edit below
        # A form feed breaks a line for str.splitlines, not for Python or LSP.
        ("s = 'a\x0cb'\nx = f(1)\n", 2, "s = 'a\x0cb'\nx = f(1)  # noqa: SM101\n"),
    ],
)
def test_noqa_edit(text: str, row: int, expected: Optional[str]) -> None:
    from sagelint.server import ClientPositions, noqa_edit

    edit = noqa_edit(text, ClientPositions(text, lsp.PositionEncodingKind.Utf16), row, "SM101")
    if expected is None:
        assert edit is None
    else:
        assert edit is not None and apply(text, [edit]) == expected


@pytest.mark.parametrize(
    "before, after",
    [
        ("a\nb\nc\n", "a\nB\nc\n"),
        ("a\nb\n", "a\nb\nc\n"),
        ("a\nb", "a\nb\nc"),
        ("a\nb\nc\n", "c\n"),
        ("", "x = 1\n"),
    ],
)
def test_line_edits_turn_one_text_into_the_other(before: str, after: str) -> None:
    from sagelint.server import ClientPositions, line_edits

    edits = line_edits(before, after, ClientPositions(before, lsp.PositionEncodingKind.Utf16))
    assert apply(before, edits) == after
    assert all(e.range.start.line == e.range.end.line or e.new_text != after for e in edits)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, ()),
        ({"select": ["SM2"], "unsafeFixes": True, "run": "onSave"},
         (("SM2",), (), True, "onSave")),
        ({"sagelint": {"ignore": "SM101, SM102", "run": "sometimes"}},
         ((), ("SM101", "SM102"), None, "onType")),
        ({"settings": {"unsafeFixes": "yes", "select": [1, "SM1"]}},
         (("SM1",), (), None, "onType")),
    ],
)
def test_client_settings_from_json(raw: Any, expected: Any) -> None:
    from sagelint.server import ClientSettings

    assert ClientSettings.from_json(raw) == ClientSettings(*expected)


@pytest.mark.asyncio
async def test_notebook_quick_fix_edits_the_cell_it_fixes(
    client: LanguageClient, tmp_path: Path
) -> None:
    """SM102 is reported where the model uses `env=ENV`; its fix adds the key to the dict
    a cell above, and the server sends that edit to that cell. SM103 on the dict's int
    value points at the model's call in the next cell."""
    texts = [
        "from sagemaker.pytorch import PyTorchModel\n"
        "ENV = {'HF_TASK': 'x', 'SAGEMAKER_MODEL_SERVER_WORKERS': 2}\n",
        "model = PyTorchModel(model_data='s3://b/m.tar.gz', role='r', env=ENV)\n",
        "model.deploy(initial_instance_count=1, instance_type='ml.m5.large')\n",
    ]
    notebook_uri = (tmp_path / "env.ipynb").as_uri()
    cells = [f"{notebook_uri}#cell{n}" for n in range(len(texts))]
    client.notebook_document_did_open(
        lsp.DidOpenNotebookDocumentParams(
            lsp.NotebookDocument(notebook_uri, "jupyter-notebook", 1,
                                 [lsp.NotebookCell(lsp.NotebookCellKind.Code, u) for u in cells]),
            [lsp.TextDocumentItem(uri, "python", 1, text) for uri, text in zip(cells, texts)],
        )
    )
    found = [d for d in await published(client, cells[1]) if d.code == "SM102"]
    assert len(found) == 1
    fix = next(a for a in await actions(client, cells[1], found[0].range, found)
               if a.title.endswith("(SM102)"))
    changed = edits_of(fix)
    assert set(changed) == {cells[0]}
    # The dict's line would exceed 88 characters: one entry per line.
    assert apply(texts[0], changed[cells[0]]) == (
        "from sagemaker.pytorch import PyTorchModel\n"
        "ENV = {\n"
        "    'HF_TASK': 'x',\n"
        "    'SAGEMAKER_MODEL_SERVER_WORKERS': 2,\n"
        "    'SAGEMAKER_MODEL_SERVER_TIMEOUT': '300',\n"
        "}\n"
    )
    (value,) = [d for d in client.diagnostics[cells[0]] if d.code == "SM103"]
    assert value.related_information is not None
    assert value.related_information[0].location.uri == cells[1]
    assert value.related_information[0].location.range.start == lsp.Position(0, 0)
