"""The language server (`sagelint server`): documents in, diagnostics and code actions out.

A second front end over the same engine as `sagelint check`: a document's text goes through
`Engine.check` (notebooks through the notebook module, as one module of code cells) with
the Settings of the nearest configuration file above it, and the plain diagnostics that come
back are turned into LSP ones. Nothing here parses or analyses Python itself.

- Diagnostics on open, on change (debounced; `run = "onSave"` waits for a save) and on save;
  for notebooks through notebook document sync, published per cell. The engine runs in a
  worker process (sagelint.live), never on the event loop; only the newest check of a
  document is published; a document over LIVE_CHECK_BYTES is checked on save only.
- Work that cannot change the result is skipped: the text of the last check again (a
  save) is published again as it was, and the worker answers a check of the same input as
  one of the document's last few (an edit undone) with its result, while the files that
  result read are unchanged (sagelint.live.LastResults); of a notebook, the engine reads
  only the code cells (notebook_identity), so an edit of a markdown cell costs no check.
- Its own message reader (read_messages): JSON-RPC errors for what pygls cannot read, and
  a broken header skipped rather than waited on.
- Code actions: a quick fix per fixable diagnostic (unsafe ones only when unsafe fixes are
  on, and their title says so), "Disable SMxxx for this line" (adds or extends `# noqa`),
  and `source.fixAll.sagelint`: what `check --fix` produces, as line edits.
- Hover on a diagnostic, or on a code in a `# noqa` comment: the rule's documentation.
- Client settings (`select`, `ignore`, `unsafeFixes`, `run`) from `initializationOptions`
  and `workspace/didChangeConfiguration`; configuration files are read again when they change.
- Positions in the encoding the client asked for (UTF-16 unless it offers another).
- An internal error is logged to the client's output and the server keeps serving.

pygls and lsprotocol are imported only by this module, which only `sagelint server` loads.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import logging
import os
import re
import sys
import threading
import tokenize
import traceback
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import (
    Any, BinaryIO, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple,
    TypeVar, cast,
)
from urllib.parse import unquote

from cattrs import transform_error
from cattrs.errors import BaseValidationError
from lsprotocol import types as lsp
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
)
from pygls.io_ import StdinAsyncReader, StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCProtocol
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from sagelint import __version__
from sagelint.live import Buffers, Checker
from sagelint.config import (
    CONFIG_NAMES,
    ConfigFile,
    Settings,
    SettingsError,
    SettingsResolver,
    resolve_settings,
    rule_url,
)
from sagelint.model import (
    Applicability, Diagnostic, Edit, Elsewhere, FileResult, Fix, Location, Severity, with_uses,
)

# A change after a quiet spell (none in the last DEBOUNCE_SECONDS) is checked at once, after
# the messages already read; a change that follows another within this time is part of a
# burst (a paste, a multi-cursor edit, a client sending one keystroke at a time) and waits
# until the burst has been quiet this long, so that the burst is checked once. Changes that
# arrive while a check runs are read after it and coalesce anyway.
DEBOUNCE_SECONDS = 0.025
# A document larger than this (its bytes; a notebook's as the engine reads them) is checked
# when it is saved, not when it is opened or typed in: a check of a large file takes seconds
# of CPU. The engine's own limits (programs.MAX_CODE_BYTES,
# analysis.syntax.MAX_PARSED_CHARS) apply on save.
LIVE_CHECK_BYTES = 1024 * 1024
FIX_ALL_KIND = "source.fixAll.sagelint"
SOURCE = "sagelint"
CONFIG_GLOBS = tuple(f"**/{name}" for name in CONFIG_NAMES)
# The files SM6 reads to know the SageMaker SDK version (sagelint.sdk_versions): an edit
# checks the open documents again (each engine reads a changed declaration again itself).
DECLARATION_GLOBS = (
    "**/requirements*.txt", "**/requirements/*.txt", "**/*.in", "**/poetry.lock", "**/uv.lock",
    "**/pdm.lock", "**/Pipfile", "**/Pipfile.lock", "**/setup.cfg", "**/setup.py",
    "**/environment.yml", "**/environment.yaml",
)
# Other files of a project a check may read (modules it imports, configuration files it
# loads): a change checks again the open documents whose last result read that file.
PROJECT_GLOBS = ("**/*.py", "**/*.json", "**/*.yaml", "**/*.yml", "**/*.toml")

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?",
                   re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
_USED_AT = re.compile(r"\(used by (?P<label>.+?) at (?:cell (?P<cell>[0-9]{1,9}), )?line (?P<row>[0-9]{1,9})\)")

log = logging.getLogger("sagelint.server")


# -- client settings -----------------------------------------------------------------------


@dataclass(frozen=True)
class ClientSettings:
    """What the editor's settings say (they override the configuration files)."""

    select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    unsafe_fixes: Optional[bool] = None
    run: str = "onType"  # or "onSave"

    @classmethod
    def from_json(cls, raw: Any) -> ClientSettings:
        """Settings from `initializationOptions` or `didChangeConfiguration`, given either
        bare or under a `sagelint` key; values of the wrong type are ignored."""
        if isinstance(raw, dict) and isinstance(raw.get("sagelint"), dict):
            raw = raw["sagelint"]
        if isinstance(raw, dict) and isinstance(raw.get("settings"), dict):
            raw = raw["settings"]
        if not isinstance(raw, dict):
            return cls()
        unsafe = raw.get("unsafeFixes", raw.get("unsafe-fixes"))
        run = raw.get("run")
        return cls(
            select=_codes(raw.get("select")),
            ignore=_codes(raw.get("ignore")),
            unsafe_fixes=unsafe if isinstance(unsafe, bool) else None,
            run=run if run in ("onType", "onSave") else "onType",
        )


def _codes(value: Any) -> Tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return ()
    return tuple(item.strip() for item in value if isinstance(item, str) and item.strip())


# -- positions -----------------------------------------------------------------------------


def split_lines(text: str) -> List[str]:
    """The lines of a text as LSP counts them (`\\n`, `\\r\\n` and `\\r` end a line)."""
    return _LINE_BREAK.split(text)


