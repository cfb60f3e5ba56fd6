"""Configuration: discovery, validation (each kind of invalid), overrides, relative paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from sagelint.cli import OUTPUT_FORMATS as CLI_FORMATS
from sagelint.config import (
    OUTPUT_FORMATS,
    SettingsError,
    find_config,
    load_config,
    resolve_settings,
)
from test_cli import BAD, sagelint


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_cli_and_config_agree_on_formats() -> None:
    assert CLI_FORMATS == OUTPUT_FORMATS


def test_every_key_loads(tmp_path: Path) -> None:
    config = write(
        tmp_path / "sagelint.toml",
        """
select = ["SM"]
extend-select = ["SM109"]
ignore = ["SM106"]
per-file-ignores = { "tests/**" = ["SM101", "SM2"] }
exclude = ["build/"]
extend-exclude = ["legacy/**"]
respect-gitignore = false
output-format = "concise"
fix = true
unsafe-fixes = true
server-timeout-floor = 240
startup-timeout-floor = 900
download-timeout-floor = 1200
keep-alive-max = 21600
timeout-env-keys = ["MY_TIMEOUT"]
extend-model-classes = ["acme.serving.ClipModel"]
extend-estimator-classes = ["acme.training.GpuEstimator"]
baseline = "sagelint-baseline.json"
fail-on = "error"
""",
    )
    settings = resolve_settings(load_config(config))
    assert (settings.baseline, settings.fail_on) == ("sagelint-baseline.json", "error")
    assert "SM109" in settings.enabled and "SM106" not in settings.enabled
    assert settings.ignored_in("tests/unit/test_x.py") >= {"SM101", "SM201", "SM206"}
    assert settings.ignored_in("src/x.py") == frozenset()
    assert settings.exclude == ("build/",) and settings.extend_exclude == ("legacy/**",)
    assert (settings.respect_gitignore, settings.fix, settings.unsafe_fixes) == (False, True, True)
    assert settings.output_format == "concise"
    assert (settings.server_timeout_floor, settings.startup_timeout_floor) == (240, 900)
    assert (settings.download_timeout_floor, settings.keep_alive_max) == (1200, 21600)
    assert settings.timeout_env_keys == ("MY_TIMEOUT",)
    assert settings.catalog.lookup("acme.serving.ClipModel") is not None
    assert settings.catalog.lookup("acme.training.GpuEstimator") is not None
    assert settings.root == tmp_path.resolve()


@pytest.mark.parametrize(
    "text,message",
    [
        ("startup-timeout-flor = 600", "unknown key 'startup-timeout-flor' (did you mean 'startup-timeout-floor'?)"),
        ("frobnicate = 1", "unknown key 'frobnicate'"),
        ('startup-timeout-floor = "600"', "startup-timeout-floor: expected a whole number of seconds, got '600'"),
        ("fix = 1", "fix: expected true or false, got 1"),
        ("server-timeout-floor = true", "server-timeout-floor: expected a whole number of seconds, got True"),
        ('select = "SM1"', "select: expected a list of rule codes or prefixes, got 'SM1'"),
        ('ignore = ["SM999"]', "ignore: unknown rule code or prefix 'SM999'"),
        ('extend-select = ["E501"]', "extend-select: unknown rule code or prefix 'E501'"),
        ('per-file-ignores = { "t/**" = ["XX1"] }', "unknown rule code or prefix 'XX1' for 't/**'"),
        ("startup-timeout-floor = -1", "startup-timeout-floor: expected a whole number of seconds from 60 to 3600, got -1"),
        # Below the API minimum: the fix would insert a value the API rejects (SM204).
        ("startup-timeout-floor = 10", "startup-timeout-floor: expected a whole number of seconds from 60 to 3600, got 10"),
        ("download-timeout-floor = 59", "download-timeout-floor: expected a whole number of seconds from 60 to 3600, got 59"),
        ("download-timeout-floor = 4000", "download-timeout-floor: expected a whole number of seconds from 60 to 3600, got 4000"),
        ('fail-on = "info"', "fail-on: expected one of warning, error, got 'info'"),
        ("baseline = 3", "baseline: expected a path to a baseline file, got 3"),
        ("server-timeout-floor = -5", "server-timeout-floor: expected a whole number of seconds from 0 to 3600"),
        ("keep-alive-max = 30000", "keep-alive-max: expected a whole number of seconds from 0 to 21600, got 30000"),
        ('timeout-env-keys = ["MY-TIMEOUT"]', "'MY-TIMEOUT' is not an environment variable name"),
        ('extend-model-classes = ["ClipModel"]', "'ClipModel' is not a qualified class name"),
        ('output-format = "xml"', "output-format: expected one of full, concise"),
        ("select = [", "invalid TOML"),
    ],
)
def test_invalid_configuration_names_file_key_and_expectation(
    tmp_path: Path, text: str, message: str
) -> None:
    config = write(tmp_path / "sagelint.toml", text + "\n")
    with pytest.raises(SettingsError) as raised:
        load_config(config)
    assert str(config.resolve()) in str(raised.value) or str(config) in str(raised.value)
    assert message in str(raised.value)


def test_discovery_walks_up_and_prefers_dedicated_files(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.sagelint]\nignore = ['SM201']\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    write(tmp_path / "a" / "pyproject.toml", "[project]\nname = 'x'\n")  # no table: skipped
    assert find_config(nested) == tmp_path / "pyproject.toml"
    write(tmp_path / "sagelint.toml", "ignore = []\n")
    assert find_config(nested) == tmp_path / "sagelint.toml"
    write(tmp_path / ".sagelint.toml", "ignore = []\n")
    assert find_config(nested) == tmp_path / ".sagelint.toml"
    write(tmp_path / "a" / "b" / "sagelint.toml", "")
    assert find_config(nested) == nested / "sagelint.toml"


def test_command_line_overrides_configuration(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path / "sagelint.toml", "select = ['SM2']\nignore = ['SM202']\nfix = true\n")
    )
    from_file = resolve_settings(config)
    assert "SM101" not in from_file.enabled and "SM202" not in from_file.enabled
    assert from_file.fix
    overridden = resolve_settings(
        config, select=["SM1"], extend_select=["SM201"], ignore=["SM102"], fix=False
    )
    assert "SM101" in overridden.enabled and "SM201" in overridden.enabled
    assert "SM102" not in overridden.enabled and "SM202" not in overridden.enabled
    assert not overridden.fix


def test_cli_finds_config_from_a_subfolder_and_isolated_ignores_it(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.sagelint]\nignore = ['SM101']\n")
    write(tmp_path / "src" / "bad.py", BAD)
    found = sagelint("check", "--output-format", "concise", "bad.py", cwd=tmp_path / "src")
    assert "SM101" not in found.stdout and "SM201" in found.stdout
    isolated = sagelint("check", "--isolated", "--output-format", "concise", "bad.py", cwd=tmp_path / "src")
    assert "SM101" in isolated.stdout


def test_cli_invalid_configuration_exits_2_with_one_line(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.sagelint]\nstartup-timeout-flor = 600\n")
    write(tmp_path / "bad.py", BAD)
    result = sagelint("check", "bad.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "pyproject.toml: unknown key 'startup-timeout-flor'" in result.stderr
    assert "Traceback" not in result.stderr
    explicit = sagelint("check", "--config", "missing.toml", "bad.py", cwd=tmp_path)
    assert explicit.returncode == 2 and "missing.toml" in explicit.stderr


def test_config_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        "[tool.sagelint]\n"
        "extend-exclude = ['generated/']\n"
        "per-file-ignores = { 'deploy/legacy_*.py' = ['SM2'] }\n",
    )
    write(tmp_path / "generated" / "bad.py", BAD)
    write(tmp_path / "deploy" / "legacy_one.py", BAD)
    write(tmp_path / "deploy" / "new.py", BAD)
    result = sagelint("check", "--output-format", "concise", ".", cwd=tmp_path / "deploy")
    assert "generated" not in result.stdout
    assert "legacy_one.py:3:9: SM101" in result.stdout
    assert "legacy_one.py:4:1: SM201" not in result.stdout
    assert "new.py:4:1: SM201" in result.stdout
    from_root = sagelint("check", "--output-format", "concise", ".", cwd=tmp_path)
    assert "generated" not in from_root.stdout
    assert "deploy/legacy_one.py:4:1: SM201" not in from_root.stdout
    forced = sagelint("check", "--force-exclude", "generated/bad.py", cwd=tmp_path)
    assert forced.returncode == 0


def test_exclude_replaces_the_defaults(tmp_path: Path) -> None:
    write(tmp_path / "sagelint.toml", "exclude = ['scratch/']\nrespect-gitignore = false\n")
    write(tmp_path / "build" / "bad.py", BAD)
    write(tmp_path / "scratch" / "bad.py", BAD)
    result = sagelint("check", "--output-format", "concise", ".", cwd=tmp_path)
    assert "build/bad.py:3:9: SM101" in result.stdout
    assert "scratch" not in result.stdout
