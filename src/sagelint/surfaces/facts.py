"""Normalized facts about a module's SageMaker calls.

Surfaces (SDK v2, SDK v3, boto3, ...) are adapters: they find the calls of their API and
describe them with the facts below, so a rule about a problem fires whichever API carries the
setting (docs/how-rules-decide.md). Rules read facts, never raw calls.
"""

from __future__ import annotations

import enum
from dataclasses import field
from typing import Dict, FrozenSet, List, Mapping, Optional, Tuple, Union

import libcst as cst

from sagelint.catalog import KEEP_ALIVE, ClassInfo, Family
from sagelint.lazydata import lazy_dataclass
from sagelint.names import NameKind, Shortening
from sagelint.analysis.resolve import UNKNOWN, Keyword, Keywords, Scalar, Value


@lazy_dataclass(frozen=True)
class CallSite:
    """A SageMaker call, named in messages as `label(...) at line N`."""

    call: cst.Call
    label: str


@lazy_dataclass()
class EnvMapping:
    """An environment mapping handed to a SageMaker container."""

    site: CallSite
    anchor: cst.CSTNode  # the argument carrying it: "missing key" diagnostics point here
    value: Value
    # True/False when known whether the container reads SAGEMAKER_MODEL_SERVER_TIMEOUT
    # (subject to SM102/SM104); None when unknown (a rule stays silent).
    reads_server_timeout: Optional[bool] = False
    family: Optional[Family] = None  # the serving container family, for SM109
    serving: bool = True  # False for training environments


@lazy_dataclass()
class ServingModel:
    """A model the code builds for serving (a model class, `create_model`, a builder)."""

    site: CallSite
    info: ClassInfo
    keywords: Keywords
    reads_server_timeout: Optional[bool]
    family: Optional[Family]
    # The estimator whose `create_model(...)` built it (`site` is that call): its session,
    # its trained artifacts and the settings it passes on are the estimator's.
    source: Optional[EstimatorJob] = None

    @property
    def env(self) -> Optional[Keyword]:
        return self.keywords.get("env")


@lazy_dataclass()
class EstimatorJob:
    """An estimator the code builds (or attaches to a training job)."""

    site: CallSite
    info: ClassInfo
    keywords: Keywords
    # `Cls.attach(job_name, ...)`: the settings come from the training job, not from the code
    # (`keywords` are the attach call's: its session is the estimator's).
    attached: bool = False


@lazy_dataclass()
class Tuner:
    """`HyperparameterTuner(estimator, ...)`: its `deploy()` attaches the best training job
    to an estimator of its estimator's class and deploys that (SDK 2.257.7)."""

    site: CallSite
    estimator: EstimatorJob


@lazy_dataclass(frozen=True)
class DeployNames:
    """What a surface calls the endpoint settings the SM2 rules check."""

    startup: str
    download: str
    volume: str
    instance_type: str


DEPLOY_NAMES = DeployNames(
    "container_startup_health_check_timeout", "model_data_download_timeout", "volume_size",
    "instance_type",
)
VARIANT_NAMES = DeployNames(
    "ContainerStartupHealthCheckTimeoutInSeconds", "ModelDataDownloadTimeoutInSeconds",
    "VolumeSizeInGB", "InstanceType",
)
SHAPE_NAMES = DeployNames(
    "container_startup_health_check_timeout_in_seconds",
    "model_data_download_timeout_in_seconds",
    "volume_size_in_gb",
    "instance_type",
)


@lazy_dataclass(frozen=True)
class SettingsBlock:
    """Where an inference component's missing startup parameters go: the key of the block
    in its specification, and for a v3 shape the name the module binds the block's class to
    (None: a dict; "" when the class is not imported: then no fix)."""

    key: str
    shape: Optional[str] = None


# -- images and the hardware they run on (SM211, SM212) ---------------------------------------
@lazy_dataclass(frozen=True)
class ContainerImage:
    """The image a model's container runs, as written (`image_uri=`, `Image`, `image=`), and
    whether the container serves many models (`MultiDataModel`, `Mode="MultiModel"`)."""

    site: CallSite  # the model's call
    value: Value
    multi_model: bool = False
    # A MultiDataModel wrapping an SDK framework model given no image: that class's name (its
    # default image is an AWS framework image, processor unknown).
    framework_class: Optional[str] = None


