"""Drive mutusim from EMA Workbench: uncertainties, levers (policies) and outcomes as named
objects, replications by the Workbench's ReplicatorModel (outcomes averaged over replications).

Uncertainties are model parameters and levers policy parameters, each with the plausible range
declared in the config schema (``mutusim params``, ``mutusim params --policies``; docs/ODD.md
section 8): the Workbench parameter is built from that row (integer parameters stay integers).
Names are the ``--set`` keys with ``.`` written ``__`` (the Workbench passes them as keyword
arguments).

Needs EMA Workbench (``pip install ema_workbench``, not a mutusim dependency).
Usage: python experiments/ema_workbench_model.py [SCENARIOS]
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

import mutusim
from mutusim.config import config_dir
from mutusim.parameter_table import parameter_table

BASE = str(config_dir() / "baseline.yaml")
UNCERTAINTIES = ("behaviour.pioneer_rate", "commitment.erosion", "projects.quality_gain")
INCENTIVES = ("none", "facilitator", "awareness")
LEVERS = ("facilitator.facilitators", "awareness.contacts_per_month")
"""Policy parameters (``TYPE.field``, as ``mutusim params --policies`` names them)."""
BUDGET_EUR = 2_000_000.0


def workbench_name(name: str) -> str:
    """A parameter name the Workbench can pass as a keyword argument."""
    return name.replace(".", "__")


def workbench_parameters(names: tuple[str, ...], policies: bool = False) -> list[Any]:
    """``RealParameter`` / ``IntegerParameter`` objects over the plausible ranges of ``names``."""
    from ema_workbench import IntegerParameter, RealParameter

    rows = {r["name"]: r for r in parameter_table(policies=policies)}
    out = []
    for name in names:
        low, high = rows[name]["plausible"]
        kind = IntegerParameter if rows[name]["type"] == "int" else RealParameter
        out.append(kind(workbench_name(name), low, high))
    return out


def mutusim_model(incentive: str = "none", seed: int = 0, **values: float) -> dict[str, float]:
    """One replication: a run of the numba engine with the given uncertainties and levers."""
    overrides: dict[str, Any] = {"population.n_agents": 2000}
    if incentive != "none":
        overrides.update({"policies": [incentive], "budget_eur": BUDGET_EUR})
    for key, value in values.items():
        name = key.replace("__", ".")
        kind, _, field = name.partition(".")
        if kind in INCENTIVES[1:]:
            if kind == incentive:
                overrides[f"policies.0.{field}"] = value
        else:
            overrides[name] = value
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
        ReplicatorModel,
        Sample,
        ScalarOutcome,
        perform_experiments,
    )

    model = ReplicatorModel("mutusim", function=mutusim_model)
    model.replications = [{"seed": s} for s in range(5)]
    model.uncertainties = workbench_parameters(UNCERTAINTIES)
    model.levers = [
        CategoricalParameter("incentive", list(INCENTIVES)),
        *workbench_parameters(LEVERS, policies=True),
    ]
    model.outcomes = [
        ScalarOutcome("adoption", function=np.mean),
        ScalarOutcome("projects", function=np.mean),
        ScalarOutcome("spend", function=np.mean),
    ]
    n_scenarios = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    defaults = {r["name"]: r["default"] for r in parameter_table(policies=True)}
    policies = [
        Sample(name, incentive=name, **{workbench_name(k): defaults[k] for k in LEVERS})
        for name in INCENTIVES
    ]
    experiments, outcomes = perform_experiments(model, n_scenarios, policies)
    print(experiments.head())
    print({name: values[:6] for name, values in outcomes.items()})


if __name__ == "__main__":
    main()
