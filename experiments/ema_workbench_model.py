"""Drive mutusim from EMA Workbench: uncertainties, levers (policies) and outcomes as named
objects, replications by the Workbench's ReplicatorModel (outcomes averaged over replications).

Needs EMA Workbench (``pip install ema_workbench``, not a mutusim dependency).
Usage: python experiments/ema_workbench_model.py [SCENARIOS] [POLICIES]
"""

from __future__ import annotations

import sys

import numpy as np

import mutusim

BASE = "configs/baseline.yaml"


def mutusim_model(
    pioneer_rate: float = 0.2,
    erosion: float = 0.01,
    budget: float = 0.0,
    incentive: str = "none",
    seed: int = 0,
) -> dict[str, float]:
    """One replication: a run of the numba engine with the given uncertainties and lever."""
    overrides = {
        "behaviour.pioneer_rate": pioneer_rate,
        "commitment.erosion": erosion,
        "budget_eur": budget,
        "population.n_agents": 2000,
    }
    if incentive != "none":
        overrides["policies"] = [incentive]
    config = mutusim.load_config(BASE, overrides)
    out = mutusim.outcomes(config, runs=1, seed=seed)
    return {
        "adoption": out["adoption_share"],
        "projects": out["active_projects"],
        "spend": out["public_spend"],
    }


def main() -> None:
    from ema_workbench import (
        CategoricalParameter,
        RealParameter,
        ReplicatorModel,
        Sample,
        ScalarOutcome,
        perform_experiments,
    )

    model = ReplicatorModel("mutusim", function=mutusim_model)
    model.replications = [{"seed": s} for s in range(5)]
    model.uncertainties = [
        RealParameter("pioneer_rate", 0.05, 0.5),
        RealParameter("erosion", 0.0, 0.03),
    ]
    model.levers = [
        CategoricalParameter("incentive", ["none", "facilitator", "awareness"]),
        RealParameter("budget", 0.0, 2_000_000.0),
    ]
    model.outcomes = [
        ScalarOutcome("adoption", function=np.mean),
        ScalarOutcome("projects", function=np.mean),
        ScalarOutcome("spend", function=np.mean),
    ]
    n_scenarios = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    policies = [
        Sample(name, incentive=name, budget=2_000_000.0)
        for name in ("none", "facilitator", "awareness")
    ]
    experiments, outcomes = perform_experiments(model, n_scenarios, policies)
    print(experiments.head())
    print({name: values[:6] for name, values in outcomes.items()})


if __name__ == "__main__":
    main()
