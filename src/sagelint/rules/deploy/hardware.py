"""What an image is built for and what it runs on (SM211, SM212): the pairs of a known image
and a known instance type, for deploys and training jobs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

import libcst as cst

from sagelint.analysis.resolve import Scalar, Value
from sagelint.catalog import IMAGE, INSTANCE_TYPE
from sagelint.instances import instance_family, processor_kind
from sagelint.rules import RuleContext
from sagelint.surfaces.facts import CallSite, ContainerImage, Deploy
from sagelint.surfaces.images import ImageKind, image_kind


@dataclass(frozen=True)
class Hardware:
    """What a model or job runs on: `processor` "gpu" / "cpu", the instance type (None for a
    serverless endpoint) and where the diagnostic points (its literal, or the deploy)."""

    processor: str
    instance_type: Optional[str]
    anchor: cst.CSTNode

    def describe(self) -> str:
        kind = self.processor.upper()
        if self.instance_type is None:
            return "a serverless endpoint, which runs on CPU"
        return f"`{self.instance_type}`, a {kind} instance type"


@dataclass(frozen=True)
class ImageUse:
    site: CallSite  # the deploy or the job
    image: ImageKind
    hardware: Hardware
    multi_model: bool = False
    framework_class: Optional[str] = None  # a MultiDataModel's wrapped class, no image


def _instance(value: Value) -> Optional[Hardware]:
    if not isinstance(value, Scalar) or not isinstance(value.value, str):
        return None
    kind = processor_kind(value.value)
    return None if kind is None else Hardware(kind, value.value, value.literal)


def deploy_hardware(deploy: Deploy) -> Optional[Hardware]:
    if deploy.serverless is True:  # the SDK picks a CPU image; the service runs CPUs
        return Hardware("cpu", None, deploy.site.call)
    if deploy.serverless is None:
        return None
    return _instance(deploy.instance_type)


def image_uses(ctx: RuleContext) -> Iterator[ImageUse]:
    """Every deploy and training job whose image and hardware are both known (an image whose
    kind is not known still comes with a MultiDataModel's wrapped class)."""
    for deploy in ctx.facts.deploys:
        image: Optional[ContainerImage] = ctx.facts.served_image(deploy)
        hardware = deploy_hardware(deploy)
        if image is None or hardware is None:
            continue
        kind = image_kind(ctx.resolver, image.value)
        yield ImageUse(deploy.site, kind, hardware, image.multi_model, image.framework_class)
    for job in ctx.facts.training_jobs:
        field, instance = job.fields.get(IMAGE), job.fields.get(INSTANCE_TYPE)
        if field is None or instance is None or job.is_update:
            continue
        hardware = _instance(instance.value)
        if hardware is not None:
            yield ImageUse(job.site, image_kind(ctx.resolver, field.value), hardware)


def needs_triton(use: ImageUse) -> bool:
    """SM212: a multi-model endpoint on a `g*` / `p*` instance type whose image is known to
    be an AWS framework image other than Triton."""
    family = instance_family(use.hardware.instance_type or "")
    if not use.multi_model or family is None or not family.startswith(("g", "p")):
        return False
    return use.framework_class is not None or use.image.framework
