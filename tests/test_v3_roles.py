"""Every public path of an SDK v3 role fires like its defining path.

For each role of `catalog_v3.V3_ROLES` (shared/V3.md section 3), a small script uses the
role's class or function as v3 code does and fires a known code with the default settings.
The script runs once per public path of the role, in both import forms (`from <module> import
<Name>`, and `import <module>` with attribute use), and must give the same codes as the
defining path, which must give the expected ones. Roles whose surfaces are built in another
branch of #25 are listed in PENDING (skipped with that reason until the merge); roles that
are deliberately unrouted must produce nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Tuple

import pytest

from sagelint.catalog_v3 import V3_PATHS, V3_ROLES
from conftest import codes, lint

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/server:latest"
TRAIN_IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1.0-gpu-py310"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@dataclass(frozen=True)
class Case:
    """`{X}` in the template is the role's class or function, `{imports}` its import."""

    template: str
    expect: Tuple[str, ...]
    # For a role that silences a code: the same script without the role, which must fire.
    control: str = ""
    control_expect: Tuple[str, ...] = ()
    select: Tuple[str, ...] = ()  # opt-in rules the case needs
    # per defining name (`module.Name`), extra text for `{args}` (constructors differ)
    args: Dict[str, str] = field(default_factory=dict)


_BUILDER = '''
from sagemaker.serve.model_builder import ModelBuilder
from sagemaker.serve.builder.schema_builder import SchemaBuilder
'''