class ClientPositions:
    """Rows and columns of the engine (1-based, columns in characters) as LSP positions
    (0-based, columns in the client's code units)."""

    def __init__(self, text: str, encoding: str) -> None:
        self.lines = split_lines(text)
        self.encoding = encoding

    def units(self, line: str) -> int:
        if self.encoding == lsp.PositionEncodingKind.Utf32 or line.isascii():
            return len(line)  # one code unit per character in every encoding
        if self.encoding == lsp.PositionEncodingKind.Utf8:
            return len(line.encode("utf-8"))
        return len(line.encode("utf-16-le")) // 2

    def position(self, row: int, column: int) -> lsp.Position:
        line_index = min(max(row - 1, 0), len(self.lines) - 1)
        line = self.lines[line_index]
        return lsp.Position(line_index, self.units(line[: max(column - 1, 0)]))

    def range(self, start: Tuple[int, int], end: Tuple[int, int]) -> lsp.Range:
        return lsp.Range(self.position(*start), self.position(*end))

    def column(self, position: lsp.Position) -> int:
        """The 0-based character column of a client position."""
        if position.line >= len(self.lines):
            return 0
        line = self.lines[position.line]
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return index
            units += self.units(char)
        return len(line)


# -- what was published --------------------------------------------------------------------


@dataclass
class Published:
    """The diagnostics of one document (or notebook cell) and what they were computed on."""

    uri: str
    version: Optional[int]
    text: str
    positions: ClientPositions
    settings: Settings
    items: List[Tuple[lsp.Diagnostic, Diagnostic]] = field(default_factory=list)
    # The result read more than the text: SM6 declaration files, whether paths exist. Such a
    # result is not published again for the same text without asking the worker (which
    # compares those inputs).
    outside: bool = False
    notebook: Optional[str] = None  # the notebook's uri, for a cell
    # For a cell: every cell of its notebook by 1-based index, checked together with it
    # (a fix or a related place may be in another cell).
    cells: Dict[int, Published] = field(default_factory=dict, repr=False, compare=False)

    def cell(self, index: Optional[int]) -> Optional[Published]:
        """The document rows of a notebook's cell `index` count in (self outside notebooks)."""
        if self.notebook is None or index is None:
            return self
        return self.cells.get(index)


def _contains(outer: lsp.Range, position: lsp.Position) -> bool:
    start, end = outer.start, outer.end
    return (start.line, start.character) <= (position.line, position.character) <= (
        end.line, end.character
    )


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (
        b.start.line, b.start.character
    ) <= (a.end.line, a.end.character)


@dataclass(frozen=True)
class _Check:
    """A check prepared on the event loop: what the worker gets, and what publishes its result
    (on the text and versions it was prepared from)."""

    uri: str
    path: str
    settings: Settings
    data: bytes
    publish: Callable[[FileResult], None]
    identity: Optional[bytes] = None  # what the engine reads of `data`, when not all of it


# -- the server ----------------------------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])


class SagelintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "sagelint",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            notebook_document_sync=lsp.NotebookDocumentSyncOptions(
                notebook_selector=[
                    lsp.NotebookDocumentFilterWithCells(
                        notebook="jupyter-notebook",
                        cells=[lsp.NotebookCellLanguage(language="python")],
                    )
                ],
                save=True,
            ),
        )
        self.client_settings = ClientSettings()
        self.resolver = self._new_resolver()
        self.checker = Checker()
        self.tasks: set[asyncio.Task[None]] = set()
        # uri -> the newest check asked for. One count for the whole server, never reset: a
        # document closed and opened again must not give a new check the number of an old one.
        self.generations: Dict[str, int] = {}
        self.last_generation = 0
        # uri -> (generation, what it checks) of the check under way: the same text is not
        # checked again (a save right after the edit it follows).
        self.running: Dict[str, Tuple[int, bytes, Settings]] = {}
        self.settings_keys: Dict[int, Tuple[Settings, int]] = {}
        self.last_settings_key = 0
        self.told_large: set[str] = set()  # documents the user was told are checked on save
        self.published: Dict[str, Published] = {}
        self.pending: Dict[str, asyncio.Handle] = {}
        self.last_change: Dict[str, float] = {}  # uri -> event loop time of its last change
        self.reported_config_errors: set[str] = set()
        # Other files of the project each document's last result read (absolute paths:
        # imported modules, configuration files): a change of one checks the document again.
        self.reads_of: Dict[str, FrozenSet[str]] = {}
        # Text documents edited since they were opened or saved: a check that reads one of
        # them reads the editor's text, not the disk's.
        self.unsaved: Set[str] = set()

    # -- the wire ------------------------------------------------------------------------
    def start_io(self, stdin: Optional[BinaryIO] = None, stdout: Optional[BinaryIO] = None) -> None:
        """Serve over standard input and output with sagelint's reader (read_messages)
        instead of pygls's, which waits forever after a header it cannot read."""
        self._stop_event = stop = threading.Event()
        reader = StdinAsyncReader(stdin or sys.stdin.buffer, self.thread_pool)
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(self._serve(reader, stop))
        except BrokenPipeError:
            log.error("the editor closed the connection")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.checker.close()
            cast(Callable[[], None], self.shutdown)()  # pygls's own, untyped

    async def _serve(self, reader: StdinAsyncReader, stop: threading.Event) -> None:
        try:
            await read_messages(reader, stop, self.protocol)
        finally:
            self.checker.close()  # before asyncio waits for the threads it started

    # -- settings ------------------------------------------------------------------------
    def _new_resolver(self) -> SettingsResolver:
        client = self.client_settings

        def build(config: Optional[ConfigFile]) -> Settings:
            try:
                return resolve_settings(
                    config, client.select, (), client.ignore, unsafe_fixes=client.unsafe_fixes
                )
            except SettingsError as exc:  # the editor's select/ignore name an unknown code
                self.tell(f"sagelint: editor settings ignored: {exc}", lsp.MessageType.Warning)
                return resolve_settings(config)

        return SettingsResolver(build, watch=True)

    def configure(self, raw: Any) -> None:
        if isinstance(raw, dict):  # a client that only says "something changed" sends null
            self.client_settings = ClientSettings.from_json(raw)
        self.reload()

    def reload(self) -> None:
        """Configuration changed: build every Settings again and check the open documents."""
        self.resolver = self._new_resolver()
        self.settings_keys.clear()
        self.reported_config_errors.clear()
        self.check_all_open()

    def settings_for(self, path: Path) -> Settings:
        try:
            return self.resolver.for_path(path)
        except SettingsError as exc:  # an invalid file: say so once, check with the defaults
            message = f"sagelint: {exc}"
            if message not in self.reported_config_errors:
                self.reported_config_errors.add(message)
                self.tell(message, lsp.MessageType.Error)
            return self.resolver.build(None)

    # -- messages to the client ----------------------------------------------------------
    def tell(self, message: str, kind: lsp.MessageType = lsp.MessageType.Info) -> None:
        self.window_log_message(lsp.LogMessageParams(kind, message))
        if kind == lsp.MessageType.Error:
            self.window_show_message(lsp.ShowMessageParams(kind, message))

    def internal_error(self, where: str) -> None:
        self.window_log_message(
            lsp.LogMessageParams(
                lsp.MessageType.Error,
                f"sagelint: internal error in {where}:\n{traceback.format_exc()}",
            )
        )

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or lsp.PositionEncodingKind.Utf16)

    # -- checking ------------------------------------------------------------------------
    # A check is prepared here, on the event loop (the text, the Settings, the bytes), run by
    # the worker process (sagelint.live) and published back here once it is done, unless a
    # newer check of the document was asked for meanwhile: only the newest is published.
    def schedule(self, uri: str, delay: float = DEBOUNCE_SECONDS) -> None:
        """Check a changed document: at once after a quiet spell, else once the burst it
        belongs to has been quiet for `delay`."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        loop = asyncio.get_running_loop()
        now, last = loop.time(), self.last_change.get(uri)
        self.last_change[uri] = now
        if previous is None and (last is None or now - last >= delay):
            self.pending[uri] = loop.call_soon(self._run_scheduled, uri)
        else:
            self.pending[uri] = loop.call_later(delay, self._run_scheduled, uri)

    def _run_scheduled(self, uri: str) -> None:
        self.pending.pop(uri, None)
        self.check_uri(uri)

    def check_all_open(self) -> None:
        for uri in list(self.workspace.notebook_documents):
            self.check_uri(uri)
        cells = {
            cell.document
            for notebook in self.workspace.notebook_documents.values()
            for cell in notebook.cells
        }
        for uri in list(self.workspace.text_documents):
            if uri not in cells:
                self.check_uri(uri)

    def check_uri(self, uri: str, live: bool = True) -> None:
        """Check a document in the background; `live` (not a save): a document larger than
        LIVE_CHECK_BYTES waits for its next save."""
        try:
            check: Optional[_Check]
            if uri in self.workspace.notebook_documents:
                check = self.notebook_check(uri)
            else:
                document = self.workspace.text_documents.get(uri)
                if document is None or not is_python(document):
                    return
                check = self.text_check(document)
            if check is None:
                return  # nothing changed: published again as it was
            if live and not self.live_size(uri, len(check.data)):
                return
            running = self.running.get(uri)
            if running is not None and running[0] == self.generations.get(uri):
                if running[1] == check.data and running[2] is check.settings:
                    return  # the same text is being checked: its result will be published
            generation = self.make_stale(uri)
            self.running[uri] = (generation, check.data, check.settings)
            task = asyncio.get_running_loop().create_task(self.finish(check, generation))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        except Exception:  # never let one document take the server down
            self.internal_error(f"checking {uri}")

    def make_stale(self, uri: str) -> int:
        """A newer check of `uri` is coming: the ones before it are cancelled, or their
        results dropped. The generation of the newer one."""
        self.last_generation += 1
        generation = self.generations[uri] = self.last_generation
        self.checker.cancel(uri)
        return generation

    def live_size(self, uri: str, size: int) -> bool:
        """Whether a document is small enough to check as it is typed; the first time one is
        not, the user is told."""
        if size <= LIVE_CHECK_BYTES:
            return True
        if uri not in self.told_large:
            self.told_large.add(uri)
            name = unquote(uri.rstrip("/").rsplit("/", 1)[-1])
            message = (
                f"sagelint: {name} is {size / (1024 * 1024):.1f} MB, more than"
                f" {LIVE_CHECK_BYTES // (1024 * 1024)} MB: it is checked when saved,"
                " not as you type"
            )
            self.window_log_message(lsp.LogMessageParams(lsp.MessageType.Info, message))
            self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Info, message))
        return False

    async def finish(self, check: _Check, generation: int) -> None:
        try:
            result = await self.run_engine(
                check.settings, check.path, check.data, False, check.uri, check.identity
            )
            if result is not None and self.generations.get(check.uri) == generation:
                check.publish(result)
                self.reads_of[check.uri] = frozenset(name for name, _ in result.file_reads)
        except Exception:
            self.internal_error(f"checking {check.uri}")
        finally:
            if self.running.get(check.uri, (None,))[0] == generation:
                del self.running[check.uri]

    def text_check(self, document: TextDocument) -> Optional[_Check]:
        path = document_path(document.uri, ".py")
        settings = self.settings_for(path)
        text, uri, version = document.source, document.uri, document.version
        previous = self.published.get(uri)
        if (previous is not None and previous.text == text and previous.settings is settings
                and not previous.outside):
            previous.version = version  # saved, or an edit undone: nothing new
            self.make_stale(uri)  # a check of other text still running is older than this
            self.publish(previous)
            return None

        def publish(result: FileResult) -> None:
            published = Published(uri, version, text, ClientPositions(text, self.encoding), settings)
            published.items = [(to_lsp(d, published), d) for d in result.diagnostics]
            published.items += elsewhere_items(result, published)
            published.outside = reads_outside(result)
            self.publish(published)

        return _Check(uri, str(path), settings, encode(text), publish)

    def notebook_check(self, uri: str) -> _Check:
        notebook = self.workspace.notebook_documents[uri]
        path = document_path(uri, ".ipynb")
        settings = self.settings_for(path)
        texts = self.cell_texts(notebook)
        python = self.python_cells(notebook)
        data = notebook_bytes(python, texts)
        identity = notebook_identity(python, texts, settings.catalog.trigger_words)
        cell_documents = []
        for cell in notebook.cells:
            document = self.workspace.text_documents.get(cell.document)
            cell_documents.append((cell.document, document.version if document else None))

        def publish(result: FileResult) -> None:
            by_cell: Dict[int, List[Diagnostic]] = {}
            for diagnostic in result.diagnostics:
                by_cell.setdefault(diagnostic.cell or 0, []).append(diagnostic)
            cells: Dict[int, Published] = {}
            for index, (cell_uri, version) in enumerate(cell_documents, 1):
                text = texts[index - 1]
                cells[index] = Published(
                    cell_uri,
                    version,
                    text,
                    ClientPositions(text, self.encoding),
                    settings,
                    notebook=uri,
                    cells=cells,
                )
            for index, published in cells.items():
                published.items = [(to_lsp(d, published), d) for d in by_cell.get(index, [])]
                published.outside = reads_outside(result)
                self.publish(published)

        return _Check(uri, str(path), settings, data, publish, identity)

    def cell_texts(self, notebook: lsp.NotebookDocument) -> List[str]:
        texts = []
        for cell in notebook.cells:
            document = self.workspace.text_documents.get(cell.document)
            texts.append(document.source if document is not None else "")
        return texts

    def notebook_bytes(self, notebook: lsp.NotebookDocument, texts: Sequence[str]) -> bytes:
        return notebook_bytes(self.python_cells(notebook), texts)

    def python_cells(self, notebook: lsp.NotebookDocument) -> List[bool]:
        """Whether each cell is a Python code cell (the others reach the engine as markdown)."""
        python = []
        for cell in notebook.cells:
            document = self.workspace.text_documents.get(cell.document)
            language = (document.language_id or "python") if document is not None else ""
            python.append(cell.kind == lsp.NotebookCellKind.Code and language == "python")
        return python

    def settings_key(self, settings: Settings) -> int:
        """A number that stands for `settings` in the worker (which keeps an engine per key)."""
        known = self.settings_keys.get(id(settings))
        if known is None or known[0] is not settings:
            self.last_settings_key += 1
            known = (settings, self.last_settings_key)
            self.settings_keys[id(settings)] = known
        return known[1]

    async def run_engine(
        self, settings: Settings, path: str, data: bytes, fix: bool, uri: str,
        identity: Optional[bytes] = None,
    ) -> Optional[FileResult]:
        """The engine's result, from the worker; None when the check was cancelled or the
        file could not be checked (then the reason is logged)."""
        result = await self.checker.submit(
            uri, self.settings_key(settings), settings, path, data, fix, identity,
            self.buffers(uri),
        )
        if result is None:
            return None
        if result.error is not None:  # undecodable, too large, an internal error...
            message = f"sagelint: {path}: {result.error.message}"
            self.window_log_message(lsp.LogMessageParams(lsp.MessageType.Error, message))
            return None
        return result

    def buffers(self, uri: str) -> Buffers:
        """The text of the other documents edited and not saved, by absolute path: what a
        check reads of those files if it reads them."""
        out = []
        for other in sorted(self.unsaved - {uri}):
            document = self.workspace.text_documents.get(other)
            if document is not None and other.startswith("file:"):
                out.append((os.path.abspath(document.path), encode(document.source)))
        return tuple(out)

    def check_dependents(self, changed: Iterable[str]) -> None:
        """Check again the open documents whose last result read one of the `changed` files
        (absolute paths): a module they import, a configuration file they load."""
        paths = set(changed)
        for uri, reads in list(self.reads_of.items()):
            if reads & paths:
                self.schedule(uri)

    def publish(self, published: Published) -> None:
        self.published[published.uri] = published
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=published.uri,
                version=published.version,
                diagnostics=[item for item, _ in published.items],
            )
        )

    def forget(self, uri: str) -> None:
        self.reads_of.pop(uri, None)
        self.unsaved.discard(uri)
        handle = self.pending.pop(uri, None)
        self.last_change.pop(uri, None)
        if handle is not None:
            handle.cancel()
        self.make_stale(uri)  # a check still running is not published
        self.generations.pop(uri, None)
        self.running.pop(uri, None)
        self.told_large.discard(uri)
        if self.published.pop(uri, None) is not None:
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    # -- code actions --------------------------------------------------------------------
    async def code_actions(self, params: lsp.CodeActionParams) -> List[lsp.CodeAction]:
        published = self.published.get(params.text_document.uri)
        if published is None:
            return []
        only = params.context.only
        actions: List[lsp.CodeAction] = []
        in_range = [(item, d) for item, d in published.items if _overlaps(item.range, params.range)]
        if wants(only, lsp.CodeActionKind.QuickFix):
            for item, diagnostic in in_range:
                fix_action = self.quick_fix(published, item, diagnostic)
                if fix_action is not None:
                    actions.append(fix_action)
            for item, diagnostic in in_range:
                noqa_action = noqa_action_for(published, item, diagnostic)
                if noqa_action is not None:
                    actions.append(noqa_action)
        has_fixes = any(self.offered(d, published.settings) for _, d in published.items)
        if wants(only, FIX_ALL_KIND) and (only is not None or has_fixes):
            fix_all = await self.fix_all(published)
            if fix_all is not None:
                actions.append(fix_all)
        return actions

    @staticmethod
    def offered(diagnostic: Diagnostic, settings: Settings) -> bool:
        """Whether a diagnostic's fix is offered: safe ones always, unsafe ones when unsafe
        fixes are on (the configuration's `unsafe-fixes`, or the editor's `unsafeFixes`)."""
        fix = diagnostic.fix
        return fix is not None and bool(fix.edits) and (
            fix.applicability is Applicability.SAFE or settings.unsafe_fixes
        )

    def quick_fix(
        self, published: Published, item: lsp.Diagnostic, diagnostic: Diagnostic
    ) -> Optional[lsp.CodeAction]:
        fix = diagnostic.fix
        if fix is None or not self.offered(diagnostic, published.settings):
            return None
        unsafe = fix.applicability is Applicability.UNSAFE
        changes = fix_changes(published, fix)
        if changes is None:
            return None
        title = f"{fix.message} ({diagnostic.code}{', unsafe fix' if unsafe else ''})"
        return quick_fix_action(title, item, changes, preferred=not unsafe)

    async def fix_all(self, published: Published) -> Optional[lsp.CodeAction]:
        """All the fixes `check --fix` would apply (converged), as line edits of each
        document (each cell of a notebook) they change."""
        changes = await self.fix_all_changes(published.notebook or published.uri)
        if not changes:
            return None
        return lsp.CodeAction(
            title="sagelint: fix all auto-fixable problems",
            kind=FIX_ALL_KIND,
            edit=workspace_edit(changes),
        )

    async def fix_all_changes(
        self, uri: str
    ) -> Dict[str, Tuple[Optional[int], List[lsp.TextEdit]]]:
        """The text, or the notebook of cells, as it is now, checked with --fix; line edits
        per changed document."""
        notebook = self.workspace.notebook_documents.get(uri)
        if notebook is not None:
            path = document_path(uri, ".ipynb")
            texts = self.cell_texts(notebook)
            data = self.notebook_bytes(notebook, texts)
            documents = [cell.document for cell in notebook.cells]
        else:
            document = self.workspace.text_documents.get(uri)
            if document is None:
                return {}
            path = document_path(uri, ".py")
            texts, documents = [document.source], [uri]
            data = encode(document.source)
        versions = {  # as they are now: the edits apply to these versions
            target: opened.version
            for target in documents
            if (opened := self.workspace.text_documents.get(target)) is not None
        }
        result = await self.run_engine(self.settings_for(path), str(path), data, True, uri)
        if result is None:
            return {}
        if notebook is not None:
            fixed = [(index, after) for index, _before, after in result.changed_cells]
        else:
            fixed = [(1, result.fixed_source)] if result.fixed_source is not None else []
        changes: Dict[str, Tuple[Optional[int], List[lsp.TextEdit]]] = {}
        for index, after in fixed:
            before, target = texts[index - 1], documents[index - 1]
            changes[target] = (
                versions.get(target),
                line_edits(before, after, ClientPositions(before, self.encoding)),
            )
        return changes

    # -- hover ---------------------------------------------------------------------------
    def hover(self, params: lsp.HoverParams) -> Optional[lsp.Hover]:
        published = self.published.get(params.text_document.uri)
        document = self.workspace.text_documents.get(params.text_document.uri)
        code = None
        if published is not None:
            for item, diagnostic in published.items:
                if _contains(item.range, params.position):
                    code = diagnostic.code
                    break
        if code is None and document is not None:
            positions = ClientPositions(document.source, self.encoding)
            code = noqa_code_at(positions, params.position)
        if code is None:
            return None
        docs = rule_docs(code)
        if docs is None:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(lsp.MarkupKind.Markdown, docs))


# -- helpers: documents ----------------------------------------------------------------------


def is_python(document: TextDocument) -> bool:
    language = (document.language_id or "").lower()
    return language == "python" or document.uri.endswith((".py", ".pyi"))


def document_path(uri: str, suffix: str) -> Path:
    """The file a document stands for (its configuration is found from it); an unsaved
    document stands for a file of its name in the working directory."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    if path is None:
        name = re.sub(r"[^\w.-]+", "_", uri.rsplit("/", 1)[-1]) or "untitled"
        path = str(Path.cwd() / name)
    if not path.endswith(suffix):
        path += suffix
    return Path(path)


