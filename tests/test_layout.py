"""The rule layout: one module per rule, found by listing the package, and the generated
table of codes. A rule module added under a new code runs with no other edit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from sagelint.docs import CODES_PATH, GATE_TABLE_PATH, codes_source, gate_table_source
from sagelint.rules import Rule, all_rules
from sagelint.selection import rule_identity, rule_modules

SOURCE = ROOT / "src" / "sagelint"


def test_generated_code_table_is_current() -> None:
    assert CODES_PATH.read_text(encoding="utf-8") == codes_source(), (
        "sagelint/codes.py is stale: run `python -m sagelint.docs`"
    )


def test_generated_gate_table_is_current() -> None:
    """The names the gate reads before LibCST are the live surfaces', rules' and generation
    tables' (`python -m sagelint.docs` writes them from those)."""
    assert GATE_TABLE_PATH.read_text(encoding="utf-8") == gate_table_source(), (
        "sagelint/gate_table.py is stale: run `python -m sagelint.docs`"
    )


def test_every_rule_module_holds_the_rule_its_name_gives() -> None:
    modules = rule_modules()
    assert list(modules) == list(all_rules()) and len(modules) >= 22
    for code, rule in all_rules().items():
        family, module = modules[code].split(".")
        assert rule.__module__ == f"sagelint.rules.{family}.{module}"
        assert rule_identity(module) == (code, rule.name)
        assert (SOURCE / "rules" / family / f"{module}.py").is_file()


def test_a_module_that_is_not_named_like_a_rule_is_not_a_rule() -> None:
    assert rule_identity("sagelint.rules.deploy.common") is None
    assert rule_identity("sagelint.rules.deploy.sm20_short") is None
    assert rule_identity("sm201_Startup") is None
    assert rule_identity("sagelint.rules.x.sm999_a_b") == ("SM999", "a-b")
    assert all(isinstance(rule, type) and issubclass(rule, Rule) for rule in all_rules().values())


DEPLOY = """\
from sagemaker.pytorch import PyTorchModel

model = PyTorchModel(env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}, framework_version="2.1", py_version="py310")
model.deploy(initial_instance_count=1, instance_type="ml.m5.large", model_data_download_timeout=600)
"""


def _run(package: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env["PYTHONPATH"] = str(package)
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120,
        check=False,
    )


