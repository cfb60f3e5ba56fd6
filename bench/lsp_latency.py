"""Language-server latency: from `didChange` to `publishDiagnostics` on a warm server.

Starts `sagelint server`, opens a generated 500-line deployment script, lets the server warm
up, then sends edits one at a time and times each until the diagnostics of that version
arrive, as an editor sees it. Each edit follows the diagnostics of the one before (as
typing does: keystrokes further apart than the server's DEBOUNCE_SECONDS), so the server
checks it at once; only a burst of changes waits for the debounce.
Next to it, the CPU time the server process used per edit (from /proc, on Linux): the part
of the latency that is work, not waiting; on a loaded machine the wall figure grows, this
one does not.
Two scripts: `typical` (one model and deploy among ordinary helper code, the shape of the
benchmark corpus) and `dense` (every 18 lines a model with an env dict and a deploy, all
with findings: the worst case).

    python bench/lsp_latency.py [--lines 500] [--edits 30] [--json out.json]

Not a timed test: a measurement to read (docs/editors.md quotes it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any, Dict, List, Optional, Sequence

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


def typical(lines: int) -> str:
    """One deploy among helpers, as `bench/corpus.py` writes a SageMaker script."""
    rng = random.Random(0)
    body = corpus._deploy(rng)
    padding = corpus._ordinary(rng, lines - len(body) - 1)[: lines - len(body) - 1]
    return "\n".join(padding[:8] + body + padding[8:] + ["# edit 0"]) + "\n"


def dense(lines: int) -> str:
    out = list(HEADER)
    n = 0
    while len(out) + len(block(n)) < lines:
        out += block(n)
        n += 1
    out += ["# (padding)"] * (lines - 1 - len(out))
    return "\n".join(out + ["# edit 0"]) + "\n"


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


def measure(text: str, edits: int, warmup: int = 3) -> Dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deploy_rankers.py"
        uri = path.as_uri()
        client = Client([sys.executable, "-m", "sagelint", "server"])
        try:
            client.request("initialize", {"processId": None, "rootUri": Path(folder).as_uri(),
                                          "capabilities": {}})
            client.send("initialized", {})
            started = time.perf_counter()
            client.send("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "python", "version": 1, "text": text}})
            found = client.diagnostics(uri, 1)
            first = time.perf_counter() - started
            timings, cpu = [], []
            for version in range(2, 2 + warmup + edits):
                text = text.rsplit("# edit", 1)[0] + f"# edit {version}\n"
                started, used = time.perf_counter(), client.cpu_seconds()
                client.send("textDocument/didChange", {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": text}],
                })
                again = client.diagnostics(uri, version)
                elapsed = time.perf_counter() - started
                work = client.cpu_seconds() - used
                assert len(again) == len(found), "an edit of a comment changed the findings"
                if version >= 2 + warmup:
                    timings.append(elapsed * 1000)
                    cpu.append(work)
        finally:
            client.close()
    from sagelint.server import DEBOUNCE_SECONDS

    codes = sorted({d["code"] for d in found})
    return {
        "lines": len(text.splitlines()),
        "codes": " ".join(codes),
        "diagnostics": len(found),
        "open_ms": round(first * 1000, 1),
        "edits": edits,
        "burst_debounce_ms": DEBOUNCE_SECONDS * 1000,
        "median_ms": round(statistics.median(timings), 1),
        "p90_ms": round(sorted(timings)[int(len(timings) * 0.9) - 1], 1),
        "min_ms": round(min(timings), 1),
        # The mean (the clock ticks in 10 ms steps: one edit's figure is too coarse).
        "server_cpu_ms": round(sum(cpu) / len(cpu) * 1000, 1),
        "target_ms": 100,
    }


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    report = {name: measure(make(args.lines), args.edits)
              for name, make in (("typical", typical), ("dense", dense))}
    keys = list(report["typical"])
    print(f"{'':<18} {'typical':>14} {'dense':>14}")
    for key in keys:
        print(f"{key:<18} {report['typical'][key]!s:>14} {report['dense'][key]!s:>14}")
    for name, figures in report.items():
        verdict = "met" if figures["median_ms"] < figures["target_ms"] else "NOT met"
        print(f"{name}: didChange -> publishDiagnostics median {figures['median_ms']} ms "
              f"(target {figures['target_ms']} ms {verdict})")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
