"""The generated SDK generation tables (`sdk_generations.py`), their hand-written part
(`sdk_curated.py`) and the verdict folding (`sdk_verdicts.py`).

Everything runs offline on the checked-in modules, except the generator's `--check`, which
reads the SDK artifacts of `SAGELINT_SDK_WHEELS` (a folder with the wheels of /work/wheels and,
optionally, the sdists the module's READ names) and is skipped with a reason otherwise.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Dict, Optional, Tuple

import pytest
from conftest import ROOT

from sagelint import sdk_curated, sdk_generations as gen
from sagelint.sdk_verdicts import VERDICTS, applies_everywhere, verdicts, version_key

SCRIPT = ROOT / "scripts" / "gen_sdk_generations.py"
Verdicts = Tuple[Tuple[str, Optional[str], str], ...]


class V:
    """A stand-in for packaging's Version: sdk_verdicts reads `.release` only."""

    def __init__(self, text: str) -> None:
        self.release = tuple(int(p) for p in text.split("."))

    def __hash__(self) -> int:
        return hash(self.release)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, V) and other.release == self.release


def A(*texts: str) -> frozenset[V]:  # noqa: N802 - "A" is the admitted set of RULES.md
    return frozenset(V(t) for t in texts)


def _all_rows() -> Dict[str, Verdicts]:
    rows: Dict[str, Verdicts] = {}
    for owner, table in gen.RENAMED_KEYWORDS.items():
        rows.update({f"RENAMED_KEYWORDS {owner} {k}": v[1] for k, v in table.items()})
    rows.update({f"RENAMED_NAMES {k}": v[2] for k, v in gen.RENAMED_NAMES.items()})
    for owner, nested in gen.NOOP_KEYWORDS.items():
        rows.update({f"NOOP_KEYWORDS {owner} {k}": v for k, v in nested.items()})
    rows.update({f"NOOP_CALLS {k}": v for k, v in gen.NOOP_CALLS.items()})
    rows.update({f"MODULES {k}": v for k, v in gen.MODULES.items()})
    rows.update({f"CLOSED_CLASSES {k}": v for k, v in gen.CLOSED_CLASSES.items()})
    for cls, nested in gen.CLOSED_FIELDS.items():
        rows.update({f"CLOSED_FIELDS {cls} {k}": v for k, v in nested.items()})
    return rows


# --- well formed --------------------------------------------------------------------------


def test_every_row_is_ordered_non_overlapping_with_valid_verdicts() -> None:
    read = [version_key(v) for v in gen.READ]
    assert read == sorted(read)
    for name, row in _all_rows().items():
        assert row, name
        previous: Optional[Tuple[int, ...]] = None
        for first, last, verdict in row:
            assert verdict in VERDICTS, name
            assert first in gen.READ and (last is None or last in gen.READ), name
            low, high = version_key(first), version_key(last) if last else (9999,)
            assert low <= high, name
            assert previous is None or previous < low, f"{name}: intervals overlap or are unsorted"
            previous = high


def test_tables_are_sorted_by_key() -> None:
    for table in (
        gen.RENAMED_KEYWORDS, gen.RENAMED_NAMES, gen.NOOP_KEYWORDS, gen.NOOP_CALLS, gen.MODULES,
        gen.V2_MODULES, gen.MOVED, gen.CLOSED_CLASSES, gen.CLOSED_FIELDS, gen.POSITIONAL,
        gen.FRAMEWORKS, gen.V3_REPLACEMENTS, gen.V2_NUDGES,
    ):
        assert list(table) == sorted(table)
    assert list(gen.V3_REMOVED_MODULES) == sorted(gen.V3_REMOVED_MODULES)


def test_every_move_targets_a_path_that_exists_in_the_latest_v3() -> None:
    latest = gen.READ[-1]
    v3_modules = {m for m, row in gen.MODULES.items() if "works" in verdicts(row, A(latest))}
    for path, (target, compatibility) in gen.MOVED.items():
        module = target.rpartition(".")[0]
        assert module in v3_modules, f"{path} -> {target}: {module} is not a v3 module"
        assert compatibility in ("same", "extended") or compatibility.startswith("positional<=")
        assert not module.startswith("sagemaker.train.configs"), "a deprecation shim is no target"
    for path, (fate, target) in gen.V2_MODULES.items():
        assert fate in ("unchanged", "moved", "gone")
        assert (target is None) == (fate == "gone"), path
        assert target is None or target in v3_modules, path


def test_name_targets_and_kinds() -> None:
    for path, (target, kind, _row) in gen.RENAMED_NAMES.items():
        assert kind in ("same", "instance", "function", "removed", "no-op"), path
        assert (target is None) == (kind in ("removed", "no-op")), path


