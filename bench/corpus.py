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
from typing import Callable, Dict, List, Tuple

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


# -- the dense profile ----------------------------------------------------------------------
#
# Real SageMaker projects keep their calls inside functions, methods and classes that also hold
# everything else (argument parsing, data preparation, logging, metrics), pass estimators and
# models from one helper to another, and deploy in a later notebook cell. Pruning top-level
# statements keeps almost all of such a file (98.7 % of the text of 156 real scripts); the
# profile above keeps about 1.5 %. `generate_dense` writes files of this shape: the padding
# sits inside the same classes and functions as the SageMaker calls, and the top-level helpers
# are called from them.

ROLE = '"arn:aws:iam::123456789012:role/SageMakerRole"'


def _statements(rng: random.Random, indent: str, count: int) -> List[str]:
    """About `count` lines of ordinary code for the inside of a function or method: local
    bookkeeping, loops, comprehensions, logging, string formatting."""
    rows, summary = _name(rng), _name(rng)
    lines = [f"{indent}{rows} = [dict(id=i, value=i * {rng.randint(2, 9)}) for i in range({rng.randint(5, 99)})]",
             f"{indent}{summary} = defaultdict(list)"]
    while len(lines) < count:
        choice = rng.random()
        if choice < 0.25:
            lines += [
                f"{indent}for position, item in enumerate({rows}):",
                f"{indent}    if item['value'] % {rng.randint(2, 7)} == 0:",
                f"{indent}        {summary}[position % {rng.randint(2, 13)}].append(item['id'])",
                f"{indent}    elif position > {rng.randint(10, 80)}:",
                f"{indent}        break",
            ]
        elif choice < 0.45:
            lines.append(f"{indent}logger.info(\"%s: %d groups\", \"{_name(rng)}\", len({summary}))")
        elif choice < 0.6:
            lines.append(f"{indent}{rows} = [r for r in {rows} if r.get('value', 0) > {rng.randint(0, 40)}]")
        elif choice < 0.75:
            lines += [
                f"{indent}try:",
                f"{indent}    threshold = float(os.environ.get(\"{_name(rng).upper()}\", \"{rng.random():.2f}\"))",
                f"{indent}except ValueError:",
                f"{indent}    threshold = {rng.random():.2f}",
            ]
        elif choice < 0.9:
            lines.append(f"{indent}{summary} = {{k: sorted(v)[:{rng.randint(1, 30)}] for k, v in {summary}.items()}}")
        else:
            lines.append(f"{indent}report = json.dumps({{'rows': len({rows}), 'groups': len({summary})}})")
    return lines


def _method(rng: random.Random, helper: str) -> List[str]:
    """An ordinary method (of the class that also trains or deploys) that calls a module
    helper, as real classes do."""
    name = _name(rng)
    lines = [f"    def {name}(self, records, limit=None):",
             f'        """Prepare the {name.replace("_", " ")} of the records."""',
             f"        prepared = {helper}(records, limit)"]
    lines += _statements(rng, "        ", rng.randint(6, 30))
    return lines + ["        return prepared", ""]


def _dense_header(rng: random.Random, imports: List[str], helpers: int) -> Tuple[List[str], List[str]]:
    """Imports, a logger, and module helper functions (called from the classes below)."""
    lines = ['"""Train and deploy the ranking model."""', "import json", "import logging", "import os",
             "from collections import defaultdict", "", *imports, "",
             "logger = logging.getLogger(__name__)", f"ROLE = {ROLE}",
             f'BUCKET = "s3://models-{rng.randint(1, 99)}"', "", ""]
    names = []
    for _ in range(helpers):
        body = _function(rng)
        names.append(body[0][4:body[0].index("(")])
        lines += body
    return lines, names


def _padded(rng: random.Random, budget: int, helpers: List[str]) -> List[str]:
    """Ordinary methods for a class, about `budget` lines."""
    lines: List[str] = []
    while len(lines) < budget:
        lines += _method(rng, rng.choice(helpers))
    return lines


