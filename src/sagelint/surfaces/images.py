"""What a container image is known to be built for (SM211) and whether it is an AWS framework
image other than Triton (SM212): from a literal URI, from the `image_uris.retrieve(...)` call
that picked it, or from `get_huggingface_llm_image_uri(...)` (`shared/SAGEMAKER.md` §13, §14)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from sagelint.analysis.resolve import (
    UNKNOWN,
    Keyword,
    Keywords,
    ObjectValue,
    Resolver,
    Scalar,
    Value,
)
from sagelint.catalog import LLM_BACKENDS, LLM_IMAGE_FUNCTIONS, Family, v3
from sagelint.instances import processor_kind
from sagelint.surfaces.common import argument
from sagelint.surfaces.facts import CallSite, ContainerImage, ServingModel

# `image_uris.retrieve(framework, region, version, py_version, instance_type, ...)`: SDK v2
# and every public path of v3's role.
IMAGE_RETRIEVERS = frozenset({"sagemaker.image_uris.retrieve"}) | v3("image-uris-retrieve")

# The frameworks whose every image configuration lists processors, among them both "cpu"
# and "gpu" (`image_uri_config/*.json` of sagemaker 2.257.7 and sagemaker-core 2.27.0): for
# them `retrieve` picks the processor from `instance_type` (`image_uris._processor`), so the
# image takes that type's kind. XGBoost and the first-party algorithms list none (one image
# for every instance type): not here.
PROCESSOR_FRAMEWORKS = frozenset({
    "autogluon", "chainer", "coach-mxnet", "coach-tensorflow", "huggingface",
    "huggingface-llamacpp", "llama-cpp", "mxnet", "neo-mxnet", "neo-pytorch", "neo-tensorflow",
    "pytorch", "pytorch-amzn2023", "ray-pytorch", "ray-serve", "ray-tensorflow",
    "sagemaker-distribution", "sagemaker-tritonserver", "tensorflow",
})

# `retrieve` frameworks whose images serve through an AWS framework toolkit that is not
# Triton (SM212), and the repositories of those images (the first-party algorithm images
# included).
_FRAMEWORK_RETRIEVALS = frozenset({
    "pytorch", "tensorflow", "mxnet", "sklearn", "xgboost", "huggingface",
    "blazingtext", "factorization-machines", "forecasting-deepar", "image-classification",
    "ipinsights", "kmeans", "knn", "lda", "linear-learner", "ntm", "object-detection",
    "object2vec", "pca", "randomcutforest", "semantic-segmentation", "seq2seq",
})
_FRAMEWORK_REPOSITORY = re.compile(
    r"^(pytorch-inference|tensorflow-inference|mxnet-inference|sagemaker-scikit-learn"
    r"|sagemaker-xgboost|huggingface-[a-z0-9-]*inference|blazingtext|factorization-machines"
    r"|forecasting-deepar|image-classification|ipinsights|kmeans|knn|lda|linear-learner|ntm"
    r"|object-detection|object2vec|pca|randomcutforest|semantic-segmentation|seq2seq)$"
)
# The processor an AWS Deep Learning Container's tag names: `2.1.0-gpu-py310-cu121-...`.
_GPU_TAG = re.compile(r"(^|[-_.])(gpu|cu1\d\d)([-_.]|$)")
_CPU_TAG = re.compile(r"(^|[-_.])cpu([-_.]|$)")
_ECR_HOST = re.compile(r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")


@dataclass(frozen=True)
class ImageKind:
    """What an image is known to be: `processor` "gpu" / "cpu" (None: not known, or built
    for neither), `framework` True for an AWS framework or algorithm image that is not
    Triton; `what` names it in messages."""

    processor: Optional[str]
    framework: bool
    what: str


UNKNOWN_IMAGE = ImageKind(None, False, "")


def image_kind(resolver: Resolver, value: Value) -> ImageKind:
    if isinstance(value, Scalar) and isinstance(value.value, str):
        return uri_kind(value.value)
    if not isinstance(value, ObjectValue):
        return UNKNOWN_IMAGE
    if value.qualified_name in IMAGE_RETRIEVERS:
        return _retrieved(resolver, value)
    if value.qualified_name in LLM_IMAGE_FUNCTIONS:
        call = value.call
        backend = argument(resolver, call, resolver.keywords(call), 0, "backend")
        if backend is not None and isinstance(backend.value, Scalar):
            # TGI and LMI (DJL) images for GPUs; the Neuron backends name other images.
            if str(backend.value.value) in LLM_BACKENDS:
                name = f'the image of `get_huggingface_llm_image_uri("{backend.value.value}")`'
                return ImageKind("gpu", True, name)
    return UNKNOWN_IMAGE


def uri_kind(uri: str) -> ImageKind:
    """A literal URI `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`."""
    host, _, path = uri.partition("/")
    repository, _, tag = path.rpartition(":")
    if not _ECR_HOST.match(host) or not repository or "neuron" in path:
        return UNKNOWN_IMAGE
    name = repository.rsplit("/", 1)[-1]
    framework = bool(_FRAMEWORK_REPOSITORY.match(name))
    processor: Optional[str] = None
    if "xgboost" not in name:  # its tags name versions only (SAGEMAKER.md section 13)
        if _GPU_TAG.search(tag):
            processor = "gpu"
        elif _CPU_TAG.search(tag):
            processor = "cpu"
    return ImageKind(processor, framework, f"the image `{name}:{tag}`")


def _retrieved(resolver: Resolver, value: ObjectValue) -> ImageKind:
    """`retrieve(framework, region, version, py_version, instance_type, ...)`."""
    call = value.call
    keywords = resolver.keywords(call)
    framework = _string(argument(resolver, call, keywords, 0, "framework"))
    if framework is None or _given(keywords, "model_id") is not False:
        return UNKNOWN_IMAGE  # a JumpStart model's image, or not known which
    is_framework = framework in _FRAMEWORK_RETRIEVALS
    what = f'the image `retrieve("{framework}", ...)` picks'
    if framework not in PROCESSOR_FRAMEWORKS:
        return ImageKind(None, is_framework, what)
    if _given(keywords, "serverless_inference_config") is True:
        return ImageKind("cpu", is_framework, f"{what} for serverless inference (CPU)")
    if _given(keywords, "serverless_inference_config") is None:
        return ImageKind(None, is_framework, what)
    instance_type = _string(argument(resolver, call, keywords, 4, "instance_type"))
    kind = processor_kind(instance_type) if instance_type is not None else None
    if kind is None:
        return ImageKind(None, is_framework, what)
    return ImageKind(kind, is_framework, f"{what} for `{instance_type}`")


def _string(keyword: Optional[Keyword]) -> Optional[str]:
    if keyword is not None and isinstance(keyword.value, Scalar):
        known = keyword.value.value
        return known if isinstance(known, str) else None
    return None


def _given(keywords: Keywords, name: str) -> Optional[bool]:
    """Whether an argument is known to be given other than None (None: not known)."""
    keyword = keywords.get(name)
    if keyword is None:
        return False if keywords.closed else None
    if isinstance(keyword.value, Scalar):
        return keyword.value.value is not None
    return True if isinstance(keyword.value, ObjectValue) else None


# -- the image a model runs, for the facts ------------------------------------------------------
# The SDK v2 model classes whose default image (no `image_uri`) is an AWS framework image that
# is not Triton: what a MultiDataModel wrapping one serves (SM212).
_FRAMEWORK_FAMILIES = frozenset({Family.TORCHSERVE, Family.MMS, Family.TFS, Family.HUGGINGFACE})
MULTI_DATA_MODEL = "MultiDataModel"


def model_image(resolver: Resolver, model: ServingModel) -> Optional[ContainerImage]:
    """The image an SDK model or ModelBuilder runs when it is given (`image_uri=`); for a
    `MultiDataModel`, its own or that of the `model=` it wraps."""
    multi = model.info.name == MULTI_DATA_MODEL
    image = _given_image(resolver, model.site.call, model.keywords)
    if image is not None or not multi:
        return None if image is None else ContainerImage(model.site, image, multi)
    wrapped = model.keywords.get("model")
    if wrapped is None or not isinstance(wrapped.value, ObjectValue):
        return None
    info = resolver.catalog.lookup(wrapped.value.qualified_name)
    if info is None:
        return None
    inner = resolver.keywords(wrapped.value.call)
    image = _given_image(resolver, wrapped.value.call, inner)
    if image is not None:
        return ContainerImage(model.site, image, True)
    if "image_uri" not in inner and inner.closed and info.family in _FRAMEWORK_FAMILIES:
        return ContainerImage(model.site, UNKNOWN, True, framework_class=info.name)
    return None


def _given_image(resolver: Resolver, call: cst.Call, keywords: Keywords) -> Optional[Value]:
    image = keywords.get("image_uri")
    if image is None or resolver.attribute_touched(call, "image_uri", stores_only=True):
        return None  # not given, or set again after construction
    if isinstance(image.value, Scalar) and image.value.value is None:
        return None
    return image.value


def container_image(
    site: CallSite, fields: Keywords, image: str, mode: str
) -> Optional[ContainerImage]:
    """One container definition's image and mode, by this surface's field names."""
    given = fields.get(image)
    if given is None:
        return None
    multi = fields.get(mode)
    is_multi = (
        multi is not None and isinstance(multi.value, Scalar) and multi.value.value == "MultiModel"
    )
    return ContainerImage(site, given.value, is_multi)
