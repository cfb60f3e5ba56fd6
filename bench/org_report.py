"""The organisation report at the issue's size: 500 repositories' SARIF files, 100,000 findings.

    python bench/org_report.py                          # 500 repositories, 100,000 findings
    python bench/org_report.py --repositories 50 --findings 10000 --keep /tmp/org

It writes one SARIF file per repository (deterministic: the same seed gives the same files),
shaped as `sagelint check --output-format sarif` writes them: the real rule descriptors of
this checkout, results with fingerprints and fix applicability, the run's repository, commit,
settings fingerprint and file counts. Findings are spread unevenly (a few large
repositories, many small ones, some clean). Then it runs, each in a fresh process seen from
a wrapper of its own (`ru_maxrss` of its children, so runs do not mix):

1. `sagelint report FILES --output-format json` (the file a later `--previous` reads);
2. `sagelint report FILES --output-format html`;
3. `sagelint report FILES --previous report.json --output-format html` (the trend);
4. `sagelint report FILES --output-format markdown`;

and prints wall time, peak resident memory and output size of each. Where this checkout has
no `sagelint report` yet, it says so and times the renderers alone (org/html.py,
org/markdown.py) on an OrgReport of the same size built in a fresh process.

The issue's target: the page under a few MB; reading streams, so memory grows with the
number of repositories, not findings (compare `--findings 100000` with `--findings 200000`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024

# Runs the command given as its arguments and prints the peak RSS (bytes) of the processes it
# waited for: only this wrapper's children count.
_WRAPPER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True)
sys.stderr.write(done.stderr.decode("utf-8", "replace")[-2000:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(peak * (1 if sys.platform == "darwin" else 1024), done.returncode)
"""

# Messages as sagelint writes them: code spans, a sentence or two (about 140 characters).
MESSAGES = [
    "`model.deploy(...)` does not set `container_startup_health_check_timeout`: the container's "
    "first health check may give up before the model has loaded; set it to at least 600 s",
    "`PyTorchModel(...)` has no `env`: the model server keeps its 60 s default timeout; set "
    "`SAGEMAKER_MODEL_SERVER_TIMEOUT`",
    "`instance_type='ml.p3.2xlarge'` is not offered for hosting: pick one of the types the "
    "CreateEndpointConfig API accepts",
    "`max_run` is 432000 s: a training job stops after 5 days; set `max_run` to at most 432000 "
    "or use managed warm pools",
    "A credential is written in the code (`aws_secret_access_key='AKIA****************'`): "
    "read it from the environment or a secret store",
]
FOLDERS = ["training", "serving", "pipelines/steps", "notebooks", "src/ml/jobs", "infra"]


def _weights(repositories: int, rng: random.Random) -> List[float]:
    """A long tail: a few repositories hold most findings; about one in eight is clean."""
    weights = []
    for index in range(repositories):
        if rng.random() < 0.125:
            weights.append(0.0)
        else:
            weights.append(rng.paretovariate(1.3) * (5 if index < repositories // 50 else 1))
    return weights


def _shares(total: int, weights: Sequence[float]) -> List[int]:
    scale = total / (sum(weights) or 1)
    shares = [int(weight * scale) for weight in weights]
    biggest = max(range(len(shares)), key=lambda i: shares[i]) if shares else 0
    if shares:
        shares[biggest] += total - sum(shares)
    return shares


def _driver() -> Dict[str, Any]:
    """This checkout's SARIF driver: every rule's descriptor, as a real run carries them."""
    sys.path.insert(0, str(ROOT / "src"))
    from sagelint.reporters.sarif import sarif_document
    from sagelint.runner import RunResult

    driver: Dict[str, Any] = sarif_document(RunResult())["runs"][0]["tool"]["driver"]
    return driver


def _run(name: str, index: int, findings: int, driver: Dict[str, Any], rng: random.Random) -> Dict[str, Any]:
    rules = [(i, rule) for i, rule in enumerate(driver["rules"]) if rule["id"] != "SM001"]
    files_scanned = 20 + rng.randrange(400)
    with_findings = max(1, min(files_scanned, findings // 6 + 1))
    paths = [f"{rng.choice(FOLDERS)}/module_{k:03d}.py" for k in range(with_findings)]
    results = []
    for number in range(findings):
        rule_index, rule = rules[min(len(rules) - 1, int(rng.expovariate(0.25)))]
        row = 1 + rng.randrange(900)
        fix = ("safe", "unsafe", None)[number % 3]
        result: Dict[str, Any] = {
            "ruleId": rule["id"],
            "ruleIndex": rule_index,
            "level": rule["defaultConfiguration"]["level"],
            "message": {"text": MESSAGES[number % len(MESSAGES)]},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": paths[min(len(paths) - 1, int(rng.expovariate(0.3)))],
                                     "uriBaseId": "SRCROOT"},
                "region": {"startLine": row, "startColumn": 5, "endLine": row, "endColumn": 40},
            }}],
            "partialFingerprints": {"sagelint/v2": f"{rng.getrandbits(64):016x}:1"},
        }
        if fix is not None:
            result["properties"] = {"fix": fix}
        results.append(result)
    unchecked = index % 9 == 4
    notifications = [{
        "level": "error", "message": {"text": "could not be decoded as UTF-8"},
        "descriptor": {"id": driver["notifications"][0]["id"], "index": 0},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "legacy/old_job.py"}}}],
    }] if unchecked else []
    return {
        "tool": {"driver": driver},
        "versionControlProvenance": [{
            "repositoryUri": f"https://github.com/acme/{name}",
            "revisionId": f"{rng.getrandbits(160):040x}",
            "branch": "main",
            "mappedTo": {"uriBaseId": "SRCROOT"},
        }],
        "originalUriBaseIds": {"SRCROOT": {"uri": f"file:///runner/work/{name}/"}},
        "properties": {"repositoryName": f"acme/{name}", "settingsFingerprint": "3f9c2a61d0b4e587"},
        "invocations": [{
            "executionSuccessful": not unchecked,
            "toolExecutionNotifications": notifications,
            "endTimeUtc": f"2026-12-07T05:{index // 60 % 60:02d}:{index % 60:02d}.000000Z",
            "properties": {"filesScanned": files_scanned, "filesNotChecked": len(notifications)},
        }],
        "results": results,
        "columnKind": "unicodeCodePoints",
    }


