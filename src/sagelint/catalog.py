"""The SageMaker API surface: every public alias of the classes the rules care about.

Facts behind each entry: the documentation of the rules that read it (`sagelint rule SMxxx`). A class is looked up by the fully qualified
name LibCST's scope analysis gives for a call target, so `PTM(...)` after
`from sagemaker.pytorch import PyTorchModel as PTM` finds `sagemaker.pytorch.PyTorchModel`.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from typing import Dict, FrozenSet, Optional, Tuple

from sagelint import catalog_sdk, catalog_v3
# A run builds its Catalog before any check needs these tables: it lives in a module of its own
# (sagelint.catalog_classes), which imports these tables when it first looks a class up.


class Kind(str, enum.Enum):
    MODEL = "model"
    ESTIMATOR = "estimator"


class Family(str, enum.Enum):
    """The model server a serving container runs, which decides the env keys it reads."""

    TORCHSERVE = "torchserve"  # SageMaker PyTorch inference toolkit
    MMS = "mms"  # sklearn, xgboost, mxnet, chainer toolkits
    HUGGINGFACE = "huggingface"  # HF inference toolkit (MMS) unless image_uri says otherwise
    TFS = "tensorflow-serving"
    LMI = "lmi"  # DJL serving
    TGI = "tgi"  # Hugging Face text-generation-inference
    CUSTOM = "custom"  # listed by the user in extend-model-classes
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ClassInfo:
    """What the rules know of one SDK model or estimator class."""

    name: str  # short class name, used in messages
    kind: Kind
    family: Family = Family.UNKNOWN
    # True when the serving container reads SAGEMAKER_MODEL_SERVER_TIMEOUT (subject to
    # SM101/SM102/SM104). For estimators: the model their deploy() creates.
    reads_server_timeout: bool = False
    # deploy() accepts container_startup_health_check_timeout / model_data_download_timeout.
    deploy_takes_timeouts: bool = True
    jumpstart: bool = False
    env_keyword: str = "env"  # ModelBuilder calls it env_vars
    model_builder: bool = False
    # Where `model_data` is among the constructor's positional parameters (None: it has none
    # or it is not known); a model given it has artifacts to download (SM202).
    model_data_position: Optional[int] = None
    always_has_artifacts: bool = False  # ModelPackage: its artifacts come with the package
    # For an estimator: where the model class its `create_model()` (and so its `deploy()`)
    # builds is defined; None when that depends on its settings or is not known.
    model_class: Optional[str] = None


# What the SDK's code does not say: the model server each class's container runs, by the
# module that defines the class. Every other model and estimator class found in the SDK wheel
# (the first-party algorithm estimators and their models, ModelPackage, SparkMLModel, ...) runs
# a container whose env keys are not known: the SM2 rules apply to its deploys, SM1's
# server-timeout rules do not.
_SERVING: Dict[str, ClassInfo] = {
    "sagemaker.pytorch.model.PyTorchModel":
        ClassInfo("PyTorchModel", Kind.MODEL, Family.TORCHSERVE, True),
    "sagemaker.huggingface.model.HuggingFaceModel":
        ClassInfo("HuggingFaceModel", Kind.MODEL, Family.HUGGINGFACE, True),
    **{
        f"sagemaker.{module}.model.{cls}": ClassInfo(cls, Kind.MODEL, Family.MMS, True)
        for module, cls in (
            ("sklearn", "SKLearnModel"),
            ("xgboost", "XGBoostModel"),
            ("mxnet", "MXNetModel"),
            ("chainer", "ChainerModel"),
        )
    },
    "sagemaker.tensorflow.model.TensorFlowModel":
        ClassInfo("TensorFlowModel", Kind.MODEL, Family.TFS),
    "sagemaker.djl_inference.model.DJLModel": ClassInfo("DJLModel", Kind.MODEL, Family.LMI),
    "sagemaker.jumpstart.model.JumpStartModel":
        ClassInfo("JumpStartModel", Kind.MODEL, jumpstart=True),
    "sagemaker.jumpstart.estimator.JumpStartEstimator":
        ClassInfo("JumpStartEstimator", Kind.ESTIMATOR, jumpstart=True),
    # Its deploy() takes **kwargs only to reject the removed `update_endpoint`.
    "sagemaker.multidatamodel.MultiDataModel":
        ClassInfo("MultiDataModel", Kind.MODEL, deploy_takes_timeouts=False),
    **{
        f"sagemaker.{module}.estimator.{cls}": ClassInfo(cls, Kind.ESTIMATOR, family, True)
        for module, cls, family in (
            ("pytorch", "PyTorch", Family.TORCHSERVE),
            ("huggingface", "HuggingFace", Family.HUGGINGFACE),
            ("sklearn", "SKLearn", Family.MMS),
            ("xgboost", "XGBoost", Family.MMS),
            ("mxnet", "MXNet", Family.MMS),
            ("chainer", "Chainer", Family.MMS),
        )
    },
}
_KINDS = {"model": Kind.MODEL, "estimator": Kind.ESTIMATOR}

# What each estimator's `create_model()` returns (SDK 2.257.7): the framework estimators their
# framework's model, `Estimator` a generic `Model`, `AlgorithmEstimator` a `ModelPackage`, the
# first-party algorithms their own model. `RLEstimator` picks its model by its settings, and
# `EstimatorBase` / `Framework` / `JumpStartEstimator` have none of their own: not listed.
_AMAZON = (
    ("factorization_machines", "FactorizationMachines"), ("ipinsights", "IPInsights"),
    ("kmeans", "KMeans"), ("knn", "KNN"), ("lda", "LDA"), ("linear_learner", "LinearLearner"),
    ("ntm", "NTM"), ("object2vec", "Object2Vec"), ("pca", "PCA"),
    ("randomcutforest", "RandomCutForest"),
)
_CREATES_MODEL: Dict[str, str] = {
    **{
        f"sagemaker.{module}.estimator.{cls}": f"sagemaker.{module}.model.{cls}Model"
        for module, cls in (
            ("pytorch", "PyTorch"), ("huggingface", "HuggingFace"), ("sklearn", "SKLearn"),
            ("xgboost", "XGBoost"), ("mxnet", "MXNet"), ("chainer", "Chainer"),
            ("tensorflow", "TensorFlow"),
        )
    },
    "sagemaker.estimator.Estimator": "sagemaker.model.Model",
    "sagemaker.algorithm.AlgorithmEstimator": "sagemaker.model.ModelPackage",
    **{f"sagemaker.amazon.{m}.{cls}": f"sagemaker.amazon.{m}.{cls}Model" for m, cls in _AMAZON},
}


def _class_info(canonical: str) -> Optional[ClassInfo]:
    """The facts of a model or estimator class of the generated table, by where it is defined."""
    kind, timeouts, position = catalog_sdk.CLASSES[canonical]
    if kind not in _KINDS:
        return None
    info = _SERVING.get(canonical) or ClassInfo(
        canonical.rsplit(".", 1)[-1], _KINDS[kind], deploy_takes_timeouts=timeouts == "named"
    )
    return replace(
        info,
        model_data_position=position,
        always_has_artifacts=canonical == "sagemaker.model.ModelPackage",
        model_class=_CREATES_MODEL.get(canonical),
    )


def _sdk_classes() -> Dict[str, ClassInfo]:
    """Every public import path of every SDK v2 model and estimator class; the paths of one
    class share one ClassInfo, so however it is imported it is the same class."""
    infos = {canonical: _class_info(canonical) for canonical in catalog_sdk.CLASSES}
    return {
        path: info
        for path, canonical in catalog_sdk.V2_PATHS.items()
        for info in (infos[canonical],)
        if info is not None
    }


def _aliases(info: ClassInfo, *paths: str) -> Dict[str, ClassInfo]:
    return {path: info for path in paths}


_SDK_CLASSES = _sdk_classes()
# Paths of older 2.x releases that the current wheel no longer has.
_LEGACY: Dict[str, ClassInfo] = {
    **_aliases(_SDK_CLASSES["sagemaker.model.FrameworkModel"], "sagemaker.FrameworkModel"),
    **_aliases(_SDK_CLASSES["sagemaker.estimator.Estimator"], "sagemaker.Estimator"),
    **_aliases(_SDK_CLASSES["sagemaker.estimator.Framework"], "sagemaker.Framework"),
    **{
        f"sagemaker.djl_inference{sub}.{cls}": ClassInfo(cls, Kind.MODEL, Family.LMI)
        for cls in ("HuggingFaceAccelerateModel", "DeepSpeedModel", "FasterTransformerModel")
        for sub in ("", ".model")
    },
}

MODELS: Dict[str, ClassInfo] = {
    **{path: info for path, info in {**_SDK_CLASSES, **_LEGACY}.items() if info.kind is Kind.MODEL},
    # SDK v3 (and late v2) ModelBuilder: the model server is not known from the call, so only
    # the env value rules apply to env_vars.
    **_aliases(
        ClassInfo(
            "ModelBuilder", Kind.MODEL, reads_server_timeout=False, env_keyword="env_vars",
            model_builder=True,
        ),
        *(
            path
            for paths in (catalog_sdk.V2_PATHS, catalog_sdk.V3_PATHS)
            for path, canonical in paths.items()
            if canonical.endswith(".ModelBuilder")
        ),
    ),
    # Not a Model subclass. Its deploy() takes the timeouts since 2.2xx; until SM202 knows
    # whether its inner models have artifacts, its deploys stay unchecked.
    **_aliases(
        ClassInfo("PipelineModel", Kind.MODEL, deploy_takes_timeouts=False),
        *(path for path, c in catalog_sdk.V2_PATHS.items() if c == "sagemaker.pipeline.PipelineModel"),
    ),
}

ESTIMATORS: Dict[str, ClassInfo] = {
    path: info
    for path, info in {**_SDK_CLASSES, **_LEGACY}.items()
    if info.kind is Kind.ESTIMATOR
}


def v3(*roles: str) -> FrozenSet[str]:
    """Every public SDK v3 path of these roles (`catalog_v3.V3_ROLES`, generated from the
    wheels by `scripts/gen_v3_roles.py`; the roles are named in `shared/V3.md` section 3)."""
    return frozenset(path for role in roles for path in catalog_v3.V3_ROLES[role])


def paths_of(canonical_suffix: str) -> FrozenSet[str]:
    """Every public path, v2 and v3, of the generated classes named so (`.LocalSession`)."""
    return frozenset(
        path
        for paths in (catalog_sdk.V2_PATHS, catalog_sdk.V3_PATHS)
        for path, canonical in paths.items()
        if canonical.endswith(canonical_suffix)
    )


SDK_SERVERLESS_CONFIGS = frozenset(
    {
        "sagemaker.serverless.ServerlessInferenceConfig",
        "sagemaker.serverless.serverless_inference_config.ServerlessInferenceConfig",
    }
)
SERVERLESS_SHAPES = v3("shape:ProductionVariantServerlessConfig")
SERVERLESS_CONFIGS = SDK_SERVERLESS_CONFIGS | SERVERLESS_SHAPES
# ServerlessInferenceConfig(memory_size_in_mb=2048, max_concurrency=5, ...): what the SDK
# sends for a max concurrency not given (SM209).
SDK_SERVERLESS_MAX_CONCURRENCY = 5
# get_huggingface_llm_image_uri(backend, ...): the container each backend names (SM110/SM111).
LLM_IMAGE_FUNCTIONS = frozenset(
    {
        "sagemaker.huggingface.get_huggingface_llm_image_uri",
        "sagemaker.huggingface.llm_utils.get_huggingface_llm_image_uri",
    }
)
LLM_BACKENDS = {"huggingface": Family.TGI, "lmi": Family.LMI}

# Qualified names of callables the resolver evaluates (real scripts stringify numbers so).
STRINGIFIERS = frozenset({"str", "builtins.str", "json.dumps"})
DICT_BUILDERS = frozenset({"dict", "builtins.dict"})


# -- training surfaces -----------------------------------------------------------------------
# A field map: canonical attribute -> the keyword paths that carry it, tried in order. A path
# of two names reads a field of the object or dict the first keyword holds
# (`compute=Compute(keep_alive_period_in_seconds=...)`, `ResourceConfig={...}`).
FieldMap = Dict[str, Tuple[Tuple[str, ...], ...]]

KEEP_ALIVE = "keep-alive"
SPOT = "spot"
INSTANCE_GROUPS = "instance-groups"
ENVIRONMENT = "environment"
INSTANCE_TYPE = "instance type"
VOLUME_SIZE = "volume size"
VOLUME_KMS_KEY = "volume KMS key"
MAX_WAIT = "max wait"  # spot rules SM309-SM313 (`sagelint rule SM309`)
MAX_RUN = "max run"
CHECKPOINT = "checkpoint"
OUTPUT_KMS_KEY = "output KMS key"
IMAGE = "image"  # the image the job runs, for SM211 (its kind against the instance type's)
# Settings instance preferences exclude (SM316, `shared/RULES.md`); spot is SPOT, the
# instance type INSTANCE_TYPE, instance groups INSTANCE_GROUPS.
INSTANCE_PREFERENCES = "instance preferences"
INSTANCE_PLACEMENT = "instance placement config"
# What a warm pool must match to be reused (`sagelint rule SM305`), in message order.
MATCHING = (
    "role", INSTANCE_TYPE, "instance count", VOLUME_SIZE, VOLUME_KMS_KEY, "subnets",
    "security groups", "inter-container encryption", "network isolation",
)

ESTIMATOR_FIELDS: FieldMap = {
    KEEP_ALIVE: (("keep_alive_period_in_seconds",),),
    SPOT: (("use_spot_instances",), ("train_use_spot_instances",)),
    INSTANCE_GROUPS: (("instance_groups",),),
    ENVIRONMENT: (("environment",),),
    "role": (("role",),),
    INSTANCE_TYPE: (("instance_type",),),
    "instance count": (("instance_count",),),
    # train_*: the SDK v2 names still accepted (renamed_kwargs)
    VOLUME_SIZE: (("volume_size",), ("train_volume_size",)),
    VOLUME_KMS_KEY: (("volume_kms_key",), ("train_volume_kms_key",)),
    MAX_WAIT: (("max_wait",), ("train_max_wait",)),
    MAX_RUN: (("max_run",), ("train_max_run",)),
    CHECKPOINT: (("checkpoint_s3_uri",),),
    "subnets": (("subnets",),),
    "security groups": (("security_group_ids",),),
    "inter-container encryption": (("encrypt_inter_container_traffic",),),
    "network isolation": (("enable_network_isolation",),),
    OUTPUT_KMS_KEY: (("output_kms_key",),),
    IMAGE: (("image_uri",),),
}
MODEL_TRAINER_FIELDS: FieldMap = {
    KEEP_ALIVE: (("compute", "keep_alive_period_in_seconds"),),
    INSTANCE_PREFERENCES: (("compute", "instance_preferences"),),
    INSTANCE_PLACEMENT: (("compute", "instance_placement_config"),),
    SPOT: (("compute", "enable_managed_spot_training"),),
    INSTANCE_GROUPS: (("compute", "instance_groups"),),
    ENVIRONMENT: (("environment",),),
    "role": (("role",),),
    INSTANCE_TYPE: (("compute", "instance_type"),),
    "instance count": (("compute", "instance_count"),),
    VOLUME_SIZE: (("compute", "volume_size_in_gb"),),
    VOLUME_KMS_KEY: (("compute", "volume_kms_key_id"),),
    MAX_WAIT: (("stopping_condition", "max_wait_time_in_seconds"),),
    MAX_RUN: (("stopping_condition", "max_runtime_in_seconds"),),
    CHECKPOINT: (("checkpoint_config",),),
    # `networking=Networking(...)`, `output_data_config=OutputDataConfig(...)` (V3.md section 4)
    "subnets": (("networking", "subnets"),),
    "security groups": (("networking", "security_group_ids"),),
    "inter-container encryption": (("networking", "enable_inter_container_traffic_encryption"),),
    "network isolation": (("networking", "enable_network_isolation"),),
    OUTPUT_KMS_KEY: (("output_data_config", "kms_key_id"),),
    IMAGE: (("training_image",),),
}
# A remote function takes no network isolation and no instance groups (SDK 2.257.7); its
# `s3_kms_key` encrypts its output.
REMOTE_FIELDS: FieldMap = {
    **{
        key: paths
        for key, paths in ESTIMATOR_FIELDS.items()
        if key not in (INSTANCE_GROUPS, "network isolation")
    },
    OUTPUT_KMS_KEY: (("s3_kms_key",),),
    SPOT: (("use_spot_instances",),),
    ENVIRONMENT: (("environment_variables",),),
    MAX_WAIT: (("max_wait_time_in_seconds",),),
    MAX_RUN: (("max_runtime_in_seconds",),),
    VOLUME_SIZE: (("volume_size",),),
    VOLUME_KMS_KEY: (("volume_kms_key",),),
}
# They take no checkpoint location: "no checkpoints" is not a missing setting there.
del REMOTE_FIELDS[CHECKPOINT]
BOTO3_CREATE_FIELDS: FieldMap = {
    KEEP_ALIVE: (("ResourceConfig", "KeepAlivePeriodInSeconds"),),
    SPOT: (("EnableManagedSpotTraining",),),
    INSTANCE_GROUPS: (("ResourceConfig", "InstanceGroups"),),
    ENVIRONMENT: (("Environment",),),
    "role": (("RoleArn",),),
    INSTANCE_TYPE: (("ResourceConfig", "InstanceType"),),
    "instance count": (("ResourceConfig", "InstanceCount"),),
    VOLUME_SIZE: (("ResourceConfig", "VolumeSizeInGB"),),
    VOLUME_KMS_KEY: (("ResourceConfig", "VolumeKmsKeyId"),),
    MAX_WAIT: (("StoppingCondition", "MaxWaitTimeInSeconds"),),
    MAX_RUN: (("StoppingCondition", "MaxRuntimeInSeconds"),),
    CHECKPOINT: (("CheckpointConfig",),),
    "subnets": (("VpcConfig", "Subnets"),),
    "security groups": (("VpcConfig", "SecurityGroupIds"),),
    "inter-container encryption": (("EnableInterContainerTrafficEncryption",),),
    "network isolation": (("EnableNetworkIsolation",),),
    OUTPUT_KMS_KEY: (("OutputDataConfig", "KmsKeyId"),),
    INSTANCE_PREFERENCES: (("ResourceConfig", "InstancePreferences"),),
    INSTANCE_PLACEMENT: (("ResourceConfig", "InstancePlacementConfig"),),
    IMAGE: (("AlgorithmSpecification", "TrainingImage"),),
}
# SDK v3 core resources: `TrainingJob.create(...)` takes CreateTrainingJob's fields in
# snake_case, with `ResourceConfig` / `StoppingCondition` / `VpcConfig` / `OutputDataConfig`
# shapes (V3.md section 4); a tuning job's `HyperParameterTrainingJobDefinition(...)` takes
# the same, without keep-alive (warm pools there are unverified: no rule reads it).
CORE_TRAINING_JOB_FIELDS: FieldMap = {
    KEEP_ALIVE: (("resource_config", "keep_alive_period_in_seconds"),),
    SPOT: (("enable_managed_spot_training",),),
    INSTANCE_GROUPS: (("resource_config", "instance_groups"),),
    ENVIRONMENT: (("environment",),),
    "role": (("role_arn",),),
    INSTANCE_TYPE: (("resource_config", "instance_type"),),
    "instance count": (("resource_config", "instance_count"),),
    VOLUME_SIZE: (("resource_config", "volume_size_in_gb"),),
    VOLUME_KMS_KEY: (("resource_config", "volume_kms_key_id"),),
    MAX_WAIT: (("stopping_condition", "max_wait_time_in_seconds"),),
    MAX_RUN: (("stopping_condition", "max_runtime_in_seconds"),),
    CHECKPOINT: (("checkpoint_config",),),
    "subnets": (("vpc_config", "subnets"),),
    "security groups": (("vpc_config", "security_group_ids"),),
    "inter-container encryption": (("enable_inter_container_traffic_encryption",),),
    "network isolation": (("enable_network_isolation",),),
    OUTPUT_KMS_KEY: (("output_data_config", "kms_key_id"),),
    INSTANCE_PREFERENCES: (("resource_config", "instance_preferences"),),
    INSTANCE_PLACEMENT: (("resource_config", "instance_placement_config"),),
}
TRAINING_JOB_DEFINITION_FIELDS: FieldMap = {
    key: paths for key, paths in CORE_TRAINING_JOB_FIELDS.items() if key != KEEP_ALIVE
}
BOTO3_UPDATE_FIELDS: FieldMap = {KEEP_ALIVE: (("ResourceConfig", "KeepAlivePeriodInSeconds"),)}
SESSION_UPDATE_FIELDS: FieldMap = {KEEP_ALIVE: (("resource_config", "KeepAlivePeriodInSeconds"),)}

# Callables that declare a training job, by qualified name: (label, field map).
TRAINING_CALLABLES: Dict[str, Tuple[str, FieldMap]] = {
    **{
        path: ("ModelTrainer", MODEL_TRAINER_FIELDS)
        for path in (
            "sagemaker.modules.train.ModelTrainer",
            "sagemaker.modules.train.model_trainer.ModelTrainer",
            *v3("model-trainer"),
        )
    },
    **{
        path: (path.rsplit(".", 1)[-1], REMOTE_FIELDS)
        for path in (
            "sagemaker.remote_function.remote",
            "sagemaker.remote_function.client.remote",
            "sagemaker.remote_function.RemoteExecutor",
            "sagemaker.remote_function.client.RemoteExecutor",
            "sagemaker.workflow.function_step.step",
            *v3("remote", "remote-executor", "step"),
        )
    },
}
COMPUTE_CONFIGS = frozenset({"sagemaker.modules.configs.Compute"}) | v3("compute")
STOPPING_CONDITIONS = (
    frozenset({"sagemaker.modules.configs.StoppingCondition"}) | v3("stopping-condition")
)
# ModelTrainer's `networking=` and `output_data_config=` (late v2 `sagemaker.modules.configs`
# has the same classes and fields), and the core shapes of `TrainingJob.create`.
NETWORKING_CONFIGS = frozenset({"sagemaker.modules.configs.Networking"}) | v3("networking")
OUTPUT_DATA_CONFIGS = (
    frozenset({"sagemaker.modules.configs.OutputDataConfig"})
    | v3("output-data-config", "shape:OutputDataConfig")
)
RESOURCE_CONFIG_SHAPES = v3("shape:ResourceConfig")
# Config objects whose keywords a two-name field path reads (`compute=Compute(...)`).
TRAINING_CONFIGS = (
    COMPUTE_CONFIGS | STOPPING_CONDITIONS | NETWORKING_CONFIGS | OUTPUT_DATA_CONFIGS
    | RESOURCE_CONFIG_SHAPES | v3("shape:VpcConfig")
)
# Pydantic models in lax mode: a whole-number string or float given for an int field is
# converted before the API sees it (`Compute(keep_alive_period_in_seconds="1800")` works).
LAX_CONFIGS = COMPUTE_CONFIGS | RESOURCE_CONFIG_SHAPES
INSTANCE_PREFERENCE_SHAPES = v3("shape:InstancePreference", "shape:ProcessingInstancePreference")
# `TrainingJob.create(...)`, `HyperParameterTuningJob.create(...)` and the definitions of
# the training jobs a tuning job runs.
CORE_TRAINING_JOB_CREATE = frozenset(f"{path}.create" for path in v3("resource:TrainingJob"))
CORE_TUNING_JOB_CREATE = frozenset(
    f"{path}.create" for path in v3("resource:HyperParameterTuningJob")
)
TRAINING_JOB_DEFINITIONS = v3("shape:HyperParameterTrainingJobDefinition")
# The SDK v2 XGBoost estimator, by every public path: given entry_point=None it runs the
# container's algorithm mode, which reads the JSON-encoded hyperparameters as they come (SM314).
XGBOOST_ESTIMATORS = paths_of(".xgboost.estimator.XGBoost")
# ModelTrainer(training_mode=Mode.LOCAL_CONTAINER) trains on this machine: no job.
TRAINER_MODES = frozenset({"sagemaker.modules.train.model_trainer.Mode"}) | v3("trainer-mode")
# ModelTrainer's class-method constructors that take no instance preferences (SM316).
TRAINER_FACTORIES = {"from_recipe": "ModelTrainer.from_recipe",
                     "from_jumpstart_config": "ModelTrainer.from_jumpstart_config"}
# SourceCode(entry_script=...) of a v3 ModelTrainer (SM403).
SOURCE_CODES = v3("source-code")
# ModelTrainer methods that set a setting after construction (then it is not missing).
TRAINER_SETTERS = {"with_checkpoint_config": CHECKPOINT}


def max_run_default(fields: FieldMap) -> Optional[int]:
    """The max run a job of this API gets when it sets none (SM310): SDK v2 estimators'
    `max_run` and `@remote` / `@step`'s `max_runtime_in_seconds` default to 86400 s,
    ModelTrainer's (late v2 and v3, `DEFAULT_MAX_RUNTIME_IN_SECONDS`) to 3600 s; boto3 has
    no default (StoppingCondition is required)."""
    if fields is ESTIMATOR_FIELDS or fields is REMOTE_FIELDS:
        return 86400
    if fields is MODEL_TRAINER_FIELDS:
        return 3600
    return None
# The SDK's Session (v2, and v3's `session_helper.Session` on every public path: its
# `sagemaker_client` is a boto3 SageMaker client; it keeps v2's create_model and
# endpoint_from_production_variants, and its create_endpoint_config takes production
# variants like the latter).
V3_SESSIONS = v3("session")
SAGEMAKER_SESSIONS = frozenset(
    {"sagemaker.Session", "sagemaker.session.Session", "sagemaker.workflow.pipeline_context.PipelineSession"}
) | V3_SESSIONS
BOTO3_CLIENTS = frozenset({"boto3.client", "boto3.session.Session.client"})
# SDK v2 processors (a processing job's settings: `base_job_name`, `env`).
PROCESSORS = frozenset(
    {
        "sagemaker.Processor",
        "sagemaker.ScriptProcessor",
        "sagemaker.processing.Processor",
        "sagemaker.processing.ScriptProcessor",
        "sagemaker.processing.FrameworkProcessor",
        "sagemaker.sklearn.SKLearnProcessor",
        "sagemaker.sklearn.processing.SKLearnProcessor",
        "sagemaker.pytorch.PyTorchProcessor",
        "sagemaker.pytorch.processing.PyTorchProcessor",
        "sagemaker.huggingface.HuggingFaceProcessor",
        "sagemaker.huggingface.processing.HuggingFaceProcessor",
        "sagemaker.xgboost.XGBoostProcessor",
        "sagemaker.xgboost.processing.XGBoostProcessor",
        "sagemaker.tensorflow.processing.TensorFlowProcessor",
        "sagemaker.spark.PySparkProcessor",
        "sagemaker.spark.SparkJarProcessor",
        "sagemaker.spark.processing.PySparkProcessor",
        "sagemaker.spark.processing.SparkJarProcessor",
    }
)
BOTO3_SESSIONS = frozenset({"boto3.Session", "boto3.session.Session"})

# -- processing and transform jobs (env, names, instance storage, instance preferences) -----
# SDK v3 processors: the same settings as v2's, plus `instance_preferences`; their base job
# name is repaired by the SDK (`[^a-zA-Z0-9-]` becomes `-`), unlike v2's.
V3_PROCESSORS = v3("processor")
# `Transformer(model_name, instance_count, instance_type, ..., env=, base_transform_job_name=,
# volume_kms_key=)`, v2 and v3 alike (SDK 2.257.7, sagemaker-core 2.27.0).
TRANSFORMERS = frozenset({"sagemaker.transformer.Transformer"}) | v3("transformer")
CORE_PROCESSING_JOB_CREATE = frozenset(f"{path}.create" for path in v3("resource:ProcessingJob"))
CORE_TRANSFORM_JOB_CREATE = frozenset(f"{path}.create" for path in v3("resource:TransformJob"))
PROCESSING_CLUSTER_CONFIGS = v3("shape:ProcessingClusterConfig")
PROCESSING_PREFERENCES = v3("shape:ProcessingInstancePreference")
TRANSFORM_RESOURCES = v3("shape:TransformResources")


# -- serving surfaces beyond deploy() ---------------------------------------------------------
CONTAINER_DEF_FUNCTIONS = frozenset({"sagemaker.container_def", "sagemaker.session.container_def"})
LOCAL_SESSIONS = (
    paths_of(".LocalSession") | paths_of(".LocalPipelineSession") | v3("local-session")
)
LOCAL_INSTANCE_TYPES = frozenset({"local", "local_gpu"})
# ModelBuilder modes that serve on this machine: no endpoint.
LOCAL_MODES = frozenset({"Mode.LOCAL_CONTAINER", "Mode.IN_PROCESS"})
# What ModelBuilder(model=...) deploys through inference components (model customization).
TRAINED_MODEL_SOURCES = (
    paths_of(".ModelTrainer") | paths_of(".TrainingJob") | paths_of("Trainer")
    | v3("resource:ModelPackage")
)
PRODUCTION_VARIANT_FUNCTIONS = frozenset(
    {"sagemaker.production_variant", "sagemaker.session.production_variant"}
)
CORE_MODEL_CREATE = frozenset(f"{path}.create" for path in v3("resource:Model"))
CORE_ENDPOINT_CONFIG_CREATE = frozenset(
    f"{path}.create" for path in v3("resource:EndpointConfig")
)
CORE_CONTAINER_DEFINITIONS = v3("shape:ContainerDefinition")
CORE_PRODUCTION_VARIANTS = v3("shape:ProductionVariant")

# -- SDK v3 serving: what ModelBuilder.deploy(inference_config=...) takes, inference
# components, Compute / Networking as ModelBuilder takes them (shared/V3.md section 1 items 2-5)
# deploy() tests isinstance against these (sagemaker.core.inference_config): accepted.
V3_SERVERLESS_CONFIGS = v3("serverless-config")
# Both copies (accepted or not) take the v2 class's arguments and defaults (SM209).
V3_ALL_SERVERLESS_CONFIGS = v3("serverless-config", "serverless-config-rejected")
V3_ASYNC_CONFIGS = v3("async-config")
V3_RESOURCE_REQUIREMENTS = v3("resource-requirements")
# Copies with the same fields that v3's deploy() rejects ("Deployment Options not supported"),
# with the class deploy() accepts in their place.
REJECTED_INFERENCE_CONFIGS: Dict[str, str] = {
    **{path: "ServerlessInferenceConfig" for path in v3("serverless-config-rejected")},
    **{path: "ResourceRequirements" for path in v3("resource-requirements-rejected")},
}
# The SDK v2 classes: v2's ModelBuilder (`sagemaker.serve.builder.model_builder`, also
# `sagemaker.serve.ModelBuilder`, a path v3 kept) accepts them; v3's rejects them (SM217).
V2_INFERENCE_CONFIGS: Dict[str, str] = {
    "sagemaker.serverless.ServerlessInferenceConfig": "ServerlessInferenceConfig",
    "sagemaker.serverless.serverless_inference_config.ServerlessInferenceConfig":
        "ServerlessInferenceConfig",
    "sagemaker.async_inference.AsyncInferenceConfig": "AsyncInferenceConfig",
    "sagemaker.async_inference.async_inference_config.AsyncInferenceConfig":
        "AsyncInferenceConfig",
    "sagemaker.compute_resource_requirements.ResourceRequirements": "ResourceRequirements",
    "sagemaker.compute_resource_requirements.resource_requirements.ResourceRequirements":
        "ResourceRequirements",
}
# The module whose classes deploy() accepts (SM217's import fix names it).
ACCEPTED_INFERENCE_CONFIG_MODULE = "sagemaker.core.inference_config"
# ModelBuilder paths that exist only in SDK v3 (`sagemaker.serve.model_builder.ModelBuilder`):
# a builder imported so is v3's.
V3_ONLY_MODEL_BUILDERS = frozenset(
    path
    for path, canonical in catalog_sdk.V3_PATHS.items()
    if canonical.endswith(".ModelBuilder") and path not in catalog_sdk.V2_PATHS
)
# ModelBuilder(compute=..., network=...) takes these (not sagemaker.serve.configs' copies).
V3_COMPUTE = v3("compute")
V3_NETWORKING = v3("networking")
CORE_ENDPOINT_CREATE = frozenset(f"{path}.create" for path in v3("resource:Endpoint"))
CORE_INFERENCE_COMPONENT_CREATE = frozenset(
    f"{path}.create" for path in v3("resource:InferenceComponent")
)
CORE_IC_SPECIFICATIONS = v3("shape:InferenceComponentSpecification")
CORE_IC_STARTUP_PARAMETERS = v3("shape:InferenceComponentStartupParameters")
CORE_IC_COMPUTE_REQUIREMENTS = v3("shape:InferenceComponentComputeResourceRequirements")
CORE_IC_CONTAINERS = v3("shape:InferenceComponentContainerSpecification")
# SM210's fix: the memory the SDK itself requests on its JumpStart path (MB).
IC_DEFAULT_MEMORY_MB = 1024

# Inference images whose serving toolkit reads SAGEMAKER_MODEL_SERVER_TIMEOUT, by repository.
_TOOLKIT_REPOSITORY = re.compile(
    r"^(pytorch-inference|mxnet-inference|huggingface-(pytorch|tensorflow)-inference"
    r"|sagemaker-scikit-learn|sagemaker-xgboost)(-neuronx?)?$"
)


def image_reads_server_timeout(image: str) -> bool:
    """Whether an image URI is recognisably an AWS framework inference image whose toolkit
    reads SAGEMAKER_MODEL_SERVER_TIMEOUT (PyTorch, Hugging Face toolkit, sklearn, XGBoost,
    MXNet). A custom or LLM image is not."""
    repository = image.rsplit("/", 1)[-1].split("@", 1)[0].split(":", 1)[0]
    return bool(_TOOLKIT_REPOSITORY.match(repository))
