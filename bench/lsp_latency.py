"""Language-server latency: from `didChange` to `publishDiagnostics` on a warm server.

Starts `sagelint server`, opens a generated document, lets the server warm up, then sends
edits one at a time and times each until the diagnostics of that version arrive, as an
editor sees it. Each edit follows the diagnostics of the one before (as typing does:
keystrokes further apart than the server's DEBOUNCE_SECONDS), so the server checks it at
once; only a burst of changes waits for the debounce.
Next to it, the CPU time the server process used per edit (from /proc, on Linux): the part
of the latency that is work, not waiting; on a loaded machine the wall figure grows, this
one does not.
Four documents: `typical` (a 500-line script: one model and deploy among ordinary helper
code, the shape of the benchmark corpus), `dense` (every 18 lines a model with an env dict
and a deploy, all with findings: the worst case) and `notebook` (24 cells, 1,259 lines:
helpers, training, analysis and deployment cells; the edit is in its last code cell), and
`gated` (500 lines of ordinary code that imports the SDK and calls none of it: what a sound
gate rejects, so that nothing after it runs; the gate of issue 29's start still passes it,
for its local helpers; its target is the typical script's).
Kinds of edit: `comment` (the last line is a comment whose number changes), `code` (the last
line is an assignment whose value changes: code the engine has to read again), `undo` (that
assignment alternates between two texts: a character typed and deleted again, whose result
the server keeps) and, in the notebook, `markdown` (a markdown cell's text changes: nothing
the engine reads). The anchors are measured on the comment and code edits.
Anchors measured in the same run (issue 29): `ruff server` (default rules) on the same
edits, CPU per edit of its process; CPython's `ast.parse` and `libcst.parse_module` of the
same text (a notebook's code cells joined), CPU per parse in this process.

    python bench/lsp_latency.py [--lines 500] [--edits 30] [--json out.json] [--no-ruff]

Not a timed test: a measurement to read (docs/editors.md quotes it).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any, Callable, Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

HEADER = [
    '"""Deploy the ranking models behind their endpoints."""',
    "import sagemaker",
    "from sagemaker.pytorch import PyTorchModel",
    "",
    'ROLE = "arn:aws:iam::111122223333:role/SageMakerRole"',
    'BUCKET = "s3://models-bucket"',
    "",
]


def block(n: int) -> List[str]:
    timeout = ("300", "600", "900")[n % 3]
    return [
        f"ENV_{n} = {{",
        f'    "SAGEMAKER_MODEL_SERVER_TIMEOUT": {timeout},',
        '    "SAGEMAKER_MODEL_SERVER_WORKERS": "2",',
        "}",
        f"model_{n} = PyTorchModel(",
        f'    model_data=f"{{BUCKET}}/ranker-{n}/model.tar.gz",',
        "    role=ROLE,",
        '    framework_version="2.1",',
        '    py_version="py310",',
        '    entry_point="inference.py",',
        f"    env=ENV_{n},",
        ")",
        f"predictor_{n} = model_{n}.deploy(",
        "    initial_instance_count=1,",
        '    instance_type="ml.g5.xlarge",',
        f'    endpoint_name="ranker-{n}",',
        ")",
        "",
    ]


EDIT_MARK = "# edit"  # every generated text ends with its edit line


def edit_line(kind: str, number: int) -> str:
    """The last line of the text at edit `number`: a comment, or an assignment (`undo`: one
    of two assignments in turn, as a character typed and deleted again)."""
    if kind == "comment":
        return f"# edit {number}"
    return f"edit_count = {number % 2 if kind == 'undo' else number}  # edit"


def with_edit(text: str, kind: str, number: int) -> str:
    """`text` with its last line (the edit line) replaced by edit `number`'s."""
    return text.rstrip("\n").rsplit("\n", 1)[0] + "\n" + edit_line(kind, number) + "\n"


def typical(lines: int) -> str:
    """One deploy among helpers, as `bench/corpus.py` writes a SageMaker script."""
    rng = random.Random(0)
    body = corpus._deploy(rng)
    padding = corpus._ordinary(rng, lines - len(body) - 1)[: lines - len(body) - 1]
    return "\n".join(padding[:8] + body + padding[8:] + ["# edit 0"]) + "\n"


def gated(lines: int) -> str:
    """Ordinary code that imports the SDK and calls nothing of it: the gate's case (no call
    can produce a finding: nothing after the gate need run)."""
    rng = random.Random(2)
    head = ["import sagemaker", "", "SESSION_NAME = 'ranker'"]
    body = corpus._ordinary(rng, lines - len(head) - 1)[: lines - len(head) - 1]
    return "\n".join(head + body + ["# edit 0"]) + "\n"


