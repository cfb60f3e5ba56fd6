"""The GitHub Action (action.yml) and the workflows: valid against the GitHub schemas that
check-jsonschema ships (offline), and the action's shell steps run for real.

The steps run in order as a runner would run them: each `run:` script with bash (`-eo
pipefail`, as `shell: bash` does) in a temporary workspace, its `env:` expressions filled from
the inputs, the runner context and earlier steps' outputs, `if:` conditions evaluated (a small
evaluator for the expression forms the action uses: an unknown name fails the test). The
`uses:` steps (cache restore and save, SARIF upload) are recorded with their inputs, not run:
the cache is restored by running twice on the same runner folder.

Offline: the install step builds sagelint from a copy of this checkout without build isolation
and finds the dependencies on PYTHONPATH (links to this interpreter's packages, sagelint's own
left out), where on GitHub it downloads them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from conftest import ROOT
from sagelint import __version__
from test_cli import BAD, GOOD

yaml = pytest.importorskip("ruamel.yaml", reason="ruamel.yaml comes with check-jsonschema (the test extra)")

ACTION = ROOT / "action.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _load(path: Path) -> Any:
    return yaml.YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _check_jsonschema(schema: str, *paths: Path) -> subprocess.CompletedProcess:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is in the test extra")
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, paths)],
        capture_output=True, text=True,
    )


# --- Schemas -------------------------------------------------------------------------------


def test_action_is_valid_against_the_github_actions_schema() -> None:
    done = _check_jsonschema("vendor.github-actions", ACTION)
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflows_are_valid_against_the_github_workflows_schema() -> None:
    names = {path.name for path in WORKFLOWS}
    assert {"ci.yml", "release.yml"} <= names
    done = _check_jsonschema("vendor.github-workflows", *WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_rejects_a_broken_action(tmp_path: Path) -> None:
    # The validation is real: a composite step without its shell is refused.
    broken = tmp_path / "action.yml"
    broken.write_text(ACTION.read_text(encoding="utf-8").replace("      shell: bash\n", "", 1))
    done = _check_jsonschema("vendor.github-actions", broken)
    assert done.returncode == 1 and "shell" in done.stdout, done.stdout


# --- Shape ---------------------------------------------------------------------------------


def _run_steps(document: Any) -> List[Dict[str, Any]]:
    if "runs" in document:
        return [step for step in document["runs"]["steps"] if "run" in step]
    return [step for job in document["jobs"].values() for step in job["steps"] if "run" in step]


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda path: path.name)
def test_no_expression_is_written_into_a_script(path: Path) -> None:
    # Inputs reach scripts through env: an expression in a script is pasted in before bash
    # reads it, so an input holding `"; curl ... #` would run.
    for step in _run_steps(_load(path)):
        assert "${{" not in step["run"], step.get("name")


def test_every_input_is_declared_and_used() -> None:
    text = ACTION.read_text(encoding="utf-8")
    declared = set(_load(ACTION)["inputs"])
    used = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used == declared


def test_cache_key_follows_the_settings_files_and_the_version() -> None:
    steps = {step.get("id"): step for step in _load(ACTION)["runs"]["steps"]}
    restore = steps["cache"]
    assert restore["uses"].startswith("actions/cache/restore@")
    key = restore["with"]["key"]
    for name in ("**/pyproject.toml", "**/sagelint.toml", "**/.sagelint.toml"):
        assert f"'{name}'" in key
    assert "steps.install.outputs.version" in key and "runner.os" in key
    assert restore["with"]["restore-keys"].strip() in key


def test_release_workflow_publishes_with_trusted_publishing() -> None:
    release = _load(ROOT / ".github" / "workflows" / "release.yml")
    # ruamel's safe loader reads the `on` key as a string, as GitHub does.
    assert release["on"]["push"]["tags"] == ["v*"]
    publish = release["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert [step["uses"] for step in publish["steps"]][-1].startswith("pypa/gh-action-pypi-publish@")
    build = "\n".join(step["run"] for step in _run_steps({"jobs": {"b": release["jobs"]["build"]}}))
    assert "python -m build" in build


def test_ci_workflow_runs_the_ci_script() -> None:
    ci = _load(ROOT / ".github" / "workflows" / "ci.yml")
    assert [step["run"] for step in _run_steps(ci)] == ["bash .ci/run"]


def test_pre_commit_hooks_run_serially() -> None:
    hooks = _load(ROOT / ".pre-commit-hooks.yaml")
    assert [hook["id"] for hook in hooks] == ["sagelint", "sagelint-fix"]
    assert all(hook["require_serial"] is True for hook in hooks)


# --- Running the steps ---------------------------------------------------------------------

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.S)
TOKEN = re.compile(r"'(?:[^']|'')*'|==|!=|&&|\|\||!|\(|\)|[A-Za-z_][\w.-]*(?:\(\))?|\S")
STATUS = ("success()", "failure()", "always()", "cancelled()")


class Runner:
    """Runs action.yml's steps the way a runner does, closely enough for its own steps."""

    def __init__(self, action_path: Path, workspace: Path, temp: Path, inputs: Dict[str, str],
                 offline_env: Dict[str, str], installed: Optional[Dict[str, str]] = None) -> None:
        self.action = _load(action_path / "action.yml")
        self.inputs = {name: str(spec.get("default", "")) for name, spec in self.action["inputs"].items()}
        unknown = set(inputs) - set(self.inputs)
        assert not unknown, f"no such input: {unknown}"
        self.inputs.update(inputs)
        self.context = {"github.action_path": str(action_path), "runner.temp": str(temp),
                        "runner.os": "Linux", "github.sha": "0" * 40}
        self.workspace, self.temp, self.offline_env = workspace, temp, offline_env
        self.outputs: Dict[str, Dict[str, str]] = {}
        self.failed = False
        self.log: List[str] = []
        self.uses: Dict[str, Dict[str, str]] = {}
        # The install step's outputs from an earlier run: the step is then not run again.
        self.installed = installed

    def value(self, name: str) -> str:
        if name.startswith("inputs."):
            return self.inputs[name[len("inputs."):]]
        if name.startswith("steps."):
            _, step, kind, key = name.split(".", 3)
            assert kind == "outputs", name
            return self.outputs.get(step, {}).get(key, "")
        return self.context[name]

    def fill(self, text: str) -> str:
        return EXPRESSION.sub(lambda match: self.value(match.group(1)), text)

    def condition(self, text: Optional[str]) -> bool:
        if text is None:
            return not self.failed
        match = EXPRESSION.fullmatch(text.strip())
        expression = match.group(1) if match else text
        python = []
        for token in TOKEN.findall(expression):
            if token.startswith("'"):
                python.append(repr(token[1:-1].replace("''", "'")))
            elif token in ("==", "!=", "(", ")"):
                python.append(token)
            elif token in ("&&", "||", "!"):
                python.append({"&&": " and ", "||": " or ", "!": " not "}[token])
            elif token in STATUS:
                python.append(repr({"success()": not self.failed, "failure()": self.failed,
                                    "always()": True, "cancelled()": False}[token]))
            else:
                python.append(repr(self.value(token)))
        result = bool(eval("".join(python)))  # only the tokens above reach eval
        if not any(status in expression for status in STATUS):
            result = result and not self.failed  # GitHub's implicit success()
        return result

    def run(self, until: Optional[str] = None) -> "Runner":
        for number, step in enumerate(self.action["runs"]["steps"]):
            if not self.condition(step.get("if")):
                continue
            step_id = step.get("id", f"step{number}")
            if step_id == "install" and self.installed is not None:
                self.outputs[step_id] = dict(self.installed)
                continue
            if "uses" in step:
                self.uses[step["uses"].split("@")[0]] = {
                    key: self.fill(str(value)) for key, value in step.get("with", {}).items()
                    if "hashFiles" not in str(value)
                }
                if step["uses"].startswith("actions/cache/restore@"):
                    self.outputs[step_id] = {"cache-hit": "false", "cache-primary-key": "key"}
                continue
            assert step["shell"] == "bash"
            output = self.temp / f"output-{number}"
            output.write_text("")
            script = self.temp / f"step-{number}.sh"
            script.write_text(step["run"])
            env = dict(self.offline_env, RUNNER_TEMP=str(self.temp), GITHUB_OUTPUT=str(output),
                       GITHUB_WORKSPACE=str(self.workspace))
            env.update({key: self.fill(str(value)) for key, value in step.get("env", {}).items()})
            done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                  cwd=self.workspace, env=env, capture_output=True, text=True)
            self.log.append(done.stdout + done.stderr)
            self.outputs[step_id] = dict(
                line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
            )
            if done.returncode != 0:
                self.failed = True
            if step_id == until:
                break
        return self

    @property
    def stdout(self) -> str:
        return "".join(self.log)


