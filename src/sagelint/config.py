"""Settings: defaults and validation into one frozen object, built once per run.

Discovery of `[tool.sagelint]` in pyproject.toml / sagelint.toml belongs to the configuration
issue; the rule settings already live here so that every rule reads them from one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import FrozenSet, Iterable, Optional, Sequence, Tuple

from sagelint.catalog import Catalog

API_TIMEOUT_MIN = 60
API_TIMEOUT_MAX = 3600

DEFAULT_TIMEOUT_ENV_KEYS = (
    "SAGEMAKER_MODEL_SERVER_TIMEOUT",
    "MODEL_SERVER_TIMEOUT",
    "TS_DEFAULT_RESPONSE_TIMEOUT",
    "MMS_DEFAULT_RESPONSE_TIMEOUT",
    "SAGEMAKER_TS_RESPONSE_TIMEOUT",
)


class SettingsError(ValueError):
    """An impossible setting: the run stops with exit code 2."""


@dataclass(frozen=True)
class Settings:
    select: Tuple[str, ...] = ("ALL",)
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    server_timeout_floor: int = 300
    startup_timeout_floor: int = 600
    download_timeout_floor: int = 600
    keep_alive_max: int = 3600
    timeout_env_keys: Tuple[str, ...] = DEFAULT_TIMEOUT_ENV_KEYS
    extend_model_classes: Tuple[str, ...] = ()
    extend_estimator_classes: Tuple[str, ...] = ()
    respect_gitignore: bool = True
    exclude: Optional[Tuple[str, ...]] = None  # None: the default excludes
    extend_exclude: Tuple[str, ...] = ()
    enabled: FrozenSet[str] = field(default=frozenset(), compare=False)
    catalog: Catalog = field(default_factory=Catalog, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        select: Optional[Sequence[str]] = None,
        extend_select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        **options: object,
    ) -> Settings:
        from sagelint.rules import expand_selector, is_valid_selector

        selectors = tuple(select) if select else ("ALL",)
        for selector in (*selectors, *extend_select, *ignore):
            if not is_valid_selector(selector):
                raise SettingsError(f"unknown rule code or prefix: {selector!r}")
        enabled = set(_expand(selectors, expand_selector))
        enabled |= set(_expand(extend_select, expand_selector))
        enabled -= set(_expand(ignore, expand_selector, include_opt_in=True))
        base = cls(
            select=selectors,
            extend_select=tuple(extend_select),
            ignore=tuple(ignore),
            **options,  # type: ignore[arg-type]
        )
        base.validate()
        catalog = Catalog(base.extend_model_classes, base.extend_estimator_classes)
        object.__setattr__(base, "enabled", frozenset(enabled))
        object.__setattr__(base, "catalog", catalog)
        return base

    def validate(self) -> None:
        for key in ("startup_timeout_floor", "download_timeout_floor"):
            value = getattr(self, key)
            if not 0 <= value <= API_TIMEOUT_MAX:
                raise SettingsError(
                    f"{key.replace('_', '-')} must be between 0 and {API_TIMEOUT_MAX}, got {value}"
                )
        if self.server_timeout_floor < 0:
            raise SettingsError("server-timeout-floor must not be negative")
        if self.keep_alive_max < 0:
            raise SettingsError("keep-alive-max must not be negative")


def _expand(
    selectors: Iterable[str], expand: object, include_opt_in: bool = False
) -> Iterable[str]:
    for selector in selectors:
        yield from expand(selector, include_opt_in)  # type: ignore[operator]