def dense(lines: int) -> str:
    out = list(HEADER)
    n = 0
    while len(out) + len(block(n)) < lines:
        out += block(n)
        n += 1
    out += ["# (padding)"] * (lines - 1 - len(out))
    return "\n".join(out + ["# edit 0"]) + "\n"


NOTEBOOK_CELLS, NOTEBOOK_LINES = 24, 1259


def notebook(cells: int = NOTEBOOK_CELLS, lines: int = NOTEBOOK_LINES) -> List[Tuple[str, str]]:
    """A notebook of `cells` cells and `lines` lines as (kind, text): markdown notes, an
    install, imports and helpers, a training function, analysis cells, a model built from
    the estimator in a later cell and deployed (findings in the deploy cell), and a last
    cell that ends with the edit line."""
    rng = random.Random(1)
    header, helpers = corpus._dense_header(
        rng, ["import sagemaker", "from sagemaker.pytorch import PyTorch, PyTorchModel"], 3)
    fixed: List[Tuple[str, List[str]]] = [
        ("markdown", ["# Train, evaluate and deploy the ranker", "", "Runs end to end."]),
        ("code", ["%pip install -q sagemaker"]),
        ("code", header),
        ("code", ["def train(entry_point, instance_type):",
                  *corpus._statements(rng, "    ", 40),
                  "    estimator = PyTorch(",
                  "        entry_point=entry_point,",
                  "        role=ROLE,",
                  "        instance_type=instance_type,",
                  "        instance_count=1,",
                  '        framework_version="2.1",',
                  '        py_version="py310",',
                  "    )",
                  '    estimator.fit({"train": BUCKET})',
                  "    return estimator"]),
        ("markdown", ["## Training"]),
        ("code", ['estimator = train("train.py", "ml.g5.2xlarge")']),
        ("markdown", ["## Deployment"]),
        ("code", ["model = PyTorchModel(",
                  "    model_data=estimator.model_data,",
                  "    role=ROLE,",
                  '    framework_version="2.1",',
                  '    py_version="py310",',
                  '    entry_point="inference.py",',
                  '    env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": 600},',
                  ")",
                  'predictor = model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")']),
    ]
    analysis = cells - len(fixed) - 1
    used = sum(len(source) for _, source in fixed) + 1  # the last cell's edit line
    budget = lines - used
    out: List[Tuple[str, List[str]]] = fixed[:5]
    for number in range(analysis):
        share = budget // (analysis - number)
        body = [f"stats_{number} = {helpers[number % len(helpers)]}([])"]
        body += corpus._statements(rng, "", share - 5)  # a block may overrun by four lines
        if number == analysis - 1:  # the last one makes up the count
            body += [f"print(len(stats_{number}))"] * (budget - len(body))
        budget -= len(body)
        out.append(("code", body))
        if number == analysis // 2:
            out += fixed[5:]
    out.append(("code", ["# edit 0"]))
    return [(kind, "\n".join(source) + ("\n" if kind == "code" else "")) for kind, source in out]


def notebook_code(cells: List[Tuple[str, str]]) -> str:
    """The code cells joined, IPython lines made comments: what the anchors parse."""
    code = "".join(text for kind, text in cells if kind == "code")
    return "\n".join(
        "#" + line if line.startswith("%") else line for line in code.split("\n")
    )


class Client:
    """A minimal LSP client over a pipe: Content-Length framed JSON-RPC."""

    def __init__(self, command: Sequence[str]) -> None:
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin: IO[bytes] = self.process.stdin
        self.stdout: IO[bytes] = self.process.stdout
        self.next_id = 0

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server process and of its worker processes (which
        run the checks) so far (Linux; 0 elsewhere)."""
        pids = [self.process.pid]
        try:
            for task in Path(f"/proc/{self.process.pid}/task").iterdir():
                pids += [int(pid) for pid in (task / "children").read_text().split()]
        except OSError:
            pass
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # a stopped worker's time is lost
        return total / os.sysconf("SC_CLK_TCK")

    def send(self, method: str, params: Any, request: bool = False) -> Optional[int]:
        message: Dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        ident = None
        if request:
            self.next_id += 1
            ident = message["id"] = self.next_id
        body = json.dumps(message).encode("utf-8")
        self.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.stdin.flush()
        return ident

    def receive(self) -> Dict[str, Any]:
        length = 0
        while True:
            line = self.stdout.readline()
            if not line:
                raise RuntimeError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.stdout.read(length))  # type: ignore[no-any-return]

    def request(self, method: str, params: Any) -> Dict[str, Any]:
        ident = self.send(method, params, request=True)
        while True:
            message = self.receive()
            if message.get("id") == ident and "method" not in message:
                return message
            self.answer(message)

    def answer(self, message: Dict[str, Any]) -> None:
        """Reply to the server's own requests (registrations) so it is not left waiting."""
        if "id" in message and "method" in message:
            body = json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": None}).encode()
            self.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.stdin.flush()

    def diagnostics(self, uri: str, version: int) -> List[Any]:
        while True:
            message = self.receive()
            self.answer(message)
            params = message.get("params") or {}
            if (message.get("method") == "textDocument/publishDiagnostics"
                    and params.get("uri") == uri and params.get("version") == version):
                return list(params["diagnostics"])

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.send("exit", None)
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()


