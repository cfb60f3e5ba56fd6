"""The SDK v3 field and parameter names the rules read (shared/V3.md section 4) exist in the
wheels the catalogue was generated from (`catalog_v3.V3_FIELDS`): a field renamed in a newer
SDK fails here, once the table is regenerated, instead of silencing a rule."""

from __future__ import annotations

from typing import Dict, Tuple

import pytest

from sagelint.catalog_v3 import V3_FIELDS

_RES = "sagemaker.core.resources."
_SHAPE = "sagemaker.core.shapes.shapes."
_TRAIN_CFG = "sagemaker.core.training.configs."
_MOD_CFG = "sagemaker.core.modules.configs."
MODEL_TRAINER = "sagemaker.train.model_trainer.ModelTrainer"
MODEL_BUILDER = "sagemaker.serve.model_builder.ModelBuilder"
DEPLOY = MODEL_BUILDER + ".deploy"
CREATE_IC = "sagemaker.core.helper.session_helper.Session.create_inference_component"
REMOTE = "sagemaker.core.remote_function.client.remote"
REMOTE_EXECUTOR = "sagemaker.core.remote_function.client.RemoteExecutor"
STEP = "sagemaker.mlops.workflow.function_step.step"
PROCESSORS = tuple(
    f"sagemaker.core.processing.{name}" for name in ("Processor", "ScriptProcessor", "FrameworkProcessor")
)
TRANSFORMER = "sagemaker.core.transformer.Transformer"

_COMPUTE_FIELDS = (
    "instance_type", "instance_count", "keep_alive_period_in_seconds", "enable_managed_spot_training",
    "instance_groups", "instance_preferences", "instance_placement_config", "volume_size_in_gb",
    "volume_kms_key_id",
)
_NETWORKING_FIELDS = (
    "subnets", "security_group_ids", "enable_network_isolation",
    "enable_inter_container_traffic_encryption",
)
_REMOTE_PARAMS = (
    "instance_type", "keep_alive_period_in_seconds", "use_spot_instances", "volume_size",
    "volume_kms_key", "max_runtime_in_seconds", "max_wait_time_in_seconds",
    "environment_variables", "subnets", "security_group_ids", "encrypt_inter_container_traffic",
    "job_name_prefix",
)
_SERVERLESS_FIELDS = ("memory_size_in_mb", "max_concurrency", "provisioned_concurrency")
_STARTUP_FIELDS = (
    "container_startup_health_check_timeout_in_seconds", "model_data_download_timeout_in_seconds",
)

