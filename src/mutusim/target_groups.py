"""Who benefits, judged on any group an eligibility rule can name: a size range, provinces,
sectors, legal forms — typically a targeted policy's own group ("EES under 10 workers in
Hainaut") — with confidence intervals over runs.

The engines' outputs break adoption down by three fixed size classes, by province and by
sector. A group such as a policy's own needs each EES's state at the horizon, which only the
agent-level Mesa model exposes: runs are re-simulated with it (same seed and run indices,
hence the same runs as the numba engine's, which the engine tests check; ``group_adoption``
also returns each run's overall adoption so callers can check it against stored results).
Membership of the group follows the eligibility rule R36 (``in_group``), so a group means
here what it means to a policy; the tests check it against the engines' breakdowns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mutusim.catalogue import LEGAL_FORMS, PROVINCES, STATUS_RUNNING
from mutusim.config import ScenarioConfig
from mutusim.config.schema import Eligibility
from mutusim.experiments.analysis import mean_ci
from mutusim.population.generator import Population


def targets_someone(group: Eligibility) -> bool:
    """Whether ``group`` is narrower than every EES."""
    return bool(
        group.size_min > 0
        or group.size_max is not None
        or group.sectors
        or group.provinces
        or group.legal_forms
    )


def in_group(population: Population, group: Eligibility, sector_names: Sequence[str]) -> np.ndarray:
    """Which EES of a drawn population ``group`` admits, by the eligibility rule R36: size in
    [``size_min``, ``size_max``], and sector, province and legal form among those listed
    (an empty or null list admits all). The tests check it against the engines' own
    breakdowns by size class, province and sector."""
    size = np.asarray(population.size, dtype=float)
    upper = np.inf if group.size_max is None else group.size_max
    admitted = (size >= group.size_min) & (size <= upper)
    for selected, codes, names in (
        (group.sectors, population.sector, tuple(sector_names)),
        (group.provinces, population.province, PROVINCES),
        (group.legal_forms, population.legal_form, LEGAL_FORMS),
    ):
        if selected:
            wanted = np.array([name in selected for name in names], dtype=bool)
            admitted &= wanted[np.asarray(codes, dtype=np.int64)]
    return admitted


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
    unknown = set(group.sectors or []) - {s.name for s in config.population.sectors}
    if unknown:
        raise ValueError(f"the group names sectors absent from the population: {sorted(unknown)}")
    sectors = [s.name for s in config.population.sectors]
    rows = []
    for state in states:
        admitted = in_group(state.population, group, sectors)
        inside, outside = state.pooled[admitted], state.pooled[~admitted]
        rows.append(
            {
                "run": state.run,
                "group_size": int(admitted.sum()),
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
    "in_group",
    "policy_groups",
    "targets_someone",
]
