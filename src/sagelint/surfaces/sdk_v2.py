"""SDK v2: model and estimator constructors and their `.deploy(...)` calls."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import List, Optional, Tuple, Union

import libcst as cst

from sagelint.catalog import (
    CORE_ENDPOINT_CONFIG_CREATE,
    CORE_MODEL_CREATE,
    ESTIMATOR_FIELDS,
    TRAINING_CALLABLES,
    ClassInfo,
    Family,
    Kind,
)
from sagelint.resolve import Keywords, Resolver, Scalar
from sagelint.surfaces import CallSite, Deploy, EnvMapping, EstimatorJob, Facts, ServingModel
from sagelint.surfaces.serving import ServingSurface, serverless_state
from sagelint.surfaces.training import TrainingSurface

# HuggingFaceModel's image_uri is its 8th positional parameter; more positional arguments
# than that may carry it.
_HF_IMAGE_POSITION = 7
# deploy(): past this many positional arguments serverless_inference_config may be among them.
_DEPLOY_MAX_POSITIONAL = 10

# Method calls looked at whatever their receiver, then matched to what it is known to be.
_METHODS = frozenset(
    {
        "deploy", "transformer", "create_training_job", "update_training_job", "create_model",
        "create_endpoint_config", "endpoint_from_production_variants",
    }
)
_ON_MODELS = frozenset({"deploy", "transformer"})  # matched once constructors are known

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


def _hf_container(
    keywords: Keywords, positional: int
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
    return None, None


def _container(
    info: ClassInfo, keywords: Keywords, positional: int
) -> Tuple[Optional[bool], Optional[Family]]:
    if info.family is Family.HUGGINGFACE:
        return _hf_container(keywords, positional)
    return info.reads_server_timeout, info.family


def _positional_count(call: cst.Call) -> int:
    return sum(1 for arg in call.args if arg.keyword is None and not arg.star)


class SdkV2Surface:
    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.training = TrainingSurface(resolver)
        self.serving = ServingSurface(resolver)

    def collect(self, calls: List[cst.Call], facts: Facts) -> None:
        """One pass over the module's calls: each call target is resolved once and handed to
        the surface it belongs to."""
        on_models = []
        for call in calls:
            func = call.func
            if isinstance(func, cst.Attribute) and func.attr.value in _METHODS:
                if func.attr.value in _ON_MODELS:
                    on_models.append(call)
                else:
                    self._client_method(call, func.attr.value, func.value, facts)
                continue
            qualified = self._qualified(func)
            if qualified is None:
                continue
            info = self.resolver.catalog.lookup(qualified)
            if info is not None and info.kind is Kind.MODEL:
                self._model(call, info, facts)
            elif info is not None:
                self._estimator(call, info, facts)
            elif qualified in TRAINING_CALLABLES:
                label, fields = TRAINING_CALLABLES[qualified]
                self.training.job(call, label, fields, facts)
            elif qualified in CORE_MODEL_CREATE:
                self.serving.core_model_create(call, facts)
            elif qualified in CORE_ENDPOINT_CONFIG_CREATE:
                self.serving.core_endpoint_config_create(call, facts)
        # Constructors are all known before deploy() and transformer() are matched to them.
        for call in on_models:
            assert isinstance(call.func, cst.Attribute)
            if call.func.attr.value == "deploy":
                self._deploy(call, facts)
            else:
                self._transformer(call, facts)

    def _client_method(
        self, call: cst.Call, method: str, receiver: cst.BaseExpression, facts: Facts
    ) -> None:
        """Methods of a boto3 SageMaker client or a SageMaker Session."""
        if method in ("create_training_job", "update_training_job"):
            self.training.method_job(call, facts)
        elif method == "create_model":
            if self.training.is_sagemaker_client(receiver):
                self.serving.create_model(call, facts)
        elif method == "create_endpoint_config":
            if self.training.is_sagemaker_client(receiver):
                self.serving.create_endpoint_config(call, facts, session=False)
            elif self.training.is_sagemaker_session(receiver):
                self.serving.create_endpoint_config(call, facts, session=True)
        elif method == "endpoint_from_production_variants":
            if self.training.is_sagemaker_session(receiver):
                self.serving.endpoint_from_production_variants(call, facts)

    def _transformer(self, call: cst.Call, facts: Facts) -> None:
        assert isinstance(call.func, cst.Attribute)
        if self._receiver(call.func.value, facts) is not None:
            self.serving.transformer(call, self.resolver.keywords(call), facts)

    def _qualified(self, func: cst.BaseExpression) -> Optional[str]:
        if not isinstance(func, (cst.Name, cst.Attribute)):
            return None
        return self.resolver.qualified_names(func)

    def _model(self, call: cst.Call, info: ClassInfo, facts: Facts) -> None:
        keywords = self.resolver.keywords(call)
        if self.resolver.attribute_touched(call, "env"):
            keywords = keywords.with_unknown("env")
        reads, family = _container(info, keywords, _positional_count(call))
        site = CallSite(call, info.name)
        model = ServingModel(site, info, keywords, reads, family)
        facts.models.append(model)
        facts.by_call[call] = model
        env = keywords.get(info.env_keyword)
        if env is not None:
            facts.env_mappings.append(
                EnvMapping(site, env.anchor, env.value, None if info.model_builder else reads, family)
            )

    def _estimator(self, call: cst.Call, info: ClassInfo, facts: Facts) -> None:
        keywords = self.resolver.keywords(call)
        job = EstimatorJob(CallSite(call, info.name), info, keywords)
        facts.estimators.append(job)
        facts.by_call[call] = job
        self.training.job(call, info.name, ESTIMATOR_FIELDS, facts, keywords=keywords)

    def _deploy(self, call: cst.Call, facts: Facts) -> None:
        assert isinstance(call.func, cst.Attribute)
        target = self._receiver(call.func.value, facts)
        if target is None:
            return
        keywords = self.resolver.keywords(call)
        positional = _positional_count(call)
        serverless = _serverless(keywords, positional)
        receiver = call.func.value
        label = f"{receiver.value}.deploy" if isinstance(receiver, cst.Name) else "deploy"
        site = CallSite(call, label)
        deploy = Deploy(site, target.info, keywords, serverless, container=call)
        if target.info.model_builder:
            self._model_builder_deploy(deploy, target)
        if isinstance(target, EstimatorJob):
            deploy.from_estimator = True
            deploy.reads_server_timeout, deploy.family = _container(
                target.info, keywords, 0
            )
        facts.deploys.append(deploy)
        env = keywords.get("env")
        if env is not None:
            facts.env_mappings.append(
                EnvMapping(site, env.anchor, env.value, deploy.reads_server_timeout, deploy.family)
            )

    def _model_builder_deploy(self, deploy: Deploy, builder: object) -> None:
        """ModelBuilder.deploy: a model id string in `model=` is a JumpStart or Hub model
        (its timeouts come from metadata); `container_timeout_in_seconds` is not the startup
        health-check timeout of a real-time endpoint; `inference_config` may make it
        serverless or an inference component."""
        assert isinstance(builder, ServingModel)
        model = builder.keywords.get("model")
        if model is not None and isinstance(model.value, Scalar) and _is_model_id(model.value.value):
            deploy.target = replace(deploy.target, jumpstart=True)
        config = deploy.keywords.get("inference_config")
        if config is not None:
            deploy.serverless = serverless_state(config, True) or None
        for spelling in ("container_timeout_in_seconds", "container_timeout_in_second"):
            if spelling in deploy.keywords:
                deploy.note = (
                    f" (`{spelling}` does not set it: it applies to inference components and "
                    "local mode only)"
                )

    def _receiver(
        self, receiver: cst.BaseExpression, facts: Facts
    ) -> Optional[Union[ServingModel, EstimatorJob]]:
        """The model or estimator a `.deploy()` acts on: a constructor call chained directly,
        or a name bound exactly once to one."""
        if isinstance(receiver, cst.Name):
            bound = self.resolver.binding_of(receiver)
            if bound is None:
                return None
            binding = bound[1]
            use = self.resolver.index.uses.get(receiver)
            if use is not None and use.pos.block == binding.pos.block and (
                use.pos.order < binding.pos.order
            ):
                # In the same block, a use before the binding acts on something else (in a
                # notebook: a model built in a later cell is not the one deployed here).
                return None
            receiver = binding.value
        if isinstance(receiver, cst.Call):
            target = facts.by_call.get(receiver)
            if isinstance(target, (ServingModel, EstimatorJob)):
                return target
        return None


def _is_model_id(value: object) -> bool:
    """A JumpStart or Hugging Face Hub model id (`meta-llama/Llama-3.1-8B`), not a URI or a
    path to model artifacts."""
    return (
        isinstance(value, str)
        and bool(value)
        and "://" not in value
        and not value.startswith(("/", ".", "~"))
    )


def _serverless(keywords: Keywords, positional: int) -> Optional[bool]:
    if positional > _DEPLOY_MAX_POSITIONAL:
        return None
    return serverless_state(keywords.get("serverless_inference_config"), keywords.closed)
