"""What an SDK v3 `ModelBuilder`'s `.deploy(...)` does, read from the builder's fields: shared
by the surface that builds the Deploy fact of a deploy (`sdk_v2.py`, whatever the receiver)
and the one that knows ModelBuilder (`sdk_v3.py`)."""

from __future__ import annotations

from dataclasses import replace

from sagelint.analysis.resolve import ObjectValue, Resolver, Scalar
from sagelint.catalog import LOCAL_MODES, TRAINED_MODEL_SOURCES
from sagelint.surfaces.common import serverless_state
from sagelint.surfaces.facts import Deploy, ServingModel


def model_builder_deploy(deploy: Deploy, builder: ServingModel) -> None:
    """ModelBuilder.deploy: a model id string in `model=` is a JumpStart or Hub model (its
    timeouts come from metadata); `container_timeout_in_seconds` is not the startup
    health-check timeout of a real-time endpoint; `inference_config` may make it serverless
    or an inference component."""
    model = builder.keywords.get("model")
    if model is not None and isinstance(model.value, Scalar) and _is_model_id(model.value.value):
        deploy.target = replace(deploy.target, jumpstart=True)
    elif model is not None and isinstance(model.value, Scalar) and isinstance(model.value.value, str):
        deploy.artifacts = True  # a URI or path of model artifacts
    config = deploy.keywords.get("inference_config")
    if config is not None:
        deploy.serverless = serverless_state(config, True) or None
    for name in ("model_path", "s3_model_data_url"):
        given = builder.keywords.get(name)
        if given is not None and not (isinstance(given.value, Scalar) and given.value.value is None):
            deploy.artifacts = True
    for spelling in ("container_timeout_in_seconds", "container_timeout_in_second"):
        if spelling in deploy.keywords:
            deploy.note = (
                f" (`{spelling}` does not set it: it applies to inference components and "
                "local mode only)"
            )


def builder_makes_no_endpoint(resolver: Resolver, builder: ServingModel) -> bool:
    """A ModelBuilder that serves on this machine (`mode=Mode.LOCAL_CONTAINER` or
    `Mode.IN_PROCESS`), or that is given a trainer or training job in `model=` (model
    customization: the SDK deploys through inference components and ignores the endpoint
    timeouts)."""
    mode = builder.keywords.get("mode")
    if mode is not None:
        qualified = resolver.qualified_name(mode.arg.value) if mode.arg is not None else None
        if qualified is not None and qualified.startswith("sagemaker.") and any(
            qualified.endswith("." + name) for name in LOCAL_MODES
        ):
            return True
    model = builder.keywords.get("model")
    if model is not None and isinstance(model.value, ObjectValue):
        qualified = model.value.qualified_name
        return any(
            qualified == path or qualified.startswith(path + ".") for path in TRAINED_MODEL_SOURCES
        )
    return False


def _is_model_id(value: object) -> bool:
    """A JumpStart or Hugging Face Hub model id (`meta-llama/Llama-3.1-8B`), not a URI or a
    path to model artifacts."""
    return (
        isinstance(value, str)
        and bool(value)
        and "://" not in value
        and not value.startswith(("/", ".", "~"))
    )
