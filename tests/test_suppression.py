"""`# noqa` on a line and `# sagelint: noqa` for a file; SM001 cannot be silenced."""

from __future__ import annotations

from conftest import codes, lint
from sagelint.suppression import parse_suppressions

MODEL = "from sagemaker.pytorch import PyTorchModel\n"
NO_ENV = 'model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1", py_version="py310")'
DEPLOY = 'model.deploy(initial_instance_count=1, instance_type="ml.m5.large")'


def test_bare_noqa_silences_every_code_on_its_line() -> None:
    result = lint(f"{MODEL}{NO_ENV}\n{DEPLOY}  # noqa\n")
    assert codes(result) == ["SM101"]


def test_noqa_with_codes_silences_only_those() -> None:
    result = lint(f"{MODEL}{NO_ENV}  # noqa: SM101\n{DEPLOY}  # noqa: SM201\n")
    assert codes(result) == ["SM202"]
    both = lint(f"{MODEL}{NO_ENV}\n{DEPLOY}  # noqa: SM201, SM202\n")
    assert codes(both) == ["SM101"]
    spaced = lint(f"{MODEL}{NO_ENV}\n{DEPLOY}  # noqa:SM201 SM202\n")
    assert codes(spaced) == ["SM101"]


def test_noqa_for_other_tools_or_other_lines_does_not_count() -> None:
    result = lint(f"{MODEL}{NO_ENV}  # noqa: E501\n{DEPLOY}\n# noqa\n")
    assert codes(result) == ["SM101", "SM201", "SM202"]


def test_noqa_inside_a_string_does_not_count() -> None:
    source = f'{MODEL}model = PyTorchModel(role="r # noqa", framework_version="2.1", py_version="py310")\n'
    assert codes(lint(source)) == ["SM101"]


def test_noqa_applies_where_the_diagnostic_starts() -> None:
    multi = f'{MODEL}model = PyTorchModel(  # noqa: SM101\n    role="r", framework_version="2.1", py_version="py310",\n)\n'
    assert codes(lint(multi)) == []
    on_last_line = f'{MODEL}model = PyTorchModel(\n    role="r", framework_version="2.1", py_version="py310",\n)  # noqa: SM101\n'
    assert codes(lint(on_last_line)) == ["SM101"]


def test_file_level_noqa() -> None:
    assert codes(lint(f"# sagelint: noqa\n{MODEL}{NO_ENV}\n{DEPLOY}\n")) == []
    assert codes(lint(f"{MODEL}# sagelint: noqa: SM201, SM202\n{NO_ENV}\n{DEPLOY}\n")) == ["SM101"]
    # Not on a line of its own: neither a file-level noqa nor a line noqa (as ruff treats
    # its own file-level directive written after code).
    trailing = lint(f"{MODEL}{NO_ENV}  # sagelint: noqa\n{DEPLOY}\n")
    assert codes(trailing) == ["SM101", "SM201", "SM202"]


def test_syntax_errors_cannot_be_silenced() -> None:
    assert codes(lint(f"# sagelint: noqa\n{MODEL}x = = 1  # noqa\n")) == ["SM001"]


def test_silenced_diagnostics_are_not_fixed() -> None:
    source = f"{MODEL}{NO_ENV}  # noqa: SM101\n{DEPLOY}  # noqa\n"
    result = lint(source, fix=True, unsafe=True)
    assert result.fixed_source is None and codes(result) == []


def test_parse_suppressions_reads_tokens() -> None:
    found = parse_suppressions('x = "# noqa"\ny = 1  # NOQA: sm101,SM102\n# sagelint: noqa: SM301\n')
    assert 1 not in found.lines
    assert found.lines[2] == frozenset({"SM101", "SM102"})
    assert found.file_codes == frozenset({"SM301"}) and not found.whole_file