def test_curated_rows_name_their_source_and_hold() -> None:
    for row in sdk_curated.KEYWORD_OUTCOMES.values():
        assert row[1] in VERDICTS and row[2]
    for (owner, keyword), (_computed, actual, _source) in sdk_curated.KEYWORD_OUTCOMES.items():
        assert actual in verdicts(gen.RENAMED_KEYWORDS[owner][keyword][1], A("2.257.7"))
    for cls, renames in sdk_curated.FIELD_RENAMES.items():
        fields = gen.CLOSED_FIELDS[cls]
        for old, new in renames.items():
            assert "works" in verdicts(fields[new], A("3.27.0")), (cls, new)
            assert old not in fields or "works" not in verdicts(fields[old], A("3.27.0"))


# --- facts of GENERATIONS.md ------------------------------------------------------------------


def test_a_train_keyword_fails_in_2_0_to_2_14_and_is_deprecated_from_2_15() -> None:
    new, row = gen.RENAMED_KEYWORDS["sagemaker.pytorch.PyTorch"]["train_instance_type"]
    assert new == "instance_type"
    assert verdicts(row, A("2.0.0", "2.14.0")) == {"fails"}
    assert verdicts(row, A("2.15.0", "2.200.0", "2.257.7")) == {"deprecated"}
    assert verdicts(row, A("1.72.1")) == {"works"}
    assert verdicts(row, A("3.27.0")) == frozenset()  # the class is gone: the import speaks
    assert verdicts(row, None) == {"fails", "deprecated"}  # works in no release from 2.0


def test_model_image_keyword_fails_in_every_v2() -> None:
    new, row = gen.RENAMED_KEYWORDS["sagemaker.model.Model"]["image"]
    assert new == "image_uri" and verdicts(row, None) == {"fails"}
    _new, est = gen.RENAMED_KEYWORDS["sagemaker.estimator.Estimator"]["image_name"]
    assert verdicts(est, A("2.257.7")) == {"fails"}  # the rename exists only on Framework


def test_csv_serializer_from_predictor_fails_again_from_2_154() -> None:
    target, kind, row = gen.RENAMED_NAMES["sagemaker.predictor.csv_serializer"]
    assert (target, kind) == ("sagemaker.serializers.CSVSerializer", "instance")
    assert verdicts(row, A("2.154.0", "2.257.7")) == {"fails"}
    assert verdicts(row, A("2.15.0", "2.153.0")) == {"deprecated"}
    assert verdicts(row, A("1.72.1")) == {"works"}


def test_s3_input_and_real_time_predictor() -> None:
    assert gen.RENAMED_NAMES["sagemaker.session.s3_input"][:2] == ("sagemaker.inputs.TrainingInput", "same")
    assert verdicts(gen.RENAMED_NAMES["sagemaker.s3_input"][2], None) == {"fails"}
    assert verdicts(gen.RENAMED_NAMES["sagemaker.RealTimePredictor"][2], None) == {"fails"}


def test_model_positional_order_swapped_in_v2() -> None:
    row = gen.POSITIONAL["sagemaker.model.Model"]
    assert row[0] == ("1.72.1", "1.72.1", ("model_data", "image"))
    assert row[-1][2] == ("image_uri", "model_data")


def test_estimator_delete_endpoint_is_a_no_op_in_v2() -> None:
    row = gen.NOOP_CALLS["sagemaker.estimator.Estimator.delete_endpoint"]
    assert verdicts(row, A("2.257.7")) == {"no-op"}
    assert verdicts(row, A("1.72.1")) == {"works"}
    assert "sagemaker.tuner.HyperparameterTuner.delete_endpoint" in gen.NOOP_CALLS


def test_session_moved_as_the_same_object() -> None:
    assert gen.MOVED["sagemaker.Session"] == ("sagemaker.core.helper.session_helper.Session", "positional<=5")
    assert gen.MOVED["sagemaker.get_execution_role"][0] == "sagemaker.core.helper.session_helper.get_execution_role"
    assert gen.MOVED["sagemaker.modules.configs.Compute"][0] == "sagemaker.core.training.configs.Compute"
    assert gen.MOVED["sagemaker.serverless.ServerlessInferenceConfig"][0] == (
        "sagemaker.core.inference_config.ServerlessInferenceConfig"
    )


def test_estimator_is_gone_in_v3() -> None:
    assert "sagemaker.estimator.Estimator" not in gen.MOVED
    assert "sagemaker.model.Model" not in gen.MOVED
    assert gen.V2_MODULES["sagemaker.estimator"] == ("gone", None)
    row = gen.MODULES["sagemaker.estimator"]
    assert verdicts(row, A("2.0.0", "2.257.7")) == {"works"} and verdicts(row, A("3.27.0")) == {"fails"}
    assert verdicts(gen.MODULES["sagemaker.train"], A("2.257.7")) == {"fails"}
    assert "estimator" in gen.V3_REMOVED_MODULES
    assert gen.V3_REPLACEMENTS["estimator"][1] == "from sagemaker.train import ModelTrainer"


