"""mutusim: agent-based simulation of digital-project pooling among Walloon social-economy
enterprises (EES) and of the public policies that foster it.

Public API: ``load_config``, ``simulate``, ``outcomes``, ``docking``, ``ConfigError``,
``SimulationResult``; experiments in ``mutusim.experiments``.
"""

from mutusim import docking
from mutusim.config import ConfigError, ScenarioConfig, load_config
from mutusim.results import SimulationResult
from mutusim.simulate import outcomes, simulate

__version__ = "0.5.0"

__all__ = [
    "ConfigError",
    "ScenarioConfig",
    "SimulationResult",
    "__version__",
    "docking",
    "load_config",
    "outcomes",
    "simulate",
]
