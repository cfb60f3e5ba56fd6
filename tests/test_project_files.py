"""Files of the project a check reads besides the checked file (sagelint.project): what was
read is recorded, and a cached or kept result holds only while those files stay the same."""

from __future__ import annotations

from pathlib import Path

from sagelint.cache import Cache
from sagelint.config import Settings
from sagelint.live import LastResults
from sagelint.model import FileResult
from sagelint.project import ProjectFiles, current_hash, read_hash, unchanged


def test_reads_are_recorded_relative_to_the_checked_files_folder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "config.json").write_bytes(b'{"a": 1}')
    project = ProjectFiles.for_file(str(tmp_path / "pkg" / "train.py"), Path("/elsewhere"))
    assert project is not None
    assert project.root == tmp_path and project.folder == tmp_path / "pkg"
    assert project.read(Path("config.json")) == b'{"a": 1}'
    assert project.read(tmp_path / "missing.yaml") is None
    assert project.recorded() == (
        (str(tmp_path / "missing.yaml"), ""),
        (str(tmp_path / "pkg" / "config.json"), read_hash(b'{"a": 1}')),
    )
    assert unchanged(project.recorded())
    (tmp_path / "missing.yaml").write_bytes(b"a: 1\n")
    assert not unchanged(project.recorded())
    assert current_hash(str(tmp_path / "missing.yaml")) == read_hash(b"a: 1\n")


def test_an_unsaved_buffer_is_read_before_the_disk(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_bytes(b"A = 1\n")
    buffers = {str(tmp_path / "config.py"): b"A = 2\n"}
    project = ProjectFiles(tmp_path, tmp_path, buffers.get)
    assert project.read(Path("config.py")) == b"A = 2\n"


def test_no_project_for_standard_input() -> None:
    assert ProjectFiles.for_file("-", Path(".")) is None


def test_a_cached_result_is_stale_once_a_file_it_read_changes(tmp_path: Path) -> None:
    config = tmp_path / "config.py"
    config.write_bytes(b"A = 1\n")
    cache = Cache(tmp_path / "cache", Settings.build())
    script = tmp_path / "deploy.py"
    script.write_bytes(b"import sagemaker\n")
    result = FileResult(str(script), file_reads=((str(config), current_hash(str(config))),))
    cache.put(str(script), "h", result)
    cache.save()
    again = Cache(tmp_path / "cache", Settings.build())
    hit = again.get(str(script), "h")
    assert hit is not None and hit.file_reads == result.file_reads
    config.write_bytes(b"A = 2\n")
    assert Cache(tmp_path / "cache", Settings.build()).get(str(script), "h") is None


def test_a_kept_editor_result_is_stale_once_a_file_it_read_changes(tmp_path: Path) -> None:
    config = tmp_path / "config.py"
    config.write_bytes(b"A = 1\n")
    results = LastResults()
    result = FileResult("x.py", file_reads=((str(config), current_hash(str(config))),))
    results.put("doc", 1, "x.py", b"X", result)
    assert results.get("doc", 1, "x.py", b"X") is result
    config.write_bytes(b"A = 2\n")
    assert results.get("doc", 1, "x.py", b"X") is None
