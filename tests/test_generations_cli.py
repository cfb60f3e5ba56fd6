"""SM6's import rules through the real command, on project folders: the admitted SDK versions
come from the files a project already has (RULES.md SM6, "The admitted set")."""

from __future__ import annotations

from pathlib import Path
from typing import Dict

from test_cli import sagelint

V2_SCRIPT = """\
from sagemaker import get_execution_role
from sagemaker.estimator import Estimator

estimator = Estimator(image_uri="my-image", role=get_execution_role(), instance_count=1,
                      instance_type="ml.m5.xlarge")
"""

V3_SCRIPT = """\
from sagemaker.train import ModelTrainer

trainer = ModelTrainer(training_image="my-image", role="arn:aws:iam::111122223333:role/r")
"""


def project(root: Path, files: Dict[str, str]) -> Path:
    (root / ".git").mkdir()  # the repository root stops the walk up
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def concise(root: Path, *args: str) -> str:
    result = sagelint("check", "--select", "SM6", "--output-format", "concise", *args, cwd=root)
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


def test_a_lock_file_beats_the_manifest_of_its_folder(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "requirements.txt": "sagemaker>=3\n",
        "poetry.lock": '[[package]]\nname = "sagemaker"\nversion = "2.257.7"\n',
        "train_v2.py": V2_SCRIPT,
        "train_v3.py": V3_SCRIPT,
    })
    out = concise(root, ".")
    assert "train_v2.py" not in out  # the lock says 2.257.7: the v2 script runs
    assert "train_v3.py:1:29: SM604" in out and "sagemaker 2.x" in out


def test_a_requirements_include_admitting_v3_moves_and_fixes_imports(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "requirements.txt": "-r requirements/base.txt\n",
        "requirements/base.txt": "boto3\nsagemaker>=3.0\n",
        "train.py": V2_SCRIPT,
    })
    out = concise(root, "train.py")
    assert "train.py:1:23: SM603" in out and "requirements/base.txt:2" in out
    assert "train.py:2:33: SM604" in out
    sagelint("check", "--select", "SM603", "--fix", "train.py", cwd=root)
    fixed = (root / "train.py").read_text(encoding="utf-8")
    assert fixed.startswith(
        "from sagemaker.core.helper.session_helper import get_execution_role\n"
    )
    assert "SM603" not in concise(root, "train.py")


def test_an_unbounded_pyproject_requirement_warns_once(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "pyproject.toml": '[project]\nname = "m"\nversion = "1"\ndependencies = ["sagemaker>=2"]\n',
        "train.py": V2_SCRIPT,
    })
    out = concise(root, "train.py")
    assert out.count("SM610") == 1 and "pyproject.toml:4 admits sagemaker 3.x" in out


def test_the_command_line_asks_what_breaks_under_v3(tmp_path: Path) -> None:
    root = project(tmp_path, {"train.py": V2_SCRIPT})
    assert "SM60" not in concise(root, "train.py")  # no declaration: it runs on 2.x
    out = concise(root, "--sdk-version", "3", "train.py")
    assert "SM603" in out and "SM604" in out


def test_markdown_audit_shows_the_migration_inventory(tmp_path: Path) -> None:
    root = project(tmp_path, {"train.py": V2_SCRIPT})
    result = sagelint("check", "--select", "SM6", "--sdk-version", "3", "--output-format",
                      "markdown", "train.py", cwd=root)
    assert "### Migration between SDK versions" in result.stdout
    assert "| `train.py` | 2 errors | 1 | 0 | `2:33 SM604` |" in result.stdout
    clean = sagelint("check", "--select", "SM6", "--output-format", "markdown", "train.py",
                     cwd=root)
    assert "Migration" not in clean.stdout  # no SM6 finding: no section


def test_html_audit_shows_the_migration_inventory(tmp_path: Path) -> None:
    root = project(tmp_path, {"train.py": V2_SCRIPT})
    page = sagelint("check", "--select", "SM6", "--sdk-version", "3", "--output-format", "html",
                    "train.py", cwd=root).stdout
    assert '<section id="migration">' in page and "<code>2:33 SM604</code>" in page