# owner (a key of V3_FIELDS: a defining name, or `Class.method`) -> the names a rule reads
# there, transcribed from shared/V3.md section 4 (and section 1 for ModelBuilder.deploy).
RULE_FIELDS: Dict[str, Tuple[str, ...]] = {
    # training
    _RES + "TrainingJob.create": (
        "training_job_name", "resource_config", "enable_managed_spot_training",
        "stopping_condition", "checkpoint_config", "environment", "hyper_parameters",
        "vpc_config", "enable_network_isolation", "enable_inter_container_traffic_encryption",
        "output_data_config",
    ),
    _SHAPE + "ResourceConfig": (
        "instance_type", "instance_count", "keep_alive_period_in_seconds", "instance_groups",
        "instance_preferences", "volume_size_in_gb", "volume_kms_key_id",
    ),
    _SHAPE + "InstancePreference": ("instance_type",),
    _SHAPE + "InstanceGroup": ("instance_type", "instance_count", "instance_group_name"),
    "sagemaker.core.instance_group.InstanceGroup": (
        "instance_type", "instance_count", "instance_group_name",
    ),
    _SHAPE + "StoppingCondition": (
        "max_runtime_in_seconds", "max_wait_time_in_seconds", "max_pending_time_in_seconds",
    ),
    _SHAPE + "CheckpointConfig": ("s3_uri",),
    _TRAIN_CFG + "CheckpointConfig": ("s3_uri",),
    _SHAPE + "VpcConfig": ("subnets", "security_group_ids"),
    _SHAPE + "OutputDataConfig": ("kms_key_id",),
    _TRAIN_CFG + "OutputDataConfig": ("kms_key_id",),
    _TRAIN_CFG + "Compute": _COMPUTE_FIELDS,
    _MOD_CFG + "Compute": _COMPUTE_FIELDS,
    _TRAIN_CFG + "Networking": _NETWORKING_FIELDS,
    _MOD_CFG + "Networking": _NETWORKING_FIELDS,
    _TRAIN_CFG + "SourceCode": ("entry_script", "source_dir", "command"),
    _MOD_CFG + "SourceCode": ("entry_script", "source_dir", "command"),
    MODEL_TRAINER: (
        "training_mode", "base_job_name", "source_code", "compute", "networking",
        "stopping_condition", "output_data_config", "checkpoint_config", "environment",
        "hyperparameters",
    ),
    "sagemaker.train.model_trainer.Mode": ("LOCAL_CONTAINER", "SAGEMAKER_TRAINING_JOB"),
    REMOTE: _REMOTE_PARAMS + ("s3_kms_key",),
    REMOTE_EXECUTOR: _REMOTE_PARAMS + ("s3_kms_key",),
    STEP: _REMOTE_PARAMS,  # no s3_kms_key: step() does not take one
    _RES + "HyperParameterTuningJob.create": (
        "hyper_parameter_tuning_job_name", "training_job_definition", "training_job_definitions",
    ),
    _SHAPE + "HyperParameterTrainingJobDefinition": (
        "resource_config", "stopping_condition", "enable_managed_spot_training",
        "checkpoint_config", "environment", "static_hyper_parameters", "vpc_config",
    ),
    "sagemaker.train.tuner.HyperparameterTuner": ("model_trainer", "base_tuning_job_name"),
    # serving
    _RES + "Model.create": (
        "model_name", "primary_container", "containers", "enable_network_isolation",
    ),
    _SHAPE + "ContainerDefinition": (
        "environment", "image", "mode", "model_data_url", "model_data_source",
    ),
    _RES + "EndpointConfig.create": (
        "endpoint_config_name", "production_variants", "kms_key_id", "async_inference_config",
        "data_capture_config", "enable_network_isolation",
    ),
    _SHAPE + "ProductionVariant": _STARTUP_FIELDS + (
        "variant_name", "instance_type", "volume_size_in_gb", "serverless_config",
    ),
    _SHAPE + "ProductionVariantServerlessConfig": _SERVERLESS_FIELDS,
    _SHAPE + "AsyncInferenceConfig": ("client_config",),
    _SHAPE + "AsyncInferenceClientConfig": ("max_concurrent_invocations_per_instance",),
    _SHAPE + "DataCaptureConfig": ("initial_sampling_percentage",),
    _RES + "Endpoint.create": ("endpoint_name", "endpoint_config_name"),
    _RES + "InferenceComponent.create": (
        "inference_component_name", "endpoint_name", "variant_name", "specification",
    ),
    CREATE_IC: ("inference_component_name", "endpoint_name", "variant_name", "specification"),
    _SHAPE + "InferenceComponentSpecification": (
        "instance_type", "container", "startup_parameters", "compute_resource_requirements",
    ),
    _SHAPE + "InferenceComponentStartupParameters": _STARTUP_FIELDS,
    _SHAPE + "InferenceComponentComputeResourceRequirements": (
        "number_of_accelerator_devices_required", "min_memory_required_in_mb",
        "max_memory_required_in_mb", "number_of_cpu_cores_required",
    ),
    _SHAPE + "InferenceComponentContainerSpecification": ("image", "artifact_url", "environment"),
    MODEL_BUILDER: ("instance_type", "compute", "network", "env_vars", "image_uri", "mode"),
    DEPLOY: (
        "instance_type", "inference_config", "update_endpoint", "container_timeout_in_seconds",
        "endpoint_name", "model_name", "endpoint_config_name",
        # read from **kwargs (V3.md section 1, item 4)
        "container_startup_health_check_timeout", "model_data_download_timeout", "volume_size",
        "kms_key", "data_capture_config",
    ),
    "sagemaker.core.inference_config.ServerlessInferenceConfig": _SERVERLESS_FIELDS,
    "sagemaker.core.serverless_inference_config.ServerlessInferenceConfig": _SERVERLESS_FIELDS,
    "sagemaker.core.inference_config.AsyncInferenceConfig": (
        "max_concurrent_invocations_per_instance",
    ),
    "sagemaker.core.resource_requirements.ResourceRequirements": ("requests", "limits"),
    "sagemaker.core.compute_resource_requirements.resource_requirements.ResourceRequirements": (
        "requests", "limits",
    ),
    "sagemaker.core.model_monitor.data_capture_config.DataCaptureConfig": ("sampling_percentage",),
    "sagemaker.serve.mode.function_pointers.Mode": ("LOCAL_CONTAINER", "IN_PROCESS"),
    "sagemaker.core.image_uris.retrieve": ("instance_type",),
    # processing and transform
    _RES + "ProcessingJob.create": (
        "processing_job_name", "processing_resources", "stopping_condition", "environment",
        "network_config",
    ),
    _SHAPE + "ProcessingResources": ("cluster_config",),
    _SHAPE + "ProcessingClusterConfig": (
        "instance_type", "instance_preferences", "volume_size_in_gb", "volume_kms_key_id",
    ),
    _SHAPE + "ProcessingStoppingCondition": ("max_runtime_in_seconds",),
    **{
        processor: (
            "instance_type", "volume_size_in_gb", "volume_kms_key", "env",
            "max_runtime_in_seconds", "base_job_name",
        ) + (("instance_preferences",) if not processor.endswith("FrameworkProcessor") else ())
        for processor in PROCESSORS
    },
    _RES + "TransformJob.create": ("transform_job_name", "transform_resources", "environment"),
    _SHAPE + "TransformResources": ("instance_type", "volume_kms_key_id"),
    TRANSFORMER: ("instance_type", "volume_kms_key", "env", "base_transform_job_name"),
}

PAIRS = sorted((owner, name) for owner, names in RULE_FIELDS.items() for name in names)


@pytest.mark.parametrize("owner", sorted(RULE_FIELDS))
def test_owner_is_recorded(owner: str) -> None:
    assert owner in V3_FIELDS, f"{owner}: not in catalog_v3.V3_FIELDS (regenerate, or update ROLES)"


@pytest.mark.parametrize(("owner", "name"), PAIRS, ids=[f"{o.rsplit('.', 2)[-2]}.{o.rsplit('.', 1)[-1]}:{n}" for o, n in PAIRS])
def test_rule_field_exists(owner: str, name: str) -> None:
    assert name in V3_FIELDS.get(owner, ()), f"{owner} has no {name!r} in the generated wheels"
