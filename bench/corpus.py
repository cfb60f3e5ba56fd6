"""A deterministic synthetic repository for the benchmark.

`generate(root, files=N, sagemaker_share=0.2, seed=0)` writes N files under root: a share of
SageMaker code in the shapes real projects use (env dicts in variables, constants for
timeouts, estimators fed from kwargs dicts, boto3 clients, notebooks that deploy in a later
cell), padded with ordinary code, and the rest ordinary Python. Sizes are log-uniform between
30 and 3,000 lines. The same arguments always give the same bytes.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Callable, Dict, List

MIN_LINES, MAX_LINES = 30, 3000

WORDS = (
    "batch frame record window token vector score label metric shard cache block sample "
    "bucket layer epoch stream queue chunk index mask route event".split()
)


def _name(rng: random.Random) -> str:
    return "_".join(rng.sample(WORDS, 2))


def _function(rng: random.Random) -> List[str]:
    """An ordinary function of 8 to 30 lines: loops, comprehensions, dicts, f-strings."""
    name, arg, acc = _name(rng), _name(rng), _name(rng)
    lines = [
        f"def {name}({arg}, limit=None, *, scale={rng.randint(1, 9)}.0):",
        f'    """Compute the {name.replace("_", " ")} of a {arg.replace("_", " ")}."""',
        f"    {acc} = {{}}",
        f"    for position, item in enumerate({arg}):",
        "        if limit is not None and position >= limit:",
        "            break",
        f"        key = (item.get('id'), position % {rng.randint(2, 17)})",
        f"        {acc}.setdefault(key, []).append(item['value'] * scale)",
    ]
    for _ in range(rng.randint(0, 20)):
        choice = rng.random()
        if choice < 0.3:
            lines.append(f"    values = [v for vs in {acc}.values() for v in vs if v > {rng.random():.3f}]")
        elif choice < 0.6:
            lines.append(f"    logger.debug(f\"{name}: {{len({acc})}} groups, scale={{scale:.2f}}\")")
        elif choice < 0.8:
            lines.append(f"    total = sum(len(v) for v in {acc}.values()) + {rng.randint(0, 100)}")
        else:
            lines.append(f"    {acc} = {{k: sorted(v)[:{rng.randint(1, 50)}] for k, v in {acc}.items()}}")
    lines += [f"    return {acc}", "", ""]
    return lines


def _class(rng: random.Random) -> List[str]:
    name = "".join(word.title() for word in _name(rng).split("_"))
    lines = [f"class {name}:", f'    """A {name} helper."""', "",
             "    def __init__(self, path, retries=3):",
             "        self.path = path", "        self.retries = retries",
             "        self.seen = set()", ""]
    for _ in range(rng.randint(1, 4)):
        method = _name(rng)
        lines += [f"    def {method}(self, item):",
                  "        if item in self.seen:", "            return None",
                  "        self.seen.add(item)",
                  "        return {'path': self.path, 'item': item, 'n': len(self.seen)}", ""]
    return lines + [""]


def _ordinary(rng: random.Random, lines: int) -> List[str]:
    out = ["import json", "import logging", "import os", "from collections import defaultdict",
           "", "logger = logging.getLogger(__name__)", "", ""]
    while len(out) < lines:
        out += _function(rng) if rng.random() < 0.7 else _class(rng)
    return out


def _deploy(rng: random.Random) -> List[str]:
    timeout = rng.choice(["300", "900", "1800"])
    quoted = rng.random() < 0.5
    value = f'"{timeout}"' if quoted else timeout
    timeouts = rng.random() < 0.5
    return [
        "import sagemaker",
        "from sagemaker.pytorch import PyTorchModel",
        "",
        f"SERVER_TIMEOUT = {value}",
        "ENV = {",
        '    "SAGEMAKER_MODEL_SERVER_TIMEOUT": SERVER_TIMEOUT,',
        '    "SAGEMAKER_MODEL_SERVER_WORKERS": "1",',
        '    "HF_TASK": "text-generation",',
        "}",
        "",
        "",
        "def deploy(model_data, role):",
        "    model = PyTorchModel(",
        "        model_data=model_data,",
        "        role=role,",
        '        framework_version="2.1",',
        '        py_version="py310",',
        '        entry_point="inference.py",',
        "        env=ENV,",
        "    )",
        "    return model.deploy(",
        "        initial_instance_count=1,",
        f'        instance_type="ml.g5.{rng.choice(["xlarge", "2xlarge", "12xlarge"])}",',
        *(["        container_startup_health_check_timeout=900,",
           "        model_data_download_timeout=900,"] if timeouts else []),
        "    )",
        "",
        "",
    ]


def _train(rng: random.Random) -> List[str]:
    spot = rng.random() < 0.3
    return [
        "from sagemaker.estimator import Estimator",
        "",
        "KEEP_ALIVE = " + str(rng.choice([600, 1800, 7200])),
        "",
        "kwargs = dict(",
        '    image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/train:latest",',
        '    role="arn:aws:iam::123456789012:role/SageMakerRole",',
        "    instance_count=1,",
        '    instance_type="ml.p4d.24xlarge",',
        "    keep_alive_period_in_seconds=KEEP_ALIVE,",
        *(["    use_spot_instances=True,", "    max_wait=7200,"] if spot else []),
        "    environment={\"EPOCHS\": 3},",
        ")",
        "estimator = Estimator(**kwargs)",
        'estimator.fit({"train": "s3://bucket/train/"})',
        "",
        "",
    ]


def _boto3(rng: random.Random) -> List[str]:
    return [
        "import boto3",
        "",
        'sm = boto3.client("sagemaker")',
        "",
        "",
        "def create(name, image, data, role):",
        "    sm.create_model(",
        "        ModelName=name,",
        "        ExecutionRoleArn=role,",
        '        PrimaryContainer={"Image": image, "ModelDataUrl": data,',
        f'                          "Environment": {{"MODEL_SERVER_TIMEOUT": {rng.randint(60, 900)}}}}},',
        "    )",
        "    sm.create_endpoint_config(",
        '        EndpointConfigName=name,',
        '        ProductionVariants=[{"VariantName": "all", "ModelName": name,',
        '                             "InstanceType": "ml.g5.xlarge", "InitialInstanceCount": 1}],',
        "    )",
        "",
        "",
    ]


SHAPES: Dict[str, Callable[[random.Random], List[str]]] = {
    "deploy": _deploy, "train": _train, "boto3": _boto3,
}


def _script(rng: random.Random, lines: int) -> List[str]:
    shape = rng.choice(sorted(SHAPES))
    body = SHAPES[shape](rng)
    padding = _ordinary(rng, max(lines - len(body), 0))
    # The SageMaker part sits after the imports and helpers, as in a real script.
    return padding[:8] + body + padding[8:]


def _notebook(rng: random.Random, lines: int) -> str:
    deploy = _deploy(rng)
    split = deploy.index("def deploy(model_data, role):")
    helper = _ordinary(rng, max(lines - len(deploy), 0))
    cells = [
        ("markdown", ["# Deploy the model\n"]),
        ("code", ["%pip install -q sagemaker\n"]),
        ("code", [line + "\n" for line in deploy[:split]]),
        ("code", [line + "\n" for line in helper]),
        ("code", ["%%time\n"] + [line + "\n" for line in deploy[split:]]
                 + ['predictor = deploy("s3://bucket/model.tar.gz", "role")\n']),
    ]
    document = {
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": source,
             **({"execution_count": None, "outputs": []} if kind == "code" else {})}
            for kind, source in cells
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1) + "\n"


def _lines(rng: random.Random) -> int:
    return int(math.exp(rng.uniform(math.log(MIN_LINES), math.log(MAX_LINES))))


def generate(
    root: Path, files: int, sagemaker_share: float = 0.2, notebook_share: float = 0.1,
    seed: int = 0,
) -> List[Path]:
    """Write the repository; return the paths of the files written."""
    rng = random.Random(seed)
    written: List[Path] = []
    for number in range(files):
        folder = root / f"pkg{number % 10}" / f"sub{number % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        lines = _lines(rng)
        if rng.random() < sagemaker_share:
            if rng.random() < notebook_share:
                path, text = folder / f"nb_{number}.ipynb", _notebook(rng, lines)
            else:
                path, text = folder / f"sm_{number}.py", "\n".join(_script(rng, lines)) + "\n"
        else:
            path, text = folder / f"mod_{number}.py", "\n".join(_ordinary(rng, lines)) + "\n"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
