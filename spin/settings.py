"""Thresholds and limits, read from ``spin/settings.toml``; a user file overrides only the keys it sets."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from spin.errors import InputError


@lru_cache(maxsize=1)
def default_settings() -> Mapping[str, Mapping[str, Any]]:
    """The shipped settings, read-only."""
    text = resources.files("spin").joinpath("settings.toml").read_text(encoding="utf-8")
    return _freeze(tomllib.loads(text))


def load_settings(user_file: str | Path | None = None) -> Mapping[str, Mapping[str, Any]]:
    """Shipped settings, with the keys a user's TOML file sets replaced; unknown keys are an error."""
    defaults = default_settings()
    if user_file is None:
        return defaults
    path = Path(user_file)
    try:
        overrides = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(str(path), f"cannot read settings file ({exc})") from None
    merged = {section: dict(values) for section, values in defaults.items()}
    for section, values in overrides.items():
        if section not in merged or not isinstance(values, dict):
            raise InputError(str(path), f"unknown settings section [{section}]")
        for key, value in values.items():
            if key not in merged[section]:
                raise InputError(str(path), f"unknown setting {section}.{key}")
            if type(value) is not type(merged[section][key]):
                raise InputError(str(path), f"setting {section}.{key} must be a {type(merged[section][key]).__name__}")
            merged[section][key] = value
    return _freeze(merged)


def _freeze(tree: dict) -> Mapping[str, Mapping[str, Any]]:
    return MappingProxyType({section: MappingProxyType(dict(values)) for section, values in tree.items()})
