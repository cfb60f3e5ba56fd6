"""Generate src/sagelint/instance_gpus.py: GPUs (and Trainium chips) per SageMaker instance type.

Two maintained sources on PyPI, both read as data (nothing of them is imported or run):

1. The SageMaker Python SDK's `image_uri_config/instance_gpu_info.json` (`sagemaker` 2.257.7
   and `sagemaker-core` 2.27.0 carry the same file; the newest releases on PyPI, checked
   2026-12), one table per region. The counts do not differ by region; this script checks
   that and takes the union: 24 GPU types (g4dn, g5 without g5.xlarge, p2, p3, p3dn, p4d,
   p4de, p5.48xlarge).
2. `sagemaker-hyperpod` 3.12.0 (AWS's HyperPod SDK and CLI, github.com/aws/sagemaker-hyperpod-cli,
   Apache-2.0), `sagemaker/hyperpod/training/constants.py`: the literal `INSTANCE_RESOURCES`,
   instance type -> {"cpu", "gpu", "trainium", "memory", "efa"}, parsed with `ast.literal_eval`.
   122 types; 41 with GPUs, 4 with Trainium chips. It adds ml.g5.xlarge, g6, g6e, g7e, gr6,
   p5.4xlarge, p5e, p5en, p6-b200, p6-b300, p6e-gb200 (31 GPU types) and trn1, trn1n, trn2.

A type both list must have the same GPU count in both (an error otherwise; none differs
today). GPU_COUNTS holds only types with GPUs, so a CPU type stays unknown as before.
TRAINIUM_COUNTS holds Trainium chips (not NeuronCores: trn1.32xlarge has 16 chips) apart from
GPUs: a Trainium type has no GPU. Types neither source lists (inf1, inf2, dl1, g4ad, ...) are
unknown.

    pip download sagemaker==2.257.7 sagemaker-hyperpod==3.12.0 --no-deps -d /tmp/sdk
    python scripts/gen_gpu_table.py /tmp/sdk/sagemaker-2.257.7-py3-none-any.whl \
        /tmp/sdk/sagemaker_hyperpod-3.12.0-py3-none-any.whl
    python scripts/gen_gpu_table.py --check /tmp/sdk/sagemaker-2.257.7-py3-none-any.whl \
        /tmp/sdk/sagemaker_hyperpod-3.12.0-py3-none-any.whl

Each input may be a wheel, an unpacked package folder, the SDK's JSON file or HyperPod's
constants.py; the script tells the two kinds apart by the file they hold.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DATA_FILE = "image_uri_config/instance_gpu_info.json"
HYPERPOD_FILE = "sagemaker/hyperpod/training/constants.py"
HYPERPOD_TABLE = "INSTANCE_RESOURCES"
OUTPUT = Path(__file__).resolve().parent.parent / "src" / "sagelint" / "instance_gpus.py"


class TableError(Exception):
    """The input is not a usable GPU table; the message says why, on one line."""


@dataclass
class Counts:
    """What the sources say, merged."""

    sources: list[str] = field(default_factory=list)
    gpus: dict[str, int] = field(default_factory=dict)
    trainium: dict[str, int] = field(default_factory=dict)
    gpus_from: dict[str, str] = field(default_factory=dict)  # type -> the source that said so


def read_source(source: Path) -> tuple[str, str, bytes]:
    """(kind "sdk" or "hyperpod", where the data came from, its bytes) for a wheel, a folder
    or the file itself."""
    if source.is_dir():
        for kind, pattern in (("sdk", "instance_gpu_info.json"), ("hyperpod", "constants.py")):
            found = sorted(
                path for path in source.rglob(pattern)
                if kind == "sdk" or path.as_posix().endswith(HYPERPOD_FILE)
            )
            if found:
                where = f"{source.name}/{found[0].relative_to(source).as_posix()}"
                return kind, where, found[0].read_bytes()
        raise TableError(f"{source}: no {DATA_FILE} or {HYPERPOD_FILE} inside")
    if source.suffix == ".whl":
        try:
            with zipfile.ZipFile(source) as wheel:
                names = wheel.namelist()
                for kind, suffix in (("sdk", DATA_FILE), ("hyperpod", HYPERPOD_FILE)):
                    members = sorted(n for n in names if n.endswith(suffix))
                    if members:
                        return kind, f"{source.name}:{members[0]}", wheel.read(members[0])
                raise TableError(f"{source}: no {DATA_FILE} or {HYPERPOD_FILE} inside")
        except zipfile.BadZipFile as error:
            raise TableError(f"{source}: not a wheel ({error})") from error
    try:
        data = source.read_bytes()
    except OSError as error:
        raise TableError(f"{source}: {error.strerror}") from error
    return ("hyperpod" if source.suffix == ".py" else "sdk"), source.name, data


def _load(data: bytes, source: str) -> Mapping[str, object]:
    try:
        table = json.loads(data)
    except ValueError as error:
        raise TableError(f"{source}: not JSON ({error})") from error
    if not isinstance(table, dict) or not table:
        raise TableError(f"{source}: expected an object of regions")
    return table


def gpu_counts(table: Mapping[str, object]) -> dict[str, int]:
    """Instance type -> GPU count over every region of the SDK's table; a type whose count
    differs between regions is an error (the table would not mean what sagelint assumes)."""
    counts: dict[str, int] = {}
    seen_in: dict[str, str] = {}
    for region, types in sorted(table.items()):
        if not isinstance(types, dict):
            raise TableError(f"region {region!r}: expected an object of instance types")
        for instance_type, info in sorted(types.items()):
            count = info.get("Count") if isinstance(info, dict) else None
            if not isinstance(count, int) or not _whole(count):
                raise TableError(f"{region} {instance_type}: no whole GPU count")
            if instance_type in counts and counts[instance_type] != count:
                raise TableError(
                    f"{instance_type}: {counts[instance_type]} GPUs in {seen_in[instance_type]}, "
                    f"{count} in {region}"
                )
            counts[instance_type] = count
            seen_in.setdefault(instance_type, region)
    return counts


def hyperpod_counts(text: bytes, source: str) -> tuple[dict[str, int], dict[str, int]]:
    """(GPUs, Trainium chips) per instance type from HyperPod's `INSTANCE_RESOURCES` literal,
    only the types that have some. The module is parsed, never run."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as error:
        raise TableError(f"{source}: not Python ({error})") from error
    literal = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == HYPERPOD_TABLE for target in node.targets
        ):
            literal = node.value  # the last assignment wins, as when the module runs
    if literal is None:
        raise TableError(f"{source}: no {HYPERPOD_TABLE} assignment")
    try:
        table = ast.literal_eval(literal)
    except ValueError as error:
        raise TableError(f"{source}: {HYPERPOD_TABLE} is not a literal ({error})") from error
    if not isinstance(table, dict) or not table:
        raise TableError(f"{source}: {HYPERPOD_TABLE} is not an object of instance types")
    gpus: dict[str, int] = {}
    trainium: dict[str, int] = {}
    for instance_type, info in sorted(table.items()):
        gpu = info.get("gpu") if isinstance(info, dict) else None
        chips = info.get("trainium") if isinstance(info, dict) else None
        if not isinstance(instance_type, str) or not isinstance(gpu, int) or not _whole(gpu) \
                or not isinstance(chips, int) or not _whole(chips):
            raise TableError(f"{source} {instance_type}: no whole gpu / trainium count")
        if gpu:
            gpus[instance_type] = gpu
        if chips:
            trainium[instance_type] = chips
    return gpus, trainium


