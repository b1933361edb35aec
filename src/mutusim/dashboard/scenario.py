"""Policy levers of the dashboard, the scenario they make, and its paired comparison with the
baseline (same population, same seed, same run indices: common random numbers).

Nothing here depends on Solara: the page calls ``run_comparison`` in a background thread and
draws what it returns.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from mutusim.config import ScenarioConfig, load_config
from mutusim.experiments.cost_effectiveness import cost_effectiveness
from mutusim.experiments.measures import pooled_ees_years

POPULATIONS = ("wallonia", "federation")
"""Populations offered by the page (``configs/populations/``)."""

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
"""Quantiles of adoption over runs drawn in the fan chart (90 % and 50 % bands, median)."""

_ENGINE_LOCK = threading.Lock()
"""One numba batch at a time: the engine's parallel loops must not be entered concurrently
(two browser tabs pressing "run" at once queue instead)."""


SIZE_NO_LIMIT = 500
"""The top of the page's size slider: at it, a policy has no upper size limit."""


@dataclass(frozen=True)
class Targeting:
    """Who one policy targets, when it acts and its own budget; None keeps the policy file's
    value (``budget_eur`` None: an equal share of what the total leaves)."""

    size_min: float | None = None
    size_max: float | None = None
    """Largest eligible EES in workers; ``SIZE_NO_LIMIT`` or more: no limit."""
    provinces: tuple[str, ...] | None = None
    """Eligible provinces; None or empty: every province."""
    sectors: tuple[str, ...] | None = None
    start_month: int | None = None
    end_month: int | None = None
    budget_eur: float | None = None

    def overrides(self, index: int) -> dict[str, object]:
        """``--set`` style overrides of policy ``index`` for what this targeting sets."""
        out: dict[str, object] = {}
        key = f"policies.{index}"
        if self.size_min is not None:
            out[f"{key}.eligibility.size_min"] = float(self.size_min)
        if self.size_max is not None:
            limit = None if self.size_max >= SIZE_NO_LIMIT else float(self.size_max)
            out[f"{key}.eligibility.size_max"] = limit
        if self.provinces is not None:
            out[f"{key}.eligibility.provinces"] = list(self.provinces) or None
        if self.sectors is not None:
            out[f"{key}.eligibility.sectors"] = list(self.sectors) or None
        if self.start_month is not None:
            out[f"{key}.start_month"] = int(self.start_month)
        if self.end_month is not None:
            out[f"{key}.end_month"] = int(self.end_month)
        if self.budget_eur is not None:
            out[f"{key}.budget_eur"] = float(self.budget_eur)
        return out


@dataclass(frozen=True)
class Levers:
    """What a decision maker sets on the page. A lever at zero (or off) leaves its policy out.

    ``budget_eur`` is the authority's total budget: a policy given its own budget
    (``targeting``) has that allocation, the others share the rest equally (each policy its own
    allocation, as a planner writes it).
    """

    population: str = "wallonia"
    subsidy_rate: float = 0.5
    facilitators: int = 4
    pioneer_reward_eur: float = 0.0
    awareness_contacts: int = 0
    """EES the awareness campaign reaches per month (0: no campaign)."""
    training: bool = False
    standardisation: bool = False
    budget_eur: float = 2_000_000.0
    targeting: tuple[tuple[str, Targeting], ...] = ()
    """Per policy name (``pooled_subsidy``, ...): its eligibility, window and own budget."""

    def targeting_of(self, policy: str) -> Targeting:
        """The targeting set for ``policy`` (nothing set: the policy file's values)."""
        return dict(self.targeting).get(policy, Targeting())

    def policies(self) -> list[tuple[str, dict[str, object]]]:
        """The chosen policies, each with the fields its lever sets, in a fixed order."""
        chosen: list[tuple[str, dict[str, object]]] = []
        if self.subsidy_rate > 0:
            chosen.append(("pooled_subsidy", {"rate": float(self.subsidy_rate)}))
        if self.facilitators > 0:
            chosen.append(("facilitator", {"facilitators": int(self.facilitators)}))
        if self.pioneer_reward_eur > 0:
            chosen.append(("pioneer_reward", {"reward_eur": float(self.pioneer_reward_eur)}))
        if self.awareness_contacts > 0:
            chosen.append(("awareness", {"contacts_per_month": float(self.awareness_contacts)}))
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
    own = {name: levers.targeting_of(name).budget_eur for name, _ in chosen}
    shared = [name for name, eur in own.items() if eur is None]
    rest = max(0.0, float(levers.budget_eur) - sum(eur for eur in own.values() if eur is not None))
    for i, (name, fields) in enumerate(chosen):
        # Each policy its own allocation: the one set for it, else an equal share of the rest.
        overrides[f"policies.{i}.budget_eur"] = rest / len(shared) if name in shared else own[name]
        for key, value in fields.items():
            overrides[f"policies.{i}.{key}"] = value
        targeted = levers.targeting_of(name).overrides(i)
        sectors = targeted.get(f"policies.{i}.eligibility.sectors")
        if sectors:  # sectors of another population are dropped, not an error
            kept = [s for s in sectors if s in population_sectors(population)]
            targeted[f"policies.{i}.eligibility.sectors"] = kept or None
        overrides.update(targeted)
    return load_config(None, overrides)