def encode(text: str) -> bytes:
    """The bytes the engine reads for a buffer: in its coding cookie's encoding, if it has
    one the text can be written in (so the engine decodes the same text back)."""
    for line in text.splitlines()[:2]:
        found = _CODING.match(line)
        if found:
            try:
                return text.encode(found.group(1))
            except (LookupError, UnicodeError):
                break
    return text.encode("utf-8")


def notebook_bytes(python: Sequence[bool], texts: Sequence[str]) -> bytes:
    """The notebook as an .ipynb the engine reads: every cell in order (so cell numbers
    match), Python code cells as code, the rest (markdown, a SQL cell) as markdown."""
    cells = []
    for is_python, text in zip(python, texts):
        kind = "code" if is_python else "markdown"
        cells.append({"cell_type": kind, "metadata": {}, "source": text})
    document = {
        "cells": cells,
        "metadata": {"kernelspec": {"language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document).encode("utf-8")


def notebook_identity(
    python: Sequence[bool], texts: Sequence[str], triggers: Iterable[bytes]
) -> bytes:
    """What the engine reads of the notebook notebook_bytes writes: two notebooks of the same
    identity have the same result. The engine reads every Python code cell's text and, of
    the other cells, only that they are there (cells are numbered among all) and whether
    their text holds one of the words its prefilter looks for in the file's bytes
    (Engine.may_contain_sagemaker). So such a cell stands as one of those words, or as
    nothing. (The diagnostics' rows in the .ipynb's own text, which the server does not use,
    are left out.)"""
    words = sorted(triggers)
    texts = [
        text if is_python else next(
            (word.decode() for word in words if word in json.dumps(text).encode("utf-8")), ""
        )
        for is_python, text in zip(python, texts)
    ]
    return notebook_bytes(python, texts)


def reads_outside(result: FileResult) -> bool:
    """Whether a result depends on more than the text: SM6 declaration files read,
    whether paths exist asked, or other files of the project read."""
    return bool(result.sdk_inputs) or result.reads_paths or bool(result.file_reads)


# -- helpers: diagnostics --------------------------------------------------------------------


def to_lsp(diagnostic: Diagnostic, published: Published) -> lsp.Diagnostic:
    positions = published.positions
    start = (diagnostic.location.row, diagnostic.location.column)
    end = (diagnostic.end_location.row, diagnostic.end_location.column)
    message = diagnostic.message
    if diagnostic.fix is not None:
        message += f"\nhelp: {diagnostic.fix.message}"
    url = rule_url(diagnostic.code, published.settings.docs_url)
    return lsp.Diagnostic(
        range=positions.range(start, end),
        message=message,
        severity=(
            lsp.DiagnosticSeverity.Error
            if diagnostic.severity is Severity.ERROR
            else lsp.DiagnosticSeverity.Warning
        ),
        code=diagnostic.code,
        # The editor links the code to the rule's page (`docs-url` of the document's config).
        code_description=lsp.CodeDescription(href=url) if url is not None else None,
        source=SOURCE,
        data={"name": diagnostic.name, "fixable": diagnostic.fix is not None},
        related_information=related(diagnostic, published),
    )


def elsewhere_items(
    result: FileResult, published: Published
) -> List[Tuple[lsp.Diagnostic, Diagnostic]]:
    """What the check of a script found in other modules of its project (a literal of an
    imported module, code of an imported function): shown where the script uses it, the
    place in the other module named and linked (relatedInformation); no fix, no `noqa`
    action here (the other module's comments silence it)."""
    out: List[Tuple[lsp.Diagnostic, Diagnostic]] = []
    for item in result.elsewhere:
        if item.anchor is None:
            continue
        row, column, end_row, end_column = item.anchor
        there = item.diagnostic
        name = Path(item.path).name
        shown = with_uses(
            Diagnostic(
                there.code, there.name,
                f"{name}:{there.location.row}: {there.message}",
                there.severity, Location(row, column), Location(end_row, end_column),
            ),
            item.uses,
        )
        lsp_item = to_lsp(shown, published)
        lsp_item.data = {"name": there.name, "fixable": False, "elsewhere": item.path}
        lsp_item.related_information = [_place_elsewhere(item)]
        out.append((lsp_item, shown))
    return out


def _place_elsewhere(item: Elsewhere) -> lsp.DiagnosticRelatedInformation:
    there = item.diagnostic
    start = lsp.Position(there.location.row - 1, there.location.column - 1)
    end = lsp.Position(there.end_location.row - 1, there.end_location.column - 1)
    return lsp.DiagnosticRelatedInformation(
        location=lsp.Location(Path(item.path).as_uri(), lsp.Range(start, end)),
        message=f"{there.code} is reported here",
    )


def related(
    diagnostic: Diagnostic, published: Published
) -> Optional[List[lsp.DiagnosticRelatedInformation]]:
    """The call a reported value feeds, named in the message as `(used by X at line N)`."""
    found = _USED_AT.search(diagnostic.message)
    if found is None:
        return None
    target = published.cell(int(found.group("cell")) if found.group("cell") else diagnostic.cell)
    row = int(found.group("row"))
    if target is None or row > len(target.positions.lines):
        return None
    line = target.positions.lines[row - 1]
    indent = len(line) - len(line.lstrip())
    where = target.positions.range((row, indent + 1), (row, len(line.rstrip()) + 1))
    return [
        lsp.DiagnosticRelatedInformation(
            location=lsp.Location(target.uri, where),
            message=f"used by {found.group('label')}",
        )
    ]


def fix_changes(
    published: Published, fix: Fix
) -> Optional[Dict[str, Tuple[Optional[int], List[lsp.TextEdit]]]]:
    """A fix's edits per document: in a notebook, each in the cell it edits."""
    changes: Dict[str, Tuple[Optional[int], List[lsp.TextEdit]]] = {}
    for edit in fix.edits:
        target = published.cell(edit.cell)
        if target is None or edit.end_location.row > len(target.positions.lines):
            return None  # the text it was computed on is gone
        changes.setdefault(target.uri, (target.version, []))[1].append(
            text_edit(target.positions, edit)
        )
    return changes


def text_edit(positions: ClientPositions, edit: Edit) -> lsp.TextEdit:
    return lsp.TextEdit(
        range=positions.range(
            (edit.location.row, edit.location.column),
            (edit.end_location.row, edit.end_location.column),
        ),
        new_text=edit.content,
    )


def workspace_edit(
    changes: Dict[str, Tuple[Optional[int], List[lsp.TextEdit]]],
) -> lsp.WorkspaceEdit:
    """Edits per document, versioned so that a client drops them if the text moved on."""
    return lsp.WorkspaceEdit(
        document_changes=[
            lsp.TextDocumentEdit(
                text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri, version),
                edits=list(edits),
            )
            for uri, (version, edits) in changes.items()
        ]
    )


def line_edits(before: str, after: str, positions: ClientPositions) -> List[lsp.TextEdit]:
    """The smallest set of whole-line replacements that turns `before` into `after`."""
    old = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = _line_start(old, i1, positions)
        end = _line_start(old, i2, positions)
        edits.append(lsp.TextEdit(range=lsp.Range(start, end), new_text="".join(new[j1:j2])))
    return edits


def _line_start(lines: Sequence[str], index: int, positions: ClientPositions) -> lsp.Position:
    """The position where line `index` starts; past the last line, the end of the text."""
    if index < len(lines):
        return lsp.Position(index, 0)
    if not lines:
        return lsp.Position(0, 0)
    last = lines[-1]
    if last.endswith(("\n", "\r")):
        return lsp.Position(len(lines), 0)
    return lsp.Position(len(lines) - 1, positions.units(last))


def wants(only: Optional[Sequence[str]], kind: str) -> bool:
    """Whether a code action of `kind` answers a request for the kinds `only`."""
    if not only:
        return True
    return any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


# -- helpers: noqa ---------------------------------------------------------------------------


def noqa_action_for(
    published: Published, item: lsp.Diagnostic, diagnostic: Diagnostic
) -> Optional[lsp.CodeAction]:
    if diagnostic.code == "SM001":
        return None  # cannot be silenced
    if isinstance(item.data, dict) and "elsewhere" in item.data:
        return None  # silenced by a comment in the module that holds it, not here
    edit = noqa_edit(published.text, published.positions, diagnostic.noqa_row, diagnostic.code)
    if edit is None:
        return None
    return quick_fix_action(
        f"Disable {diagnostic.code} for this line", item,
        {published.uri: (published.version, [edit])},
    )


def quick_fix_action(
    title: str,
    item: lsp.Diagnostic,
    changes: Dict[str, Tuple[Optional[int], List[lsp.TextEdit]]],
    preferred: Optional[bool] = None,
) -> lsp.CodeAction:
    """A quick fix of one diagnostic: its fix, or the noqa comment that silences it."""
    return lsp.CodeAction(
        title=title,
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[item],
        edit=workspace_edit(changes),
        is_preferred=preferred,
    )


def noqa_edit(text: str, positions: ClientPositions, row: int, code: str) -> Optional[lsp.TextEdit]:
    """Add `code` to the `# noqa` comment of a line, or append `  # noqa: CODE` to it, as
    `--add-noqa` does (sagelint.noqa); None where a comment cannot go (the line ends inside a
    string or continues with `\\`) or changes nothing. The edit covers only what changes."""
    from sagelint.noqa import silence_line

    if not 0 < row <= len(positions.lines):
        return None
    line = positions.lines[row - 1]
    try:
        changed = silence_line(text, row, {code})
    except (tokenize.TokenError, SyntaxError):  # IPython syntax, an unfinished edit: the line alone
        try:
            changed = silence_line(line + "\n", 1, {code})
        except (tokenize.TokenError, SyntaxError):
            return None
    if changed is None:
        return None
    changed = changed.rstrip("\r\n")
    start = 0
    while start < min(len(line), len(changed)) and line[start] == changed[start]:
        start += 1
    end = 0  # characters shared at the end, after the shared start
    while (end < min(len(line), len(changed)) - start
           and line[len(line) - 1 - end] == changed[len(changed) - 1 - end]):
        end += 1
    return lsp.TextEdit(
        positions.range((row, start + 1), (row, len(line) - end + 1)),
        changed[start : len(changed) - end],
    )


def noqa_code_at(positions: ClientPositions, position: lsp.Position) -> Optional[str]:
    if position.line >= len(positions.lines):
        return None
    line = positions.lines[position.line]
    column = positions.column(position)
    found = _NOQA.search(line)
    if found is None or found.group("codes") is None:
        return None
    for code in _CODE.finditer(line, found.start("codes"), found.end("codes")):
        if code.start() <= column <= code.end():
            return code.group(0).upper()
    return None


def rule_docs(code: str) -> Optional[str]:
    from sagelint.rules import all_rules
    from sagelint.rules.render import rule_text

    found = all_rules().get(code)
    return rule_text(found) if found is not None else None


# -- the wire ---------------------------------------------------------------------------------
# Messages are `Content-Length: N` (other headers are ignored), an empty line, N bytes of
# JSON. A header block that has no usable Content-Length (missing, not a number, zero,
# negative, larger than MAX_CONTENT_LENGTH) or a line that is not a header is reported on
# standard error, and the input is skipped up to the next `Content-Length` header, as
# tower-lsp and other servers resynchronise; the server goes on. A body that is not JSON is
# answered with a parse error (-32700), a request whose params do not validate with
# invalid params (-32602); a notification that does not validate is skipped.

MAX_CONTENT_LENGTH = 1 << 30


async def read_messages(
    reader: StdinAsyncReader, stop: threading.Event, protocol: JsonRPCProtocol
) -> None:
    """Read and dispatch messages until the input ends or the server stops."""
    length: Optional[int] = None
    in_headers = resync = False
    while not stop.is_set():
        line = await reader.readline()
        if not line:
            return
        if resync:  # skipping a broken message: up to the next Content-Length header
            found = line.lower().find(b"content-length")
            if found < 0:
                continue
            line, resync, length, in_headers = line[found:], False, None, False
        header = line.decode("latin-1").rstrip("\r\n")
        if not header.strip():  # the end of a header block
            if not in_headers:
                continue  # an empty line between messages
            in_headers = False
            if length is None:
                log.warning("a message without a Content-Length header: skipped")
                resync = True
                continue
            body = await reader.readexactly(length)
            expected, length = length, None
            if len(body) < expected:
                log.warning("the input ended inside a message")
                return
            dispatch(protocol, body)
            continue
        in_headers = True
        name, colon, value = header.partition(":")
        if not colon:
            log.warning("not a message header: %r: skipped to the next message", header[:80])
            resync = True
        elif name.strip().lower() == "content-length":
            length = _content_length(value.strip())
            if length is None:
                log.warning(
                    "bad Content-Length header %r: skipped to the next message", value.strip()[:40]
                )
                resync = True


def _content_length(value: str) -> Optional[int]:
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        return None
    length = int(value)
    return length if 0 < length <= MAX_CONTENT_LENGTH else None


def dispatch(protocol: JsonRPCProtocol, body: bytes) -> None:
    """One message's body: checked, turned into pygls's message, handled."""
    try:
        raw = json.loads(body)
    except ValueError as exc:  # not JSON, or not UTF-8
        log.warning("a message that is not JSON (%s): skipped", exc)
        send_error(protocol, None, JsonRpcParseError.CODE, f"Parse error: {exc}")
        return
    if not isinstance(raw, dict) or raw.get("jsonrpc") != "2.0":
        log.warning("not a JSON-RPC 2.0 message: skipped")
        send_error(protocol, _message_id(raw), JsonRpcInvalidRequest.CODE, "Invalid request")
        return
    try:
        message = protocol.structure_message(raw)
    except JsonRpcException as exc:
        method = raw.get("method")
        reason = _invalid(exc.__cause__)
        if isinstance(method, str) and "id" in raw:  # a request: it gets an answer
            send_error(
                protocol, _message_id(raw), JsonRpcInvalidParams.CODE,
                f"Invalid params for {method}: {reason}",
            )
        log.warning("%s with invalid params (%s): skipped", method or "a response", reason)
        return
    try:
        protocol.handle_message(message)
    except Exception:  # pygls answers a failing request itself; this is a bug of ours or its
        log.exception("internal error while handling %s", raw.get("method", "a response"))


def _message_id(raw: Any) -> Optional[Any]:
    found = raw.get("id") if isinstance(raw, dict) else None
    return found if isinstance(found, (int, str)) and not isinstance(found, bool) else None


def _invalid(error: Optional[BaseException]) -> str:
    """What is wrong with some params, in a line: cattrs names each bad field's path."""
    if isinstance(error, BaseValidationError):
        return "; ".join(transform_error(error, path="params"))[:500]
    return str(error)[:500] if error is not None else "cannot be read"


def send_error(protocol: JsonRPCProtocol, message_id: Any, code: int, message: str) -> None:
    """Answer a message pygls could not read (written here: pygls would leave out an `id`
    that is null, which JSON-RPC requires for an error about a message without one)."""
    error = {"jsonrpc": "2.0", "id": message_id, "error": {"code": code, "message": message}}
    body = json.dumps(error).encode("utf-8")
    if protocol.writer is not None:
        protocol.writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)


class _DroppedUnreadable(logging.Filter):
    """pygls logs a traceback for every message it cannot read; read_messages reports
    those in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Unable to deserialize message")


# -- wiring ----------------------------------------------------------------------------------


def _guarded(server: SagelintServer, name: str, default: Any = None) -> Callable[[F], F]:
    """Run a handler; an internal error is logged to the client and answered with
    `default`, and the server goes on."""

    def wrap(handler: F) -> F:
        @wraps(handler)
        def run(*args: Any) -> Any:
            try:
                return handler(*args)
            except Exception:
                server.internal_error(name)
                return default

        return cast(F, run)

    return wrap


def build_server() -> SagelintServer:
    server = SagelintServer()

    @server.feature(lsp.INITIALIZE)
    @_guarded(server, "initialize")
    def initialize(params: lsp.InitializeParams) -> None:
        server.client_settings = ClientSettings.from_json(params.initialization_options)
        server.resolver = server._new_resolver()

    @server.feature(lsp.SHUTDOWN)
    @_guarded(server, "shutdown")
    def shutdown(params: None) -> None:
        server.checker.close()

    @server.feature(lsp.INITIALIZED)
    async def initialized(params: lsp.InitializedParams) -> None:
        try:
            await register_watchers(server)
        except Exception:
            server.internal_error("registering configuration watchers")

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @_guarded(server, "didChangeConfiguration")
    def did_change_configuration(params: lsp.DidChangeConfigurationParams) -> None:
        server.configure(params.settings)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @_guarded(server, "didChangeWatchedFiles")
    def did_change_watched_files(params: lsp.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.endswith(CONFIG_NAMES) for change in params.changes):
            server.reload()
        elif any(_declaration(change.uri) for change in params.changes):
            server.check_all_open()
        else:  # a module or configuration file an open document read
            server.check_dependents(
                _file_path(change.uri) for change in params.changes
                if change.uri.startswith("file:")
            )

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @_guarded(server, "didOpen")
    def did_open(params: lsp.DidOpenTextDocumentParams) -> None:
        server.check_uri(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @_guarded(server, "didChange")
    def did_change(params: lsp.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        server.unsaved.add(uri)
        if server.client_settings.run == "onType":
            server.schedule(uri)
            if uri.startswith("file:"):  # documents that import this one, or load it
                server.check_dependents([_file_path(uri)])

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    @_guarded(server, "didSave")
    def did_save(params: lsp.DidSaveTextDocumentParams) -> None:
        server.unsaved.discard(params.text_document.uri)
        if params.text_document.uri.endswith(CONFIG_NAMES):
            server.reload()  # a configuration file edited in the editor
            return
        server.check_uri(params.text_document.uri, live=False)
        if params.text_document.uri.startswith("file:"):
            server.check_dependents([_file_path(params.text_document.uri)])
        if _declaration(params.text_document.uri):  # the SDK version may have changed
            server.check_all_open()

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @_guarded(server, "didClose")
    def did_close(params: lsp.DidCloseTextDocumentParams) -> None:
        server.forget(params.text_document.uri)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_OPEN)
    @_guarded(server, "notebookDocument/didOpen")
    def notebook_did_open(params: lsp.DidOpenNotebookDocumentParams) -> None:
        server.check_uri(params.notebook_document.uri)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CHANGE)
    @_guarded(server, "notebookDocument/didChange")
    def notebook_did_change(params: lsp.DidChangeNotebookDocumentParams) -> None:
        uri = params.notebook_document.uri
        notebook = server.workspace.notebook_documents.get(uri)
        if notebook is not None:
            current = {cell.document for cell in notebook.cells}
            for stale in [u for u, p in server.published.items()
                          if p.notebook == uri and u not in current]:
                server.forget(stale)  # a deleted cell
        if server.client_settings.run == "onType":
            server.schedule(uri)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_SAVE)
    @_guarded(server, "notebookDocument/didSave")
    def notebook_did_save(params: lsp.DidSaveNotebookDocumentParams) -> None:
        server.check_uri(params.notebook_document.uri, live=False)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE)
    @_guarded(server, "notebookDocument/didClose")
    def notebook_did_close(params: lsp.DidCloseNotebookDocumentParams) -> None:
        for cell in params.cell_text_documents:
            server.forget(cell.uri)
        server.forget(params.notebook_document.uri)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(
            code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND],
            resolve_provider=False,
        ),
    )
    async def code_action(params: lsp.CodeActionParams) -> List[lsp.CodeAction]:
        try:
            return await server.code_actions(params)
        except Exception:
            server.internal_error("codeAction")
            return []

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @_guarded(server, "hover")
    def hover(params: lsp.HoverParams) -> Optional[lsp.Hover]:
        return server.hover(params)

    return server


def _file_path(uri: str) -> str:
    """The absolute path of a `file:` uri, as the engine records the files it reads."""
    return os.path.abspath(to_fs_path(uri) or "")


def _declaration(uri: str) -> bool:
    """Whether a file is one SM6 may read to know the SDK version."""
    from sagelint.sdk_versions import is_declaration

    return is_declaration(uri.rsplit("/", 1)[-1], uri.rsplit("/", 2)[-2:-1] == ["requirements"])


async def register_watchers(server: SagelintServer) -> None:
    """Ask the client to report changes of configuration files, when it can."""
    workspace = server.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    if watched is None or not watched.dynamic_registration:
        return  # configuration edits are still noticed when a document is checked again
    options = lsp.DidChangeWatchedFilesRegistrationOptions(
        watchers=[
            lsp.FileSystemWatcher(glob_pattern=pattern)
            for pattern in (*CONFIG_GLOBS, *DECLARATION_GLOBS, *PROJECT_GLOBS)
        ]
    )
    await server.client_register_capability_async(
        lsp.RegistrationParams(
            registrations=[
                lsp.Registration(
                    id="sagelint-configuration",
                    method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=options,
                )
            ]
        )
    )


def serve() -> int:
    logging.basicConfig(level=logging.WARNING, format="sagelint server: %(message)s")
    logging.getLogger("pygls.protocol.json_rpc").addFilter(_DroppedUnreadable())
    build_server().start_io()
    return 0