@lazy_dataclass()
class Deploy:
    """An endpoint (or one production variant of it) created by a known SageMaker API:
    `model.deploy(...)`, a boto3 or Session production variant, a v3 ProductionVariant."""

    site: CallSite
    target: ClassInfo
    keywords: Keywords  # the settings, by this surface's own names
    # True: serverless; False: instance-based (real-time or async); None: unknown.
    serverless: Optional[bool]
    # For an estimator's deploy: whether the model it creates reads the server timeout.
    reads_server_timeout: Optional[bool] = None
    family: Optional[Family] = None
    from_estimator: bool = False
    names: DeployNames = DEPLOY_NAMES
    # Where a missing setting is added: the call (a keyword) or the variant dict (an entry);
    # None when no one literal builds the settings: then a missing one has no fix.
    container: Optional[Union[cst.Call, cst.Dict]] = None
    note: str = ""  # appended to "missing" messages (what does not count, and why)
    # Whether the deployed model has artifacts to copy from S3, which is all the download
    # timeout governs (SM202): True, False, or None when unknown.
    artifacts: Optional[bool] = None
    # A variant's ModelName: the create_model call of that name tells about its artifacts.
    model_name: Optional[str] = None
    # The instance type, when a surface knows it other than by its keyword (a positional
    # argument); otherwise read from `keywords` (UNKNOWN when absent).
    instance_type: Value = UNKNOWN
    # The endpoint config's storage KMS key (`kms_key`, `KmsKeyId`): shared by its variants.
    kms: Optional[Keyword] = None
    model: Optional[ServingModel] = None  # the SDK v2 model deployed, when known
    # An inference component without its startup parameters block: a missing timeout is
    # added to `container` inside a new block (`StartupParameters` / `startup_parameters`).
    wrap: Optional[SettingsBlock] = None
    # The image the deployed SDK model or ModelBuilder runs, when one model is deployed and
    # its image is given (SM211, SM212); a variant's is the one of `model_images`.
    image: Optional[ContainerImage] = None

    def __post_init__(self) -> None:
        if self.instance_type is UNKNOWN:
            keyword = self.keywords.get(self.names.instance_type)
            if keyword is not None:
                self.instance_type = keyword.value

    @property
    def anchor(self) -> Union[cst.Call, cst.Dict]:
        """Where a "missing setting" diagnostic points."""
        return self.container if self.container is not None else self.site.call


@lazy_dataclass(frozen=True)
class Field:
    """A training-job setting: where it is written, and what it is known to be."""

    anchor: cst.CSTNode
    value: Value
    # Read from a pydantic config or shape (v3 `Compute`, `ResourceConfig`): lax mode turns
    # a whole-number string such as "1800" into an int, so the API gets an int.
    lax: bool = False


@lazy_dataclass()
class TrainingJob:
    """One training job, whatever API declares it: settings by canonical attribute
    (catalog.KEEP_ALIVE, SPOT, INSTANCE_GROUPS, the MATCHING attributes)."""

    site: CallSite
    fields: Dict[str, Field]
    # The attributes the job is known not to set at all (every keyword and dict on their
    # paths is closed); an attribute in neither `fields` nor `absent` is unknown.
    absent: FrozenSet[str]
    is_update: bool = False  # update_training_job: only the keep-alive is checked
    # How this job's API spells each attribute (its field map), for messages.
    paths: Mapping[str, Tuple[Tuple[str, ...], ...]] = field(default_factory=dict)
    max_run_default: Optional[int] = None  # the max run when none is set (SM310)
    # The known instance types of its instance preferences: the platform may pick any of
    # them (SM307, SM308 check each).
    preferred_types: Tuple[str, ...] = ()
    # The instance type of each instance group that writes one (SM213).
    group_types: Tuple[Field, ...] = ()

    @property
    def keep_alive_absent(self) -> bool:
        return KEEP_ALIVE in self.absent


@lazy_dataclass(frozen=True)
class ServingContainer:
    """A boto3 or CDK container definition, known to run a toolkit that reads the server timeout,
    that has no Environment at all (SM101)."""

    site: CallSite
    node: Union[cst.Dict, cst.Call]  # a dict gets an entry, a CDK property call a keyword
    key: str = "Environment"  # the field's name on this surface


@lazy_dataclass(frozen=True)
class ResourceName:
    """A name the API validates (SM401): where it is written and what it names."""

    site: CallSite
    what: str  # the argument or field that carries it, for messages
    kind: NameKind
    expr: cst.BaseExpression
    # The SDK makes the name from this base (`name_from_base`): it shortens, but never
    # changes characters. None: the value is the name.
    shortened: Optional[Shortening] = None
    # An SDK job name: the SDK drops it inside a SageMaker Pipeline.
    dropped_in_pipeline: bool = False


