"""Moved to `sagelint.analysis.index`; kept so existing imports keep working."""

from sagelint.analysis.index import *  # noqa: F401,F403
from sagelint.analysis.index import (  # noqa: F401
    Binding,
    ModuleIndex,
    StmtPos,
    Use,
    UseSite,
    positional_and_keywords,
)
