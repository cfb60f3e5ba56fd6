"""Generate src/sagelint/api_tables.py: instance types and numeric ranges of the SageMaker API.

botocore ships the SageMaker service model as
`botocore/data/sagemaker/2017-07-24/service-2.json.gz`. This script reads it from a botocore
wheel as data (zipfile + gzip + json; nothing of botocore is imported or run), walks the input
shapes of the operations sagelint's surfaces feed (OPERATIONS below), following every shape
reference, and writes a plain Python module:

- the instance-type enum of each API: the enum shape that the `InstanceType` members under
  those inputs reference (training, hosting, processing, transform). Each enum is found from
  the members, never named by hand: a member that references an instance-type enum this script
  does not map to an API is an error, so a new enum is seen, not skipped;
- every integer / long / float / double member with a `min` or a `max`, keyed by its API path
  (`CreateEndpointConfig.ProductionVariants[].VolumeSizeInGB`: `[]` is a list element, `{}` a
  map value), so the rules read the service's own ranges instead of hand-written ones.

    pip download botocore==1.44.18 --no-deps -d /tmp/sdk
    python scripts/gen_api_tables.py /tmp/sdk/botocore-1.44.18-py3-none-any.whl
    python scripts/gen_api_tables.py --check /tmp/sdk/botocore-1.44.18-py3-none-any.whl

Output is sorted and depends on the service model only, so `--check` (exit 1 when the
checked-in module differs) can run in the test suite. Exit 2: the input is not usable.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import textwrap
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

MODEL_FILE = "botocore/data/sagemaker/2017-07-24/service-2.json.gz"
OUTPUT = Path(__file__).resolve().parent.parent / "src" / "sagelint" / "api_tables.py"

# The operations whose inputs sagelint's surfaces build (boto3, Session, core resources, SDK
# v2 / v3 and CDK all end in one of these). shared/SAGEMAKER.md §15-16.
OPERATIONS = (
    "CreateEndpointConfig",
    "CreateHyperParameterTuningJob",
    "CreateInferenceComponent",
    "CreateModel",
    "CreateProcessingJob",
    "CreateTrainingJob",
    "CreateTransformJob",
    "UpdateInferenceComponent",
    "UpdateTrainingJob",
)

# Instance-type enum shape -> the module constant that holds it. Inference components take
# the hosting enum and training's instance groups the training enum (the members say so; the
# generated docstring lists them).
API_ENUMS = {
    "TrainingInstanceType": "TRAINING",
    "ProductionVariantInstanceType": "HOSTING",
    "ProcessingInstanceType": "PROCESSING",
    "TransformInstanceType": "TRANSFORM",
}
NUMERIC = ("integer", "long", "float", "double")
Number = Union[int, float]


class ModelError(Exception):
    """The input is not a usable service model; the message says why, on one line."""


@dataclass
class Tables:
    """What the walk found."""

    source: str
    api_version: str
    enums: dict[str, list[str]] = field(default_factory=dict)  # enum shape -> values
    member_enum: dict[str, str] = field(default_factory=dict)  # Shape.Member -> enum shape
    path_enum: dict[str, str] = field(default_factory=dict)  # API path -> enum shape
    ranges: dict[str, tuple[Optional[Number], Optional[Number]]] = field(default_factory=dict)
    floats: set[str] = field(default_factory=set)  # API paths of float / double members


def read_model(wheel: Path) -> tuple[str, Mapping[str, Any]]:
    """(botocore version, the parsed service model) from a botocore wheel."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            names = set(archive.namelist())
            if MODEL_FILE not in names:
                raise ModelError(f"{wheel}: no {MODEL_FILE} inside")
            version = _version(archive, names, wheel)
            data = gzip.decompress(archive.read(MODEL_FILE))
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ModelError(f"{wheel}: not a readable wheel ({error})") from error
    try:
        model = json.loads(data)
    except ValueError as error:
        raise ModelError(f"{wheel}: {MODEL_FILE} is not JSON ({error})") from error
    if not isinstance(model, dict) or not isinstance(model.get("shapes"), dict):
        raise ModelError(f"{wheel}: {MODEL_FILE} has no shapes")
    return version, model


def _version(archive: zipfile.ZipFile, names: set[str], wheel: Path) -> str:
    """The wheel's own `Version:` (its METADATA), not the file name, which a copy may change."""
    for name in sorted(names):
        if re.fullmatch(r"botocore-[^/]+\.dist-info/METADATA", name):
            text = archive.read(name).decode("utf-8", "replace")
            found = re.search(r"^Version: *(\S+)", text, re.MULTILINE)
            if found:
                return found.group(1)
    raise ModelError(f"{wheel}: no botocore dist-info METADATA with a Version")


def walk(version: str, model: Mapping[str, Any]) -> Tables:
    """Follow every shape reference from the operations' inputs."""
    shapes: Mapping[str, Any] = model["shapes"]
    metadata = model.get("metadata", {})
    tables = Tables(f"botocore-{version}", str(metadata.get("apiVersion", "")))
    operations = model.get("operations", {})
    for operation in OPERATIONS:
        if operation not in operations:
            raise ModelError(f"operation {operation} is not in the service model")
        _walk(shapes, tables, operations[operation]["input"]["shape"], operation, ())
    if set(tables.enums) != set(API_ENUMS):
        missing = sorted(set(API_ENUMS) - set(tables.enums))
        raise ModelError(f"no member references the instance-type enums {missing}")
    return tables


