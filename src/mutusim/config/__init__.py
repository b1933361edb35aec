"""Configuration: pydantic schemas (``schema``) and the one loader (``loader``)."""

from mutusim.config.loader import (
    canonical_json,
    config_dir,
    config_hash,
    load_config,
    parse_override,
)
from mutusim.config.schema import POLICY_TYPES, PopulationConfig, ScenarioConfig
from mutusim.errors import ConfigError

__all__ = [
    "POLICY_TYPES",
    "ConfigError",
    "PopulationConfig",
    "ScenarioConfig",
    "canonical_json",
    "config_dir",
    "config_hash",
    "load_config",
    "parse_override",
]