def _whole(count: object) -> bool:
    return isinstance(count, int) and not isinstance(count, bool) and count >= 0


def merge(sources: list[Path]) -> Counts:
    """Every source's counts; two sources that disagree on a type's GPUs are an error."""
    counts = Counts()
    for source in sources:
        kind, where, data = read_source(source)
        trainium: dict[str, int] = {}
        if kind == "sdk":
            gpus = gpu_counts(_load(data, where))
        else:
            gpus, trainium = hyperpod_counts(data, where)
        counts.sources.append(where)
        for instance_type, count in sorted(gpus.items()):
            known = counts.gpus.get(instance_type)
            if known is not None and known != count:
                raise TableError(
                    f"{instance_type}: {known} GPUs in {counts.gpus_from[instance_type]}, "
                    f"{count} in {where}"
                )
            counts.gpus[instance_type] = count
            counts.gpus_from.setdefault(instance_type, where)
        for instance_type, count in sorted(trainium.items()):
            if counts.trainium.get(instance_type, count) != count:
                raise TableError(f"{instance_type}: two Trainium counts")
            counts.trainium[instance_type] = count
    return counts


def render(gpus: Mapping[str, int], sources: list[str], trainium: Mapping[str, int]) -> str:
    """The generated module's text."""
    lines: list[str] = [
        '"""GPUs and Trainium chips per SageMaker instance type. GENERATED by',
        "scripts/gen_gpu_table.py: do not edit.",
        "",
        "Sources (see the script): the SageMaker Python SDK's image_uri_config/instance_gpu_info.json",
        "and sagemaker-hyperpod's INSTANCE_RESOURCES. GPU_COUNTS lists only types with GPUs,",
        "TRAINIUM_COUNTS only types with Trainium chips. A type that is not here is unknown.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "SOURCES: tuple[str, ...] = (",
    ]
    lines += [f"    {json.dumps(where)}," for where in sources]
    lines += [")", "", "GPU_COUNTS: dict[str, int] = {"]
    lines += [f"    {json.dumps(name)}: {count}," for name, count in sorted(gpus.items())]
    lines += ["}", "", "TRAINIUM_COUNTS: dict[str, int] = {"]
    lines += [f"    {json.dumps(name)}: {count}," for name, count in sorted(trainium.items())]
    lines += ["}", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "sources", type=Path, nargs="+",
        help="sagemaker / sagemaker-core and sagemaker-hyperpod wheels, folders or files",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the output is not what would be written"
    )
    args = parser.parse_args(argv)
    try:
        counts = merge(args.sources)
        text = render(counts.gpus, counts.sources, counts.trainium)
    except TableError as error:
        print(f"gen_gpu_table: {error}", file=sys.stderr)
        return 2
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"gen_gpu_table: {args.output} is stale", file=sys.stderr)
            return 1
        return 0
    temporary = args.output.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(args.output)  # atomic: a failed run leaves the old table
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
