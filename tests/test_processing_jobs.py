"""Processing and transform jobs (`surfaces/processing.py`): the instance-preference facts
SM316 reads, the storage facts SM307/SM308 read, and v3 processors as receivers."""

from __future__ import annotations

from typing import Dict, List, Optional

from sagelint.analysis.resolve import ListValue, Scalar
from sagelint.catalog import INSTANCE_TYPE
from sagelint.catalog_classes import Catalog
from sagelint.config import Settings
from sagelint.engine import Engine
from sagelint.surfaces import surface_modules
from sagelint.surfaces.facts import Facts, Field, InstancePreferences, JobStorage
from sagelint.surfaces.keys import Receiver, method

V3_PROCESSOR = "from sagemaker.core.processing import Processor\n"
CORE = (
    "from sagemaker.core.shapes import ProcessingClusterConfig, ProcessingInstancePreference\n"
)
BOTO3 = "import boto3\nsm = boto3.client('sagemaker')\n"


def _facts(source: str) -> Facts:
    analysis = Engine(Settings.build()).analyze(source)
    assert analysis.facts is not None
    return analysis.facts


def _one_preferences(source: str) -> InstancePreferences:
    (found,) = _facts(source).instance_preferences
    return found


def _value(field: Optional[Field]) -> object:
    assert field is not None and isinstance(field.value, Scalar)
    return field.value.value


def _settings(found: InstancePreferences) -> Dict[str, object]:
    return {name: _value(field) for name, field in found.settings.items()}


def _listed(found: InstancePreferences) -> int:
    assert isinstance(found.preferences.value, ListValue)
    return len(found.preferences.value.items)


def test_v3_processor_preferences_with_the_settings_that_exclude_them() -> None:
    found = _one_preferences(
        V3_PROCESSOR + "Processor(role='r', image_uri='i', instance_type='ml.m5.xlarge',\n"
        "    instance_count=2, instance_preferences=[{'InstanceType': 'ml.m5.xlarge'},\n"
        "    {'InstanceType': 'ml.c5.xlarge'}])\n"
    )
    assert found.site.label == "Processor" and _listed(found) == 2
    assert _settings(found) == {INSTANCE_TYPE: "ml.m5.xlarge", "instance count": 2}
    assert found.excluded_by is None


def test_a_preference_list_through_a_name_and_nothing_else_written() -> None:
    found = _one_preferences(
        V3_PROCESSOR + "PREFS = [{'InstanceType': 'ml.m5.xlarge', 'InstanceCount': 2}]\n"
        "Processor(role='r', image_uri='i', instance_preferences=PREFS)\n"
    )
    assert _listed(found) == 1 and found.settings == {}


def test_core_cluster_config_and_boto3_cluster_config() -> None:
    core = _one_preferences(
        CORE + "ProcessingClusterConfig(instance_type='ml.m5.xlarge', volume_size_in_gb=30,\n"
        "    instance_preferences=[ProcessingInstancePreference(instance_type='ml.m5.xlarge')])\n"
    )
    assert core.site.label == "ProcessingClusterConfig" and _listed(core) == 1
    assert _settings(core) == {INSTANCE_TYPE: "ml.m5.xlarge"}
    boto3 = _one_preferences(
        BOTO3 + "sm.create_processing_job(ProcessingJobName='p', ProcessingResources={\n"
        "    'ClusterConfig': {'InstanceCount': 1, 'VolumeSizeInGB': 30,\n"
        "    'InstancePreferences': [{'InstanceType': 'ml.m5.xlarge', 'InstanceCount': 1}]}})\n"
    )
    assert boto3.site.label == "create_processing_job" and _listed(boto3) == 1
    assert _settings(boto3) == {"instance count": 1}


def test_no_preferences_no_fact() -> None:
    assert not _facts(
        V3_PROCESSOR + "Processor(role='r', image_uri='i', instance_type='ml.m5.xlarge',\n"
        "    instance_count=1)\n"
        + BOTO3 + "sm.create_processing_job(ProcessingResources={'ClusterConfig': {\n"
        "    'InstanceType': 'ml.m5.xlarge', 'InstanceCount': 1, 'VolumeSizeInGB': 30}})\n"
    ).instance_preferences


def test_storage_facts_name_the_job_kind_and_each_preferred_type() -> None:
    facts = _facts(
        V3_PROCESSOR + "Processor(role='r', image_uri='i', volume_kms_key='k',\n"
        "    instance_preferences=[{'InstanceType': 'ml.m5.xlarge'}, {'InstanceType': T}])\n"
        "from sagemaker.transformer import Transformer\n"
        "Transformer('m', 1, 'ml.g5.xlarge', volume_kms_key='k')\n"
    )
    processing, transform = facts.job_storage
    assert (processing.kind, processing.api) == ("processing job", "CreateProcessingJob")
    first, second = processing.preferred  # each written type, known or not
    assert _value(first) == "ml.m5.xlarge" and not isinstance(second.value, Scalar)
    assert processing.instance_type is None and processing.volume_size is None
    assert (transform.kind, transform.api) == ("transform job", "CreateTransformJob")
    assert _value(transform.instance_type) == "ml.g5.xlarge"  # by position
    assert transform.preferred == () and transform.volume_size is None


def test_a_job_without_volume_settings_has_only_its_instance_type() -> None:
    """The instance type alone is a storage fact too: SM213 checks it against the processing
    API's enum; the storage rules find no volume setting in it."""
    storage: List[JobStorage] = _facts(
        V3_PROCESSOR + "Processor(role='r', image_uri='i', instance_type='ml.g5.xlarge',\n"
        "    instance_count=1)\n"
    ).job_storage
    assert len(storage) == 1
    assert storage[0].volume_size is None and storage[0].volume_kms_key is None
    assert storage[0].instance_type is not None


def test_a_job_without_instance_or_volume_settings_has_no_storage_fact() -> None:
    assert _facts(V3_PROCESSOR + "Processor(role='r', image_uri='i', instance_count=1)\n").job_storage == []


def test_v3_processors_are_processor_receivers() -> None:
    facts = _facts(
        "from sagemaker.core import ScriptProcessor\n"
        "p = ScriptProcessor(role='r', image_uri='i', command=['python3'],\n"
        "    instance_type='ml.m5.xlarge', instance_count=1)\n"
        "p.run(code='prep.py', job_name='prep_1')\n"
    )
    assert [(name.site.label, name.what) for name in facts.names] == [("p.run", "`job_name`")]
    claims = [
        key for module in surface_modules() for key, _ in module.table(Catalog())
        if key == method("run", Receiver.PROCESSOR)
    ]
    assert claims