def _dependencies(target: Path) -> Path:
    """This interpreter's installed packages, linked one by one, sagelint's own left out (the
    action must install it from its checkout, and pip would see an editable install)."""
    target.mkdir(exist_ok=True)
    for folder in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        for entry in Path(folder).iterdir():
            name = entry.name.lower()
            if "sagelint" in name or name.endswith(".pth") or (target / entry.name).exists():
                continue
            (target / entry.name).symlink_to(entry)
    return target


@pytest.fixture(scope="module")
def action_env(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Any]:
    base = tmp_path_factory.mktemp("action")
    checkout = base / "sagelint-action"  # what `uses: owner/sagelint@ref` checks out
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("action.yml", "pyproject.toml", "README.md", "CHANGELOG.md", "MANIFEST.in", "src"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, checkout / name, ignore=ignore)
        else:
            checkout.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, checkout / name)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTHON", "SAGELINT_", "PIP_", "GITHUB_", "RUNNER_"))}
    env.update(PYTHONPATH=str(_dependencies(base / "dependencies")), PIP_NO_INDEX="1",
               PIP_NO_BUILD_ISOLATION="0", PIP_DISABLE_PIP_VERSION_CHECK="1")
    # One runner temp folder for the module: the venv is made once, as on a runner whose
    # job runs the action twice.
    temp = base / "runner-temp"
    temp.mkdir()
    return {"checkout": checkout, "env": env, "temp": temp}


