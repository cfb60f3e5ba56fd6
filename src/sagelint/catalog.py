"""The SageMaker API surface: every public alias of the classes the rules care about.

Facts behind each entry: ../shared/SAGEMAKER.md. A class is looked up by the fully qualified
name LibCST's scope analysis gives for a call target, so `PTM(...)` after
`from sagemaker.pytorch import PyTorchModel as PTM` finds `sagemaker.pytorch.PyTorchModel`.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Dict, Iterable, Mapping, Optional, Tuple


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


def _aliases(info: ClassInfo, *paths: str) -> Dict[str, ClassInfo]:
    return {path: info for path in paths}


_PYTORCH_MODEL = ClassInfo("PyTorchModel", Kind.MODEL, Family.TORCHSERVE, True)
_HF_MODEL = ClassInfo("HuggingFaceModel", Kind.MODEL, Family.HUGGINGFACE, True)
_LMI = Family.LMI

MODELS: Dict[str, ClassInfo] = {
    **_aliases(ClassInfo("Model", Kind.MODEL), "sagemaker.Model", "sagemaker.model.Model"),
    **_aliases(
        ClassInfo("FrameworkModel", Kind.MODEL),
        "sagemaker.FrameworkModel",
        "sagemaker.model.FrameworkModel",
    ),
    **_aliases(
        ClassInfo("ModelPackage", Kind.MODEL),
        "sagemaker.ModelPackage",
        "sagemaker.model.ModelPackage",
    ),
    **_aliases(
        _PYTORCH_MODEL, "sagemaker.pytorch.PyTorchModel", "sagemaker.pytorch.model.PyTorchModel"
    ),
    **_aliases(
        _HF_MODEL,
        "sagemaker.huggingface.HuggingFaceModel",
        "sagemaker.huggingface.model.HuggingFaceModel",
    ),
    **{
        f"sagemaker.{module}{sub}.{cls}": ClassInfo(cls, Kind.MODEL, Family.MMS, True)
        for module, cls in (
            ("sklearn", "SKLearnModel"),
            ("xgboost", "XGBoostModel"),
            ("mxnet", "MXNetModel"),
            ("chainer", "ChainerModel"),
        )
        for sub in ("", ".model")
    },
    **_aliases(
        ClassInfo("TensorFlowModel", Kind.MODEL, Family.TFS),
        "sagemaker.tensorflow.TensorFlowModel",
        "sagemaker.tensorflow.model.TensorFlowModel",
        "sagemaker.tensorflow.serving.Model",
    ),
    **{
        f"sagemaker.djl_inference{sub}.{cls}": ClassInfo(cls, Kind.MODEL, _LMI)
        for cls in (
            "DJLModel",
            "HuggingFaceAccelerateModel",
            "DeepSpeedModel",
            "FasterTransformerModel",
        )
        for sub in ("", ".model")
    },
    **_aliases(
        ClassInfo("JumpStartModel", Kind.MODEL, jumpstart=True),
        "sagemaker.jumpstart.model.JumpStartModel",
    ),
    # SDK v3 (and late v2) ModelBuilder: the model server is not known from the call, so only
    # the env value rules apply to env_vars.
    **{
        path: ClassInfo(
            "ModelBuilder", Kind.MODEL, reads_server_timeout=False, env_keyword="env_vars",
            model_builder=True,
        )
        for path in (
            "sagemaker.serve.ModelBuilder",
            "sagemaker.serve.model_builder.ModelBuilder",
            "sagemaker.serve.builder.model_builder.ModelBuilder",
        )
    },
    # Their deploy() does not take the timeout arguments: no SM201/SM202 fix may add them.
    **_aliases(
        ClassInfo("MultiDataModel", Kind.MODEL, deploy_takes_timeouts=False),
        "sagemaker.multidatamodel.MultiDataModel",
    ),
    **_aliases(
        ClassInfo("PipelineModel", Kind.MODEL, deploy_takes_timeouts=False),
        "sagemaker.PipelineModel",
        "sagemaker.pipeline.PipelineModel",
    ),
}


def _estimator(cls: str, module: str, family: Family = Family.UNKNOWN) -> Dict[str, ClassInfo]:
    info = ClassInfo(cls, Kind.ESTIMATOR, family, family is not Family.UNKNOWN)
    return _aliases(info, f"sagemaker.{module}.{cls}", f"sagemaker.{module}.estimator.{cls}")


ESTIMATORS: Dict[str, ClassInfo] = {
    **_aliases(
        ClassInfo("Estimator", Kind.ESTIMATOR),
        "sagemaker.Estimator",
        "sagemaker.estimator.Estimator",
    ),
    **_aliases(ClassInfo("EstimatorBase", Kind.ESTIMATOR), "sagemaker.estimator.EstimatorBase"),
    **_aliases(
        ClassInfo("Framework", Kind.ESTIMATOR), "sagemaker.Framework", "sagemaker.estimator.Framework"
    ),
    **_estimator("PyTorch", "pytorch", Family.TORCHSERVE),
    **_estimator("HuggingFace", "huggingface", Family.HUGGINGFACE),
    **_estimator("SKLearn", "sklearn", Family.MMS),
    **_estimator("XGBoost", "xgboost", Family.MMS),
    **_estimator("MXNet", "mxnet", Family.MMS),
    **_estimator("Chainer", "chainer", Family.MMS),
    **_estimator("TensorFlow", "tensorflow"),
    **_estimator("RLEstimator", "rl"),
    **_aliases(
        ClassInfo("JumpStartEstimator", Kind.ESTIMATOR, jumpstart=True),
        "sagemaker.jumpstart.estimator.JumpStartEstimator",
    ),
}

SERVERLESS_CONFIGS = frozenset(
    {
        "sagemaker.serverless.ServerlessInferenceConfig",
        "sagemaker.serverless.serverless_inference_config.ServerlessInferenceConfig",
        "sagemaker.core.shapes.ProductionVariantServerlessConfig",
    }
)

# Qualified names of callables the resolver evaluates (real scripts stringify numbers so).
STRINGIFIERS = frozenset({"str", "builtins.str", "json.dumps"})
DICT_BUILDERS = frozenset({"dict", "builtins.dict"})


class Catalog:
    """The classes known for one run: the built-in catalogue plus the user's extensions."""

    def __init__(
        self,
        extend_model_classes: Iterable[str] = (),
        extend_estimator_classes: Iterable[str] = (),
    ) -> None:
        classes: Dict[str, ClassInfo] = {**MODELS, **ESTIMATORS}
        for path in extend_model_classes:
            short = path.rsplit(".", 1)[-1]
            classes[path] = ClassInfo(short, Kind.MODEL, Family.CUSTOM, True)
        for path in extend_estimator_classes:
            classes[path] = ClassInfo(path.rsplit(".", 1)[-1], Kind.ESTIMATOR)
        self.classes: Mapping[str, ClassInfo] = classes
        # Top-level packages whose presence in a file's bytes may mean SageMaker code.
        self.trigger_words = frozenset(
            {b"sagemaker"} | {path.split(".", 1)[0].encode() for path in classes}
        )

    def lookup(self, qualified_name: str) -> Optional[ClassInfo]:
        return self.classes.get(qualified_name)