def test_a_rule_module_copied_under_a_new_code_runs_with_no_other_edit(tmp_path: Path) -> None:
    """A temporary install: the package copied, one rule module copied under SM299, nothing
    else touched (not even the generated table). Listing, `--select` and `check` see it."""
    package = tmp_path / "site"
    shutil.copytree(SOURCE, package / "sagelint", ignore=shutil.ignore_patterns("__pycache__"))
    deploy = package / "sagelint" / "rules" / "deploy"
    shutil.copy(deploy / "sm201_startup_timeout_missing.py", deploy / "sm299_copied_rule.py")
    (tmp_path / "deploy.py").write_text(DEPLOY)
    sagelint = ("-m", "sagelint")

    where = _run(package, "-c", "import sagelint; print(sagelint.__file__)", cwd=tmp_path)
    assert where.stdout.strip() == str(package / "sagelint" / "__init__.py")

    listed = _run(package, *sagelint, "rules", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert any(line.split()[:2] == ["SM299", "copied-rule"] for line in listed.stdout.splitlines())
    documented = _run(package, *sagelint, "rule", "SM299", cwd=tmp_path)
    assert documented.returncode == 0 and "container_startup_health_check_timeout" in documented.stdout

    args = ("check", "--no-cache", "--output-format", "concise", "deploy.py")
    selected = _run(package, *sagelint, *args, "--select", "SM299", cwd=tmp_path)
    assert selected.returncode == 1, selected.stderr
    assert [line.split()[1] for line in selected.stdout.splitlines() if ": SM" in line] == ["SM299"]
    assert "deploy.py:4:1: SM299 [*] `model.deploy(...)` does not set" in selected.stdout
    by_default = _run(package, *sagelint, *args, cwd=tmp_path)
    found = [line.split()[1] for line in by_default.stdout.splitlines() if ": SM" in line]
    assert sorted(found) == ["SM201", "SM299"], by_default.stdout + by_default.stderr

    # Regenerating writes the new rule into the table (and the README's rule table).
    readme = tmp_path / "README.md"
    shutil.copy(ROOT / "README.md", readme)
    generated = _run(package, "-m", "sagelint.docs", str(readme), cwd=tmp_path)
    assert generated.returncode == 0, generated.stderr
    codes = (package / "sagelint" / "codes.py").read_text()
    assert '"SM299": (True, "deploy.sm299_copied_rule"),' in codes
    assert "–SM299 (" in readme.read_text()  # its family's row now ends at it
    page = tmp_path / "docs" / "rules" / "SM299.md"
    assert "# SM299: copied-rule" in page.read_text()
    assert "| [SM299](SM299.md) | `copied-rule` |" in (page.parent / "README.md").read_text()


def test_a_changed_rule_message_is_never_read_from_the_cache(tmp_path: Path) -> None:
    """The cache key holds a hash of sagelint's own source files: after an edit to a rule,
    a warm cache gives the new message, not the one the old code stored."""
    package = tmp_path / "site"
    shutil.copytree(SOURCE, package / "sagelint", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "deploy.py").write_text(DEPLOY)
    cache = tmp_path / "cache"
    args = ("-m", "sagelint", "check", "--cache-dir", str(cache), "--output-format", "concise",
            "deploy.py")
    first = _run(package, *args, cwd=tmp_path)
    assert "does not set `container_startup_health_check_timeout`" in first.stdout
    rule = package / "sagelint" / "rules" / "deploy" / "common.py"
    rule.write_text(rule.read_text().replace("does not set `{name}`", "lacks `{name}`"))
    second = _run(package, *args, cwd=tmp_path)
    assert "lacks `container_startup_health_check_timeout`" in second.stdout, second.stdout
    assert len(list(cache.iterdir())) == 4  # .gitignore, CACHEDIR.TAG, a folder per source


def _checkout(tmp_path: Path) -> Path:
    """A temporary source checkout: the package under src/, the rule fixtures, the README."""
    repo = tmp_path / "repo"
    shutil.copytree(SOURCE, repo / "src" / "sagelint", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "fixtures" / "rules", repo / "fixtures" / "rules")
    shutil.copy(ROOT / "README.md", repo / "README.md")
    return repo


def test_the_scaffold_writes_a_rule_that_is_listed_and_documented(tmp_path: Path) -> None:
    repo = _checkout(tmp_path)
    src = repo / "src"
    made = _run(src, "-m", "sagelint.new_rule", "SM399", "spot-without-max-wait",
                "Spot training without `max_wait`", cwd=repo)
    assert made.returncode == 0, made.stderr
    module = src / "sagelint" / "rules" / "training" / "sm399_spot_without_max_wait.py"
    fixture = repo / "fixtures" / "rules" / "SM399.py"
    assert module.is_file() and "# expect: SM399" in fixture.read_text()
    assert "| [SM399](SM399.md) | `spot-without-max-wait` | Spot training without `max_wait` |" in (
        (repo / "docs" / "rules" / "README.md").read_text()
    )
    assert '"SM399": (True, "training.sm399_spot_without_max_wait"),' in (
        (src / "sagelint" / "codes.py").read_text()
    )
    assert "# SM399: spot-without-max-wait" in (repo / "docs" / "rules" / "SM399.md").read_text()
    probe = (
        "from sagelint.rules import DOC_SECTIONS, all_rules\n"
        "rule = all_rules()['SM399']\n"
        "print(rule.__name__, rule.name, all(f'## {s}' in rule.documentation() for s in DOC_SECTIONS))\n"
    )
    described = _run(src, "-c", probe, cwd=repo)
    assert described.stdout.split() == ["SpotWithoutMaxWait", "spot-without-max-wait", "True"]
    listed = _run(src, "-m", "sagelint", "rules", cwd=repo)
    assert "SM399  spot-without-max-wait" in listed.stdout

    again = _run(src, "-m", "sagelint.new_rule", "SM399", "other", "Other", cwd=repo)
    assert again.returncode == 2
    assert again.stderr.strip() == (
        "sagelint.new_rule: SM399 already exists: training.sm399_spot_without_max_wait"
    )
    orphan = _run(src, "-m", "sagelint.new_rule", "SM999", "new-thing", "New", cwd=repo)
    assert orphan.returncode == 2 and "--family NAME" in orphan.stderr
    family = _run(src, "-m", "sagelint.new_rule", "SM901", "new-thing", "New thing",
                  "--family", "misc", cwd=repo)
    assert family.returncode == 0, family.stderr
    assert (src / "sagelint" / "rules" / "misc" / "sm901_new_thing.py").is_file()