def _runner(rng: random.Random, lines: int) -> List[str]:
    """The CLIP project's shape: a runner class trains in one method and returns the
    estimator, deploys it in another; `runner = Runner(); runner.deploy(est)`."""
    header, helpers = _dense_header(
        rng, ["import sagemaker", "from sagemaker.huggingface import HuggingFace"], rng.randint(1, 4))
    budget = max(lines - len(header) - 70, 0)
    before = _padded(rng, budget // 2, helpers)
    after = _padded(rng, budget - budget // 2, helpers)
    timeouts = rng.random() < 0.4
    out = header + [
        "class TrainingRunner:",
        '    """Train the model on SageMaker and put it behind an endpoint."""',
        "",
        "    def __init__(self, role=ROLE, bucket=BUCKET):",
        "        self.role = role",
        "        self.bucket = bucket",
        "        self.session = sagemaker.Session()",
        "        self.history = []",
        "",
        *before,
        "    def train(self, data, epochs=3):",
        *_statements(rng, "        ", rng.randint(4, 25)),
        "        estimator = HuggingFace(",
        '            entry_point="train.py",',
        '            source_dir="scripts",',
        "            role=self.role,",
        f'            instance_type="ml.{rng.choice(["p3.2xlarge", "g5.2xlarge", "p4d.24xlarge"])}",',
        "            instance_count=1,",
        '            transformers_version="4.26",',
        '            pytorch_version="1.13",',
        '            py_version="py39",',
        "            hyperparameters={\"epochs\": epochs},",
        "            sagemaker_session=self.session,",
        "        )",
        '        estimator.fit({"train": f"{self.bucket}/{data}"})',
        "        self.history.append(estimator)",
        "        return estimator",
        "",
        *after,
        "    def deploy(self, estimator, instance_type=\"ml.g4dn.xlarge\"):",
        *_statements(rng, "        ", rng.randint(4, 25)),
        "        predictor = estimator.deploy(",
        "            initial_instance_count=1,",
        "            instance_type=instance_type,",
        *(["            container_startup_health_check_timeout=900,"] if timeouts else []),
        "        )",
        "        return predictor",
        "",
        "",
        "def main():",
        *_statements(rng, "    ", rng.randint(4, 20)),
        "    runner = TrainingRunner()",
        '    est = runner.train("train/")',
        "    runner.deploy(est)",
        "",
        "",
        'if __name__ == "__main__":',
        "    main()",
    ]
    return out


def _pipeline(rng: random.Random, lines: int) -> List[str]:
    """Functions that pass a model along: build it from an env in one, deploy it in another,
    `main()` wires them; each function also prepares data and logs."""
    header, helpers = _dense_header(
        rng, ["from sagemaker.pytorch import PyTorchModel"], rng.randint(2, 6))
    timeout = rng.choice(['"300"', "900", '"1800"'])
    budget = max(lines - len(header) - 45, 12)
    body: List[str] = [
        "def build_model(model_data, env):",
        *_statements(rng, "    ", budget // 3),
        "    return PyTorchModel(",
        "        model_data=model_data,",
        "        role=ROLE,",
        '        framework_version="2.1",',
        '        py_version="py310",',
        '        entry_point="inference.py",',
        "        env=env,",
        "    )",
        "",
        "",
        "def serve(model, instance_type):",
        *_statements(rng, "    ", budget // 3),
        "    return model.deploy(initial_instance_count=1, instance_type=instance_type)",
        "",
        "",
        "def main():",
        "    env = {",
        f'        "SAGEMAKER_MODEL_SERVER_TIMEOUT": {timeout},',
        '        "HF_TASK": "text-classification",',
        "    }",
        f"    records = {rng.choice(helpers)}([{{'id': 1, 'value': 2}}])",
        *_statements(rng, "    ", budget // 3),
        '    model = build_model(f"{BUCKET}/model.tar.gz", env)',
        f'    predictor = serve(model, "ml.g5.{rng.choice(["xlarge", "2xlarge"])}")',
        "    return predictor, records",
        "",
        "",
        'if __name__ == "__main__":',
        "    main()",
    ]
    return header + body


def _tuning(rng: random.Random, lines: int) -> List[str]:
    """SDK factories inside functions: a tuner over an estimator, the better of the two
    deployed through a conditional, `create_model` with an env, `attach`."""
    header, helpers = _dense_header(rng, [
        "from sagemaker.estimator import Estimator",
        "from sagemaker.tuner import HyperparameterTuner, ContinuousParameter",
    ], rng.randint(1, 4))
    budget = max(lines - len(header) - 55, 12)
    return header + [
        "def make_estimator(image, use_spot=False):",
        *_statements(rng, "    ", budget // 4),
        "    return Estimator(",
        "        image_uri=image,",
        "        role=ROLE,",
        "        instance_count=1,",
        '        instance_type="ml.g5.2xlarge",',
        "        use_spot_instances=use_spot,",
        "    )",
        "",
        "",
        "def train(image, use_amt):",
        *_statements(rng, "    ", budget // 4),
        "    estimator = make_estimator(image)",
        "    tuner = HyperparameterTuner(",
        "        estimator,",
        '        objective_metric_name="validation:auc",',
        '        hyperparameter_ranges={"eta": ContinuousParameter(0.01, 0.3)},',
        "        max_jobs=4,",
        "    )",
        "    if use_amt:",
        '        tuner.fit({"train": f"{BUCKET}/train"})',
        "    else:",
        '        estimator.fit({"train": f"{BUCKET}/train"})',
        "    return (tuner if use_amt else estimator).deploy(",
        "        initial_instance_count=1,",
        '        instance_type="ml.g5.xlarge",',
        "    )",
        "",
        "",
        "def redeploy(job_name):",
        f"    records = {rng.choice(helpers)}([])",
        *_statements(rng, "    ", budget // 4),
        "    estimator = Estimator.attach(job_name)",
        '    model = estimator.create_model(env={"SAGEMAKER_MODEL_SERVER_WORKERS": "2"})',
        '    model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")',
        "    return records",
    ]


def _boto3_client(rng: random.Random, lines: int) -> List[str]:
    """A client class over boto3: the calls are methods of an object that also does the
    bookkeeping of the deployment."""
    header, helpers = _dense_header(rng, ["import boto3"], rng.randint(1, 4))
    budget = max(lines - len(header) - 40, 0)
    before = _padded(rng, budget // 2, helpers)
    after = _padded(rng, budget - budget // 2, helpers)
    return header + [
        "class Endpoints:",
        "    def __init__(self, region=\"us-east-1\"):",
        '        self.sm = boto3.client("sagemaker", region_name=region)',
        "        self.created = []",
        "",
        *before,
        "    def create(self, name, image, data):",
        *_statements(rng, "        ", rng.randint(4, 20)),
        "        self.sm.create_model(",
        "            ModelName=name,",
        "            ExecutionRoleArn=ROLE,",
        '            PrimaryContainer={"Image": image, "ModelDataUrl": data,',
        f'                              "Environment": {{"MODEL_SERVER_TIMEOUT": "{rng.randint(60, 900)}"}}}},',
        "        )",
        "        self.sm.create_endpoint_config(",
        "            EndpointConfigName=name,",
        '            ProductionVariants=[{"VariantName": "all", "ModelName": name,',
        '                                 "InstanceType": "ml.g5.xlarge", "InitialInstanceCount": 1}],',
        "        )",
        "        self.created.append(name)",
        "",
        *after,
    ]


DENSE_SHAPES: Dict[str, Callable[[random.Random, int], List[str]]] = {
    "runner": _runner, "pipeline": _pipeline, "tuning": _tuning, "boto3": _boto3_client,
}
DENSE_MIN_LINES = 50


def _dense_notebook(rng: random.Random, lines: int) -> str:
    """A notebook that reuses `estimator` and `model`, defines helpers in one cell and uses
    them in later ones, with ordinary analysis cells between."""
    header, helpers = _dense_header(
        rng, ["import sagemaker", "from sagemaker.pytorch import PyTorch, PyTorchModel"], 1)
    budget = max(lines - len(header) - 40, 8)
    cells: List[Tuple[str, List[str]]] = [
        ("markdown", ["# Train, then deploy"]),
        ("code", ["%pip install -q sagemaker"]),
        ("code", header),
        ("code", ["def train(entry_point, instance_type):",
                  *_statements(rng, "    ", budget // 3),
                  "    estimator = PyTorch(",
                  "        entry_point=entry_point,",
                  "        role=ROLE,",
                  "        instance_type=instance_type,",
                  "        instance_count=1,",
                  '        framework_version="2.1",',
                  '        py_version="py310",',
                  "    )",
                  '    estimator.fit({"train": BUCKET})',
                  "    return estimator"]),
        ("code", [f"stats = {helpers[0]}([])", *_statements(rng, "", budget // 3)]),
        ("code", ['estimator = train("train.py", "ml.g5.2xlarge")',
                  "model = estimator"]),
        ("code", ["%%time", *_statements(rng, "", budget // 3)]),
        ("code", ["model = PyTorchModel(",
                  "    model_data=estimator.model_data,",
                  "    role=ROLE,",
                  '    framework_version="2.1",',
                  '    py_version="py310",',
                  '    entry_point="inference.py",',
                  '    env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "600"},',
                  ")",
                  'predictor = model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")']),
    ]
    document = {
        "cells": [
            {"cell_type": kind, "metadata": {},
             "source": [line + "\n" for line in source[:-1]] + source[-1:],
             **({"execution_count": None, "outputs": []} if kind == "code" else {})}
            for kind, source in cells
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1) + "\n"


def generate_dense(root: Path, files: int, notebook_share: float = 0.15, seed: int = 0) -> List[Path]:
    """Write `files` SageMaker files of the dense profile (50 to 3,000 lines, log-uniform;
    every one of them passes the prefilter); return their paths."""
    rng = random.Random(seed)
    written: List[Path] = []
    for number in range(files):
        folder = root / f"project{number % 8}"
        folder.mkdir(parents=True, exist_ok=True)
        lines = int(math.exp(rng.uniform(math.log(DENSE_MIN_LINES), math.log(MAX_LINES))))
        if rng.random() < notebook_share:
            path, text = folder / f"nb_{number}.ipynb", _dense_notebook(rng, lines)
        else:
            shape = rng.choice(sorted(DENSE_SHAPES))
            path = folder / f"{shape}_{number}.py"
            text = "\n".join(DENSE_SHAPES[shape](rng, lines)) + "\n"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