class Document:
    """One document opened in a server and edited: a script, or a notebook whose last cell
    is edited."""

    def __init__(self, folder: Path, name: str, text: str,
                 cells: Optional[List[Tuple[str, str]]] = None) -> None:
        self.cells = cells
        self.text = text
        suffix = ".ipynb" if cells is not None else ".py"
        self.uri = (folder / f"{name}{suffix}").as_uri()
        # The document diagnostics are published for (a notebook's: its last cell's).
        self.target = f"{self.uri}#cell{len(cells)}" if cells is not None else self.uri

    def open(self, client: Client) -> None:
        if self.cells is None:
            client.send("textDocument/didOpen", {"textDocument": {
                "uri": self.uri, "languageId": "python", "version": 1, "text": self.text}})
            return
        kinds = {"markdown": 1, "code": 2}
        client.send("notebookDocument/didOpen", {
            "notebookDocument": {
                "uri": self.uri, "notebookType": "jupyter-notebook", "version": 1,
                "cells": [{"kind": kinds[kind], "document": f"{self.uri}#cell{n}"}
                          for n, (kind, _) in enumerate(self.cells, 1)],
            },
            "cellTextDocuments": [
                {"uri": f"{self.uri}#cell{n}", "version": 1, "text": text,
                 "languageId": "python" if kind == "code" else "markdown"}
                for n, (kind, text) in enumerate(self.cells, 1)
            ],
        })

    def target_of(self, kind: str) -> str:
        """The document whose diagnostics show that an edit of `kind` was checked."""
        if kind == "markdown" and self.cells is not None:
            return f"{self.uri}#cell1"
        return self.target

    def edit(self, client: Client, kind: str, version: int) -> None:
        if kind == "markdown" and self.cells is not None:  # the first cell's notes
            text = f"# Train, evaluate and deploy the ranker (take {version})\n"
            client.send("notebookDocument/didChange", {
                "notebookDocument": {"uri": self.uri, "version": version},
                "change": {"cells": {"textContent": [{
                    "document": {"uri": self.target_of(kind), "version": version},
                    "changes": [{"text": text}],
                }]}},
            })
            return
        if self.cells is None:
            self.text = with_edit(self.text, kind, version)
            client.send("textDocument/didChange", {
                "textDocument": {"uri": self.uri, "version": version},
                "contentChanges": [{"text": self.text}],
            })
            return
        last = with_edit(self.cells[-1][1], kind, version)
        self.cells[-1] = ("code", last)
        client.send("notebookDocument/didChange", {
            "notebookDocument": {"uri": self.uri, "version": version},
            "change": {"cells": {"textContent": [{
                "document": {"uri": self.target, "version": version},
                "changes": [{"text": last}],
            }]}},
        })


def measure(
    server: Sequence[str], make: Callable[[Path], Document], kind: str, edits: int,
    warmup: int = 3,
) -> Dict[str, Any]:
    """Open the document in `server`, edit it `warmup + edits` times; the figures of the
    last `edits`."""
    with tempfile.TemporaryDirectory() as folder:
        document = make(Path(folder))
        client = Client(server)
        try:
            client.request("initialize", {
                "processId": None, "rootUri": Path(folder).as_uri(),
                "capabilities": {"notebookDocument": {"synchronization": {}}},
            })
            client.send("initialized", {})
            started = time.perf_counter()
            document.open(client)
            found = client.diagnostics(document.target_of(kind), 1)
            first = time.perf_counter() - started
            timings, cpu = [], []
            for version in range(2, 2 + warmup + edits):
                started, used = time.perf_counter(), client.cpu_seconds()
                document.edit(client, kind, version)
                again = client.diagnostics(document.target_of(kind), version)
                elapsed = time.perf_counter() - started
                work = client.cpu_seconds() - used
                assert len(again) == len(found), "an edit of the last line changed the findings"
                if version >= 2 + warmup:
                    timings.append(elapsed * 1000)
                    cpu.append(work)
        finally:
            client.close()
    return {
        "diagnostics": len(found),
        "open_ms": round(first * 1000, 1),
        "median_ms": round(statistics.median(timings), 1),
        "p90_ms": round(sorted(timings)[int(len(timings) * 0.9) - 1], 1),
        # The mean (the clock ticks in 10 ms steps: one edit's figure is too coarse).
        "server_cpu_ms": round(sum(cpu) / len(cpu) * 1000, 1),
    }


