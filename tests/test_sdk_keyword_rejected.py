"""SM605's reading of the generated tables: which public paths reach a closed class's row
(`defining_class`), and that the hand-written renames point at fields the tables record."""

from __future__ import annotations

import pytest

from sagelint import sdk_curated, sdk_generations as gen
from sagelint.catalog_v3 import V3_ROLES
from sagelint.sdk_closed import defining_class
from sagelint.sdk_verdicts import verdicts


def test_every_rename_is_from_no_field_to_a_field_of_a_closed_class() -> None:
    for cls, renames in sdk_curated.FIELD_RENAMES.items():
        assert cls in gen.CLOSED_CLASSES, cls
        assert verdicts(gen.CLOSED_CLASSES[cls], None) == {"fails"}, cls
        fields = gen.CLOSED_FIELDS[cls]
        for old, new in renames.items():
            assert "works" in verdicts(fields[new], None), (cls, new)
            assert old not in fields, (cls, old)


@pytest.mark.parametrize("path, defining", [
    ("sagemaker.train.ModelTrainer", "sagemaker.train.model_trainer.ModelTrainer"),
    ("sagemaker.train.configs.Compute", "sagemaker.core.training.configs.Compute"),
    ("sagemaker.train.configs.InputData", "sagemaker.core.training.configs.InputData"),
    ("sagemaker.train.configs.StoppingCondition", "sagemaker.core.shapes.shapes.StoppingCondition"),
    ("sagemaker.core.shapes.StoppingCondition", "sagemaker.core.shapes.shapes.StoppingCondition"),
    ("sagemaker.core.shapes.AlgorithmSpecification",
     "sagemaker.core.shapes.shapes.AlgorithmSpecification"),
    ("sagemaker.serve.ModelBuilder", "sagemaker.serve.model_builder.ModelBuilder"),
    ("sagemaker.Model", "sagemaker.model.Model"),
    ("sagemaker.Predictor", "sagemaker.predictor.Predictor"),
    ("sagemaker.model.Model", "sagemaker.model.Model"),
])
def test_public_paths_reach_the_defining_row(path: str, defining: str) -> None:
    assert defining_class(path)[0] == defining


@pytest.mark.parametrize("path", [
    "sagemaker.core.resources.Endpoint",  # a resource class, not the shape of that name
    "sagemaker.core.shapes.InferenceSpecification",  # model_card_shapes' (open) class
    "sagemaker.train.configs.TensorBoardOutputConfig",  # its own subclass, not recorded
    "sagemaker.core.modules.configs.Compute",  # a deprecation shim, not recorded
    "sagemaker.pytorch.PyTorchModel",  # open: **kwargs
    "sagemaker.train.ModelTrainer.train",  # a method
])
def test_paths_without_a_known_closed_definition(path: str) -> None:
    assert defining_class(path)[0] is None


def test_every_public_path_of_the_closed_roles_is_known() -> None:
    for role in ("model-trainer", "model-builder", "source-code", "stopping-condition"):
        for path in V3_ROLES[role]:
            if path.startswith("sagemaker.core.modules."):
                continue  # the deprecation shim defines classes of its own, not recorded
            assert defining_class(path)[0] is not None, path


def test_unknown_admitted_set_keeps_v3_only_and_v2_closed_classes_closed() -> None:
    """Unknown A stands for every release from 2.0 on: ModelTrainer (3.x only) and v2's Model
    are closed wherever they exist, so only keywords of no known release are reported."""
    for cls in ("sagemaker.train.model_trainer.ModelTrainer", "sagemaker.model.Model"):
        assert verdicts(gen.CLOSED_CLASSES[cls], None) == {"fails"}
    model = gen.CLOSED_FIELDS["sagemaker.model.Model"]
    assert "works" not in verdicts(model["image"], None)  # v1 only (SM601's finding)
    assert "works" in verdicts(model["resources"], None)  # added in 2.200