def _walk(
    shapes: Mapping[str, Any], tables: Tables, name: str, path: str, stack: tuple[str, ...]
) -> None:
    if name in stack:  # a recursive shape: its members were reached once already
        return
    shape = shapes.get(name)
    if not isinstance(shape, dict):
        raise ModelError(f"{path}: shape {name!r} is not in the service model")
    kind = shape.get("type")
    inner = stack + (name,)
    if kind == "structure":
        for member, reference in sorted(shape.get("members", {}).items()):
            target = reference["shape"]
            _note_enum(shapes, tables, name, member, target, f"{path}.{member}")
            _walk(shapes, tables, target, f"{path}.{member}", inner)
    elif kind == "list":
        _walk(shapes, tables, shape["member"]["shape"], f"{path}[]", inner)
    elif kind == "map":
        _walk(shapes, tables, shape["value"]["shape"], f"{path}{{}}", inner)
    elif kind in NUMERIC and ("min" in shape or "max" in shape):
        tables.ranges[path] = (_number(shape.get("min"), path), _number(shape.get("max"), path))
        if kind in ("float", "double"):
            tables.floats.add(path)


def _note_enum(
    shapes: Mapping[str, Any], tables: Tables, owner: str, member: str, target: str, path: str
) -> None:
    """Record an instance-type member (`InstanceType`, `SelectedInstanceType`, ...) and its enum.
    Accelerator types (`ml.eia1.*`) are not instance types: their members are not named so."""
    values = shapes.get(target, {}).get("enum")
    if not member.endswith("InstanceType") or not isinstance(values, list):
        return
    if not any(isinstance(value, str) and value.startswith("ml.") for value in values):
        return
    if target not in API_ENUMS:
        raise ModelError(f"{path}: instance-type enum {target} is not mapped to an API")
    tables.enums[target] = sorted(values)
    tables.member_enum[f"{owner}.{member}"] = target
    tables.path_enum[path] = target


def _number(value: object, path: str) -> Optional[Number]:
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    raise ModelError(f"{path}: min/max {value!r} is not a number")


def render(tables: Tables) -> str:
    """The generated module's text."""
    enum_users: dict[str, list[str]] = {}
    for member, enum in sorted(tables.member_enum.items()):
        enum_users.setdefault(enum, []).append(member)
    lines = [
        '"""Instance types and numeric ranges of the SageMaker API. GENERATED by',
        "scripts/gen_api_tables.py: do not edit.",
        "",
        f"Source: {tables.source}, {MODEL_FILE}",
        *textwrap.wrap(
            f"(SageMaker API version {tables.api_version}), the inputs of {', '.join(OPERATIONS)}.",
            width=92,
        ),
        "",
        "Instance-type enums, each the enum shape these input members reference:",
    ]
    for enum, constant in sorted(API_ENUMS.items(), key=lambda item: item[1]):
        lines.append(f"- {constant}: {enum} ({len(tables.enums[enum])} types), from")
        lines += [f"    {member}" for member in enum_users[enum]]
    lines += [
        "",
        "RANGES: API path -> (min, max) of every numeric member with a bound under those inputs",
        "(None: no bound); `[]` is a list element, `{}` a map value. FLOAT_PATHS: the float ones.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Optional, Union",
        "",
        f"SOURCE = {json.dumps(tables.source)}",
        f"API_VERSION = {json.dumps(tables.api_version)}",
        "",
    ]
    for enum, constant in sorted(API_ENUMS.items(), key=lambda item: item[1]):
        lines.append(f"{constant}: frozenset[str] = frozenset({{")
        lines += [f"    {json.dumps(value)}," for value in tables.enums[enum]]
        lines += ["})", ""]
    lines += ["# Shape.Member -> the enum shape it references.", "MEMBER_ENUM: dict[str, str] = {"]
    lines += [f"    {json.dumps(k)}: {json.dumps(v)}," for k, v in sorted(tables.member_enum.items())]
    lines += ["}", "", "# API path -> the enum shape of the instance type there."]
    lines += ["PATH_ENUM: dict[str, str] = {"]
    lines += [f"    {json.dumps(k)}: {json.dumps(v)}," for k, v in sorted(tables.path_enum.items())]
    lines += ["}", "", "Bound = Optional[Union[int, float]]", ""]
    lines += ["RANGES: dict[str, tuple[Bound, Bound]] = {"]
    for path, (low, high) in sorted(tables.ranges.items()):
        lines.append(f"    {json.dumps(path)}: ({_literal(low)}, {_literal(high)}),")
    lines += ["}", "", "FLOAT_PATHS: frozenset[str] = frozenset({"]
    lines += [f"    {json.dumps(path)}," for path in sorted(tables.floats)]
    lines += ["})", ""]
    return "\n".join(lines)


def _literal(value: Optional[Number]) -> str:
    return "None" if value is None else repr(value)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("wheel", type=Path, help="botocore wheel (.whl)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the output is not what would be written"
    )
    args = parser.parse_args(argv)
    try:
        text = render(walk(*read_model(args.wheel)))
    except ModelError as error:
        print(f"gen_api_tables: {error}", file=sys.stderr)
        return 2
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"gen_api_tables: {args.output} is stale", file=sys.stderr)
            return 1
        return 0
    temporary = args.output.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(args.output)  # atomic: a failed run leaves the old table
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
