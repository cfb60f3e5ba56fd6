"""`sagelint report`: SARIF runs of several repositories merged into one organisation report.

Real repositories are made in a temporary folder (git init, commits, a CODEOWNERS), each is
checked by the real command (`check --output-format sarif`), and the merged report
(`report --output-format json`) is checked against each repository's own
`check --output-format json`: every total, per repository, rule and owner; then the trend
after fixing some findings and adding others, and the inputs that cannot be merged.
"""

from __future__ import annotations

import io
import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from test_cli import BAD, GOOD, sagelint

# Two findings of SM103 (an error) and SM104 on one call, besides BAD's.
ENV_PROBLEMS = """\
from sagemaker.pytorch import PyTorchModel

model = PyTorchModel(
    model_data="s3://b/model.tar.gz",
    role="r",
    env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": 30},
)
model.deploy(initial_instance_count=1, instance_type="ml.m5.large")
"""


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )
    return done.stdout.strip()


def _repository(
    base: Path, name: str, files: Dict[str, Any], remote: Optional[str] = None
) -> Path:
    repo = base / name
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    if remote:
        _git(repo, "remote", "add", "origin", remote)
    _commit(repo, files)
    return repo


def _commit(repo: Path, files: Dict[str, Any], message: str = "change") -> str:
    for path, text in files.items():
        target = repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            target.unlink()
        elif isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD")