# -- training surfaces -----------------------------------------------------------------------
# A field map: canonical attribute -> the keyword paths that carry it, tried in order. A path
# of two names reads a field of the object or dict the first keyword holds
# (`compute=Compute(keep_alive_period_in_seconds=...)`, `ResourceConfig={...}`).
FieldMap = Dict[str, Tuple[Tuple[str, ...], ...]]

KEEP_ALIVE = "keep-alive"
SPOT = "spot"
INSTANCE_GROUPS = "instance-groups"
ENVIRONMENT = "environment"
# What a warm pool must match to be reused (SAGEMAKER.md §4), in message order.
MATCHING = (
    "role", "instance type", "instance count", "volume size", "volume KMS key", "subnets",
    "security groups", "inter-container encryption", "network isolation",
)

ESTIMATOR_FIELDS: FieldMap = {
    KEEP_ALIVE: (("keep_alive_period_in_seconds",),),
    SPOT: (("use_spot_instances",), ("train_use_spot_instances",)),
    INSTANCE_GROUPS: (("instance_groups",),),
    ENVIRONMENT: (("environment",),),
    "role": (("role",),),
    "instance type": (("instance_type",),),
    "instance count": (("instance_count",),),
    "volume size": (("volume_size",),),
    "volume KMS key": (("volume_kms_key",),),
    "subnets": (("subnets",),),
    "security groups": (("security_group_ids",),),
    "inter-container encryption": (("encrypt_inter_container_traffic",),),
    "network isolation": (("enable_network_isolation",),),
}
MODEL_TRAINER_FIELDS: FieldMap = {
    KEEP_ALIVE: (("compute", "keep_alive_period_in_seconds"),),
    SPOT: (("compute", "enable_managed_spot_training"),),
    INSTANCE_GROUPS: (("compute", "instance_groups"),),
    ENVIRONMENT: (("environment",),),
    "role": (("role",),),
    "instance type": (("compute", "instance_type"),),
    "instance count": (("compute", "instance_count"),),
    "volume size": (("compute", "volume_size_in_gb"),),
    "volume KMS key": (("compute", "volume_kms_key_id"),),
}
REMOTE_FIELDS: FieldMap = {
    **{key: paths for key, paths in ESTIMATOR_FIELDS.items() if key != INSTANCE_GROUPS},
    SPOT: (("use_spot_instances",),),
    ENVIRONMENT: (("environment_variables",),),
}
BOTO3_CREATE_FIELDS: FieldMap = {
    KEEP_ALIVE: (("ResourceConfig", "KeepAlivePeriodInSeconds"),),
    SPOT: (("EnableManagedSpotTraining",),),
    INSTANCE_GROUPS: (("ResourceConfig", "InstanceGroups"),),
    ENVIRONMENT: (("Environment",),),
    "role": (("RoleArn",),),
    "instance type": (("ResourceConfig", "InstanceType"),),
    "instance count": (("ResourceConfig", "InstanceCount"),),
    "volume size": (("ResourceConfig", "VolumeSizeInGB"),),
    "volume KMS key": (("ResourceConfig", "VolumeKmsKeyId"),),
    "subnets": (("VpcConfig", "Subnets"),),
    "security groups": (("VpcConfig", "SecurityGroupIds"),),
    "inter-container encryption": (("EnableInterContainerTrafficEncryption",),),
    "network isolation": (("EnableNetworkIsolation",),),
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
            "sagemaker.train.ModelTrainer",
            "sagemaker.train.model_trainer.ModelTrainer",
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
            "sagemaker.mlops.workflow.function_step.step",
        )
    },
}
COMPUTE_CONFIGS = frozenset(
    {
        "sagemaker.modules.configs.Compute",
        "sagemaker.train.configs.Compute",
        "sagemaker.core.training.configs.Compute",
    }
)
SAGEMAKER_SESSIONS = frozenset(
    {"sagemaker.Session", "sagemaker.session.Session", "sagemaker.workflow.pipeline_context.PipelineSession"}
)
BOTO3_CLIENTS = frozenset({"boto3.client", "boto3.session.Session.client"})
BOTO3_SESSIONS = frozenset({"boto3.Session", "boto3.session.Session"})


# -- serving surfaces beyond deploy() ---------------------------------------------------------
PRODUCTION_VARIANT_FUNCTIONS = frozenset(
    {"sagemaker.production_variant", "sagemaker.session.production_variant"}
)
CORE_MODEL_CREATE = frozenset({"sagemaker.core.resources.Model.create"})
CORE_ENDPOINT_CONFIG_CREATE = frozenset({"sagemaker.core.resources.EndpointConfig.create"})
CORE_CONTAINER_DEFINITIONS = frozenset({"sagemaker.core.shapes.ContainerDefinition"})
CORE_PRODUCTION_VARIANTS = frozenset({"sagemaker.core.shapes.ProductionVariant"})

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