@lazy_dataclass(frozen=True)
class SourceFiles:
    """The local code a job or model uploads (SM402)."""

    site: CallSite
    entry_point: Optional[Keyword]
    source_dir: Optional[Keyword]
    dependencies: Optional[Keyword]
    # The paths are in a git repository (`git_config`), or may be (a splat of unknown
    # content): nothing is looked up.
    remote: bool
    model: bool  # a model: without source_dir the code may be in the model archive


@lazy_dataclass(frozen=True)
class EntryScript:
    """A v3 `SourceCode(entry_script=...)` given to a ModelTrainer (SM403): the script,
    and whether the trainer runs it some other way (`command`, `distributed`): True, False,
    or None when unknown."""

    site: CallSite  # the ModelTrainer
    script: Keyword
    other_launcher: Optional[bool]


class Sent(enum.Enum):
    """How the values of a hyperparameter map reach the training container (SM314, SM315)."""

    # As written: the API's `map<string, string>` (boto3 `HyperParameters`, core shapes).
    AS_WRITTEN = "as written"
    # `json.dumps` of each value: a v2 XGBoost estimator in algorithm mode (entry_point=None).
    JSON_ENCODED = "JSON-encoded"
    # Encoded by its `set_hyperparameters(...)` and again when the job is created.
    ENCODED_TWICE = "JSON-encoded twice"


@lazy_dataclass(frozen=True)
class ConfigValues:
    """Values that anyone who can describe the resource reads (SM501): hyperparameters,
    tags."""

    site: CallSite
    what: str
    value: Value
    # For a hyperparameter map whose values a rule checks: how they are sent (None: tags,
    # and maps whose SDK turns every value into a string that works).
    sent: Optional[Sent] = None


@lazy_dataclass(frozen=True)
class ModelIsolation:
    """Whether a model (SDK, boto3, CDK) runs its container with network isolation
    (SM503): the setting, or None when it is known not to be given."""

    site: CallSite
    setting: Optional[Keyword]
    name: str  # the argument's name on this surface


@lazy_dataclass(frozen=True)
class ServerlessSettings:
    """A serverless endpoint's configuration (`ServerlessInferenceConfig(...)`, a variant's
    `ServerlessConfig`, a v3 `ProductionVariantServerlessConfig(...)`), by setting."""

    site: CallSite
    memory: Optional[Keyword]
    max_concurrency: Optional[Keyword]
    provisioned: Optional[Keyword]
    # The max concurrency the API gets when none is written (the SDK sends 5), if any.
    default_max_concurrency: Optional[int] = None


@lazy_dataclass(frozen=True)
class PreferenceEntry:
    """One entry of an instance-preference list (`InstancePreference(...)`, a dict)."""

    node: cst.CSTNode  # where the entry is written
    instance_type: Optional[Field]
    instance_count: Optional[Field]  # its own instance count, when it sets one
    count_absent: bool  # known to set no instance count of its own


@lazy_dataclass(frozen=True)
class InstancePreferences:
    """A training or processing job's instance preferences (SM316): the list as written, the
    settings the same job writes that preferences exclude (by canonical attribute:
    catalog.INSTANCE_TYPE, INSTANCE_GROUPS, INSTANCE_PLACEMENT, SPOT, "instance count"), and
    why the job takes no preferences at all (a local container, a recipe), if it does not.

    `entries` are the list's entries when the list is known and closed (build them with
    `surfaces.common.preference_entries`); None when they are not known. A fact with
    `excluded_by` stands for that one conflict only: the job's own settings and entries are
    checked by the fact of the job (or config) that carries them."""

    site: CallSite
    preferences: Field
    settings: Mapping[str, Field]
    excluded_by: Optional[str] = None
    entries: Optional[Tuple[PreferenceEntry, ...]] = None
    # The API whose instance-type enum the preferred types must be in (SM213).
    api: str = "training"


@lazy_dataclass(frozen=True)
class JobStorage:
    """A processing or transform job's instance storage settings (SM307, SM308), each as
    written (None: not written): the instance type, the instance types of its preferences,
    the volume size and the volume KMS key."""

    site: CallSite
    kind: str  # "processing job", "transform job": for messages
    api: str  # the API that receives the settings ("CreateProcessingJob"): for messages
    instance_type: Optional[Field]
    preferred: Tuple[Field, ...]
    volume_size: Optional[Field]
    volume_kms_key: Optional[Field]


