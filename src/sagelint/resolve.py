"""Moved to `sagelint.analysis.resolve`; kept so existing imports keep working."""

from sagelint.analysis.resolve import *  # noqa: F401,F403
from sagelint.analysis.resolve import (  # noqa: F401
    UNKNOWN,
    DictValue,
    Entry,
    Hop,
    Keyword,
    Keywords,
    ListValue,
    ObjectValue,
    Resolver,
    Scalar,
    ScalarType,
    Value,
    whole_number,
)
