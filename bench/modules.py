"""Issue 28's speed figures for other modules of the project (docs/how-rules-decide.md), each
measured beside its anchor in the same run (CPU of the process and its children; ratios, not
absolute times, are the figures):

    python bench/modules.py                  # a project of 200 files
    python bench/modules.py --files 200 --runs 3 --json modules.json

1. Cost of the per-module summaries on a cold run: `sagelint check --no-cache` over a project
   of N files whose scripts import constants, helpers and models from modules of the project,
   against the same project with those modules unreadable (the imports then resolve to
   nothing and no module is analysed). Target: the difference is under 15 % of the cold run.
   Also, in one process, the CPU spent inside the code that reads other modules (loading and
   analysing them, resolving imported names, following calls into imported functions, the
   gate's and pruning's questions about project imports, placing diagnostics in other
   files) as a share of the engine's CPU on the same files.
2. A cached run does not read a module whose hash did not change: the number of modules
   analysed by a second run with the cache (target 0), and by a run after one module changed
   (only what depends on it is checked again).

The project is generated (deterministic): 10 modules of the project (settings, a package with
a relative import, helpers that build and deploy models) and N - 10 scripts, padded with
ordinary code as bench/corpus.py writes it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import _ordinary  # noqa: E402 - the benchmark's own padding

ROOT = Path(__file__).resolve().parent.parent

MODULES: Dict[str, str] = {
    "config.py": (
        'SERVER_ENV = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": 300, "HF_MODEL_ID": "org/model"}\n'
        'INSTANCE_TYPE = "ml.g5.xlarge"\n'
        "STARTUP_TIMEOUT = 10 * 60\n"
        'ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"\n'
    ),
    "settings/__init__.py": "from .serving import SERVING_ENV, VOLUME\n",
    "settings/serving.py": (
        'SERVING_ENV = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "600", "TS_DEFAULT_RESPONSE_TIMEOUT": "600"}\n'
        "VOLUME = 100\n"
    ),
    "helpers.py": (
        "from sagemaker.pytorch import PyTorchModel\n\n"
        "from config import ROLE, SERVER_ENV\n\n\n"
        "def build_model(artifact):\n"
        "    return PyTorchModel(model_data=artifact, role=ROLE, framework_version=\"2.1\",\n"
        "                        py_version=\"py310\", entry_point=\"inference.py\", env=SERVER_ENV)\n\n\n"
        "def deploy_endpoint(model, instance_type):\n"
        "    return model.deploy(initial_instance_count=1, instance_type=instance_type)\n"
    ),
}
for _i in range(6):
    MODULES[f"lib/util_{_i}.py"] = ""  # ordinary code, filled in by generate()


def _script(rng: random.Random, index: int, lines: int) -> str:
    head = [
        f'"""Script {index}: deploys a model with the project\'s settings (sagemaker)."""',
        "from sagemaker.pytorch import PyTorchModel",
        "",
        "from config import INSTANCE_TYPE, ROLE, SERVER_ENV, STARTUP_TIMEOUT",
        "from helpers import build_model, deploy_endpoint",
        "from settings import SERVING_ENV, VOLUME",
        f"import lib.util_{index % 6}",
        "",
    ]
    body = _ordinary(rng, max(lines - 40, 20))[8:]
    tail = [
        "",
        "",
        f'model = PyTorchModel(model_data="s3://bucket/{index}/model.tar.gz", role=ROLE,',
        '                     framework_version="2.1", py_version="py310",',
        '                     entry_point="inference.py", env=SERVING_ENV)',
        "model.deploy(initial_instance_count=1, instance_type=INSTANCE_TYPE,",
        "             container_startup_health_check_timeout=STARTUP_TIMEOUT,",
        "             model_data_download_timeout=1200, volume_size=VOLUME)",
        f'other = build_model("s3://bucket/{index}/other.tar.gz")',
        "deploy_endpoint(other, INSTANCE_TYPE)",
        "",
    ]
    return "\n".join(head + body + tail)


def generate(root: Path, files: int, seed: int = 0) -> None:
    """A project of `files` Python files at `root` (a `.git` folder marks its root)."""
    rng = random.Random(seed)
    (root / ".git").mkdir(parents=True, exist_ok=True)
    for name, text in MODULES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not text:
            text = "\n".join(_ordinary(rng, rng.randint(150, 400))) + "\n"
        path.write_text(text, encoding="utf-8")
    (root / "lib" / "__init__.py").write_text("", encoding="utf-8")
    scripts = root / "scripts"
    for index in range(files - len(MODULES) - 1):
        folder = scripts if index % 2 else root
        folder.mkdir(exist_ok=True)
        lines = int(rng.uniform(80, 400))
        (folder / f"deploy_{index:03d}.py").write_text(_script(rng, index, lines), encoding="utf-8")


def _hide_modules(root: Path) -> None:
    """The same project with its modules gone: imports of them resolve to nothing."""
    for name in MODULES:
        path = root / name
        path.rename(path.with_name(path.name + ".hidden"))


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(args: Sequence[str], env: Dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, env=env, check=False)