# The install step makes a venv and builds sagelint: about 8 s of CPU, 20-45 s of wall time on
# the shared 2-core machine under load; the steps after it about a second each.
RUNS_THE_ACTION = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(action_env: Dict[str, Any]) -> Dict[str, str]:
    """The install step, run once for the module (it makes a venv and builds sagelint)."""
    runner = Runner(action_env["checkout"], action_env["temp"], action_env["temp"],
                    {"python": sys.executable}, action_env["env"]).run(until="install")
    assert not runner.failed, runner.stdout
    return runner.outputs["install"]


@RUNS_THE_ACTION
def test_install_step_installs_from_the_actions_checkout(
    action_env: Dict[str, Any], installed: Dict[str, str]
) -> None:
    assert installed["version"] == __version__
    bin_dir = Path(installed["bin"])
    assert bin_dir.parent == action_env["temp"] / "sagelint-venv"
    # Installed into the venv (not linked to the checkout), from the action's folder.
    where = subprocess.run([str(bin_dir / "python"), "-c", "import sagelint; print(sagelint.__file__)"],
                           env=action_env["env"], capture_output=True, text=True)
    assert Path(where.stdout.strip()).is_relative_to(bin_dir.parent), where.stdout + where.stderr


def _workspace(tmp_path: Path) -> Path:
    workspace = tmp_path / "workspace"
    (workspace / "my dir").mkdir(parents=True)
    (workspace / "deploy.py").write_text(BAD)
    (workspace / "my dir" / "deploy 2.py").write_text(BAD)
    (workspace / "clean.py").write_text(GOOD)
    (workspace / "pyproject.toml").write_text("[tool.sagelint]\n")
    return workspace


def _action(action_env: Dict[str, Any], installed: Dict[str, str], workspace: Path,
            **inputs: str) -> Runner:
    shutil.rmtree(action_env["temp"] / "sagelint-cache", ignore_errors=True)
    inputs.setdefault("python", sys.executable)
    return Runner(action_env["checkout"], workspace, action_env["temp"], inputs,
                  action_env["env"], installed).run()


