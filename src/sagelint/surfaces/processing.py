"""Processing jobs' container environment: SDK v2 `Processor(env=...)` and its subclasses
(`ScriptProcessor`, `SKLearnProcessor`, `PySparkProcessor`, ...), and boto3
`create_processing_job(Environment=...)`.

A processing container is no model server: only the rules that hold for any container's
environment apply (SM103 values are strings, SM107 keys are valid, SM501 no secrets); the
serving timeouts (SM101, SM102, SM104 to SM106, SM109) do not. The names of the same calls
(`base_job_name`, `ProcessingJobName`) are read by `surfaces/resources.py`: both surfaces
claim these calls, and each adds its own facts.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from sagelint.analysis.resolve import Keyword
from sagelint.catalog import PROCESSORS, Catalog
from sagelint.surfaces.common import Context
from sagelint.surfaces.facts import CallSite, EnvMapping
from sagelint.surfaces.keys import Receiver, Table, method

PACKAGES = frozenset({"sagemaker", "boto3"})


def processor(ctx: Context, call: cst.Call, label: str) -> None:
    """`Processor(env={...})`; an env assigned later (`processor.env = ...`) is not this one."""
    if ctx.resolver.attribute_touched(call, "env"):
        return
    _environment(ctx, call, label, ctx.resolver.keywords(call).get("env"))


def create_processing_job(ctx: Context, call: cst.Call, label: str) -> None:
    _environment(ctx, call, label, ctx.resolver.keywords(call).get("Environment"))


def _environment(ctx: Context, call: cst.Call, label: str, env: Optional[Keyword]) -> None:
    if env is not None:
        site = CallSite(call, label)
        ctx.facts.env_mappings.append(
            EnvMapping(site, env.anchor, env.value, False, None, serving=False)
        )


def table(catalog: Catalog) -> Table:
    routes = Table()
    for name in sorted(PROCESSORS):
        routes.add(name, processor, name.rsplit(".", 1)[-1])
    routes.add(
        method("create_processing_job", Receiver.CLIENT), create_processing_job,
        "create_processing_job",
    )
    return routes