# -- SDK v3 serving and inference components (SM111, SM210, SM217, SM218) ---------------------
@lazy_dataclass(frozen=True)
class MemoryRequest:
    """An inference component's compute requirements known to lack a minimum memory (SM210):
    `ResourceRequirements(requests={...})` without "memory" (or no `requests`), a boto3
    `ComputeResourceRequirements` without `MinMemoryRequiredInMb`. A fix adds `entry` (its
    key and value, as code) to `where`: an entry to a dict, a keyword to a call."""

    site: CallSite
    anchor: cst.CSTNode
    what: str  # what lacks it, for messages
    where: Optional[Union[cst.Dict, cst.Call]]
    key: str
    value_code: str


@lazy_dataclass(frozen=True)
class AcceleratorRequest:
    """An inference component's known accelerator count (SM111), and how its instance type is
    found: its own (`InstanceType`, a ModelBuilder deploy's) or the variant it is placed on
    (endpoint name -> endpoint config name -> that config's variant of `variant` name)."""

    site: CallSite
    value: Value  # the number asked for
    instance_type: Value = UNKNOWN
    endpoint: Optional[str] = None
    variant: Optional[str] = None


@lazy_dataclass(frozen=True)
class InferenceConfigProblem:
    """A `ModelBuilder.deploy(inference_config=...)` that raises before it reaches the
    service: a config class deploy() does not accept (SM217: `rejected` is the qualified
    name, `accepted` the class name in `sagemaker.core.inference_config`), or
    `update_endpoint=True` with an inference component (SM218: `update` is that keyword)."""

    site: CallSite
    config: Keyword
    rejected: Optional[str] = None
    accepted: Optional[str] = None
    update: Optional[Keyword] = None
    # SM217's fix: the `from ... import X` statement that binds the class, when it is the
    # only name it imports and this deploy is its only use.
    import_from: Optional[cst.ImportFrom] = None


# -- API values with a generated range (SM214) ------------------------------------------------
@lazy_dataclass(frozen=True)
class ApiValue:
    """A value a surface sends to an API field that has a range in `api_tables.RANGES`:
    `path` is that field's API path (`CreateEndpointConfig.DataCaptureConfig.
    InitialSamplingPercentage`), `name` how this surface spells it (for messages)."""

    site: CallSite
    path: str
    name: str
    value: Value


@lazy_dataclass(frozen=True)
class InstanceTypeUse:
    """An instance type no other fact carries (a tuning job's resource config), and the API
    whose enum it must be in ("training", "hosting", "processing", "transform"): SM213."""

    site: CallSite
    api: str
    value: Value


