"""The hand-written part of the SDK generation tables: what reading the SDK's code cannot give.

Everything else is generated into `sdk_generations.py` by `scripts/gen_sdk_generations.py`,
which reads this module, checks each row against the artifacts (a row whose subject is not in
them stops the generator) and applies it. Each row names its source.
"""

from typing import Dict, Tuple

# Run-time outcomes that differ from what the code reading computes (GENERATIONS.md table C,
# run against 2.257.7): (callable path, keyword) -> (computed verdict, actual verdict, source).
KEYWORD_OUTCOMES: Dict[Tuple[str, str], Tuple[str, str, str]] = {
    # MXNet.__init__ maps `distributions` with renamed_kwargs, then reads self.distribution
    # before it is set: AttributeError.
    ("sagemaker.mxnet.MXNet", "distributions"): (
        "deprecated", "fails", "GENERATIONS.md C: MXNet(distributions=...) AttributeError",
    ),
    ("sagemaker.mxnet.estimator.MXNet", "distributions"): (
        "deprecated", "fails", "GENERATIONS.md C: MXNet(distributions=...) AttributeError",
    ),
}

# `removed_kwargs` keywords that a method then forwards with its **kwargs to a call the reading
# cannot follow: (method name, keyword) -> (actual verdict, source).
NOOP_OUTCOMES: Dict[Tuple[str, str], Tuple[str, str]] = {
    # EstimatorBase.deploy warns "no-op", then self.create_model(**kwargs) reaches the model
    # constructor, which has no such parameter.
    ("deploy", "update_endpoint"): (
        "fails", "GENERATIONS.md C: estimator.deploy(update_endpoint=True) TypeError (read from code)",
    ),
}

# v1 names whose v2 target the SDK states in prose or code, not in a table the generator reads:
# path -> (target path, kind, source). Kinds as RENAMED_NAMES: "function" = the arguments differ.
NAME_TARGETS: Dict[str, Tuple[str, str, str]] = {
    "sagemaker.get_image_uri": (
        "sagemaker.image_uris.retrieve", "function",
        "upgrade tool image_uris.py (ImageURIRetrieveRefactor); doc/v2.rst",
    ),
    "sagemaker.amazon.amazon_estimator.get_image_uri": (
        "sagemaker.image_uris.retrieve", "function",
        "upgrade tool image_uris.py; amazon_estimator.get_image_uri's renamed_warning",
    ),
    "sagemaker.fw_utils.parse_s3_url": (
        "sagemaker.s3.parse_s3_url", "same", "doc/v2.rst (fw_utils.parse_s3_url -> s3.parse_s3_url)",
    ),
}

# SM605: v2 spellings on v3 classes with a one-to-one v3 field (GENERATIONS.md "v3's shims",
# run against 3.27.0): v3 class (defining path) -> {v2 keyword: v3 field}.
FIELD_RENAMES: Dict[str, Dict[str, str]] = {
    "sagemaker.core.training.configs.Compute": {
        "use_spot_instances": "enable_managed_spot_training",
        "volume_size": "volume_size_in_gb",
    },
    "sagemaker.core.shapes.shapes.StoppingCondition": {
        "max_run": "max_runtime_in_seconds",
        "max_wait": "max_wait_time_in_seconds",
    },
    "sagemaker.core.training.configs.SourceCode": {"entry_point": "entry_script"},
    "sagemaker.core.training.configs.InputData": {"s3_data": "data_source"},
    "sagemaker.core.training.configs.Networking": {
        "encrypt_inter_container_traffic": "enable_inter_container_traffic_encryption",
    },
    "sagemaker.train.model_trainer.ModelTrainer": {"image_uri": "training_image"},
    "sagemaker.serve.model_builder.ModelBuilder": {"env": "env_vars"},
}

# SM605: the classes whose closed signature is recorded (besides every sagemaker.core.shapes
# shape): RULES.md SM605.
CLOSED_V3: Tuple[str, ...] = (
    "sagemaker.core.training.configs.CheckpointConfig",
    "sagemaker.core.training.configs.Compute",
    "sagemaker.core.training.configs.InputData",
    "sagemaker.core.training.configs.Networking",
    "sagemaker.core.training.configs.OutputDataConfig",
    "sagemaker.core.training.configs.SourceCode",
    "sagemaker.serve.model_builder.ModelBuilder",
    "sagemaker.train.model_trainer.ModelTrainer",
)
CLOSED_V2: Tuple[str, ...] = (
    "sagemaker.model.Model",
    "sagemaker.predictor.Predictor",
)

# SM603: where two v3 classes of the same name take the same arguments, the one a rewrite
# targets: v2 module -> v3 module (RULES.md SM603: never a deprecation shim; for inference
# configs the class ModelBuilder.deploy accepts).
PREFERRED_V3_MODULES: Dict[str, str] = {
    "sagemaker.modules.configs": "sagemaker.core.training.configs",
    "sagemaker.serverless.serverless_inference_config": "sagemaker.core.inference_config",
    "sagemaker.async_inference.async_inference_config": "sagemaker.core.inference_config",
}

# SM607: callables whose leading positional parameters are recorded per release.
POSITIONAL: Tuple[str, ...] = (
    "sagemaker.model.Model",
    "sagemaker.workflow.airflow.model_config",
    "sagemaker.workflow.airflow.model_config_from_estimator",
)
