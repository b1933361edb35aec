"""mutusim: agent-based simulation of digital-project pooling among Walloon social-economy
enterprises (EES) and of the public policies that foster it.

Public API: ``load_config``, ``simulate``, ``outcomes``, ``docking``, ``ConfigError``,
``SimulationResult``; experiments in ``mutusim.experiments``.
"""

from mutusim import jit_cache

jit_cache.configure()  # before any compiled function is defined

from mutusim import docking  # noqa: E402
from mutusim.config import ConfigError, ScenarioConfig, load_config  # noqa: E402
from mutusim.results import SimulationResult  # noqa: E402
from mutusim.simulate import outcomes, simulate  # noqa: E402

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