def write_sarif(folder: Path, repositories: int, findings: int, seed: int = 31) -> List[Path]:
    rng = random.Random(seed)
    driver = _driver()
    shares = _shares(findings, _weights(repositories, rng))
    paths = []
    for index, count in enumerate(shares):
        name = f"service-{index:03d}"
        document = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
                    "runs": [_run(name, index, count, driver, rng)]}
        path = folder / f"{name}.sarif"
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
        paths.append(path)
    return paths


def _env() -> Dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


def has_report_command() -> bool:
    done = subprocess.run([sys.executable, "-m", "sagelint", "report", "--help"],
                          capture_output=True, text=True, env=_env())
    return done.returncode == 0 and "--previous" in done.stdout


def measure(command: List[str], output: Optional[Path]) -> Dict[str, Any]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *command], capture_output=True,
                          text=True, env=_env())
    seconds = time.perf_counter() - start
    peak, code = done.stdout.split()
    return {
        "seconds": round(seconds, 2),
        "peak_mb": round(int(peak) / MB, 1),
        "exit": int(code),
        "output_mb": round(output.stat().st_size / MB, 2) if output and output.exists() else None,
        "stderr": done.stderr.strip().splitlines()[-3:],
    }


def through_the_cli(folder: Path, files: List[Path]) -> Dict[str, Dict[str, Any]]:
    sagelint = [sys.executable, "-m", "sagelint", "report", *map(str, files)]
    out = {name: folder / name for name in ("report.json", "report.html", "trend.html", "report.md")}
    return {
        "json": measure([*sagelint, "--output-format", "json", "--output-file", str(out["report.json"])],
                        out["report.json"]),
        "html": measure([*sagelint, "--output-format", "html", "--output-file", str(out["report.html"])],
                        out["report.html"]),
        "html --previous": measure([*sagelint, "--previous", str(out["report.json"]), "--output-format",
                                    "html", "--output-file", str(out["trend.html"])], out["trend.html"]),
        "markdown": measure([*sagelint, "--output-format", "markdown", "--output-file", str(out["report.md"])],
                            out["report.md"]),
    }


# --- Fallback: the renderers alone -----------------------------------------------------------