def _sarif(repo: Path, out: Path, *args: str) -> Path:
    result = sagelint("check", "--isolated", "--no-cache", "--output-format", "sarif",
                      "--output-file", str(out), *args, cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    return out


def _own_json(repo: Path) -> List[Dict[str, Any]]:
    result = sagelint("check", "--isolated", "--no-cache", "--output-format", "json", cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    items: List[Dict[str, Any]] = json.loads(result.stdout)
    return items


def _report(*args: str, cwd: Path, code: int = 0) -> Dict[str, Any]:
    result = sagelint("report", *args, "--output-format", "json", cwd=cwd)
    assert result.returncode == code, result.stderr
    document: Dict[str, Any] = json.loads(result.stdout)
    return document


def _expected(items: List[Dict[str, Any]]) -> Dict[str, Any]:
    """What a repository's own json output says the report must count."""
    findings = [item for item in items if item["code"] != "SM000"]
    return {
        "counts": {
            "findings": len(findings),
            "errors": sum(item["severity"] == "error" for item in findings),
            "warnings": sum(item["severity"] == "warning" for item in findings),
            "fixable": sum(
                item["fix"] is not None and item["fix"]["applicability"] == "safe"
                for item in findings
            ),
        },
        "by_rule": Counter(item["code"] for item in findings),
        "files_not_checked": sum(item["code"] == "SM000" for item in items),
        "by_file": Counter(item["filename"] for item in findings),
    }


@pytest.fixture
def organisation(tmp_path: Path) -> Dict[str, Path]:
    alpha = _repository(tmp_path, "alpha", {
        ".github/CODEOWNERS": "* @acme/platform\n/serving/ @acme/serving @acme/sre\n",
        "serving/deploy.py": BAD,
        "serving/env.py": ENV_PROBLEMS,
        "train/notes.py": "print('no SageMaker here')\n",
        "legacy/old.py": BAD,
    }, remote="git@github.com:acme/alpha.git")
    beta = _repository(tmp_path, "beta", {
        "CODEOWNERS": "# nobody owns the root\nscripts/*.py @acme/data\n",
        "scripts/deploy.py": ENV_PROBLEMS,
        "scripts/latin1.py": b"import sagemaker\nname = '\xff'\n",  # cannot be checked
    }, remote="https://ci-user:s3cret-token@github.com/acme/beta.git")
    clean = _repository(tmp_path, "clean", {"deploy.py": GOOD})
    return {"alpha": alpha, "beta": beta, "clean": clean}


def test_every_total_matches_each_repositorys_own_check(
    tmp_path: Path, organisation: Dict[str, Path]
) -> None:
    out = tmp_path / "sarif"
    files = [_sarif(repo, out / f"{name}.sarif") for name, repo in organisation.items()]
    report = _report(*map(str, files), cwd=tmp_path)
    assert report["format"] == "sagelint-org-report" and report["version"] == 1
    assert report["input_errors"] == []
    by_name = {repository["name"]: repository for repository in report["repositories"]}
    # The remote's path names a repository (its credentials never recorded); no remote:
    # the folder's name.
    assert set(by_name) == {"acme/alpha", "acme/beta", "clean"}
    assert "s3cret" not in (out / "beta.sarif").read_text()

    totals: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    repositories_of: Counter[str] = Counter()
    for folder, name in (("alpha", "acme/alpha"), ("beta", "acme/beta"), ("clean", "clean")):
        repository, expected = by_name[name], _expected(_own_json(organisation[folder]))
        assert repository["counts"] == expected["counts"], name
        assert {code: c["findings"] for code, c in repository["by_rule"].items()} == expected["by_rule"]
        assert repository["files_not_checked"] == expected["files_not_checked"], name
        top = dict(repository["top_files"])
        assert top == {path: n for path, n in expected["by_file"].items()}, name
        assert len(repository["fingerprints"]) == expected["counts"]["findings"]
        assert repository["commit"] == _git(organisation[folder], "rev-parse", "HEAD")
        assert repository["branch"] == "main"
        assert repository["sagelint_version"] and repository["settings_fingerprint"]
        assert repository["source"].endswith(f"{folder}.sarif")
        totals.update(expected["counts"])
        rules.update(expected["by_rule"])
        repositories_of.update(expected["by_rule"].keys())
    assert report["totals"] == dict(totals)
    assert {rule["code"]: rule["counts"]["findings"] for rule in report["rules"]} == dict(rules)
    assert report["files_not_checked"] == 1
    assert report["files_scanned"] == sum(r["files_scanned"] for r in report["repositories"])
    assert by_name["acme/alpha"]["files_scanned"] == 4  # CODEOWNERS is not Python
    # Most findings first; the clean repository counts, with zero.
    assert [r["counts"]["findings"] for r in report["repositories"]] == sorted(
        (r["counts"]["findings"] for r in report["repositories"]), reverse=True
    )
    assert by_name["clean"]["counts"]["findings"] == 0 and report["clean_repositories"] == 1
    assert {rule["code"]: rule["repositories"] for rule in report["rules"]} == dict(repositories_of)
    sm201 = next(rule for rule in report["rules"] if rule["code"] == "SM201")
    assert sm201["name"] == "startup-timeout-missing" and sm201["level"] == "warning"


def test_owners_come_from_each_checkouts_codeowners(
    tmp_path: Path, organisation: Dict[str, Path]
) -> None:
    files = [_sarif(repo, tmp_path / f"{name}.sarif") for name, repo in organisation.items()]
    report = _report(*map(str, files), cwd=tmp_path)
    by_name = {repository["name"]: repository for repository in report["repositories"]}
    alpha = _expected(_own_json(organisation["alpha"]))["by_file"]
    serving = alpha["serving/deploy.py"] + alpha["serving/env.py"]
    # The last matching line wins: serving/ belongs to both of its teams, the rest to platform.
    assert {o: c["findings"] for o, c in by_name["acme/alpha"]["by_owner"].items()} == {
        "@acme/serving": serving, "@acme/sre": serving, "@acme/platform": alpha["legacy/old.py"],
    }
    beta = _expected(_own_json(organisation["beta"]))["counts"]["findings"]
    assert {o: c["findings"] for o, c in by_name["acme/beta"]["by_owner"].items()} == {
        "@acme/data": beta
    }
    assert {o: c["findings"] for o, c in report["owners"].items()} == {
        "@acme/serving": serving, "@acme/sre": serving,
        "@acme/platform": alpha["legacy/old.py"], "@acme/data": beta,
    }
    sample = {f["path"]: f["owner"] for f in by_name["acme/alpha"]["sample"]}
    assert sample["serving/deploy.py"] == "@acme/serving @acme/sre"
    assert sample["legacy/old.py"] == "@acme/platform"


def test_the_trend_counts_fixed_new_and_unchanged_findings(
    tmp_path: Path, organisation: Dict[str, Path]
) -> None:
    first = [_sarif(repo, tmp_path / "1" / f"{name}.sarif") for name, repo in organisation.items()]
    old = sagelint("report", *map(str, first), "--output-format", "json",
                   "--output-file", str(tmp_path / "old.json"), cwd=tmp_path)
    assert old.returncode == 0, old.stderr
    alpha = organisation["alpha"]
    before = _expected(_own_json(alpha))["by_file"]
    # Fix one file, add a new one, and move the other's lines down (they stay the same findings).
    _commit(alpha, {
        "serving/deploy.py": GOOD,
        "serving/new.py": ENV_PROBLEMS,
        "legacy/old.py": "# moved down\n\n" + BAD,
    })
    second = [_sarif(repo, tmp_path / "2" / f"{name}.sarif") for name, repo in organisation.items()]
    report = _report(*map(str, second), "--previous", str(tmp_path / "old.json"), cwd=tmp_path)
    after = _expected(_own_json(alpha))
    by_name = {repository["name"]: repository for repository in report["repositories"]}
    assert by_name["acme/alpha"]["trend"] == {
        "new": after["by_file"]["serving/new.py"],
        "fixed": before["serving/deploy.py"],
        "unchanged": before["serving/env.py"] + before["legacy/old.py"],
    }
    beta = by_name["acme/beta"]
    assert beta["trend"] == {"new": 0, "fixed": 0, "unchanged": beta["counts"]["findings"]}
    assert by_name["clean"]["trend"] == {"new": 0, "fixed": 0, "unchanged": 0}
    assert report["trend"] == {
        key: sum(r["trend"][key] for r in report["repositories"])
        for key in ("new", "fixed", "unchanged")
    }
    assert report["previous"] == str(tmp_path / "old.json")
    # Per rule, the same sums; a rule's unchanged and new findings are the ones it has now.
    for key in ("new", "fixed", "unchanged"):
        assert sum(rule["trend"][key] for rule in report["rules"]) == report["trend"][key]
    for rule in report["rules"]:
        assert rule["trend"]["new"] + rule["trend"]["unchanged"] == rule["counts"]["findings"]


def test_a_rule_whose_findings_were_all_fixed_keeps_a_row(tmp_path: Path) -> None:
    repo = _repository(tmp_path, "solo", {"deploy.py": ENV_PROBLEMS})
    _sarif(repo, tmp_path / "1.sarif")
    (tmp_path / "old.json").write_text(json.dumps(_report(str(tmp_path / "1.sarif"), cwd=tmp_path)))
    _commit(repo, {"deploy.py": GOOD})
    report = _report(str(_sarif(repo, tmp_path / "2.sarif")), "--previous", "old.json", cwd=tmp_path)
    assert report["totals"]["findings"] == 0
    fixed = {rule["code"]: rule["trend"]["fixed"] for rule in report["rules"]}
    assert fixed and all(fixed.values()) and "SM103" in fixed
    assert sum(fixed.values()) == report["trend"]["fixed"] > 0


def test_bad_inputs_are_one_error_line_each_and_the_others_are_merged(
    tmp_path: Path, organisation: Dict[str, Path]
) -> None:
    good = _sarif(organisation["alpha"], tmp_path / "alpha.sarif")
    other = tmp_path / "eslint.sarif"
    other.write_text(json.dumps({"version": "2.1.0", "runs": [
        {"tool": {"driver": {"name": "ESLint"}}, "results": [{"message": {"text": "x"}}]}
    ]}))
    truncated = tmp_path / "truncated.sarif"
    truncated.write_text(good.read_text()[: len(good.read_text()) // 2])
    not_json = tmp_path / "notes.sarif"
    not_json.write_text("these are not results\n")
    result = sagelint("report", str(good), str(other), str(truncated), str(not_json),
                      str(tmp_path / "missing.sarif"), "--output-format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4 and len(result.stderr.splitlines()) == 4
    assert "ESLint" in errors[0] and "truncated" in errors[1]
    report = json.loads(result.stdout)
    assert [name for name, _ in report["input_errors"]] == [
        str(other), str(truncated), str(not_json), str(tmp_path / "missing.sarif")
    ]
    assert [r["name"] for r in report["repositories"]] == ["acme/alpha"]
    assert report["totals"] == _expected(_own_json(organisation["alpha"]))["counts"]


def test_the_newest_run_of_a_repository_wins_and_the_report_says_so(
    tmp_path: Path, organisation: Dict[str, Path]
) -> None:
    alpha = organisation["alpha"]
    old_commit = _git(alpha, "rev-parse", "HEAD")
    _sarif(alpha, tmp_path / "old.sarif")
    new_commit = _commit(alpha, {"legacy/old.py": None})
    _sarif(alpha, tmp_path / "new.sarif")
    # Named newest first: the runs' end times decide, not the order.
    report = _report(str(tmp_path / "new.sarif"), str(tmp_path / "old.sarif"), cwd=tmp_path)
    (repository,) = report["repositories"]
    assert repository["commit"] == new_commit
    assert repository["superseded"] == [f"{old_commit[:12]} ({tmp_path / 'old.sarif'})"]
    assert repository["counts"] == _expected(_own_json(alpha))["counts"]


def test_one_file_with_several_runs_and_a_folder_of_files(
    tmp_path: Path, organisation: Dict[str, Path]
) -> None:
    runs = [
        json.loads(_sarif(repo, tmp_path / f"{name}.sarif").read_text())["runs"][0]
        for name, repo in organisation.items()
    ]
    combined = tmp_path / "all" / "combined.sarif"
    combined.parent.mkdir()
    combined.write_text(json.dumps({"version": "2.1.0", "runs": runs}))
    one = _report(str(combined), cwd=tmp_path)
    folder = _report(str(tmp_path / "all"), cwd=tmp_path)
    separate = _report(*(str(tmp_path / f"{name}.sarif") for name in organisation), cwd=tmp_path)
    for report in (one, folder):
        assert report["totals"] == separate["totals"]
        assert [r["name"] for r in report["repositories"]] == [
            r["name"] for r in separate["repositories"]
        ]


def test_a_sarif_category_is_an_analysis_of_its_own(tmp_path: Path) -> None:
    repo = _repository(tmp_path, "split", {"serving/deploy.py": BAD, "train/deploy.py": BAD})
    _sarif(repo, tmp_path / "serving.sarif", "--sarif-category", "serving", "serving")
    _sarif(repo, tmp_path / "train.sarif", "--sarif-category", "train", "train")
    report = _report(str(tmp_path / "serving.sarif"), str(tmp_path / "train.sarif"), cwd=tmp_path)
    assert sorted(r["category"] for r in report["repositories"]) == ["serving/", "train/"]
    assert all(not r["superseded"] for r in report["repositories"])


def test_sarif_records_what_a_merge_needs(tmp_path: Path) -> None:
    repo = _repository(tmp_path, "gamma", {"deploy.py": BAD, "other.py": ENV_PROBLEMS},
                       remote="https://token:x-oauth@github.example.com/acme/gamma.git")
    baseline = sagelint("check", "--isolated", "--no-cache", "--baseline", "base.json",
                        "--update-baseline", "deploy.py", cwd=repo)
    assert baseline.returncode == 0, baseline.stderr
    document = json.loads(_sarif(repo, tmp_path / "g.sarif", "--baseline", "base.json",
                                 "--repository-name", "acme/renamed").read_text())
    (run,) = document["runs"]
    assert run["versionControlProvenance"] == [{
        "repositoryUri": "https://github.example.com/acme/gamma.git",
        "revisionId": _git(repo, "rev-parse", "HEAD"),
        "branch": "main",
        "mappedTo": {"uriBaseId": "SRCROOT"},
    }]
    assert run["originalUriBaseIds"] == {"SRCROOT": {"uri": repo.resolve().as_uri() + "/"}}
    assert run["properties"]["repositoryName"] == "acme/renamed"
    assert len(run["properties"]["settingsFingerprint"]) == 24
    (invocation,) = run["invocations"]
    assert invocation["startTimeUtc"] <= invocation["endTimeUtc"]
    hidden = len(_own_json(repo)) - len(run["results"])
    assert invocation["properties"] == {
        "filesScanned": 2, "filesNotChecked": 0,
        "baseline": {"path": "base.json", "hidden": hidden, "stale": 0},
    }
    assert hidden > 0
    fixes = {item["ruleId"]: item.get("properties", {}).get("fix") for item in run["results"]}
    assert fixes["SM103"] == "safe"
    from test_sarif_schema import _problems

    assert _problems(document) == []


def test_outside_git_the_folder_names_the_repository(tmp_path: Path) -> None:
    folder = tmp_path / "plain-folder"
    folder.mkdir()
    (folder / "deploy.py").write_text(BAD)
    (run,) = json.loads(_sarif(folder, tmp_path / "p.sarif").read_text())["runs"]
    assert "versionControlProvenance" not in run
    assert run["properties"]["repositoryName"] == "plain-folder"


def test_usage_errors_exit_2(tmp_path: Path, organisation: Dict[str, Path]) -> None:
    sarif = str(_sarif(organisation["clean"], tmp_path / "c.sarif"))
    (tmp_path / "not-a-report.json").write_text('{"findings": []}')
    for args in (
        (sarif,),  # no --output-format
        ("--output-format", "json"),  # no file
        (sarif, "--output-format", "pdf"),
        (sarif, "--output-format", "json", "--previous", str(tmp_path / "not-a-report.json")),
        (sarif, "--output-format", "json", "--previous", str(tmp_path / "missing.json")),
    ):
        result = sagelint("report", *args, cwd=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("output_format", ["html", "markdown"])
def test_html_and_markdown_are_written(
    tmp_path: Path, organisation: Dict[str, Path], output_format: str
) -> None:
    sarif = str(_sarif(organisation["alpha"], tmp_path / "a.sarif"))
    target = tmp_path / "out" / f"report.{output_format}"
    result = sagelint("report", sarif, "--output-format", output_format, "--output-file",
                      str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert target.read_text().strip()


def test_the_json_report_reads_back_as_it_was_written(
    tmp_path: Path, organisation: Dict[str, Path]
) -> None:
    from sagelint.org.json_report import read_json, to_json

    files = [str(_sarif(repo, tmp_path / f"{name}.sarif")) for name, repo in organisation.items()]
    written = _report(*files, cwd=tmp_path)
    (tmp_path / "r.json").write_text(json.dumps(written))
    assert json.loads(json.dumps(to_json(read_json(str(tmp_path / "r.json"))))) == written


def test_the_reader_streams_values_across_chunk_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    from sagelint.org import stream

    document: Dict[str, Any] = {"version": "2.1.0", "runs": [
        {"tool": {"driver": {"name": "sagelint"}}, "results": [{"n": 123456789}, {"n": 1.5e3}]},
        {"results": [], "tool": {"driver": {"name": "sagelint", "rules": [{"id": "SM1"}] * 50}}},
    ]}
    text = json.dumps(document, indent=3)
    monkeypatch.setattr(stream, "CHUNK", 5)
    events = list(stream.runs(io.StringIO(text)))
    assert [value for kind, _, value in events if kind == "result"] == [
        {"n": 123456789}, {"n": 1500.0}
    ]
    assert [kind for kind, _, _ in events].count("end") == 2
    members = [(name, value) for kind, name, value in events if kind == "member"]
    assert members[1] == ("tool", document["runs"][1]["tool"])
    for cut in (1, len(text) // 3, len(text) - 2):
        with pytest.raises(stream.InvalidSarif):
            list(stream.runs(io.StringIO(text[:cut])))


@pytest.mark.parametrize("url, uri, name", [
    ("git@github.com:acme/models.git", "ssh://github.com/acme/models.git", "acme/models"),
    ("https://x-access-token:ghs_secret@github.com/acme/models", "https://github.com/acme/models",
     "acme/models"),
    ("ssh://git@gitlab.example.com:2222/group/sub/repo.git",
     "ssh://gitlab.example.com:2222/group/sub/repo.git", "group/sub/repo"),
    ("/srv/git/models.git", "file:///srv/git/models.git", "models"),
])
def test_a_remote_names_the_repository_without_credentials(url: str, uri: str, name: str) -> None:
    from sagelint.vcs import remote_uri, repository_name

    assert remote_uri(url) == uri
    assert repository_name(uri) == name


def test_codeowners_last_matching_line_wins() -> None:
    from sagelint.org.codeowners import parse

    owners = parse(
        "# comment\n*.py @acme/python\n/serving/ @acme/serving @acme/sre  # two teams\n"
        "serving/generated/ \n[bad pattern\n"
    )
    assert owners.owners("train/job.py") == ("@acme/python",)
    assert owners.owners("serving/deploy.py") == ("@acme/serving", "@acme/sre")
    assert owners.owners("serving/generated/x.py") == ()  # a line without owners: unowned
    assert owners.owners("README.md") == ()
