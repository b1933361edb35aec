"""The golden cases: what ``regenerate.py`` records and ``tests/test_golden.py`` replays.

A case is a scenario (a config file with overrides, or a docking set-up), the seeds and the
number of runs per seed, and optionally EES whose stories are recorded.
"""

from __future__ import annotations

from typing import Any

import mutusim
from mutusim import docking

POLICY_FILES = (
    "pooled_subsidy",
    "facilitator",
    "pioneer_reward",
    "awareness",
    "training",
    "standardisation",
    "individual_subsidy",
)

CASES: dict[str, dict[str, Any]] = {
    "baseline": {"config": None, "set": [], "seeds": (17, 2), "runs": 2},
    "sector": {
        "config": "configs/sector.yaml",
        "set": [],
        "seeds": (5, 6),
        "runs": 3,
        "story_agents": tuple(range(60)),
    },
    "sector_no_demand": {
        "config": "configs/sector.yaml",
        "set": ["mechanisms.demand=false"],
        "seeds": (2, 3),
        "runs": 2,
        "story_agents": tuple(range(60)),
    },
    **{
        f"policy_{name}": {
            "config": f"configs/scenarios/{name}.yaml",
            "set": ["population.n_agents=1500", "policies.0.budget_eur=500000"],
            "seeds": (23, 24),
            "runs": 2,
        }
        for name in POLICY_FILES
    },
    "all_policies": {
        "config": "configs/scenarios/all_policies.yaml",
        "set": [
            "population.n_agents=3000",
            *(f"policies.{k}.budget_eur=250000" for k in range(6)),
        ],
        "seeds": (29, 30),
        "runs": 2,
        "story_agents": tuple(range(0, 3000, 150)),
    },
    "docking_bass": {
        "docking": ("bass_config", (0.03, 0.38, 300, 5)),
        "seeds": (31, 32),
        "runs": 2,
    },
    "docking_decay": {"docking": ("decay_config", (0.02, 300, 36)), "seeds": (31, 32), "runs": 2},
    "docking_granovetter": {
        "docking": ("granovetter_config", ([k / 50 for k in range(50)], 60)),
        "seeds": (31, 32),
        "runs": 2,
    },
    "docking_dropout": {
        "docking": ("dropout_config", (0.03, 0.38, 0.05, 200, 10)),
        "seeds": (31, 32),
        "runs": 2,
    },
}


def case_config(case: dict[str, Any]) -> mutusim.ScenarioConfig:
    """The scenario of one case."""
    if "docking" in case:
        factory, args = case["docking"]
        return getattr(docking, factory)(*args)
    return mutusim.load_config(case["config"], list(case["set"]))