def test_module_fates_counted() -> None:
    """GENERATIONS.md counts 44 unchanged / 233 moved / 125 gone over 402 modules found by an
    import walk; the ast walk counts every public module file (see the generator's docs)."""
    fates = [fate for fate, _target in gen.V2_MODULES.values()]
    counts = {fate: fates.count(fate) for fate in ("unchanged", "moved", "gone")}
    assert counts["unchanged"] >= 44 and counts["moved"] >= 233 and counts["gone"] >= 125
    assert gen.V2_MODULES["sagemaker.image_uris"] == ("moved", "sagemaker.core.image_uris")


def test_closed_v3_configs_and_frameworks() -> None:
    assert verdicts(gen.CLOSED_CLASSES["sagemaker.core.training.configs.Compute"], A("3.27.0")) == {"fails"}
    assert "volume_size_in_gb" in gen.CLOSED_FIELDS["sagemaker.core.training.configs.Compute"]
    assert verdicts(gen.CLOSED_CLASSES["sagemaker.serve.model_builder.ModelBuilder"], A("3.27.0")) == {"fails"}  # a @dataclass
    assert gen.FRAMEWORKS["sagemaker.pytorch.PyTorch"] is False
    assert gen.FRAMEWORKS["sagemaker.sklearn.SKLearn"] is True
    assert gen.FRAMEWORKS["sagemaker.tensorflow.TensorFlow"] is False


def test_noop_keywords() -> None:
    row = gen.NOOP_KEYWORDS["sagemaker.predictor.Predictor"]["content_type"]
    assert verdicts(row, A("2.257.7")) == {"no-op"}
    tf = gen.NOOP_KEYWORDS["sagemaker.tensorflow.TensorFlow"]
    assert verdicts(tf["script_mode"], A("2.100.0")) == {"no-op"}
    assert verdicts(tf["script_mode"], A("2.14.0")) == {"fails"}


# --- sdk_verdicts -----------------------------------------------------------------------------


ROW: Verdicts = (("1.72.1", "1.72.1", "works"), ("2.0.0", "2.14.1", "fails"), ("2.15.0", None, "deprecated"))


def test_verdicts_over_known_sets() -> None:
    assert verdicts(ROW, A("2.0.0")) == {"fails"}
    assert verdicts(ROW, A("2.14.1", "2.15.0")) == {"fails", "deprecated"}
    assert verdicts(ROW, A("2.300.0")) == {"deprecated"}  # open end
    assert verdicts(ROW, A("1.50.0")) == frozenset()  # not covered: the row does not apply
    assert verdicts(ROW, frozenset()) == frozenset()


def test_unknown_is_every_release_from_2_0() -> None:
    assert verdicts(ROW, None) == {"fails", "deprecated"}
    assert verdicts((("1.0.0", "1.72.1", "works"),), None) == frozenset()


def test_trailing_zeros_compare_equal() -> None:
    assert verdicts((("3.0", "3.0", "fails"),), A("3.0.0")) == {"fails"}
    assert version_key("3.0.0") == version_key("3.0") == (3,)


def test_applies_everywhere() -> None:
    assert applies_everywhere(ROW, A("2.0.0", "2.20.0"))
    assert not applies_everywhere(ROW, A("1.50.0", "2.20.0"))
    assert not applies_everywhere(ROW, None)


# --- the generator ------------------------------------------------------------------------------


def _generator() -> ModuleType:
    sys.path.insert(0, str(SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("gen_sdk_generations", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_sdk_generations"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_generator_check_against_the_artifacts() -> None:
    """Reads the wheels of SAGELINT_SDK_WHEELS and, when set, the older artifacts of
    SAGELINT_SDK_ARTIFACTS (a separate folder: test_catalog_v3 wants one wheel per v3 part in
    the first): the anchor sdists and the sagemaker 3.0 part wheels."""
    folder = os.environ.get("SAGELINT_SDK_WHEELS")
    if not folder:
        pytest.skip("no SDK artifacts: set SAGELINT_SDK_WHEELS (a folder with sagemaker 2.257.7, "
                    "3.27.0 and its part wheels; SAGELINT_SDK_ARTIFACTS adds the older releases)")
    wheels = list(Path(folder).glob("*.whl"))
    needed = ("sagemaker-2.257.7-", "sagemaker_core-2.27.0-", "sagemaker_train-1.27.0-",
              "sagemaker_serve-1.27.0-", "sagemaker_mlops-1.27.0-")
    missing = [n for n in needed if not any(w.name.startswith(n) for w in wheels)]
    if missing:
        pytest.skip(f"{folder} lacks {', '.join(missing)}")
    extra = os.environ.get("SAGELINT_SDK_ARTIFACTS")
    assert _generator().main(["--check", folder, *([extra] if extra else [])]) == 0