CASES: Dict[str, Case] = {
    # -- sessions, remote functions ------------------------------------------------------
    "session": Case(
        '''{imports}
session = {X}()
session.sagemaker_client.create_endpoint_config(
    EndpointConfigName="llm-config",
    ProductionVariants=[
        {
            "VariantName": "AllTraffic",
            "ModelName": "llm",
            "InstanceType": "ml.g5.2xlarge",
            "InitialInstanceCount": 1,
        }
    ],
)
''',
        ("SM201",),
    ),
    "local-session": Case(
        _BUILDER + f'''{{imports}}
builder = ModelBuilder(
    model="s3://my-bucket/clip/model.tar.gz",
    image_uri="{IMAGE}",
    schema_builder=SchemaBuilder(sample_input="a photo", sample_output=[0.1, 0.9]),
    role_arn="{ROLE}",
    sagemaker_session={{X}}(),
)
builder.build()
builder.deploy(endpoint_name="clip", initial_instance_count=1, instance_type="ml.g5.xlarge")
''',
        (),
        control=_BUILDER + f'''
builder = ModelBuilder(
    model="s3://my-bucket/clip/model.tar.gz",
    image_uri="{IMAGE}",
    schema_builder=SchemaBuilder(sample_input="a photo", sample_output=[0.1, 0.9]),
    role_arn="{ROLE}",
)
builder.build()
builder.deploy(endpoint_name="clip", initial_instance_count=1, instance_type="ml.g5.xlarge")
''',
        control_expect=("SM201",),
    ),
    "resource:ModelPackage": Case(
        _BUILDER + f'''{{imports}}
package = {{X}}.get(model_package_name="arn:aws:sagemaker:us-east-1:1:model-package/llm/3")
builder = ModelBuilder(model=package, role_arn="{ROLE}")
builder.deploy(endpoint_name="llm", initial_instance_count=1, instance_type="ml.g5.xlarge")
''',
        (),
        control=_BUILDER + f'''
builder = ModelBuilder(model="s3://my-bucket/llm/model.tar.gz", role_arn="{ROLE}")
builder.deploy(endpoint_name="llm", initial_instance_count=1, instance_type="ml.g5.xlarge")
''',
        control_expect=("SM201",),
    ),
    "remote": Case(
        '''{imports}

@{X}(instance_type="ml.g5.xlarge", use_spot_instances=True)
def train(epochs):
    return epochs
''',
        ("SM309",),
    ),
    "remote-executor": Case(
        '''{imports}

def train(epochs):
    return epochs


with {X}(instance_type="ml.g5.xlarge", use_spot_instances=True) as executor:
    future = executor.submit(train, 10)
''',
        ("SM309",),
    ),
    "step": Case(
        '''{imports}

@{X}(name="train", instance_type="ml.g5.xlarge", keep_alive_period_in_seconds=7200)
def train(epochs):
    return epochs
''',
        ("SM301",),
    ),
    # -- ModelTrainer and its configs ----------------------------------------------------
    "model-trainer": Case(
        '''
from sagemaker.core.training.configs import Compute, SourceCode
{imports}
trainer = {X}(
    training_image="%s",
    role="%s",
    source_code=SourceCode(source_dir="src", entry_script="train.py"),
    compute=Compute(instance_type="ml.g5.2xlarge", keep_alive_period_in_seconds=7200),
)
''' % (TRAIN_IMAGE, ROLE),
        ("SM301",),
    ),
    "compute": Case(
        '''
from sagemaker.train.model_trainer import ModelTrainer
{imports}
trainer = ModelTrainer(
    training_image="%s",
    role="%s",
    compute={X}(instance_type="ml.g5.2xlarge", instance_count=1, keep_alive_period_in_seconds=7200),
)
''' % (TRAIN_IMAGE, ROLE),
        ("SM301",),
    ),
    "stopping-condition": Case(
        '''
from sagemaker.train.model_trainer import ModelTrainer
{imports}
trainer = ModelTrainer(
    training_image="%s",
    role="%s",
    stopping_condition={X}(max_runtime_in_seconds=3000000),
)
''' % (TRAIN_IMAGE, ROLE),
        ("SM313",),
    ),
    "checkpoint-config": Case(
        '''
from sagemaker.train.model_trainer import ModelTrainer
from sagemaker.core.training.configs import Compute, StoppingCondition
{imports}
trainer = ModelTrainer(
    training_image="%s",
    role="%s",
    compute=Compute(instance_type="ml.g5.2xlarge", enable_managed_spot_training=True),
    stopping_condition=StoppingCondition(max_runtime_in_seconds=3600, max_wait_time_in_seconds=7200),
    checkpoint_config={X}(s3_uri="s3://my-bucket/checkpoints/"),
)
''' % (TRAIN_IMAGE, ROLE),
        (),
        control='''
from sagemaker.train.model_trainer import ModelTrainer
from sagemaker.core.training.configs import Compute, StoppingCondition
trainer = ModelTrainer(
    training_image="%s",
    role="%s",
    compute=Compute(instance_type="ml.g5.2xlarge", enable_managed_spot_training=True),
    stopping_condition=StoppingCondition(max_runtime_in_seconds=3600, max_wait_time_in_seconds=7200),
)
''' % (TRAIN_IMAGE, ROLE),
        control_expect=("SM312",),
    ),
    "output-data-config": Case(
        '''
from sagemaker.train.model_trainer import ModelTrainer
from sagemaker.core.training.configs import Compute
{imports}
trainer = ModelTrainer(
    training_image="%s",
    role="%s",
    compute=Compute(instance_type="ml.m5.xlarge", instance_count=1),
    output_data_config={X}(s3_output_path="s3://my-bucket/output/"),
)
''' % (TRAIN_IMAGE, ROLE),
        ("SM504",),
        select=("SM504",),
    ),
    "networking": Case(
        '''
from sagemaker.train.model_trainer import ModelTrainer
from sagemaker.core.training.configs import Compute
{imports}
compute = Compute(instance_type="ml.g5.2xlarge", instance_count=1, keep_alive_period_in_seconds=1800)
first = ModelTrainer(
    training_image="%s",
    role="%s",
    compute=compute,
    networking={X}(subnets=["subnet-aaaa1111"], security_group_ids=["sg-0123456789"]),
)
second = ModelTrainer(
    training_image="%s",
    role="%s",
    compute=compute,
    networking={X}(subnets=["subnet-bbbb2222"], security_group_ids=["sg-0123456789"]),
)
''' % (TRAIN_IMAGE, ROLE, TRAIN_IMAGE, ROLE),
        ("SM305",),
    ),
    "source-code": Case(
        '''
from sagemaker.train.model_trainer import ModelTrainer
from sagemaker.core.training.configs import Compute
{imports}
trainer = ModelTrainer(
    training_image="%s",
    role="%s",
    source_code={X}(entry_script="train.ipynb"),
    compute=Compute(instance_type="ml.g5.2xlarge"),
)
trainer.train()
''' % (TRAIN_IMAGE, ROLE),
        ("SM403",),
    ),
    "trainer-mode": Case(
        '''
from sagemaker.train.model_trainer import ModelTrainer
from sagemaker.core.training.configs import Compute
from sagemaker.core.shapes import InstancePreference
{imports}
trainer = ModelTrainer(
    training_image="%s",
    role="%s",
    training_mode={X}.LOCAL_CONTAINER,
    compute=Compute(instance_preferences=[InstancePreference(instance_type="ml.g5.2xlarge")]),
)
''' % (TRAIN_IMAGE, ROLE),
        ("SM316",),
    ),
    "tuner": Case(
        '''
from sagemaker.train.model_trainer import ModelTrainer
from sagemaker.core.training.configs import Compute
from sagemaker.core.parameter import ContinuousParameter
{imports}
trainer = ModelTrainer(training_image="%s", role="%s", compute=Compute(instance_type="ml.g5.2xlarge"))
tuner = {X}(
    model_trainer=trainer,
    objective_metric_name="validation:loss",
    hyperparameter_ranges={"lr": ContinuousParameter(0.0001, 0.1)},
    max_jobs=10,
    max_parallel_jobs=2,
    base_tuning_job_name="lr-search!",
)
''' % (TRAIN_IMAGE, ROLE),
        ("SM401",),
    ),
    "instance-group": Case(
        '''
from sagemaker.train.model_trainer import ModelTrainer
from sagemaker.core.training.configs import Compute
{imports}
trainer = ModelTrainer(
    training_image="%s",
    role="%s",
    compute=Compute(
        keep_alive_period_in_seconds=1800,
        instance_groups=[{X}("head", "ml.g5.2xlarge", 1), {X}("workers", "ml.c5.4xlarge", 2)],
    ),
)
''' % (TRAIN_IMAGE, ROLE),
        ("SM304",),
    ),
    # -- ModelBuilder and what its deploy takes -----------------------------------------
    "model-builder": Case(
        '''
from sagemaker.serve.builder.schema_builder import SchemaBuilder
{imports}
builder = {X}(
    model="s3://my-bucket/clip/model.tar.gz",
    image_uri="%s",
    schema_builder=SchemaBuilder(sample_input="a photo", sample_output=[0.1, 0.9]),
    role_arn="%s",
)
builder.build()
builder.deploy(endpoint_name="clip", initial_instance_count=1, instance_type="ml.g5.xlarge")
''' % (IMAGE, ROLE),
        ("SM201", "SM202"),
    ),
    "builder-mode": Case(
        _BUILDER + '''{imports}
builder = ModelBuilder(
    model="s3://my-bucket/clip/model.tar.gz",
    image_uri="%s",
    schema_builder=SchemaBuilder(sample_input="a photo", sample_output=[0.1, 0.9]),
    role_arn="%s",
    mode={X}.LOCAL_CONTAINER,
)
builder.build()
builder.deploy(endpoint_name="clip", initial_instance_count=1, instance_type="ml.g5.xlarge")
''' % (IMAGE, ROLE),
        (),
        control=_BUILDER + '''
builder = ModelBuilder(
    model="s3://my-bucket/clip/model.tar.gz",
    image_uri="%s",
    schema_builder=SchemaBuilder(sample_input="a photo", sample_output=[0.1, 0.9]),
    role_arn="%s",
)
builder.build()
builder.deploy(endpoint_name="clip", initial_instance_count=1, instance_type="ml.g5.xlarge")
''' % (IMAGE, ROLE),
        control_expect=("SM201",),
    ),
    "serverless-config": Case(
        _BUILDER + '''{imports}
builder = ModelBuilder(
    model="s3://my-bucket/clip/model.tar.gz",
    image_uri="%s",
    schema_builder=SchemaBuilder(sample_input="a photo", sample_output=[0.1, 0.9]),
    role_arn="%s",
)
builder.build()
builder.deploy(
    endpoint_name="clip-serverless",
    inference_config={X}(memory_size_in_mb=1000, max_concurrency=500),
)
''' % (IMAGE, ROLE),
        ("SM209",),
    ),
    "serverless-config-rejected": Case(
        _BUILDER + '''{imports}
builder = ModelBuilder(
    model="s3://my-bucket/clip/model.tar.gz",
    image_uri="%s",
    schema_builder=SchemaBuilder(sample_input="a photo", sample_output=[0.1, 0.9]),
    role_arn="%s",
)
builder.build()
builder.deploy(
    endpoint_name="clip-serverless",
    inference_config={X}(memory_size_in_mb=1000, max_concurrency=500),
)
''' % (IMAGE, ROLE),
        ("SM209", "SM217"),
    ),
    "async-config": Case(
        _BUILDER + '''{imports}
builder = ModelBuilder(
    model="s3://my-bucket/clip/model.tar.gz",
    image_uri="%s",
    schema_builder=SchemaBuilder(sample_input="a photo", sample_output=[0.1, 0.9]),
    role_arn="%s",
)
builder.build()
builder.deploy(
    endpoint_name="clip-async",
    initial_instance_count=1,
    instance_type="ml.g5.xlarge",
    inference_config={X}(
        output_path="s3://my-bucket/async-out/", max_concurrent_invocations_per_instance=4
    ),
)
''' % (IMAGE, ROLE),
        ("SM201",),
    ),
    "resource-requirements": Case(
        _BUILDER + '''{imports}
builder = ModelBuilder(
    model="s3://my-bucket/llm/model.tar.gz",
    image_uri="%s",
    schema_builder=SchemaBuilder(sample_input="Hello", sample_output="Hi"),
    role_arn="%s",
)
builder.build()
builder.deploy(
    endpoint_name="llm",
    initial_instance_count=1,
    instance_type="ml.g5.12xlarge",
    container_startup_health_check_timeout=900,
    model_data_download_timeout=900,
    inference_config={X}(requests={"num_accelerators": 1, "copies": 1}),
)
''' % (IMAGE, ROLE),
        ("SM210",),
    ),
    "resource-requirements-rejected": Case(
        _BUILDER + '''{imports}
builder = ModelBuilder(
    model="s3://my-bucket/llm/model.tar.gz",
    image_uri="%s",
    schema_builder=SchemaBuilder(sample_input="Hello", sample_output="Hi"),
    role_arn="%s",
)
builder.build()
builder.deploy(
    endpoint_name="llm",
    initial_instance_count=1,
    instance_type="ml.g5.12xlarge",
    container_startup_health_check_timeout=900,
    model_data_download_timeout=900,
    inference_config={X}(requests={"num_accelerators": 1, "memory": 8192, "copies": 1}),
)
''' % (IMAGE, ROLE),
        ("SM217",),
    ),
    "data-capture": Case(
        _BUILDER + '''{imports}
builder = ModelBuilder(
    model="s3://my-bucket/clip/model.tar.gz",
    image_uri="%s",
    schema_builder=SchemaBuilder(sample_input="a photo", sample_output=[0.1, 0.9]),
    role_arn="%s",
)
builder.build()
builder.deploy(
    endpoint_name="clip",
    initial_instance_count=1,
    instance_type="ml.g5.xlarge",
    container_startup_health_check_timeout=600,
    model_data_download_timeout=600,
    data_capture_config={X}(
        enable_capture=True, sampling_percentage=150, destination_s3_uri="s3://my-bucket/capture/"
    ),
)
''' % (IMAGE, ROLE),
        ("SM214",),
    ),
    "image-uris-retrieve": Case(
        _BUILDER + '''{imports}
image = {X}(
    framework="pytorch",
    region="us-east-1",
    version="2.1",
    py_version="py310",
    instance_type="ml.m5.xlarge",
    image_scope="inference",
)
builder = ModelBuilder(
    model="s3://my-bucket/clip/model.tar.gz",
    image_uri=image,
    schema_builder=SchemaBuilder(sample_input="a photo", sample_output=[0.1, 0.9]),
    role_arn="%s",
)
builder.build()
builder.deploy(
    endpoint_name="clip",
    initial_instance_count=1,
    instance_type="ml.g5.xlarge",
    container_startup_health_check_timeout=600,
    model_data_download_timeout=600,
)
''' % ROLE,
        ("SM211",),
    ),
    # deliberately unrouted: ModelBuilder does not take these (V3.md section 1, item 2)
    "serve-compute": Case('{imports}\ncompute = {X}(instance_type="ml.t2.medium", instance_count=0)\n', ()),
    "serve-network": Case(
        '{imports}\nnetwork = {X}(subnets=[], security_group_ids=[], enable_network_isolation=False)\n',
        (),
    ),
    # -- processing and transform --------------------------------------------------------
    "processor": Case(
        '''{imports}
processor = {X}(
    role="%s",
    image_uri="%s",
    instance_count=1,
    instance_type="ml.m5.xlarge",{args}
    env={"OMP_NUM_THREADS": 4},
    base_job_name="preprocess",
)
''' % (ROLE, IMAGE),
        ("SM103",),
        args={
            "sagemaker.core.processing.ScriptProcessor": '\n    command=["python3"],',
            "sagemaker.core.processing.FrameworkProcessor": '\n    command=["python3"],',
        },
    ),
    "transformer": Case(
        '''{imports}
transformer = {X}(
    model_name="clip",
    instance_count=1,
    instance_type="ml.m5.xlarge",
    output_path="s3://my-bucket/batch-out/",
    env={"OMP_NUM_THREADS": 4},
)
''',
        ("SM103",),
    ),
    # -- core resources and their shapes -------------------------------------------------
    "resource:Model": Case(
        '''
from sagemaker.core.shapes import ContainerDefinition
{imports}
{X}.create(
    model_name="clip",
    execution_role_arn="%s",
    primary_container=ContainerDefinition(
        image="%s",
        model_data_url="s3://my-bucket/clip/model.tar.gz",
        environment={"OMP_NUM_THREADS": 4},
    ),
)
''' % (ROLE, IMAGE),
        ("SM103",),
    ),
    "resource:EndpointConfig": Case(
        '''
from sagemaker.core.shapes import ProductionVariant
{imports}
{X}.create(
    endpoint_config_name="clip-config",
    production_variants=[
        ProductionVariant(
            variant_name="AllTraffic",
            model_name="clip",
            instance_type="ml.g5.xlarge",
            initial_instance_count=1,
        )
    ],
)
''',
        ("SM201",),
    ),
    "resource:Endpoint": Case(
        '{imports}\n{X}.create(endpoint_name="clip_endpoint", endpoint_config_name="clip-config")\n',
        ("SM401",),
    ),
    "resource:InferenceComponent": Case(
        '''
from sagemaker.core.shapes import (
    InferenceComponentComputeResourceRequirements,
    InferenceComponentContainerSpecification,
    InferenceComponentRuntimeConfig,
    InferenceComponentSpecification,
)
{imports}
{X}.create(
    inference_component_name="llm-ic",
    endpoint_name="llm",
    variant_name="AllTraffic",
    specification=InferenceComponentSpecification(
        container=InferenceComponentContainerSpecification(
            image="%s", artifact_url="s3://my-bucket/llm/model.tar.gz"
        ),
        compute_resource_requirements=InferenceComponentComputeResourceRequirements(
            number_of_accelerator_devices_required=1, min_memory_required_in_mb=8192
        ),
    ),
    runtime_config=InferenceComponentRuntimeConfig(copy_count=1),
)
''' % IMAGE,
        ("SM201",),
    ),
    "resource:TrainingJob": Case(
        '''
from sagemaker.core.shapes import (
    AlgorithmSpecification,
    OutputDataConfig,
    ResourceConfig,
    StoppingCondition,
)
{imports}
{X}.create(
    training_job_name="llm-finetune",
    role_arn="%s",
    algorithm_specification=AlgorithmSpecification(training_image="%s", training_input_mode="File"),
    output_data_config=OutputDataConfig(s3_output_path="s3://my-bucket/output/"),
    resource_config=ResourceConfig(instance_type="ml.g5.2xlarge", instance_count=1, volume_size_in_gb=100),
    stopping_condition=StoppingCondition(max_runtime_in_seconds=3600),
    enable_managed_spot_training=True,
)
''' % (ROLE, TRAIN_IMAGE),
        ("SM307", "SM309"),
    ),
    "resource:HyperParameterTuningJob": Case(
        '''
from sagemaker.core.shapes import (
    AlgorithmSpecification,
    HyperParameterTrainingJobDefinition,
    HyperParameterTuningJobConfig,
    OutputDataConfig,
    ResourceConfig,
    ResourceLimits,
    StoppingCondition,
)
{imports}
{X}.create(
    hyper_parameter_tuning_job_name="learning-rate-search-for-llm-finetune",
    hyper_parameter_tuning_job_config=HyperParameterTuningJobConfig(
        strategy="Bayesian", resource_limits=ResourceLimits(max_number_of_training_jobs=10)
    ),
    training_job_definition=HyperParameterTrainingJobDefinition(
        role_arn="%s",
        algorithm_specification=AlgorithmSpecification(training_image="%s", training_input_mode="File"),
        output_data_config=OutputDataConfig(s3_output_path="s3://my-bucket/output/"),
        resource_config=ResourceConfig(instance_type="ml.g5.2xlarge", instance_count=1, volume_size_in_gb=50),
        stopping_condition=StoppingCondition(max_runtime_in_seconds=3600),
    ),
)
''' % (ROLE, TRAIN_IMAGE),
        ("SM401",),
    ),
    "resource:ProcessingJob": Case(
        '''
from sagemaker.core.shapes import AppSpecification, ProcessingClusterConfig, ProcessingResources
{imports}
{X}.create(
    processing_job_name="preprocess",
    role_arn="%s",
    app_specification=AppSpecification(image_uri="%s"),
    processing_resources=ProcessingResources(
        cluster_config=ProcessingClusterConfig(
            instance_count=1, instance_type="ml.m5.xlarge", volume_size_in_gb=30
        )
    ),
    environment={"OMP_NUM_THREADS": 4},
)
''' % (ROLE, IMAGE),
        ("SM103",),
    ),
    "resource:TransformJob": Case(
        '''
from sagemaker.core.shapes import (
    TransformDataSource,
    TransformInput,
    TransformOutput,
    TransformResources,
    TransformS3DataSource,
)
{imports}
{X}.create(
    transform_job_name="batch-scoring",
    model_name="clip",
    transform_input=TransformInput(
        data_source=TransformDataSource(
            s3_data_source=TransformS3DataSource(s3_data_type="S3Prefix", s3_uri="s3://my-bucket/in/")
        )
    ),
    transform_output=TransformOutput(s3_output_path="s3://my-bucket/out/"),
    transform_resources=TransformResources(instance_type="ml.m5.xlarge", instance_count=1),
    environment={"OMP_NUM_THREADS": 4},
)
''',
        ("SM103",),
    ),
}


