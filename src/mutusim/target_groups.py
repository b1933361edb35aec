"""Who benefits, judged on any group an eligibility rule can name: a size range, provinces,
sectors, legal forms — typically a targeted policy's own group ("EES under 10 workers in
Hainaut") — with confidence intervals over runs.

The engines' outputs break adoption down by three fixed size classes, by province and by
sector. A group such as a policy's own needs each EES's state at the horizon, which only the
agent-level Mesa model exposes: runs are re-simulated with it (same seed and run indices,
hence the same runs as the numba engine's, which the engine tests check; ``group_adoption``
also returns each run's overall adoption so callers can check it against stored results).
Membership of the group is decided by the model's own eligibility rule (R36) on the arrays
``mutusim.policies`` compiles, so a group means here exactly what it means to a policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mutusim.catalogue import STATUS_RUNNING
from mutusim.config import ScenarioConfig
from mutusim.config.schema import Eligibility, PooledSubsidy
from mutusim.experiments.analysis import mean_ci
from mutusim.policies import compile_policies
from mutusim.population.generator import Population
from mutusim.rules.policies import eligible


def targets_someone(group: Eligibility) -> bool:
    """Whether ``group`` is narrower than every EES."""
    return bool(
        group.size_min > 0
        or group.size_max is not None
        or group.sectors
        or group.provinces
        or group.legal_forms
    )


def _group_masks(config: ScenarioConfig, group: Eligibility) -> tuple:
    """The group compiled as the eligibility of a policy of ``config`` would be."""
    probe = PooledSubsidy(
        name="target_group",
        type="pooled_subsidy",
        rate=0.0,
        cap_eur_per_member_month=0.0,
        eligibility=group,
    )
    compiled = compile_policies(
        config.model_copy(
            update={
                "policies": [probe],
                "mechanisms": config.mechanisms.model_copy(update={"policies": True}),
            }
        )
    )
    return (
        float(compiled.size_min[0]),
        float(compiled.size_max[0]),
        int(compiled.sector_mask[0]),
        int(compiled.province_mask[0]),
        int(compiled.form_mask[0]),
    )


@dataclass(frozen=True)
class HorizonState:
    """One run at its horizon, EES by EES: the population drawn and who is in a running
    pooled project. Any group can be read from it without running again."""

    run: int
    population: Population
    pooled: np.ndarray


def horizon_states(config: ScenarioConfig, seed: int, runs: Sequence[int]) -> list[HorizonState]:
    """Run ``runs`` of ``config`` with the Mesa model to the horizon and keep each EES's
    state (about 2 s a run on the Walloon population)."""
    from mutusim.model import MutualisationModel

    states = []
    for run in runs:
        model = MutualisationModel(config, seed=seed, run=run)
        for _ in range(config.horizon_months):
            model.step()
        pooled = np.array(
            [a.project is not None and a.project.status == STATUS_RUNNING for a in model.ees],
            dtype=bool,
        )
        states.append(HorizonState(int(run), model.population, pooled))
    return states


def group_shares(
    config: ScenarioConfig, group: Eligibility, states: Sequence[HorizonState]
) -> pd.DataFrame:
    """Per run: the group's size, the share of its EES in a running pooled project
    (``inside``), the same share among the other EES (``outside``) and among all EES
    (``adoption_share``, as the engines report it)."""
    masks = _group_masks(config, group)
    rows = []
    for state in states:
        pop = state.population
        in_group = np.array(
            [
                eligible(pop.size[i], pop.sector[i], pop.province[i], pop.legal_form[i], *masks)
                for i in range(pop.n)
            ],
            dtype=bool,
        )
        inside, outside = state.pooled[in_group], state.pooled[~in_group]
        rows.append(
            {
                "run": state.run,
                "group_size": int(in_group.sum()),
                "inside": float(inside.mean()) if inside.size else float("nan"),
                "outside": float(outside.mean()) if outside.size else float("nan"),
                "adoption_share": float(state.pooled.mean()),
            }
        )
    return pd.DataFrame(rows)


def group_adoption(
    config: ScenarioConfig, group: Eligibility, seed: int, runs: Sequence[int]
) -> pd.DataFrame:
    """``group_shares`` of freshly simulated runs."""
    return group_shares(config, group, horizon_states(config, seed, runs))


@dataclass(frozen=True)
class GroupEffect:
    """Adoption inside and outside a group, in a scenario and its baseline (paired runs).
    Each value is a mean over runs with its interval ``(mean, low, high)``."""

    group: Eligibility
    runs: int
    group_share: float
    """Share of all EES in the group (mean over runs)."""
    baseline_inside: tuple[float, float, float]
    scenario_inside: tuple[float, float, float]
    difference_inside: tuple[float, float, float]
    difference_outside: tuple[float, float, float]
    baseline_runs: pd.DataFrame
    scenario_runs: pd.DataFrame


def group_effect(
    baseline: ScenarioConfig,
    scenario: ScenarioConfig,
    group: Eligibility,
    seed: int,
    runs: Sequence[int],
    confidence: float = 0.95,
    states: tuple[Sequence[HorizonState], Sequence[HorizonState]] | None = None,
) -> GroupEffect:
    """How a scenario changes adoption inside ``group`` and outside it, against its baseline
    on the same runs (same populations, same draws). ``states``: the baseline's and the
    scenario's ``horizon_states`` of these runs, when already computed (several groups)."""
    if states is None:
        states = (horizon_states(baseline, seed, runs), horizon_states(scenario, seed, runs))
    base = group_shares(baseline, group, states[0]).set_index("run")
    scen = group_shares(scenario, group, states[1]).set_index("run")

    def ci(values: pd.Series) -> tuple[float, float, float]:
        mean, low, high = mean_ci(values.dropna().to_numpy(), confidence)
        return float(mean), float(low), float(high)

    n_agents = baseline.population.n_agents
    return GroupEffect(
        group=group,
        runs=len(base),
        group_share=float(base["group_size"].mean() / n_agents),
        baseline_inside=ci(base["inside"]),
        scenario_inside=ci(scen["inside"]),
        difference_inside=ci(scen["inside"] - base["inside"]),
        difference_outside=ci(scen["outside"] - base["outside"]),
        baseline_runs=base.reset_index(),
        scenario_runs=scen.reset_index(),
    )


def policy_groups(config: ScenarioConfig) -> list[Eligibility]:
    """The distinct target groups of a scenario's policies (policies open to all EES have
    none)."""
    out: list[Eligibility] = []
    for policy in config.policies:
        if targets_someone(policy.eligibility) and policy.eligibility not in out:
            out.append(policy.eligibility)
    return out


__all__ = [
    "GroupEffect",
    "HorizonState",
    "group_adoption",
    "group_effect",
    "group_shares",
    "horizon_states",
    "policy_groups",
    "targets_someone",
]
