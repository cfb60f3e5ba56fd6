"""SM213 and SM214 read the generated tables, never numbers or lists of their own: the paths
SM214 reads are the ones `api_owners.OWNED` gives it, each with a generated range; SM213's
enums are `api_tables`'; the `extra-instance-types` setting is validated as INTERFACE.md says."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Set

import pytest

from sagelint import api_tables
from sagelint.api_owners import OWNED
from sagelint.config import SettingsError, load_config, resolve_settings
from sagelint.rules.deploy import sm214_api_value_out_of_range as sm214
from sagelint.rules.deploy.instance_enums import ENUMS, rejection
from sagelint.surfaces import api_values

from conftest import codes, lint

SOURCE = Path(__file__).resolve().parents[1] / "src" / "sagelint"


def _paths_read() -> Set[str]:
    """The API paths SM214 reads: its surface's and the rule's own (a deploy's)."""
    return set(api_values.PATHS) | {sm214.VOLUME, sm214.PROVISION}


def test_sm214_reads_exactly_the_paths_it_owns() -> None:
    owned = {path for path, code in OWNED.items() if code == "SM214"}
    assert _paths_read() == owned
    assert all(path in api_tables.RANGES for path in owned)


def test_sm214_writes_no_range_of_its_own() -> None:
    """No number in the rule or its surface but 0 and 1 (the ranges are api_tables')."""
    for path in (SOURCE / "surfaces" / "api_values.py", SOURCE / "rules" / "deploy" / "sm214_api_value_out_of_range.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        numbers = {
            node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool)
        }
        assert numbers <= {0, 1, -1}, (path.name, numbers)


def test_sm213_enums_are_the_generated_ones() -> None:
    assert ENUMS == {
        "training": api_tables.TRAINING, "hosting": api_tables.HOSTING,
        "processing": api_tables.PROCESSING, "transform": api_tables.TRANSFORM,
    }


@pytest.mark.parametrize(
    ("instance_type", "api", "why"),
    [
        ("ml.c5n.xlarge", "hosting", "other"),  # training only
        ("ml.t2.medium", "training", "other"),  # hosting only
        ("ml.p3.2xlarg", "training", "size"),
        ("ml.p3", "training", "form"),
        ("p3.2xlarge", "hosting", "form"),
        ("ml.p7x.48xlarge", "training", None),  # a family no enum knows
        ("ml.m5.xlarge", "transform", None),
    ],
)
def test_rejection_cases(instance_type: str, api: str, why: object) -> None:
    found = rejection(instance_type, api, frozenset())
    assert (found.why if found else None) == why


def test_extra_types_are_accepted_everywhere() -> None:
    extra = frozenset({"ml.p3.2xlarg", "ml.c5n.xlarge"})
    assert rejection("ml.p3.2xlarg", "processing", extra) is None
    assert rejection("ml.c5n.xlarge", "hosting", extra) is None


def test_extra_instance_types_setting(tmp_path: Path) -> None:
    config = tmp_path / "sagelint.toml"
    config.write_text('extra-instance-types = ["ml.p3.2xlarg"]\n', encoding="utf-8")
    settings = resolve_settings(load_config(config))
    assert settings.extra_instance_types == ("ml.p3.2xlarg",)
    source = (
        "from sagemaker.estimator import Estimator\n"
        "Estimator(image_uri='i', role='r', instance_count=1, instance_type='ml.p3.2xlarg')\n"
    )
    assert codes(lint(source)) == ["SM213"]
    assert codes(lint(source, extra_instance_types=settings.extra_instance_types)) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('extra-instance-types = "ml.p7.xlarge"', "extra-instance-types: expected a list of instance types"),
        ('extra-instance-types = ["p7.xlarge"]', "'p7.xlarge' is not an instance type of the form ml.<family>.<size>"),
        ('extra-instance-types = ["ml.P7.xlarge"]', "'ml.P7.xlarge' is not an instance type"),
        ('extra-instance-types = ["ml.p7.x.large"]', "'ml.p7.x.large' is not an instance type"),
    ],
)
def test_extra_instance_types_validation(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "sagelint.toml"
    config.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(SettingsError) as raised:
        load_config(config)
    assert message in str(raised.value)