def _shape_case(template: str, expect: Tuple[str, ...], select: Tuple[str, ...] = ()) -> Case:
    return Case(template, expect, select=select)


_EC_HEAD = '''
from sagemaker.core.resources import EndpointConfig
from sagemaker.core.shapes import ProductionVariant
{imports}
'''
_IC_HEAD = '''
from sagemaker.core.resources import InferenceComponent
from sagemaker.core.shapes import (
    InferenceComponentComputeResourceRequirements,
    InferenceComponentContainerSpecification,
    InferenceComponentRuntimeConfig,
    InferenceComponentSpecification,
    InferenceComponentStartupParameters,
)
{imports}
'''
_TJ_HEAD = '''
from sagemaker.core.resources import TrainingJob
from sagemaker.core.shapes import AlgorithmSpecification, OutputDataConfig, ResourceConfig, StoppingCondition
{imports}
'''
_PJ_HEAD = '''
from sagemaker.core.resources import ProcessingJob
from sagemaker.core.shapes import AppSpecification, ProcessingClusterConfig, ProcessingResources
{imports}
'''
_VARIANT = 'ProductionVariant(variant_name="AllTraffic", model_name="clip", instance_type="ml.g5.xlarge", initial_instance_count=1, container_startup_health_check_timeout_in_seconds=600, model_data_download_timeout_in_seconds=600)'
_IC_SPEC_ARGS = f'''container=InferenceComponentContainerSpecification(image="{IMAGE}", artifact_url="s3://my-bucket/llm/model.tar.gz"),
        compute_resource_requirements=InferenceComponentComputeResourceRequirements(
            number_of_accelerator_devices_required=1, min_memory_required_in_mb=8192
        ),'''
