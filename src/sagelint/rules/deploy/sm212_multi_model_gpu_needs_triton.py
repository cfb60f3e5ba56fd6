"""SM212 multi-model-gpu-needs-triton: Multi-model endpoint on GPU without Triton."""

from __future__ import annotations

from typing import Iterator

from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.deploy.hardware import image_uses, needs_triton

_MME = (
    "from sagemaker.multidatamodel import MultiDataModel\n"
    "from sagemaker.pytorch import PyTorchModel\n"
    "model = PyTorchModel(model_data='s3://b/models/a.tar.gz', role='arn:aws:iam::1:role/r',"
    " entry_point='inference.py', image_uri='{image}')\n"
    "mme = MultiDataModel(name='mme', model_data_prefix='s3://b/models/', model=model)\n"
    "mme.deploy(initial_instance_count=1, instance_type='{instance}')\n"
)
_PYTORCH = (
    "763104351884.dkr.ecr.us-east-1.amazonaws.com/"
    "pytorch-inference:2.1.0-gpu-py310-cu121-ubuntu20.04-sagemaker"
)
_TRITON = "785573368785.dkr.ecr.us-east-1.amazonaws.com/sagemaker-tritonserver:24.03-py3"


class MultiModelGpuNeedsTriton(Rule):
    """
    ## What it does
    Checks multi-model endpoints on GPU instance types: a `MultiDataModel(...)` deploy, or a
    boto3, `Session`, core `ContainerDefinition` or CDK container with `Mode="MultiModel"`
    (`mode="MultiModel"`), deployed on a known `g*` / `p*` instance type, whose image is known
    to be an AWS framework or algorithm image that is not Triton (`pytorch-inference`,
    `tensorflow-inference`, `mxnet-inference`, `sagemaker-scikit-learn`, `sagemaker-xgboost`,
    `huggingface-*-inference`, the first-party algorithms). A `MultiDataModel`'s image is its
    `image_uri`, or that of the model it wraps (an SDK framework model given no image runs its
    framework's image). Triton (`sagemaker-tritonserver`) and custom images are not checked.

    ## Why is this bad?
    SageMaker hosts several models on one GPU endpoint only through the Triton Inference
    Server. With another image, CreateEndpoint fails ("MultiModel mode is not supported for
    instance type ml.g4dn.xlarge") after the model and the endpoint configuration exist.

    ## Example
    ```python
    mme = MultiDataModel(name="mme", model_data_prefix="s3://bucket/models/",
                         model=PyTorchModel(..., image_uri=pytorch_gpu_image))
    mme.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
    ```

    ## Use instead
    ```python
    mme = MultiDataModel(name="mme", model_data_prefix="s3://bucket/models/",
                         image_uri=triton_image, role=role)
    mme.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
    ```
    or a CPU instance type (`ml.m5.xlarge`), which every multi-model image supports.

    ## Fix safety
    There is no fix: moving to Triton changes how the models are packaged.
    """

    severity = Severity.ERROR
    summary = "Multi-model endpoint on GPU without Triton"
    invalid = (_MME.format(image=_PYTORCH, instance="ml.g5.xlarge"),)
    valid = (
        _MME.format(image=_TRITON, instance="ml.g5.xlarge"),
        _MME.format(image=_PYTORCH.replace("gpu", "cpu"), instance="ml.m5.xlarge"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for use in image_uses(ctx):
            if not needs_triton(use):
                continue
            image = use.image.what or f"the default image of `{use.framework_class}`"
            yield self.finding(
                use.hardware.anchor,
                f"a multi-model endpoint on `{use.hardware.instance_type}` (GPU) with "
                f"{image}: SageMaker hosts multiple models on GPU only with the Triton "
                "Inference Server image, and CreateEndpoint fails",
                used_by=use.site,
                once_per_node=True,
            )
