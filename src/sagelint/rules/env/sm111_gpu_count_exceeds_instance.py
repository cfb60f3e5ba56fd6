"""SM111 gpu-count-exceeds-instance: GPU count in the env above the instance's GPUs."""

from __future__ import annotations

from typing import Iterator, Optional, Tuple

from sagelint.catalog import Family
from sagelint.instances import accelerator_count, gpu_count
from sagelint.model import Severity
from sagelint.analysis.resolve import DictValue, Scalar, whole_number
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.surfaces.facts import Deploy, Facts

# The env key each LLM container reads as the number of GPUs to shard the model over.
GPU_KEYS = {
    Family.TGI: ("SM_NUM_GPUS",),
    Family.LMI: ("OPTION_TENSOR_PARALLEL_DEGREE", "TENSOR_PARALLEL_DEGREE"),
}

_TGI_MODEL = (
    "from sagemaker.huggingface import HuggingFaceModel, get_huggingface_llm_image_uri\n"
    "m = HuggingFaceModel(image_uri=get_huggingface_llm_image_uri('huggingface'),"
    " env={{'SM_NUM_GPUS': '{gpus}'}})\n"
    "m.deploy(initial_instance_count=1, instance_type='{instance}',"
    " container_startup_health_check_timeout=600, model_data_download_timeout=600)\n"
)


def _instance(deploy: Deploy) -> Optional[Tuple[str, int]]:
    """The deploy's instance type and its GPU count, when both are known."""
    value = deploy.instance_type
    if not isinstance(value, Scalar) or not isinstance(value.value, str):
        return None
    count = gpu_count(value.value)
    return None if count is None else (value.value, count)


def _served_env(facts: Facts, deploy: Deploy) -> Optional[Tuple[Family, DictValue]]:
    """The LLM container family and the known env of the model a deploy serves: the SDK v2
    model deployed, or the one-container `create_model` of the variant's ModelName."""
    model = deploy.model
    if model is not None:
        env = model.env
        family, value = model.family, env.value if env is not None else None
    elif deploy.model_name is not None and facts.model_envs.get(deploy.model_name):
        mapping = facts.model_envs[deploy.model_name]
        assert mapping is not None
        family, value = mapping.family, mapping.value
    else:
        return None
    if family not in GPU_KEYS or not isinstance(value, DictValue):
        return None
    assert family is not None
    return family, value


class GpuCountExceedsInstance(Rule):
    """
    ## What it does
    Checks the GPU count a model's env asks for against the GPUs of the instance type it is
    deployed on: `SM_NUM_GPUS` for a model known to run TGI, `OPTION_TENSOR_PARALLEL_DEGREE`
    or `TENSOR_PARALLEL_DEGREE` for one known to run LMI (DJL Serving), when the value is a
    known whole number and the instance type's GPU count is known.

    ## Why is this bad?
    The container shards the model over that many GPUs and fails to start when the instance
    has fewer, after the instance was provisioned and the image pulled. GPU counts come from
    the SDK's own table (`image_uri_config/instance_gpu_info.json`, generated into
    `sagelint/instance_gpus.py`); a type it does not list is unknown and not checked. LMI's
    `"max"` means every GPU and is fine.

    ## Example
    ```python
    llm = HuggingFaceModel(..., env={"SM_NUM_GPUS": "4"})
    llm.deploy(initial_instance_count=1, instance_type="ml.g5.2xlarge")  # 1 GPU
    ```

    ## Use instead
    ```python
    llm.deploy(initial_instance_count=1, instance_type="ml.g5.12xlarge")  # 4 GPUs
    ```

    ## Fix safety
    There is no fix: a larger instance or a smaller shard count is the user's call.
    """

    severity = Severity.ERROR
    summary = "GPU count in the env above the instance's GPUs"
    invalid = (_TGI_MODEL.format(gpus=4, instance="ml.g5.2xlarge"),)
    valid = (
        _TGI_MODEL.format(gpus=4, instance="ml.g5.12xlarge"),
        _TGI_MODEL.format(gpus=4, instance="ml.g7.2xlarge"),  # in no GPU table: unknown
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        yield from self._components(ctx)
        for deploy in ctx.facts.deploys:
            instance = _instance(deploy)
            served = _served_env(ctx.facts, deploy)
            if instance is None or served is None:
                continue
            family, env = served
            keys = GPU_KEYS[family]
            for entry in env.effective_entries():
                value = entry.value
                if entry.key not in keys or not isinstance(value, Scalar):
                    continue
                number = whole_number(value.value)
                if number is None or number <= instance[1]:
                    continue
                gpus = "GPU" if instance[1] == 1 else "GPUs"
                yield self.finding(
                    value.literal,
                    f"`{entry.key}` asks for {number} GPUs but `{instance[0]}` has "
                    f"{instance[1]} {gpus}: the container fails to start",
                    used_by=deploy.site,
                    once_per_node=True,
                )

    def _components(self, ctx: RuleContext) -> Iterator[Finding]:
        """An inference component's accelerator request against its instance type's."""
        for request in ctx.facts.accelerators:
            value = request.value
            instance_type = ctx.facts.component_instance_type(request)
            if not isinstance(value, Scalar) or not isinstance(instance_type, Scalar):
                continue
            if not isinstance(instance_type.value, str):
                continue
            number = whole_number(value.value)
            available = accelerator_count(instance_type.value)
            if number is None or available is None or number <= available:
                continue
            has = "no accelerators" if available == 0 else (
                f"{available} GPU" if available == 1 else f"{available} GPUs"
            )
            yield self.finding(
                value.literal,
                f"the inference component asks for {number} accelerator"
                f"{'' if number == 1 else 's'} but `{instance_type.value}` has {has}: it "
                "cannot be placed on the endpoint",
                used_by=request.site,
                once_per_node=True,
            )
