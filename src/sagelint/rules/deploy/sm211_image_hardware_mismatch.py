"""SM211 image-hardware-mismatch: Image built for GPU on a CPU instance, or the reverse."""

from __future__ import annotations

from typing import Iterator

from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.deploy.hardware import image_uses, needs_triton

_RETRIEVED = (
    "from sagemaker import image_uris\n"
    "from sagemaker.model import Model\n"
    "image = image_uris.retrieve('pytorch', 'us-east-1', version='2.1', py_version='py310',"
    " image_scope='inference', instance_type='{picked}')\n"
    "model = Model(image_uri=image, model_data='s3://b/m.tar.gz', role='arn:aws:iam::1:role/r')\n"
    "model.deploy(initial_instance_count=1, instance_type='{deployed}',"
    " container_startup_health_check_timeout=600, model_data_download_timeout=600)\n"
)

# What goes wrong, by (image's processor, instance's processor).
_CONSEQUENCE = {
    ("gpu", "cpu"): "a CUDA build may fail to start there (`libcuda.so.1` not found) or run "
    "without its GPU code",
    ("cpu", "gpu"): "it runs on the CPU and leaves the GPU you pay for idle",
}


class ImageHardwareMismatch(Rule):
    """
    ## What it does
    Checks that the image a model, estimator, `ModelTrainer` or boto3 / core / CDK container
    runs is built for the kind of hardware it runs on. The image's kind is known from an AWS
    Deep Learning Container tag (`-gpu-`, `-cpu-`, `cu121`), from the `instance_type=` given
    to `image_uris.retrieve(...)` (SDK v2, and `sagemaker.core.image_uris.retrieve` in v3:
    the SDK picks the image's processor from it), or from `get_huggingface_llm_image_uri(...)`
    (TGI and LMI images are GPU builds). The hardware is the deploy's, the variant's or the
    job's instance type (`g*` / `p*` and `local_gpu` are GPU, other known families and
    `local` CPU); a serverless endpoint runs on CPU. XGBoost images, images without a
    processor marker, Inferentia and Trainium types, and anything not known are not checked.

    ## Why is this bad?
    A GPU image on a CPU instance fails to start for some frameworks (`libcuda.so.1` not
    found) and runs without CUDA for others; a CPU image on a GPU instance runs but never uses
    the GPU that is paid for. Either way it shows only after the endpoint or job has been
    created. A common cause is retrieving the image for one instance type and deploying it
    on another.

    ## Example
    ```python
    image = image_uris.retrieve("pytorch", region, version="2.1", py_version="py310",
                                image_scope="inference", instance_type="ml.m5.xlarge")
    model = Model(image_uri=image, model_data=data, role=role)
    model.deploy(initial_instance_count=1, instance_type="ml.g5.2xlarge")
    ```

    ## Use instead
    ```python
    instance_type = "ml.g5.2xlarge"
    image = image_uris.retrieve("pytorch", region, version="2.1", py_version="py310",
                                image_scope="inference", instance_type=instance_type)
    model = Model(image_uri=image, model_data=data, role=role)
    model.deploy(initial_instance_count=1, instance_type=instance_type)
    ```

    ## Fix safety
    There is no fix: whether the image or the instance type is the intended one is the
    user's call.
    """

    severity = Severity.WARNING
    summary = "Image built for GPU on a CPU instance, or the reverse"
    invalid = (_RETRIEVED.format(picked="ml.m5.xlarge", deployed="ml.g5.2xlarge"),)
    valid = (_RETRIEVED.format(picked="ml.g5.2xlarge", deployed="ml.g5.2xlarge"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for use in image_uses(ctx):
            built = use.image.processor
            runs = use.hardware.processor
            if built is None or built == runs or needs_triton(use):
                continue  # a multi-model GPU endpoint without Triton is SM212's
            yield self.finding(
                use.hardware.anchor,
                f"{use.image.what} is built for {built.upper()} but runs on "
                f"{use.hardware.describe()}: {_CONSEQUENCE[(built, runs)]}",
                used_by=use.site,
                once_per_node=True,
            )