_TJ_ARGS = f'''training_job_name="llm-finetune",
    role_arn="{ROLE}",
    algorithm_specification=AlgorithmSpecification(training_image="{TRAIN_IMAGE}", training_input_mode="File"),
    output_data_config=OutputDataConfig(s3_output_path="s3://my-bucket/output/"),'''

CASES.update({
    "shape:ProductionVariant": _shape_case(
        '''
from sagemaker.core.resources import EndpointConfig
{imports}
EndpointConfig.create(
    endpoint_config_name="clip-config",
    production_variants=[
        {X}(variant_name="AllTraffic", model_name="clip", instance_type="ml.g5.xlarge", initial_instance_count=1)
    ],
)
''',
        ("SM201",),
    ),
    "shape:ProductionVariantServerlessConfig": _shape_case(
        _EC_HEAD + '''EndpointConfig.create(
    endpoint_config_name="clip-serverless",
    production_variants=[
        ProductionVariant(
            variant_name="AllTraffic",
            model_name="clip",
            serverless_config={X}(memory_size_in_mb=1000, max_concurrency=5),
        )
    ],
)
''',
        ("SM209",),
    ),
    "shape:ContainerDefinition": _shape_case(
        '''
from sagemaker.core.resources import Model
{imports}
Model.create(
    model_name="clip",
    execution_role_arn="%s",
    primary_container={X}(
        image="%s",
        model_data_url="s3://my-bucket/clip/model.tar.gz",
        environment={"OMP_NUM_THREADS": 4},
    ),
)
''' % (ROLE, IMAGE),
        ("SM103",),
    ),
    "shape:AsyncInferenceConfig": _shape_case(
        _EC_HEAD + '''from sagemaker.core.shapes import AsyncInferenceOutputConfig
EndpointConfig.create(
    endpoint_config_name="clip-async",
    production_variants=[%s],
    async_inference_config={X}(
        output_config=AsyncInferenceOutputConfig(s3_output_path="s3://my-bucket/async-out/"),
        client_config={"max_concurrent_invocations_per_instance": 5000},
    ),
)
''' % _VARIANT,
        ("SM214",),
    ),
    "shape:AsyncInferenceClientConfig": _shape_case(
        _EC_HEAD + '''from sagemaker.core.shapes import AsyncInferenceConfig, AsyncInferenceOutputConfig
EndpointConfig.create(
    endpoint_config_name="clip-async",
    production_variants=[%s],
    async_inference_config=AsyncInferenceConfig(
        output_config=AsyncInferenceOutputConfig(s3_output_path="s3://my-bucket/async-out/"),
        client_config={X}(max_concurrent_invocations_per_instance=5000),
    ),
)
''' % _VARIANT,
        ("SM214",),
    ),
    "shape:DataCaptureConfig": _shape_case(
        _EC_HEAD + '''from sagemaker.core.shapes import CaptureOption
EndpointConfig.create(
    endpoint_config_name="clip-config",
    production_variants=[%s],
    data_capture_config={X}(
        enable_capture=True,
        initial_sampling_percentage=150,
        destination_s3_uri="s3://my-bucket/capture/",
        capture_options=[CaptureOption(capture_mode="Input")],
    ),
)
''' % _VARIANT,
        ("SM214",),
    ),
    "shape:InferenceComponentSpecification": _shape_case(
        _IC_HEAD + '''InferenceComponent.create(
    inference_component_name="llm-ic",
    endpoint_name="llm",
    variant_name="AllTraffic",
    specification={X}(
        %s
    ),
    runtime_config=InferenceComponentRuntimeConfig(copy_count=1),
)
''' % _IC_SPEC_ARGS,
        ("SM201",),
    ),
    "shape:InferenceComponentStartupParameters": _shape_case(
        _IC_HEAD + '''InferenceComponent.create(
    inference_component_name="llm-ic",
    endpoint_name="llm",
    variant_name="AllTraffic",
    specification=InferenceComponentSpecification(
        %s
        startup_parameters={X}(
            container_startup_health_check_timeout_in_seconds=120,
            model_data_download_timeout_in_seconds=600,
        ),
    ),
    runtime_config=InferenceComponentRuntimeConfig(copy_count=1),
)
''' % _IC_SPEC_ARGS,
        ("SM203",),
    ),
    "shape:InferenceComponentComputeResourceRequirements": _shape_case(
        _IC_HEAD + '''from sagemaker.core.resources import Endpoint, EndpointConfig
from sagemaker.core.shapes import ProductionVariant
EndpointConfig.create(
    endpoint_config_name="cpu-config",
    production_variants=[
        ProductionVariant(variant_name="AllTraffic", instance_type="ml.c5.2xlarge", initial_instance_count=1)
    ],
)
Endpoint.create(endpoint_name="cpu-endpoint", endpoint_config_name="cpu-config")
InferenceComponent.create(
    inference_component_name="ranker",
    endpoint_name="cpu-endpoint",
    variant_name="AllTraffic",
    specification=InferenceComponentSpecification(
        model_name="ranker",
        startup_parameters=InferenceComponentStartupParameters(
            container_startup_health_check_timeout_in_seconds=900,
            model_data_download_timeout_in_seconds=900,
        ),
        compute_resource_requirements={X}(
            number_of_accelerator_devices_required=1, min_memory_required_in_mb=2048
        ),
    ),
    runtime_config=InferenceComponentRuntimeConfig(copy_count=1),
)
''',
        ("SM111",),
    ),
    # the container's artifact makes the download timeout due (SM202 on components)
    "shape:InferenceComponentContainerSpecification": _shape_case(
        _IC_HEAD + '''InferenceComponent.create(
    inference_component_name="llm-ic",
    endpoint_name="llm",
    variant_name="AllTraffic",
    specification=InferenceComponentSpecification(
        container={X}(image="%s", artifact_url="s3://my-bucket/llm/model.tar.gz"),
        compute_resource_requirements=InferenceComponentComputeResourceRequirements(
            number_of_accelerator_devices_required=1, min_memory_required_in_mb=8192
        ),
        startup_parameters=InferenceComponentStartupParameters(
            container_startup_health_check_timeout_in_seconds=600,
        ),
    ),
    runtime_config=InferenceComponentRuntimeConfig(copy_count=1),
)
''' % IMAGE,
        ("SM202",),
    ),
    "shape:ResourceConfig": _shape_case(
        _TJ_HEAD + '''TrainingJob.create(
    %s
    resource_config={X}(
        instance_type="ml.g5.2xlarge", instance_count=1, volume_size_in_gb=30, keep_alive_period_in_seconds=7200
    ),
    stopping_condition=StoppingCondition(max_runtime_in_seconds=3600),
)
''' % _TJ_ARGS,
        ("SM301",),
    ),
    "shape:InstanceGroup": _shape_case(
        _TJ_HEAD + '''TrainingJob.create(
    %s
    resource_config=ResourceConfig(
        volume_size_in_gb=30,
        keep_alive_period_in_seconds=1800,
        instance_groups=[
            {X}(instance_group_name="head", instance_type="ml.c5.4xlarge", instance_count=1),
            {X}(instance_group_name="workers", instance_type="ml.c5.9xlarge", instance_count=2),
        ],
    ),
    stopping_condition=StoppingCondition(max_runtime_in_seconds=3600),
)
''' % _TJ_ARGS,
        ("SM304",),
    ),
    "shape:InstancePreference": _shape_case(
        _TJ_HEAD + '''TrainingJob.create(
    %s
    resource_config=ResourceConfig(
        instance_type="ml.g5.2xlarge",
        instance_count=1,
        volume_size_in_gb=30,
        instance_preferences=[{X}(instance_type="ml.g5.2xlarge"), {X}(instance_type="ml.g6.2xlarge")],
    ),
    stopping_condition=StoppingCondition(max_runtime_in_seconds=3600),
)
''' % _TJ_ARGS,
        ("SM316",),
    ),
    "shape:VpcConfig": _shape_case(
        _TJ_HEAD + '''TrainingJob.create(
    %s
    resource_config=ResourceConfig(instance_type="ml.g5.2xlarge", instance_count=1, volume_size_in_gb=30, keep_alive_period_in_seconds=1800),
    stopping_condition=StoppingCondition(max_runtime_in_seconds=3600),
    vpc_config={X}(subnets=["subnet-aaaa1111"], security_group_ids=["sg-0123456789"]),
)
TrainingJob.create(
    %s
    resource_config=ResourceConfig(instance_type="ml.g5.2xlarge", instance_count=1, volume_size_in_gb=30, keep_alive_period_in_seconds=1800),
    stopping_condition=StoppingCondition(max_runtime_in_seconds=3600),
    vpc_config={X}(subnets=["subnet-bbbb2222"], security_group_ids=["sg-0123456789"]),
)
''' % (_TJ_ARGS, _TJ_ARGS.replace("llm-finetune", "llm-finetune-2")),
        ("SM305",),
    ),
    "shape:OutputDataConfig": _shape_case(
        '''
from sagemaker.core.resources import TrainingJob
from sagemaker.core.shapes import AlgorithmSpecification, ResourceConfig, StoppingCondition
{imports}
TrainingJob.create(
    training_job_name="llm-finetune",
    role_arn="%s",
    algorithm_specification=AlgorithmSpecification(training_image="%s", training_input_mode="File"),
    output_data_config={X}(s3_output_path="s3://my-bucket/output/"),
    resource_config=ResourceConfig(instance_type="ml.m5.xlarge", instance_count=1, volume_size_in_gb=30),
    stopping_condition=StoppingCondition(max_runtime_in_seconds=3600),
)
''' % (ROLE, TRAIN_IMAGE),
        ("SM504",),
        select=("SM504",),
    ),
    "shape:HyperParameterTrainingJobDefinition": _shape_case(
        '''
from sagemaker.core.resources import HyperParameterTuningJob
from sagemaker.core.shapes import (
    AlgorithmSpecification,
    HyperParameterTuningJobConfig,
    OutputDataConfig,
    ResourceConfig,
    ResourceLimits,
    StoppingCondition,
)
{imports}
HyperParameterTuningJob.create(
    hyper_parameter_tuning_job_name="lr-search",
    hyper_parameter_tuning_job_config=HyperParameterTuningJobConfig(
        strategy="Bayesian", resource_limits=ResourceLimits(max_number_of_training_jobs=10)
    ),
    training_job_definition={X}(
        role_arn="%s",
        algorithm_specification=AlgorithmSpecification(training_image="%s", training_input_mode="File"),
        output_data_config=OutputDataConfig(s3_output_path="s3://my-bucket/output/"),
        resource_config=ResourceConfig(instance_type="ml.g5.2xlarge", instance_count=1, volume_size_in_gb=50),
        stopping_condition=StoppingCondition(max_runtime_in_seconds=3600),
        enable_managed_spot_training=True,
        static_hyper_parameters={"epochs": 3},
    ),
)
''' % (ROLE, TRAIN_IMAGE),
        ("SM309",),
    ),
    "shape:ProcessingClusterConfig": _shape_case(
        _PJ_HEAD + '''ProcessingJob.create(
    processing_job_name="preprocess",
    role_arn="%s",
    app_specification=AppSpecification(image_uri="%s"),
    processing_resources=ProcessingResources(
        cluster_config={X}(instance_count=1, instance_type="ml.r5d.4xlarge", volume_size_in_gb=500, volume_kms_key_id="%s")
    ),
)
''' % (ROLE, IMAGE, KEY),
        ("SM308",),
    ),
    "shape:ProcessingResources": _shape_case(
        _PJ_HEAD + '''ProcessingJob.create(
    processing_job_name="preprocess",
    role_arn="%s",
    app_specification=AppSpecification(image_uri="%s"),
    processing_resources={X}(
        cluster_config=ProcessingClusterConfig(instance_count=1, instance_type="ml.r5d.4xlarge", volume_size_in_gb=500, volume_kms_key_id="%s")
    ),
)
''' % (ROLE, IMAGE, KEY),
        ("SM308",),
    ),
    "shape:ProcessingInstancePreference": _shape_case(
        _PJ_HEAD + '''ProcessingJob.create(
    processing_job_name="preprocess",
    role_arn="%s",
    app_specification=AppSpecification(image_uri="%s"),
    processing_resources=ProcessingResources(
        cluster_config=ProcessingClusterConfig(
            instance_count=1,
            instance_preferences=[{X}(instance_type="ml.m5.4xlarge"), {X}(instance_type="ml.g6.4xlarge")],
            volume_size_in_gb=100,
            volume_kms_key_id="%s",
        )
    ),
)
''' % (ROLE, IMAGE, KEY),
        ("SM308",),
    ),
    "shape:ProcessingStoppingCondition": _shape_case(
        _PJ_HEAD + '''ProcessingJob.create(
    processing_job_name="preprocess",
    role_arn="%s",
    app_specification=AppSpecification(image_uri="%s"),
    processing_resources=ProcessingResources(
        cluster_config=ProcessingClusterConfig(instance_count=1, instance_type="ml.m5.xlarge", volume_size_in_gb=30)
    ),
    stopping_condition={X}(max_runtime_in_seconds=1000000),
)
''' % (ROLE, IMAGE),
        ("SM214",),
    ),
    "shape:TransformResources": _shape_case(
        '''
from sagemaker.core.resources import TransformJob
from sagemaker.core.shapes import TransformDataSource, TransformInput, TransformOutput, TransformS3DataSource
{imports}
TransformJob.create(
    transform_job_name="batch-scoring",
    model_name="clip",
    transform_input=TransformInput(
        data_source=TransformDataSource(
            s3_data_source=TransformS3DataSource(s3_data_type="S3Prefix", s3_uri="s3://my-bucket/in/")
        )
    ),
    transform_output=TransformOutput(s3_output_path="s3://my-bucket/out/"),
    transform_resources={X}(instance_type="ml.g5.xlarge", instance_count=1, volume_kms_key_id="%s"),
)
''' % KEY,
        ("SM308",),
    ),
})

