"""SM002 unused-noqa beyond its fixture: whole directives removed, what is not judged, and
through the real command after --add-noqa."""

from __future__ import annotations

from pathlib import Path

from conftest import codes, lint
from test_cli import BAD, sagelint

HEAD = "import os\nfrom sagemaker.pytorch import PyTorchModel\n"
MODEL = 'm = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1", py_version="py310")'


def _fixed(source: str, **options: object) -> str:
    result = lint(source, "SM002", fix=True, **options)
    return result.fixed_source if result.fixed_source is not None else source


def test_a_directive_that_is_the_whole_comment_goes_with_its_blanks() -> None:
    assert _fixed(HEAD + 'BUCKET = "s3://b"   # noqa: SM201\n') == HEAD + 'BUCKET = "s3://b"\n'


def test_a_directive_alone_on_its_line_goes_with_the_line() -> None:
    source = HEAD + "# noqa: SM202\nREGION = 'eu-west-1'\n"
    assert codes(lint(source, "SM002")) == ["SM002"]
    assert _fixed(source) == HEAD + "REGION = 'eu-west-1'\n"


def test_a_directive_followed_by_other_text_has_no_fix() -> None:
    result = lint(HEAD + "x = 1  # noqa: SM201 because of the old API\n", "SM002")
    assert codes(result) == ["SM002"] and result.diagnostics[0].fix is None


def test_statements_pruning_would_skip_are_judged() -> None:
    """Pruning blanks statements that cannot matter to the other rules; their comments
    still count here."""
    source = HEAD + "def helper():\n    return 1  # noqa: SM103\n" + MODEL + "  # noqa: SM101\n"
    assert [(d.code, d.location.row) for d in lint(source, "SM002").diagnostics] == [("SM002", 4)]


def test_codes_not_run_on_the_file_are_not_judged() -> None:
    source = HEAD + "x = 1  # noqa: SM201, SM109\n"
    assert codes(lint(source, "SM002", ignore=["SM201"])) == []
    assert codes(lint(source, "SM002", per_file_ignores=(("example.py", ("SM2",)),))) == []
    assert codes(lint(source)) == []  # opt-in: off by default


def test_noqa_sm002_silences_it() -> None:
    assert codes(lint(HEAD + "x = 1  # noqa: SM201, SM002\n", "SM002")) == []


def test_a_plain_file_is_never_read(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("x = 1  # noqa: SM201\n")
    result = sagelint("check", "--isolated", "--extend-select", "SM002", "plain.py", cwd=tmp_path)
    assert result.returncode == 0


def test_add_noqa_then_fix_then_sm002_removes_what_the_fix_made_unused(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    assert sagelint("check", "--isolated", "--add-noqa", "bad.py", cwd=tmp_path).returncode == 0
    with_noqa = (tmp_path / "bad.py").read_text()
    assert with_noqa.count("# noqa: ") == 2
    # The model gets its env by hand; its noqa is now unused, and --fix removes it.
    (tmp_path / "bad.py").write_text(
        with_noqa.replace('py_version="py310")', 'py_version="py310", env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})')
    )
    found = sagelint("check", "--isolated", "--no-cache", "--extend-select", "SM002",
                     "--output-format", "concise", "bad.py", cwd=tmp_path)
    assert found.returncode == 1 and "SM002 [*] Unused `noqa` directive (unused: `SM101`)" in found.stdout
    fixed = sagelint("check", "--isolated", "--no-cache", "--extend-select", "SM002", "--fix",
                     "bad.py", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout
    text = (tmp_path / "bad.py").read_text()
    assert "noqa: SM101" not in text and "# noqa: SM201, SM202" in text
