"""Which serving container a SageMaker model runs, from its class and its `image_uri`: whether
it reads `SAGEMAKER_MODEL_SERVER_TIMEOUT`, and its family (`sagelint rule SM102`)."""

from __future__ import annotations

import re
from typing import Optional, Tuple

from sagelint.catalog import (
    LLM_BACKENDS,
    LLM_IMAGE_FUNCTIONS,
    ClassInfo,
    Family,
    image_reads_server_timeout,
)
from sagelint.analysis.resolve import Keywords, ObjectValue, Resolver, Scalar, Value
from sagelint.surfaces.common import argument

# HuggingFaceModel's image_uri is its 8th positional parameter; more positional arguments
# than that may carry it.
_HF_IMAGE_POSITION = 7

_HF_TOOLKIT_IMAGE = re.compile(r"huggingface-(pytorch|tensorflow)-inference(-neuronx?)?(:|$)")
_TGI_IMAGE = re.compile(r"tgi|text-generation-inference")
_LMI_IMAGE = re.compile(r"djl-|lmi")


def image_family(image: str) -> Tuple[bool, Family]:
    """(reads the server timeout, family) for a Hugging Face model's image URI."""
    repository = image.rsplit("/", 1)[-1]
    if _TGI_IMAGE.search(repository):
        return False, Family.TGI
    if _LMI_IMAGE.search(repository):
        return False, Family.LMI
    if _HF_TOOLKIT_IMAGE.search(repository):
        return True, Family.HUGGINGFACE
    return False, Family.UNKNOWN


def image_literal_reads_server_timeout(image: Optional[Value]) -> bool:
    """A container whose image is a literal URI of a server that reads the timeout key (a
    boto3 `PrimaryContainer`'s `Image`, a CDK container's `image`); False when unknown."""
    return (
        isinstance(image, Scalar)
        and isinstance(image.value, str)
        and image_reads_server_timeout(image.value)
    )


def llm_image(resolver: Resolver, value: Value) -> Tuple[Optional[bool], Optional[Family]]:
    """`get_huggingface_llm_image_uri("huggingface" | "lmi", ...)`: TGI or LMI, whose servers
    do not read the server timeout; another backend or an unknown one: unknown."""
    if not isinstance(value, ObjectValue) or value.qualified_name not in LLM_IMAGE_FUNCTIONS:
        return None, None
    call = value.call
    backend = argument(resolver, call, resolver.keywords(call), 0, "backend")
    if backend is not None and isinstance(backend.value, Scalar):
        family = LLM_BACKENDS.get(str(backend.value.value))
        if family is not None:
            return False, family
    return None, None


def hf_container(
    resolver: Resolver, keywords: Keywords, positional: int
) -> Tuple[Optional[bool], Optional[Family]]:
    if positional > _HF_IMAGE_POSITION:
        return None, None
    image = keywords.get("image_uri")
    if image is None:
        return (None, None) if not keywords.closed else (True, Family.HUGGINGFACE)
    if isinstance(image.value, Scalar) and image.value.value is None:
        return True, Family.HUGGINGFACE
    if isinstance(image.value, Scalar) and isinstance(image.value.value, str):
        return image_family(image.value.value)
    return llm_image(resolver, image.value)


def container(
    resolver: Resolver, info: ClassInfo, keywords: Keywords, positional: int
) -> Tuple[Optional[bool], Optional[Family]]:
    if info.family is Family.HUGGINGFACE:
        return hf_container(resolver, keywords, positional)
    return info.reads_server_timeout, info.family