ANNOTATION = re.compile(r"^::(error|warning) title=sagelint \((SM\d{3})\),file=([^,]+),line=(\d+)", re.M)


@RUNS_THE_ACTION
def test_annotations_with_the_users_args_and_paths(
    action_env: Dict[str, Any], installed: Dict[str, str], tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    runner = _action(action_env, installed, workspace, args='--ignore "SM101"', paths="deploy.py 'my dir' clean.py")
    found = sorted((code, file, int(line)) for _, code, file, line in ANNOTATION.findall(runner.stdout))
    assert found == [("SM201", "deploy.py", 4), ("SM201", "my dir/deploy 2.py", 4),
                     ("SM202", "deploy.py", 4), ("SM202", "my dir/deploy 2.py", 4)], runner.stdout
    assert runner.outputs["check"]["exit-code"] == "1" and runner.failed
    assert "sagelint.sarif" not in os.listdir(workspace)
    # The cache was written where the cache steps restore and save it, outside the work tree.
    assert runner.uses["actions/cache/restore"]["path"] == str(action_env["temp"] / "sagelint-cache")
    assert runner.uses["actions/cache/save"] == {"path": str(action_env["temp"] / "sagelint-cache"),
                                                "key": "key"}
    assert any((action_env["temp"] / "sagelint-cache").rglob("*.json"))
    assert not (workspace / ".sagelint_cache").exists()
    assert "github/codeql-action/upload-sarif" not in runner.uses


@RUNS_THE_ACTION
def test_a_clean_run_passes(
    action_env: Dict[str, Any], installed: Dict[str, str], tmp_path: Path
) -> None:
    runner = _action(action_env, installed, _workspace(tmp_path), paths="clean.py")
    assert runner.outputs["check"]["exit-code"] == "0" and not runner.failed
    assert not ANNOTATION.search(runner.stdout)


@RUNS_THE_ACTION
def test_sarif_is_written_and_uploaded(
    action_env: Dict[str, Any], installed: Dict[str, str], tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    runner = _action(action_env, installed, workspace, sarif="true", cache="false")
    assert runner.outputs["check"] == {"exit-code": "1", "sarif-file": "sagelint.sarif"}
    document = json.loads((workspace / "sagelint.sarif").read_text())
    results = {(result["ruleId"], result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
               for result in document["runs"][0]["results"]}
    assert ("SM201", "my%20dir/deploy%202.py") in results and ("SM101", "deploy.py") in results
    assert not ANNOTATION.search(runner.stdout)
    # Uploaded although the check step failed; no cache restored, saved or written.
    assert runner.uses == {"github/codeql-action/upload-sarif": {"sarif_file": "sagelint.sarif",
                                                                 "category": ""}}
    assert not (action_env["temp"] / "sagelint-cache").exists()


@RUNS_THE_ACTION
def test_sarif_category_reaches_the_file_and_the_upload(
    action_env: Dict[str, Any], installed: Dict[str, str], tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    runner = _action(action_env, installed, workspace, sarif="true", **{"sarif-category": "sagelint/deploy"})
    document = json.loads((workspace / "sagelint.sarif").read_text())
    assert document["runs"][0]["automationDetails"]["id"].startswith("sagelint/deploy")
    assert runner.uses["github/codeql-action/upload-sarif"]["category"] == "sagelint/deploy"


@RUNS_THE_ACTION
def test_inputs_are_never_run_as_shell_code(
    action_env: Dict[str, Any], installed: Dict[str, str], tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    runner = _action(action_env, installed, workspace, args='--select SM201 "$(touch pwned)" `touch pwned2`',
                     paths="deploy.py; touch pwned3")
    assert not list(workspace.glob("pwned*")) and not list(action_env["temp"].glob("pwned*"))
    assert runner.failed

    runner = _action(action_env, installed, workspace, args='--select "SM201')
    assert runner.outputs["check"]["exit-code"] == "2"
    assert "::error title=sagelint::the args or paths input has an unclosed quote" in runner.stdout
