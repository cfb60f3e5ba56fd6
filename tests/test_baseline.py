"""Adopting sagelint in an existing repository, through the real command: a baseline of the
findings there are, then only new ones fail; or `# noqa` comments added to every line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import FIXTURES
from test_cli import BAD, GOOD, no_traceback, sagelint

# Three findings (SM101, SM201, SM202) on two lines.
ONE = BAD
# One more model without env: one more SM101 on a line of its own text.
EXTRA = 'other = PyTorchModel(model_data="s3://b/other.tar.gz", role="r", framework_version="2.1", py_version="py310")\n'


def _check(repo: Path, *args: str) -> "tuple[int, list[str], str]":
    result = sagelint("check", "--isolated", "--no-cache", "--output-format", "concise", *args,
                      cwd=repo)
    no_traceback(result)
    return result.returncode, [line for line in result.stdout.splitlines() if ": SM" in line], \
        result.stderr


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "deploy").mkdir(parents=True)
    (repo / "deploy" / "endpoint.py").write_text(ONE)
    (repo / "deploy" / "good.py").write_text(GOOD)
    shutil.copy(FIXTURES / "examples" / "deploy_notebook.ipynb", repo / "deploy" / "nb.ipynb")
    return repo


def test_baseline_written_then_clean_then_new_and_fixed(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    code, before, _ = _check(repo, ".")
    assert code == 1 and len(before) == 7  # the notebook's unbounded `%pip install sagemaker`: SM610
    code, _, stderr = _check(repo, "--baseline", "sagelint-baseline.json", "--update-baseline", ".")
    assert code == 0 and "Recorded 7 findings in 2 files" in stderr
    document = json.loads((repo / "sagelint-baseline.json").read_text())
    assert document["version"] == 1
    keys = [(f["path"], f["code"]) for f in document["findings"]]
    assert keys == sorted(keys) and ("deploy/endpoint.py", "SM201") in keys
    assert ("deploy/nb.ipynb", "SM103") in keys
    assert all(f["count"] == 1 and len(f["fingerprint"]) == 16 for f in document["findings"])

    code, after, stderr = _check(repo, "--baseline", "sagelint-baseline.json", ".")
    assert (code, after, stderr) == (0, [], "")

    # Lines inserted above and the deploy re-indented into a block: still known.
    moved = "# Deploy the model.\nimport os\n\n" + ONE.replace(
        "model.deploy(", "if os.environ.get('DEPLOY'):\n    model.deploy("
    )
    (repo / "deploy" / "endpoint.py").write_text(moved)
    assert _check(repo, "--baseline", "sagelint-baseline.json", ".")[:2] == (0, [])

    # A new finding is reported (and only it); fixing one records it as stale.
    (repo / "deploy" / "endpoint.py").write_text(moved + EXTRA)
    code, new, _ = _check(repo, "--baseline", "sagelint-baseline.json", ".")
    assert code == 1 and len(new) == 1 and new[0].startswith("deploy/endpoint.py:9:9: SM101")
    fixed = moved.replace('py_version="py310")', 'py_version="py310", env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})')
    (repo / "deploy" / "endpoint.py").write_text(fixed)
    code, remaining, stderr = _check(repo, "--baseline", "sagelint-baseline.json", ".")
    assert (code, remaining) == (0, [])
    assert "1 finding is recorded but no longer reported" in stderr and "--update-baseline" in stderr

    # Updating drops it; checking part of the repository counts no other file as stale.
    assert _check(repo, "--baseline", "sagelint-baseline.json", "--update-baseline", ".")[0] == 0
    document = json.loads((repo / "sagelint-baseline.json").read_text())
    assert ("deploy/endpoint.py", "SM101") not in [(f["path"], f["code"]) for f in document["findings"]]
    assert _check(repo, "--baseline", "sagelint-baseline.json", "deploy/good.py") == (0, [], "")


def test_a_file_that_stops_parsing_keeps_its_entries(tmp_path: Path) -> None:
    """Mid-edit, a file may not parse (SM001): its other rules did not run, so its recorded
    findings are not fixed; neither counted stale nor dropped by --update-baseline."""
    repo = _repo(tmp_path)
    _check(repo, "--baseline", "b.json", "--update-baseline", ".")
    recorded = json.loads((repo / "b.json").read_text())["findings"]
    assert [f["code"] for f in recorded if f["path"] == "deploy/endpoint.py"] == \
        ["SM101", "SM201", "SM202"]
    (repo / "deploy" / "endpoint.py").write_text(ONE + "def broken(:\n")
    code, found, stderr = _check(repo, "--baseline", "b.json", ".")
    assert code == 1 and [line.split()[1] for line in found] == ["SM001"]
    assert "no longer reported" not in stderr
    assert _check(repo, "--baseline", "b.json", "--update-baseline", ".")[0] == 0
    kept = json.loads((repo / "b.json").read_text())["findings"]
    assert [f for f in recorded if f not in kept] == []  # every old entry is still there
    assert [f["code"] for f in kept if f not in recorded] == ["SM001"]
    # Parsing again: the old findings are known, nothing new, and the SM001 entry is stale.
    (repo / "deploy" / "endpoint.py").write_text(ONE)
    code, found, stderr = _check(repo, "--baseline", "b.json", ".")
    assert (code, found) == (0, []) and "1 finding is recorded but no longer reported" in stderr


def test_baseline_file_is_stable_and_small(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "deploy" / "twice.py").write_text(ONE + EXTRA + EXTRA.replace("other", "third"))
    _check(repo, "--baseline", "b.json", "--update-baseline", ".")
    first = (repo / "b.json").read_bytes()
    _check(repo, "--baseline", "b.json", "--update-baseline", ".")
    assert (repo / "b.json").read_bytes() == first  # the same bytes run after run
    # Copied elsewhere (another machine), the same file results.
    elsewhere = tmp_path / "clone"
    shutil.copytree(repo, elsewhere)
    _check(elsewhere, "--baseline", "b.json", "--update-baseline", ".")
    assert (elsewhere / "b.json").read_bytes() == first
    text = first.decode()
    assert str(tmp_path) not in text and "\\\\" not in text
    assert len(text.splitlines()) == len(json.loads(text)["findings"]) + 5  # one line each


def test_repeated_findings_are_counted(tmp_path: Path) -> None:
    repo = tmp_path
    same = 'm = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1", py_version="py310")\n'
    (repo / "a.py").write_text("from sagemaker.pytorch import PyTorchModel\n" + same * 2)
    _check(repo, "--baseline", "b.json", "--update-baseline", "a.py")
    (entry,) = json.loads((repo / "b.json").read_text())["findings"]
    assert entry["count"] == 2 and entry["code"] == "SM101"
    (repo / "a.py").write_text("from sagemaker.pytorch import PyTorchModel\n" + same * 3)
    code, found, _ = _check(repo, "--baseline", "b.json", "a.py")
    assert code == 1 and [line.split(":")[1] for line in found] == ["4"]  # the third is new


def test_baseline_from_the_configuration_is_relative_to_it(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "pyproject.toml").write_text('[tool.sagelint]\nbaseline = "ci/baseline.json"\n')
    result = sagelint("check", "--update-baseline", "--no-cache", ".", cwd=repo / "deploy")
    assert result.returncode == 0 and (repo / "ci" / "baseline.json").exists()
    paths = {f["path"] for f in json.loads((repo / "ci" / "baseline.json").read_text())["findings"]}
    assert paths == {"../deploy/endpoint.py", "../deploy/nb.ipynb"}
    assert sagelint("check", "--no-cache", ".", cwd=repo / "deploy").returncode == 0
    assert sagelint("check", "--no-cache", "--baseline", "none.json", "--update-baseline", ".",
                    cwd=repo).returncode == 0


def test_baseline_errors_exit_2(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    missing = sagelint("check", "--isolated", "--baseline", "nope.json", "bad.py", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.json: cannot read the baseline" in missing.stderr
    (tmp_path / "broken.json").write_text("{")
    broken = sagelint("check", "--isolated", "--baseline", "broken.json", "bad.py", cwd=tmp_path)
    assert broken.returncode == 2 and "broken.json: not a baseline: invalid JSON" in broken.stderr
    (tmp_path / "other.json").write_text('{"results": []}')
    other = sagelint("check", "--isolated", "--baseline", "other.json", "bad.py", cwd=tmp_path)
    assert other.returncode == 2 and "not a sagelint baseline" in other.stderr
    alone = sagelint("check", "--isolated", "--update-baseline", "bad.py", cwd=tmp_path)
    assert alone.returncode == 2 and "--update-baseline needs --baseline FILE" in alone.stderr
    for result in (missing, broken, other, alone):
        assert result.stderr.count("\n") == 1
        no_traceback(result)


def test_add_noqa_then_a_clean_run(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "deploy" / "merge.py").write_text(
        BAD.replace('py_version="py310")', 'py_version="py310")  # noqa: E501').replace(
            'instance_type="ml.m5.large")', 'instance_type="ml.m5.large")  # deploy it')
    )
    code, _, stderr = _check(repo, "--add-noqa", ".")
    assert code == 0 and "Added 7 noqa directives." in stderr
    merged = (repo / "deploy" / "merge.py").read_text()
    assert '"py310")  # noqa: E501, SM101\n' in merged
    assert '"ml.m5.large")  # deploy it  # noqa: SM201, SM202\n' in merged
    endpoint = (repo / "deploy" / "endpoint.py").read_text()
    assert endpoint == BAD.replace('py_version="py310")', 'py_version="py310")  # noqa: SM101').replace(
        '"ml.m5.large")', '"ml.m5.large")  # noqa: SM201, SM202')
    notebook = json.loads((repo / "deploy" / "nb.ipynb").read_text())
    sources = ["".join(cell["source"]) for cell in notebook["cells"]]
    assert any("# noqa: SM201, SM202" in source for source in sources)
    assert _check(repo, ".") == (0, [], "")
    again = _check(repo, "--add-noqa", ".")
    assert again[0] == 0 and "Added 0 noqa directives." in again[2]


def test_add_noqa_leaves_lines_that_cannot_take_a_comment(tmp_path: Path) -> None:
    source = (
        "from sagemaker.pytorch import PyTorchModel\n"
        'm = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", entry_point="""x\n'
        '""")\n'
    )
    (tmp_path / "a.py").write_text(source)
    code, _, stderr = _check(tmp_path, "--add-noqa", "a.py")
    assert code == 0 and "no noqa comment can go at the end of line 2" in stderr
    assert (tmp_path / "a.py").read_text() == source


def test_add_noqa_refuses_fix_and_stdin(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    fix = sagelint("check", "--isolated", "--add-noqa", "--fix", "bad.py", cwd=tmp_path)
    assert fix.returncode == 2 and "--add-noqa cannot be used with --fix" in fix.stderr
    stdin = sagelint("check", "--isolated", "--add-noqa", "-", cwd=tmp_path, stdin=BAD)
    assert stdin.returncode == 2 and "standard input" in stdin.stderr
    assert (tmp_path / "bad.py").read_text() == BAD