def parse_cpu_ms(parse: Callable[[str], Any], text: str, repeat: int = 20) -> float:
    """CPU milliseconds per parse of `text` in this process (the best of three rounds)."""
    parse(text)
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(repeat):
            parse(text)
        best = min(best, (time.process_time() - started) / repeat)
    return round(best * 1000, 2)


# CPU per edit, milliseconds (issue 29's targets).
TARGETS = {"typical": 15.0, "dense": 30.0, "notebook": 50.0, "gated": 15.0}


def workloads(lines: int) -> Dict[str, Tuple[Callable[[Path], Document], str]]:
    """name -> (the document in a folder, the code the anchors parse)."""
    cells = notebook()
    scripts = {"typical": typical(lines), "dense": dense(lines), "gated": gated(lines)}
    out: Dict[str, Tuple[Callable[[Path], Document], str]] = {
        name: ((lambda folder, name=name, text=text: Document(folder, f"deploy_{name}", text)),
               text)
        for name, text in scripts.items()
    }
    out["notebook"] = (
        lambda folder: Document(folder, "train_deploy", "", list(cells)), notebook_code(cells)
    )
    return out


def kinds(chosen: str, workload: str) -> List[str]:
    """The edit kinds asked for that apply to a workload (`markdown`: notebooks only)."""
    return [kind for kind in chosen.split(",")
            if kind and (kind != "markdown" or workload == "notebook")]


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--kinds", default="comment,code,undo,markdown",
                        help="edit kinds, comma-separated")
    parser.add_argument("--only", default="", help="workloads, comma-separated (default: all)")
    parser.add_argument("--no-ruff", action="store_true", help="leave out the ruff anchor")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    import libcst

    from sagelint.server import DEBOUNCE_SECONDS

    ruff = None if args.no_ruff else shutil.which("ruff", path=str(Path(sys.executable).parent))
    ruff = ruff or (None if args.no_ruff else shutil.which("ruff"))
    sagelint = [sys.executable, "-m", "sagelint", "server"]
    report: Dict[str, Any] = {"burst_debounce_ms": DEBOUNCE_SECONDS * 1000}
    chosen = [name for name in args.only.split(",") if name]
    for name, (make, code) in workloads(args.lines).items():
        if chosen and name not in chosen:
            continue
        figures: Dict[str, Any] = {
            "lines": len(code.splitlines()),
            "ast_parse_cpu_ms": parse_cpu_ms(ast.parse, code),
            "libcst_parse_cpu_ms": parse_cpu_ms(libcst.parse_module, code, 5),
            "target_cpu_ms": TARGETS[name],
        }
        for kind in kinds(args.kinds, name):
            figures[kind] = measure(sagelint, make, kind, args.edits)
            if ruff is not None and kind in ("comment", "code"):
                figures[kind]["ruff_server_cpu_ms"] = measure(
                    [ruff, "server"], make, kind, args.edits
                )["server_cpu_ms"]
        report[name] = figures
    print(json.dumps(report, indent=2))
    for name, figures in report.items():
        if not isinstance(figures, dict):
            continue
        for kind in kinds(args.kinds, name):
            cpu = figures[kind]["server_cpu_ms"]
            verdict = "met" if cpu <= figures["target_cpu_ms"] else "NOT met"
            print(
                f"{name} ({figures['lines']} lines, {kind} edit): CPU per edit {cpu} ms"
                f" (target {figures['target_cpu_ms']} ms: {verdict}),"
                f" median wall {figures[kind]['median_ms']} ms;"
                f" ruff server {figures[kind].get('ruff_server_cpu_ms', '-')} ms,"
                f" ast.parse {figures['ast_parse_cpu_ms']} ms,"
                f" libcst.parse_module {figures['libcst_parse_cpu_ms']} ms"
            )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
