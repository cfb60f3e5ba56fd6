"""What a known instance type implies: local NVMe storage, and how many GPUs it has.

Both answers are "unknown" (None) for anything that is not a SageMaker instance type written
out in full (`ml.<family>.<size>`): a rule then stays silent.
"""

from __future__ import annotations

from sagelint.api_tables import HOSTING, PROCESSING, TRAINING, TRANSFORM
from sagelint.instance_gpus import GPU_COUNTS

# The SDK's own test, `sagemaker.utils.volume_size_supported` (SDK 2.257.7; the same in
# `sagemaker.core.common_utils` of SDK 3): an instance family containing "d" (c5d, m5d, p3dn,
# g4dn, p4d, p4de, ...) or starting with one of these has local NVMe storage and no EBS volume.
_LOCAL_STORAGE_PREFIXES = ("g5", "g6", "p5", "trn1")


def instance_family(instance_type: str) -> str | None:
    """`g5` for `ml.g5.xlarge`; None for what is not `ml.<family>.<size>`."""
    parts = instance_type.split(".")
    if len(parts) != 3 or parts[0] != "ml" or not all(parts):
        return None
    return parts[1]


def has_local_storage(instance_type: str) -> bool | None:
    """True when the instance type has local NVMe storage instead of an EBS volume (volume
    size and volume KMS key do not apply to it); False when it attaches an EBS volume; None
    when that is not known. Local mode has no instance at all: False, as in the SDK."""
    if instance_type.startswith("local"):  # "local", "local_gpu": as the SDK decides
        return False
    family = instance_family(instance_type)
    if family is None:
        return None
    return "d" in family or family.startswith(_LOCAL_STORAGE_PREFIXES)


def gpu_count(instance_type: str) -> int | None:
    """The number of GPUs of an instance type the generated table lists (the SDK's and
    sagemaker-hyperpod's); None for any other, and for types without GPUs."""
    return GPU_COUNTS.get(instance_type)


# -- accelerators an inference component may request (SM111) -----------------------------------
def accelerator_count(instance_type: str) -> int | None:
    """The accelerators an inference component can get on an instance type: the table's GPU
    count for a `g*` / `p*` type it lists, 0 for any other family except `inf*` / `trn*`
    (the SDK's own CPU test, `image_uris._processor`), None when not known (Inferentia and
    Trainium devices are not in the table)."""
    family = instance_family(instance_type)
    if family is None:
        return None
    if family.startswith(("g", "p")):
        return gpu_count(instance_type)
    if family.startswith(("inf", "trn")):
        return None
    return 0


# -- the processor an image is built for (SM211, SM212) -----------------------------------------
def _listed_families() -> frozenset[str]:
    families: set[str] = set()
    for table in (HOSTING, TRAINING, PROCESSING, TRANSFORM):
        families.update(name.split(".")[1] for name in table if name.count(".") == 2)
    return frozenset(families)


_LISTED_FAMILIES = _listed_families()


def processor_kind(instance_type: str) -> str | None:
    """"gpu" or "cpu" as the SDK's `image_uris._processor` decides for an instance type:
    `local_gpu` and a `g*` / `p*` family are GPU; `local` and any other family the API
    tables list are CPU; `inf*` / `trn*` (neither) and anything else: None."""
    if instance_type in ("local", "local_gpu"):
        return "gpu" if instance_type == "local_gpu" else "cpu"
    family = instance_family(instance_type)
    if family is None or family.startswith(("inf", "trn")):
        return None
    if family.startswith(("g", "p")):
        return "gpu"
    return "cpu" if family in _LISTED_FAMILIES else None