def synthetic_report(repositories: int, findings: int, seed: int = 31) -> Any:
    """An OrgReport as the merge would build it from write_sarif's files (the same spread,
    counts and samples), for timing the renderers where `sagelint report` is missing."""
    sys.path.insert(0, str(ROOT / "src"))
    from sagelint.org.model import SAMPLE_PER_REPOSITORY, Counts, Finding, OrgReport, Repository, RuleSummary, Trend

    rng = random.Random(seed)
    shares = _shares(findings, _weights(repositories, rng))
    report = OrgReport(generated_by="sagelint (bench)", previous="report.json")
    rules: Dict[str, RuleSummary] = {}
    for index, count in enumerate(shares):
        repository = Repository(name=f"acme/service-{index:03d}", commit=f"{rng.getrandbits(160):040x}",
                                branch="main", sagelint_version="bench", settings_fingerprint="3f9c2a61d0b4e587",
                                files_scanned=20 + rng.randrange(400), files_not_checked=int(index % 9 == 4),
                                trend=Trend(new=count // 10, fixed=count // 20, unchanged=count - count // 10))
        per_file: Dict[str, int] = {}
        for number in range(count):
            code = f"SM{201 + int(rng.expovariate(0.25)):03d}"
            level = "error" if code < "SM205" else "warning"
            path = f"{FOLDERS[number % len(FOLDERS)]}/module_{int(rng.expovariate(0.3)):03d}.py"
            per_file[path] = per_file.get(path, 0) + 1
            counts = repository.by_rule.setdefault(code, Counts())
            for target in (counts, repository.counts):
                target.findings += 1
                target.errors += level == "error"
                target.warnings += level == "warning"
                target.fixable += number % 3 == 0
            if len(repository.sample) < SAMPLE_PER_REPOSITORY:
                repository.sample.append(Finding(code, level, path, 1 + rng.randrange(900), 5,
                                                 MESSAGES[number % len(MESSAGES)]))
        repository.sample.sort(key=lambda finding: (finding.path, finding.line))
        repository.top_files = sorted(per_file.items(), key=lambda item: (-item[1], item[0]))[:10]
        for code, counts in repository.by_rule.items():
            summary = rules.setdefault(code, RuleSummary(code, f"rule-{code.lower()}", "warning"))
            summary.counts.findings += counts.findings
            summary.counts.fixable += counts.fixable
            summary.repositories += 1
        for name in ("findings", "errors", "warnings", "fixable"):
            setattr(report.totals, name, getattr(report.totals, name) + getattr(repository.counts, name))
        report.files_scanned += repository.files_scanned
        report.files_not_checked += repository.files_not_checked
        report.repositories.append(repository)
    report.repositories.sort(key=lambda r: (-r.counts.findings, r.name))
    report.rules = sorted(rules.values(), key=lambda r: -r.counts.findings)
    report.trend = Trend(new=findings // 10, fixed=findings // 20, unchanged=findings - findings // 10)
    return report


_RENDER = """
import sys, time
sys.path.insert(0, sys.argv[1])
import org_report
from sagelint.org.html import render_html
from sagelint.org.markdown import render_markdown
start = time.perf_counter()
report = org_report.synthetic_report(int(sys.argv[2]), int(sys.argv[3]))
built = time.perf_counter()
render = render_html if sys.argv[5] == "html" else render_markdown
with open(sys.argv[4], "w", encoding="utf-8") as stream:
    render(report, stream)
sys.stderr.write(f"built in {built - start:.2f} s, rendered in {time.perf_counter() - built:.2f} s\\n")
"""


def renderers_only(folder: Path, repositories: int, findings: int) -> Dict[str, Dict[str, Any]]:
    figures = {}
    for kind, name in (("html", "report.html"), ("markdown", "report.md")):
        target = folder / name
        figures[f"{kind} (renderer)"] = measure(
            [sys.executable, "-c", _RENDER, str(Path(__file__).resolve().parent), str(repositories),
             str(findings), str(target), kind], target)
    return figures


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repositories", type=int, default=500)
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="write the SARIF files and reports here")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sagelint-org-") as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        files = write_sarif(folder, args.repositories, args.findings)
        size = sum(path.stat().st_size for path in files) / MB
        print(f"{len(files)} SARIF files, {args.findings:,} findings, {size:.0f} MB, written in "
              f"{time.perf_counter() - start:.1f} s ({folder})")
        if has_report_command():
            figures = through_the_cli(folder, files)
        else:
            print("`sagelint report` is not in this checkout (it comes with issue 31's merge): "
                  "timing the renderers alone on an OrgReport of the same size instead.")
            figures = renderers_only(folder, args.repositories, args.findings)
    print(f"{'run':<18} {'wall s':>8} {'peak MB':>9} {'output MB':>10}  exit")
    for name, figure in figures.items():
        output = "-" if figure["output_mb"] is None else f"{figure['output_mb']:.2f}"
        print(f"{name:<18} {figure['seconds']:>8.2f} {figure['peak_mb']:>9.1f} {output:>10}  {figure['exit']}")
        for line in figure["stderr"]:
            print(f"{'':<18} {line}")
    if args.json:
        args.json.write_text(json.dumps({"repositories": args.repositories, "findings": args.findings,
                                         "sarif_mb": round(size, 1), "runs": figures}, indent=2))
    return 0 if all(figure["exit"] == 0 for figure in figures.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