@lazy_dataclass()
class Facts:
    """What the surfaces found in one module, for the rules to read."""

    models: List[ServingModel] = field(default_factory=list)
    estimators: List[EstimatorJob] = field(default_factory=list)
    deploys: List[Deploy] = field(default_factory=list)
    # Issue 28: deploys that make no endpoint, or may not (local mode, an instance type
    # that may be local). The SM2 rules do not read them; a rule that holds in local mode
    # too (SM101: the local container's server keeps its 60 s default) does.
    local_deploys: List[Deploy] = field(default_factory=list)
    env_mappings: List[EnvMapping] = field(default_factory=list)
    training_jobs: List[TrainingJob] = field(default_factory=list)
    containers: List[ServingContainer] = field(default_factory=list)
    serverless_configs: List[ServerlessSettings] = field(default_factory=list)
    names: List[ResourceName] = field(default_factory=list)
    sources: List[SourceFiles] = field(default_factory=list)
    config_values: List[ConfigValues] = field(default_factory=list)
    isolation: List[ModelIsolation] = field(default_factory=list)
    instance_preferences: List[InstancePreferences] = field(default_factory=list)
    job_storage: List[JobStorage] = field(default_factory=list)  # processing, transform
    entry_scripts: List[EntryScript] = field(default_factory=list)
    memory_requests: List[MemoryRequest] = field(default_factory=list)
    accelerators: List[AcceleratorRequest] = field(default_factory=list)
    inference_config_problems: List[InferenceConfigProblem] = field(default_factory=list)
    api_values: List[ApiValue] = field(default_factory=list)  # SM214
    instance_types: List[InstanceTypeUse] = field(default_factory=list)  # SM213
    # Endpoint name -> its endpoint config's name (create_endpoint, Endpoint.create), and
    # (config name, variant name) -> the variant's instance type: an inference component's
    # instance type (SM111). None where two calls disagree.
    endpoint_configs: Dict[str, Optional[str]] = field(default_factory=dict)
    # An endpoint of unknown name is updated to another config: no endpoint's config is known.
    endpoint_configs_unknown: bool = False
    variant_types: Dict[Tuple[str, str], Value] = field(default_factory=dict)
    # The module builds a SageMaker Pipeline: job names are dropped from its steps.
    pipeline: bool = False
    # constructor call -> its fact, to find what `.deploy()` acts on
    by_call: Dict[cst.Call, object] = field(default_factory=dict)
    # ModelName of a create_model call in the module -> whether that model has artifacts
    model_artifacts: Dict[str, Optional[bool]] = field(default_factory=dict)
    # ModelName of a one-container create_model call -> its env (SM111 links a variant's
    # instance type to it); None when two calls of that name disagree.
    model_envs: Dict[str, Optional[EnvMapping]] = field(default_factory=dict)
    # ModelName of a one-container model (boto3, Session, core, CDK) -> its image (SM211,
    # SM212); None when two calls of that name disagree.
    model_images: Dict[str, Optional[ContainerImage]] = field(default_factory=dict)

    def is_empty(self) -> bool:
        """Nothing for a rule to read (`by_call` only indexes the other lists)."""
        return not (
            self.models or self.estimators or self.deploys or self.local_deploys
            or self.env_mappings
            or self.training_jobs or self.containers or self.serverless_configs
            or self.names or self.sources or self.config_values or self.isolation
            or self.instance_preferences or self.job_storage or self.entry_scripts
            or self.memory_requests or self.accelerators or self.inference_config_problems
            or self.api_values or self.instance_types
        )

    def add_model_artifacts(self, name: Optional[str], artifacts: Optional[bool]) -> None:
        """A model created under a known name; two creations that disagree are unknown."""
        if name is None:
            return
        if name in self.model_artifacts and self.model_artifacts[name] != artifacts:
            artifacts = None
        self.model_artifacts[name] = artifacts

    def add_model_env(self, name: Optional[str], env: Optional[EnvMapping]) -> None:
        if name is None:
            return
        self.model_envs[name] = None if name in self.model_envs else env

    def add_model_image(self, name: Optional[str], image: Optional[ContainerImage]) -> None:
        if name is None:
            return
        self.model_images[name] = None if name in self.model_images else image

    def served_image(self, deploy: Deploy) -> Optional[ContainerImage]:
        """The image a deploy runs: the deployed model's, or the one-container model of
        the variant's ModelName."""
        if deploy.image is not None or deploy.model_name is None:
            return deploy.image
        return self.model_images.get(deploy.model_name)

    def add_endpoint_config(self, endpoint: Optional[str], config: Optional[str]) -> None:
        if endpoint is None:
            return
        if endpoint in self.endpoint_configs and self.endpoint_configs[endpoint] != config:
            config = None
        self.endpoint_configs[endpoint] = config

    def add_variant_type(self, config: Optional[str], variant: Optional[str], value: Value) -> None:
        if config is None or variant is None:
            return
        key = (config, variant)
        known = self.variant_types.get(key)
        if known is not None and not (
            isinstance(known, Scalar) and isinstance(value, Scalar) and known.value == value.value
        ):
            value = UNKNOWN
        self.variant_types[key] = value

    def component_instance_type(self, request: AcceleratorRequest) -> Value:
        """An inference component's instance type: its own, else its variant's."""
        if request.instance_type is not UNKNOWN or request.endpoint is None:
            return request.instance_type
        config = (
            None if self.endpoint_configs_unknown else self.endpoint_configs.get(request.endpoint)
        )
        if config is None or request.variant is None:
            return UNKNOWN
        return self.variant_types.get((config, request.variant), UNKNOWN)

    def has_artifacts(self, deploy: Deploy) -> Optional[bool]:
        """Whether the model a deploy serves has S3 artifacts: known from the deploy, or
        from the create_model call in the module with the variant's ModelName."""
        if deploy.artifacts is not None or deploy.model_name is None:
            return deploy.artifacts
        return self.model_artifacts.get(deploy.model_name)