def _check_cpu(root: Path, runs: int, env: Dict[str, str]) -> float:
    """The best CPU time of a cold `sagelint check --no-cache` of the project."""
    best = float("inf")
    for _ in range(runs):
        before = _child_cpu()
        done = _run([sys.executable, "-m", "sagelint", "check", "--isolated", "--no-cache",
                     "--output-format", "concise", str(root)], env)
        if done.returncode not in (0, 1):
            raise SystemExit(f"sagelint failed: {done.stderr}")
        best = min(best, _child_cpu() - before)
    return best


_COUNTING = """
import sys
import sagelint.analysis.modules as modules
count = [0]
analyse = modules._analyse
def counted(*args):
    count[0] += 1
    return analyse(*args)
modules._analyse = counted
from sagelint.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
finally:
    print("ANALYSED", count[0], file=sys.stderr)
"""


def _analysed(root: Path, cache: Path, env: Dict[str, str]) -> int:
    """How many modules a run with the cache at `cache` analysed (one process: jobs=1)."""
    done = _run([sys.executable, "-c", _COUNTING, "check", "--isolated", "--cache-dir",
                 str(cache), "--output-format", "concise", str(root)], {**env, "SAGELINT_JOBS": "1"})
    for line in done.stderr.splitlines():
        if line.startswith("ANALYSED "):
            return int(line.split()[1])
    raise SystemExit(f"no count: {done.stderr}")


# What reads other modules of the project: (module, attribute) of each function, timed
# together (a call inside another is counted once).
_MODULE_CODE = (
    ("sagelint.analysis.modules", "load"),
    ("sagelint.analysis.modules", "cyclic"),
    ("sagelint.analysis.resolve", "Resolver._import_target"),
    ("sagelint.analysis.resolve", "Resolver._imported_value"),
    ("sagelint.analysis.resolve", "Resolver._foreign_value"),
    ("sagelint.analysis.resolve", "Resolver._target_of"),
    ("sagelint.engine", "Engine._into_imported"),
    ("sagelint.engine", "Engine._project_import"),
    ("sagelint.engine", "Engine._imports_project"),
    ("sagelint.engine", "Engine._project_words"),
    ("sagelint.engine", "Engine._elsewhere"),
)


def in_process_share(root: Path) -> float:
    """The share of the engine's CPU (one engine, the project's files in order, modules
    analysed once as in a run) spent in the code that reads other modules."""
    import importlib
    import time

    sys.path.insert(0, str(ROOT / "src"))
    from sagelint.config import Settings
    from sagelint.engine import Engine

    engine = Engine(Settings.build())
    engine.check(str(root / "config.py"), (root / "config.py").read_bytes())  # loads the checker
    spent = [0.0]
    depth = [0]

    def timed(function: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            depth[0] += 1
            start = time.process_time() if depth[0] == 1 else 0.0
            try:
                return function(*args, **kwargs)
            finally:
                if depth[0] == 1:
                    spent[0] += time.process_time() - start
                depth[0] -= 1
        return run

    for module_name, attribute in _MODULE_CODE:
        owner: Any = importlib.import_module(module_name)
        *classes, name = attribute.split(".")
        for class_name in classes:
            owner = getattr(owner, class_name)
        setattr(owner, name, timed(getattr(owner, name)))
    from sagelint.analysis import modules

    modules.forget_all()
    files = sorted(root.rglob("*.py"))
    start = time.process_time()
    for path in files:
        engine.check(str(path), path.read_bytes())
    total = time.process_time() - start
    return spent[0] / total


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    options = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "SAGELINT_JOBS": "1"}
    work = Path(tempfile.mkdtemp(prefix="sagelint-modules-"))
    try:
        with_modules, without = work / "project", work / "hidden"
        generate(with_modules, options.files)
        shutil.copytree(with_modules, without)
        _hide_modules(without)
        cold = _check_cpu(with_modules, options.runs, env)
        anchor = _check_cpu(without, options.runs, env)
        share = (cold - anchor) / cold
        inside = in_process_share(with_modules)
        cache = work / "cache"
        first = _analysed(with_modules, cache, env)
        second = _analysed(with_modules, cache, env)
        config = with_modules / "settings" / "serving.py"
        config.write_text(config.read_text(encoding="utf-8") + "EXTRA = 1\n", encoding="utf-8")
        after_edit = _analysed(with_modules, cache, env)
        figures = {
            "files": options.files,
            "cold_cpu_s": round(cold, 3),
            "cold_without_modules_cpu_s": round(anchor, 3),
            "summaries_share": round(share, 4),
            "module_code_share_in_process": round(inside, 4),
            "modules_analysed_first_run": first,
            "modules_analysed_cached_run": second,
            "modules_analysed_after_one_module_changed": after_edit,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"cold run, {options.files} files: {cold:.2f} s CPU; modules hidden: {anchor:.2f} s")
    print(f"with modules - without: {share:.1%} of the cold run (includes the extra findings)")
    print(f"in one process, code reading other modules: {inside:.1%} of the engine (target < 15%)")
    print(f"modules analysed: first run {first}, cached run {second} (target 0),"
          f" after one module changed {after_edit}")
    if options.json is not None:
        options.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
