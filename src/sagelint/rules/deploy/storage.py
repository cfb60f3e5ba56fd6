"""What a deploy's instance type and storage settings are known to be (SM207, SM208)."""

from __future__ import annotations

from typing import Callable, Iterator, Optional, Tuple

from sagelint.instances import has_local_storage
from sagelint.analysis.resolve import DictValue, Keyword, ListValue, Scalar
from sagelint.rules import RuleContext
from sagelint.rules.deploy.common import instance_deploys
from sagelint.surfaces import Deploy


def local_storage_type(deploy: Deploy) -> Optional[str]:
    """The deploy's instance type when it is known to have local NVMe storage."""
    value = deploy.instance_type
    if isinstance(value, Scalar) and isinstance(value.value, str):
        if has_local_storage(value.value):
            return value.value
    return None


def set_keyword(keyword: Optional[Keyword]) -> Optional[Keyword]:
    """The keyword when it is known to hold something other than None (an unknown value may
    be None at run time, and the SDK leaves a None setting out)."""
    if keyword is None:
        return None
    value = keyword.value
    if isinstance(value, Scalar):
        return keyword if value.value is not None else None
    # A call's result (a pipeline variable, a parameter) may be None: unknown.
    return keyword if isinstance(value, (DictValue, ListValue)) else None


def set_on_local_storage(
    ctx: RuleContext, keyword_of: Callable[[Deploy], Optional[Keyword]]
) -> Iterator[Tuple[Deploy, Keyword, str]]:
    """(deploy, its keyword, its instance type) for the instance deploys whose keyword (as
    `keyword_of` finds it) is known to be set, on an instance type with local NVMe storage."""
    for deploy in instance_deploys(ctx):
        keyword = set_keyword(keyword_of(deploy))
        instance_type = local_storage_type(deploy)
        if keyword is not None and instance_type is not None:
            yield deploy, keyword, instance_type