@functools.cache
def population_sectors(population: str) -> tuple[str, ...]:
    """Sector names of a shipped population."""
    return tuple(s.name for s in load_config(None, {"population": population}).population.sectors)


@functools.cache
def shipped_policy(kind: str):
    """The policy file ``configs/policies/KIND.yaml`` as validated (its default targeting)."""
    return load_config(None, {"policies": [kind]}).policies[0]


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
    difference_p05: float  # 5–95 % range of the paired differences over runs
    difference_p95: float
    additional_adopters: float  # mean paired difference in pooled EES
    cost: dict  # the cost-effectiveness columns of ``experiments.cost_effectiveness``
    spend: pd.DataFrame  # columns: policy (type), step, eur (mean cumulative spend over runs)


def fan_table(timeseries: pd.DataFrame, arm: str) -> pd.DataFrame:
    """Quantiles of ``adoption_share`` over runs, per step."""
    grouped = timeseries.groupby("step")["adoption_share"]
    table = pd.DataFrame(
        {f"q{round(q * 100):02d}": grouped.quantile(q) for q in QUANTILES}
    ).reset_index()
    table.insert(0, "arm", arm)
    return table


def spend_table(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Cumulative public money spent by each policy type month by month, mean over runs
    (types that spent nothing are left out)."""
    from mutusim.config import POLICY_TYPES

    frames = []
    for kind in POLICY_TYPES:
        column = f"spend_{kind}"
        if column not in timeseries or not (timeseries[column] > 0).any():
            continue
        ordered = timeseries.sort_values(["run", "step"])
        cumulative = ordered.groupby("run")[column].cumsum()
        mean = cumulative.groupby(ordered["step"]).mean()
        frames.append(pd.DataFrame({"policy": kind, "step": mean.index, "eur": mean.to_numpy()}))
    if not frames:
        return pd.DataFrame({"policy": [], "step": [], "eur": []})
    return pd.concat(frames, ignore_index=True)


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
    base_years = pooled_ees_years(baseline_ts).sort_index()
    scen_years = pooled_ees_years(scenario_ts).sort_index()
    cost = cost_effectiveness(
        (scen_years["public_eur_discounted"] - base_years["public_eur_discounted"]).to_numpy(
            dtype=float
        ),
        {
            "extra_pooled_ees": (scen_final["adopters"] - base_final["adopters"]).to_numpy(
                dtype=float
            ),
            "extra_pooled_ees_years": (
                scen_years["pooled_ees_years"] - base_years["pooled_ees_years"]
            ).to_numpy(dtype=float),
        },
        seed,
    )
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
        difference_p05=float(np.quantile(diff, 0.05)),
        difference_p95=float(np.quantile(diff, 0.95)),
        additional_adopters=extra,
        cost=cost,
        spend=spend_table(scenario_ts),
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