# role -> why its surfaces are not on this branch yet. The lead empties this at the merge
# (the SM214 / SM211 ones stay until those rules exist).
PENDING: Dict[str, str] = {
}

UNROUTED = ("serve-compute", "serve-network")


def _forms(path: str) -> List[Tuple[str, str]]:
    """(import text, expression) for `from m import N` and for `import m` + `m.N`."""
    module, _, name = path.rpartition(".")
    return [(f"from {module} import {name}", name), (f"import {module}", path)]


def _source(case: Case, imports: str, expression: str, definition: str) -> str:
    text = case.template.replace("{imports}", imports).replace("{X}", expression)
    return text.replace("{args}", case.args.get(definition, ""))


def _codes(case: Case, source: str) -> List[str]:
    return sorted(codes(lint(source, *case.select)))


def _run(role: str, path: str, form: int) -> Tuple[List[str], List[str]]:
    """(codes on this path, codes on its defining path in the `from` form)."""
    case = CASES[role]
    definition = V3_PATHS[path]
    canonical = _codes(case, _source(case, *_forms(definition)[0], definition))
    here = _codes(case, _source(case, *_forms(path)[form], definition))
    return here, canonical


PARAMS = [
    pytest.param(role, path, form, id=f"{role}:{path}:{('from', 'import')[form]}")
    for role in sorted(V3_ROLES)
    for path in sorted(V3_ROLES[role])
    for form in (0, 1)
]


def test_every_role_has_a_case() -> None:
    assert sorted(CASES) == sorted(V3_ROLES)
    assert set(PENDING) <= set(CASES)


@pytest.mark.parametrize(("role", "path", "form"), PARAMS)
def test_every_path_fires_like_the_defining_path(role: str, path: str, form: int) -> None:
    if role in PENDING:
        pytest.skip(PENDING[role])
    here, canonical = _run(role, path, form)
    expect = CASES[role].expect
    assert all(code in canonical for code in expect), (
        f"{role}: the defining path {V3_PATHS[path]} gives {canonical}, expected {list(expect)}"
    )
    if role in UNROUTED:
        assert canonical == [], f"{role} is deliberately unrouted but gives {canonical}"
    assert here == canonical, f"{path} gives {here}, its defining path {canonical}"


@pytest.mark.parametrize("role", sorted(r for r in CASES if CASES[r].control))
def test_silencing_roles_have_a_control_that_fires(role: str) -> None:
    """A role that silences a code (a local session, a local mode, a checkpoint config) is
    only tested if the same script without it fires."""
    case = CASES[role]
    fired = _codes(case, case.control)
    assert all(code in fired for code in case.control_expect), (role, fired)
