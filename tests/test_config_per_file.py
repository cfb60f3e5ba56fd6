"""Configuration per file, as ruff finds it, and standard input checked as a path."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import List, Optional

import pytest

from sagelint.config import (
    ConfigFile,
    Settings,
    SettingsError,
    SettingsResolver,
    load_config,
    rebase_pattern,
    resolve_settings,
)
from test_cli import BAD, sagelint


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def codes_in(output: str, name: str) -> List[str]:
    """The codes reported for files whose path ends with `name` (concise output)."""
    found = []
    for line in output.splitlines():
        path, _, rest = line.partition(":")
        if path.endswith(name) and ": SM" in line:
            found.append(rest.split(": ")[1].split()[0])
    return sorted(found)


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    write(tmp_path / "pyproject.toml", "[tool.sagelint]\nignore = ['SM202']\n")
    write(tmp_path / "serving" / "pyproject.toml", "[tool.sagelint]\nignore = ['SM101']\n")
    write(tmp_path / "training" / "sagelint.toml",
          "select = ['SM202']\nextend-exclude = ['scratch/']\n")
    for folder in ("serving", "training", "training/scratch", "tools"):
        write(tmp_path / folder / "deploy.py", BAD)
    return tmp_path


def test_each_sub_project_uses_its_own_configuration(monorepo: Path) -> None:
    result = sagelint("check", "--output-format", "concise", "--no-cache", ".", cwd=monorepo)
    out = result.stdout
    assert codes_in(out, "serving/deploy.py") == ["SM201", "SM202"]
    assert codes_in(out, "training/deploy.py") == ["SM202"]
    assert "scratch" not in out  # the sub-project's own exclude applies when walking
    assert codes_in(out, "tools/deploy.py") == ["SM101", "SM201"]  # the root's file


def test_named_files_and_another_working_directory_find_the_same(monorepo: Path) -> None:
    named = sagelint("check", "--output-format", "concise", "--no-cache",
                     "serving/deploy.py", "training/scratch/deploy.py", cwd=monorepo)
    assert codes_in(named.stdout, "serving/deploy.py") == ["SM201", "SM202"]
    # Named explicitly, an excluded file is checked (unless --force-exclude), with its config.
    assert codes_in(named.stdout, "scratch/deploy.py") == ["SM202"]
    from_inside = sagelint("check", "--output-format", "concise", "--no-cache", "../serving",
                           cwd=monorepo / "tools")
    assert codes_in(from_inside.stdout, "serving/deploy.py") == ["SM201", "SM202"]


def test_config_and_isolated_still_apply_to_every_file(monorepo: Path) -> None:
    write(monorepo / "only.toml", "select = ['SM101']\n")
    forced = sagelint("check", "--output-format", "concise", "--no-cache", "--config",
                      "only.toml", "serving", "training", cwd=monorepo)
    assert codes_in(forced.stdout, "serving/deploy.py") == ["SM101"]
    assert codes_in(forced.stdout, "training/deploy.py") == ["SM101"]
    isolated = sagelint("check", "--output-format", "concise", "--no-cache", "--isolated",
                        "serving", cwd=monorepo)
    assert codes_in(isolated.stdout, "serving/deploy.py") == ["SM101", "SM201", "SM202"]


def test_an_invalid_sub_project_configuration_exits_2(monorepo: Path) -> None:
    write(monorepo / "training" / "sagelint.toml", "selct = ['SM202']\n")
    result = sagelint("check", "--no-cache", ".", cwd=monorepo)
    assert result.returncode == 2
    assert "sagelint.toml: unknown key 'selct'" in result.stderr
    assert result.stderr.count("\n") == 1


def test_stdin_uses_the_configuration_of_its_filename(monorepo: Path) -> None:
    result = sagelint("check", "--output-format", "concise", "--stdin-filename",
                      "serving/new.py", "-", cwd=monorepo, stdin=BAD)
    assert codes_in(result.stdout, "serving/new.py") == ["SM201", "SM202"]
    assert result.returncode == 1
    without_dash = sagelint("check", "--output-format", "concise", "--stdin-filename",
                            "training/new.py", cwd=monorepo, stdin=BAD)
    assert codes_in(without_dash.stdout, "training/new.py") == ["SM202"]


def test_stdin_fix_without_dash_touches_no_file(tmp_path: Path) -> None:
    """Trap one: no `-` used to check (and fix) the whole working directory."""
    deploy = write(tmp_path / "deploy.py", BAD)
    other = write(tmp_path / "other.py", BAD)
    result = sagelint("check", "--fix", "--stdin-filename", "deploy.py", cwd=tmp_path, stdin=BAD)
    assert deploy.read_text() == BAD and other.read_text() == BAD
    ast.parse(result.stdout)  # only the fixed source
    assert "container_startup_health_check_timeout=600" in result.stdout
    assert "other.py" not in result.stdout + result.stderr
    assert result.returncode == 0


def test_stdin_fix_show_fixes_keeps_stdout_for_the_source(tmp_path: Path) -> None:
    """Trap two: `--show-fixes` used to append its list to the fixed source."""
    result = sagelint("check", "--fix", "--show-fixes", "--stdin-filename", "deploy.py", "-",
                      cwd=tmp_path, stdin=BAD)
    ast.parse(result.stdout)
    assert "Fixed" not in result.stdout and "Fixed" in result.stderr
    assert "SM201 (startup-timeout-missing)" in result.stderr
    unfixable = BAD.replace("py_version=\"py310\")", "py_version=\"py310\", env={\"A\": 1, \"bad key\": \"x\"})")
    remaining = sagelint("check", "--fix", "--stdin-filename", "deploy.py", cwd=tmp_path,
                         stdin=unfixable)
    ast.parse(remaining.stdout)
    assert "SM107" in remaining.stderr and "SM107" not in remaining.stdout
    assert remaining.returncode == 1


def test_stdin_prefilter_and_cache_as_for_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAGELINT_CACHE_DIR")  # conftest's temporary cache: here, the default
    plain = "print('no cloud here')\n"
    result = sagelint("check", "--fix", "--stdin-filename", "plain.py", cwd=tmp_path, stdin=plain)
    assert result.stdout == plain and result.returncode == 0
    first = sagelint("check", "--stdin-filename", "deploy.py", cwd=tmp_path, stdin=BAD)
    assert (tmp_path / ".sagelint_cache").is_dir()
    second = sagelint("check", "--stdin-filename", "deploy.py", cwd=tmp_path, stdin=BAD)
    assert first.stdout == second.stdout and first.returncode == second.returncode == 1


# -- extend -----------------------------------------------------------------------------------


def test_extend_inherits_and_own_keys_win(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml",
          "[tool.sagelint]\nignore = ['SM202']\nstartup-timeout-floor = 900\n"
          "per-file-ignores = { 'app/legacy_*.py' = ['SM2'], 'conftest.py' = ['SM1'] }\n"
          "extend-exclude = ['app/generated/', 'other/gen/', 'tmp/']\n")
    write(tmp_path / "app" / "sagelint.toml",
          "extend = '../pyproject.toml'\nstartup-timeout-floor = 700\nignore = ['SM102']\n")
    config = load_config(tmp_path / "app" / "sagelint.toml")
    assert config.values["startup_timeout_floor"] == 700
    assert config.values["ignore"] == ("SM202", "SM102")
    assert dict(config.values["per_file_ignores"]) == {
        "/legacy_*.py": ("SM2",), "conftest.py": ("SM1",)
    }
    assert config.values["extend_exclude"] == ("/generated/", "tmp/")
    assert config.sources == ((tmp_path / "app" / "sagelint.toml").resolve(),
                              (tmp_path / "pyproject.toml").resolve())
    write(tmp_path / "app" / "legacy_a.py", BAD)
    write(tmp_path / "app" / "generated" / "x.py", BAD)
    result = sagelint("check", "--output-format", "concise", "--no-cache", ".",
                      cwd=tmp_path / "app")
    assert codes_in(result.stdout, "legacy_a.py") == ["SM101"]
    assert "generated" not in result.stdout


def test_a_new_select_in_the_extending_file_starts_over(tmp_path: Path) -> None:
    write(tmp_path / "base.toml", "ignore = ['SM201']\nextend-select = ['SM109']\n")
    write(tmp_path / "sagelint.toml", "extend = 'base.toml'\nselect = ['SM2']\n")
    settings = resolve_settings(load_config(tmp_path / "sagelint.toml"))
    assert "SM201" in settings.enabled and "SM109" not in settings.enabled


@pytest.mark.parametrize(
    "extend, message",
    [
        ("'sagelint.toml'", "a cycle"),
        ("'missing.toml'", "is not a file"),
        ("3", "expected a path"),
    ],
)
def test_bad_extend_is_a_clear_error(tmp_path: Path, extend: str, message: str) -> None:
    write(tmp_path / "sagelint.toml", f"extend = {extend}\n")
    with pytest.raises(SettingsError, match=message):
        load_config(tmp_path / "sagelint.toml")


def test_extend_cycle_through_two_files_exits_2(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", "extend = 'sagelint.toml'\n")
    write(tmp_path / "sagelint.toml", "extend = 'a.toml'\n")
    write(tmp_path / "bad.py", BAD)
    result = sagelint("check", "bad.py", cwd=tmp_path)
    assert result.returncode == 2 and "a cycle" in result.stderr
    assert "Traceback" not in result.stderr


def test_extending_a_pyproject_without_the_table_inherits_nothing(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    write(tmp_path / "app" / ".sagelint.toml", "extend = '../pyproject.toml'\n")
    assert load_config(tmp_path / "app" / ".sagelint.toml").values == {}


@pytest.mark.parametrize(
    "pattern, base, root, expected",
    [
        ("tests/**", "/r", "/r", "tests/**"),
        ("build", "/r", "/r/app", "build"),  # no slash inside: any depth
        ("**/gen/*.py", "/r", "/r/app", "**/gen/*.py"),
        ("app/legacy/", "/r", "/r/app", "/legacy/"),
        ("/app/x.py", "/r", "/r/app", "/x.py"),
        ("other/x.py", "/r", "/r/app", None),  # cannot match below /r/app
        ("!app/keep.py", "/r", "/r/app", "!/keep.py"),
        ("gen/*.py", "/r/app", "/r", "/app/gen/*.py"),
        ("gen/*.py", "/r/a", "/r/b", None),
    ],
)
def test_rebase_pattern(pattern: str, base: str, root: str, expected: Optional[str]) -> None:
    assert rebase_pattern(pattern, Path(base), Path(root)) == expected


# -- built once per configuration file -------------------------------------------------------


def test_settings_are_built_once_per_configuration_file(monorepo: Path) -> None:
    built: List[Optional[ConfigFile]] = []

    def build(config: Optional[ConfigFile]) -> Settings:
        built.append(config)
        return resolve_settings(config)

    resolver = SettingsResolver(build)
    files = [monorepo / folder / f"f{n}.py" for folder in ("serving", "training", "tools")
             for n in range(5)]
    first = [resolver.for_path(path) for path in files]
    again = [resolver.for_path(path) for path in files]
    assert len(built) == 3
    assert all(a is b for a, b in zip(first, again))
    assert first[0].root == (monorepo / "serving").resolve()
    assert first[-1].root == monorepo.resolve()


def test_a_watching_resolver_reads_an_edited_file_again(tmp_path: Path) -> None:
    config = write(tmp_path / "sagelint.toml", "ignore = ['SM101']\n")
    resolver = SettingsResolver(resolve_settings, watch=True)
    assert "SM101" not in resolver.for_path(tmp_path / "x.py").enabled
    write(config, "ignore = ['SM201']\n# longer, so the size changes too\n")
    assert "SM101" in resolver.for_path(tmp_path / "x.py").enabled
    write(tmp_path / "sub" / "sagelint.toml", "ignore = ['SM102']\n")
    resolver.forget()  # a file was added: the server forgets what it found
    assert "SM102" not in resolver.for_path(tmp_path / "sub" / "x.py").enabled


def test_stdin_internal_error_exits_1_as_for_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from sagelint.cli import main
    from sagelint.engine import Engine

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Engine, "check", fail)
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "deploy.py", BAD)
    for args in (["--stdin-filename", "deploy.py"], ["deploy.py"]):
        result = CliRunner().invoke(main, ["check", "--no-cache", *args], input=BAD)
        assert result.exit_code == 1, args
        assert "internal error while checking: RuntimeError: boom" in result.output
