"""Policy levers of the dashboard, the scenario they make, and its paired comparison with the
baseline (same population, same seed, same run indices: common random numbers).

Nothing here depends on Solara: the page calls ``run_comparison`` in a background thread and
draws what it returns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from mutusim.config import ScenarioConfig, load_config

POPULATIONS = ("wallonia", "federation")
"""Populations offered by the page (``configs/populations/``)."""

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
"""Quantiles of adoption over runs drawn in the fan chart (90 % and 50 % bands, median)."""

_ENGINE_LOCK = threading.Lock()
"""One numba batch at a time: the engine's parallel loops must not be entered concurrently
(two browser tabs pressing "run" at once queue instead)."""


@dataclass(frozen=True)
class Levers:
    """What a decision maker sets on the page. A lever at zero (or off) leaves its policy out.

    ``budget_eur`` is the authority's total budget; each chosen policy may spend up to it
    (the policy files' own 2 M EUR caps are lifted to it), so the total budget is what binds.
    """

    population: str = "wallonia"
    subsidy_rate: float = 0.5
    facilitators: int = 4
    pioneer_reward_eur: float = 0.0
    awareness_rate: float = 0.0
    training: bool = False
    standardisation: bool = False
    budget_eur: float = 2_000_000.0

    def policies(self) -> list[tuple[str, dict[str, object]]]:
        """The chosen policies, each with the fields its lever sets, in a fixed order."""
        chosen: list[tuple[str, dict[str, object]]] = []
        if self.subsidy_rate > 0:
            chosen.append(("pooled_subsidy", {"rate": float(self.subsidy_rate)}))
        if self.facilitators > 0:
            chosen.append(("facilitator", {"facilitators": int(self.facilitators)}))
        if self.pioneer_reward_eur > 0:
            chosen.append(("pioneer_reward", {"reward_eur": float(self.pioneer_reward_eur)}))
        if self.awareness_rate > 0:
            chosen.append(("awareness", {"conversion_rate": float(self.awareness_rate)}))
        if self.training:
            chosen.append(("training", {}))
        if self.standardisation:
            chosen.append(("standardisation", {}))
        return chosen


def scenario_config(levers: Levers, population: str | None = None) -> ScenarioConfig:
    """The scenario of ``levers`` on the baseline file (``population`` overrides the lever's)."""
    population = population or levers.population
    if population not in POPULATIONS:
        raise ValueError(f"population must be one of {POPULATIONS}, got {population!r}")
    chosen = levers.policies()
    overrides: dict[str, object] = {
        "name": "dashboard",
        "population": population,
        "policies": [name for name, _ in chosen],
        "budget_eur": float(levers.budget_eur) if chosen else 0.0,
    }
    for i, (_, fields) in enumerate(chosen):
        overrides[f"policies.{i}.budget_eur"] = float(levers.budget_eur)
        for key, value in fields.items():
            overrides[f"policies.{i}.{key}"] = value
    return load_config(None, overrides)


def baseline_config(population: str) -> ScenarioConfig:
    """The baseline (no policy, no budget) on ``population``."""
    return scenario_config(Levers(population=population, subsidy_rate=0.0, facilitators=0))


@dataclass(frozen=True)
class ArmSummary:
    """Outcomes of one arm (baseline or scenario) at the horizon, over its runs."""

    adoption_median: float  # share of EES, 0-1
    adoption_low: float  # 5th percentile over runs
    adoption_high: float  # 95th percentile over runs
    projects_running: float  # mean over runs
    public_eur: float  # mean cumulative public spend over runs
    adopters: float  # mean number of pooled EES


@dataclass(frozen=True, eq=False)
class Comparison:
    """A scenario and its baseline, paired run by run (compared by identity: the page
    redraws its figures when a new comparison arrives)."""

    levers: Levers
    runs: int
    seed: int
    horizon_months: int
    n_agents: int
    fan: pd.DataFrame  # columns: arm ("baseline"/"scenario"), step, q05, q25, q50, q75, q95
    baseline: ArmSummary
    scenario: ArmSummary
    difference_mean: float  # paired difference in adoption share at the horizon
    difference_low: float  # 95 % confidence interval of the mean difference
    difference_high: float
    additional_adopters: float  # mean paired difference in pooled EES
    eur_per_additional: float | None  # public EUR per additional pooled EES (None if <= 0)


def fan_table(timeseries: pd.DataFrame, arm: str) -> pd.DataFrame:
    """Quantiles of ``adoption_share`` over runs, per step."""
    grouped = timeseries.groupby("step")["adoption_share"]
    table = pd.DataFrame(
        {f"q{round(q * 100):02d}": grouped.quantile(q) for q in QUANTILES}
    ).reset_index()
    table.insert(0, "arm", arm)
    return table


def _arm_summary(final: pd.DataFrame) -> ArmSummary:
    adoption = final["adoption_share"].to_numpy(dtype=float)
    return ArmSummary(
        adoption_median=float(np.median(adoption)),
        adoption_low=float(np.quantile(adoption, 0.05)),
        adoption_high=float(np.quantile(adoption, 0.95)),
        projects_running=float(final["active_projects"].mean()),
        public_eur=float(final["cumulative_public_spend"].mean()),
        adopters=float(final["adopters"].mean()),
    )


def compare(
    levers: Levers,
    baseline_ts: pd.DataFrame,
    scenario_ts: pd.DataFrame,
    seed: int,
    n_agents: int,
) -> Comparison:
    """Summarise two paired time-series tables (same runs, same seed) into a ``Comparison``."""
    horizon = int(scenario_ts["step"].max())
    base_final = baseline_ts[baseline_ts["step"] == horizon].set_index("run").sort_index()
    scen_final = scenario_ts[scenario_ts["step"] == horizon].set_index("run").sort_index()
    if not base_final.index.equals(scen_final.index):
        raise ValueError("baseline and scenario must hold the same runs")
    diff = (scen_final["adoption_share"] - base_final["adoption_share"]).to_numpy(dtype=float)
    n = len(diff)
    mean = float(diff.mean())
    if n > 1 and diff.std(ddof=1) > 0:
        half = float(stats.t.ppf(0.975, n - 1) * diff.std(ddof=1) / np.sqrt(n))
    else:
        half = 0.0
    extra = float((scen_final["adopters"] - base_final["adopters"]).mean())
    spend = float(scen_final["cumulative_public_spend"].mean())
    return Comparison(
        levers=levers,
        runs=n,
        seed=seed,
        horizon_months=horizon,
        n_agents=int(n_agents),
        fan=pd.concat(
            [fan_table(baseline_ts, "baseline"), fan_table(scenario_ts, "scenario")],
            ignore_index=True,
        ),
        baseline=_arm_summary(base_final),
        scenario=_arm_summary(scen_final),
        difference_mean=mean,
        difference_low=mean - half,
        difference_high=mean + half,
        additional_adopters=extra,
        eur_per_additional=spend / extra if extra > 0 and spend > 0 else None,
    )


def run_comparison(
    levers: Levers,
    runs: int = 100,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> Comparison:
    """Run the baseline and the scenario of ``levers`` (numba engine, ``runs`` paired runs of
    ``seed``). ``progress`` receives the share done (0-1) after each chunk of runs."""
    from mutusim.simulate import simulate

    scenario = scenario_config(levers)
    baseline = baseline_config(levers.population)
    total = 2 * runs * scenario.horizon_months
    done = 0

    def tick(months: int) -> None:
        nonlocal done
        done += months
        if progress is not None:
            progress(min(done / total, 1.0))

    chunk = max(1, runs // 10)
    with _ENGINE_LOCK:
        base = simulate(
            baseline, runs=runs, seed=seed, engine="numba", progress=tick, chunk_size=chunk
        )
        scen = simulate(
            scenario, runs=runs, seed=seed, engine="numba", progress=tick, chunk_size=chunk
        )
    return compare(levers, base.timeseries, scen.timeseries, seed, scenario.population.n_agents)


def levers_dict(levers: Levers) -> dict[str, object]:
    """The levers as a plain dict (for display and logs)."""
    return asdict(levers)
