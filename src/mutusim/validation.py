"""Pattern-oriented validation (Grimm et al. 2005): the white paper's qualitative claims as
paired many-run experiments on the numba engine, each with its effect size and a confidence
interval, and closed-form docking on the numba engine. ``mutusim validate`` runs them all and
writes the tables that docs/VALIDATION.md cites; the tests run them with fewer runs.

Arms of a pattern share seed and run indices (common random numbers), so effects are paired
differences. Each pattern says what it is: *verification* when the claim restates a term the
rules code directly (the check is that the code does what it says), *validation* when the
effect emerges from several rules acting together. Each has a minimum relevant effect stated in
advance: ``RELEVANT_SHARE`` (10 %) of the reference arm's mean of the metric. A pattern is
*reproduced* only when the whole 95 % interval of its effect clears that threshold in the
claimed direction (or, for a claim that an effect is small, lies within it); an interval that
merely excludes zero is "detected, below the relevant effect". Where a claim fails, the table
says so (we do not tune the model to the claim).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

import mutusim
from mutusim import atomic, docking
from mutusim.config import config_dir
from mutusim.results import git_commit

BASE = "baseline.yaml"
"""Scenario files are named relative to the shipped ``configs/`` (any working folder works)."""
AWARE = "scenarios/awareness.yaml"

UNCLUSTERED = (
    "population.network.same_sector_province=0",
    "population.network.same_sector=0",
    "population.network.same_province=0",
    "population.network.federation_ties=0",
)
"""Ties drawn at random: no clustering by sector or territory, no federation hubs (§2)."""


RELEVANT_SHARE = 0.10
"""Minimum relevant effect of every pattern, stated before running them: 10 % of the reference
arm's mean of the metric (for an interaction, of the baseline's)."""

VERIFICATION = "verification"
VALIDATION = "validation"

SMALL = 2
"""``expected_sign`` of a claim that an effect is small (within the minimum relevant effect)."""


@dataclass
class PatternResult:
    """One claim checked: its effect (arm B minus arm A, or as stated) with a 95 % CI, what
    kind of check it is and the minimum relevant effect (absolute, in the metric's units)."""

    pattern: str
    claim: str
    section: str
    metric: str
    effect: float
    ci_low: float
    ci_high: float
    expected_sign: int
    runs: int
    kind: str = VALIDATION
    min_effect: float = 0.0

    @property
    def detected(self) -> bool:
        """Whether the interval excludes zero on the claimed side (the old, weaker test)."""
        if self.expected_sign == SMALL:
            return self.ci_low > -self.min_effect and self.ci_high < self.min_effect
        if self.expected_sign > 0:
            return self.ci_low > 0
        if self.expected_sign < 0:
            return self.ci_high < 0
        return self.ci_low > 0 or self.ci_high < 0

    @property
    def reproduced(self) -> bool:
        """Whether the whole interval clears the minimum relevant effect on the claimed side
        (either side for a claim of change without a direction, ``expected_sign`` 0), or lies
        within it for a claim that an effect is small (``SMALL``)."""
        m = self.min_effect
        if self.expected_sign == SMALL:
            return -m < self.ci_low and self.ci_high < m
        if self.expected_sign > 0:
            return self.ci_low > m
        if self.expected_sign < 0:
            return self.ci_high < -m
        return self.ci_low > m or self.ci_high < -m

    @property
    def verdict(self) -> str:
        """``reproduced``, ``below the relevant effect`` (detected but smaller) or ``not
        reproduced``."""
        if self.reproduced:
            return "reproduced"
        if self.expected_sign != SMALL and self.detected:
            return "below the relevant effect"
        return "not reproduced"


def paired_ci(diff: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of paired differences and its t-interval."""
    diff = np.asarray(diff, dtype=float)
    mean = float(diff.mean())
    half = (
        stats.t.ppf(0.5 + confidence / 2, len(diff) - 1) * diff.std(ddof=1) / math.sqrt(len(diff))
    )
    return mean, mean - half, mean + half


def _runs(
    overrides: Sequence[str], runs: int, n_agents: int, seed: int, base: str = BASE
) -> pd.DataFrame:
    config = mutusim.load_config(
        config_dir() / base, [f"population.n_agents={n_agents}", *overrides]
    )
    result = mutusim.simulate(config, runs=runs, seed=seed, engine="numba")
    final = result.timeseries[result.timeseries["step"] == config.horizon_months]
    table = result.runs.set_index("run")
    table["seeking_share"] = final.set_index("run")["seeking_share"]
    table["latent_share"] = final.set_index("run")["latent_share"]
    table["success"] = 1.0 - table["projects_failed"] / table["projects_started"].clip(lower=1)
    table["exits_per_adopter"] = table["members_exited"] / (
        table["adoption_share"] * table["n_agents"]
    ).clip(lower=1)
    return table.sort_index()


def _pattern(name, claim, section, metric, a, b, runs, sign, kind, reference=None):
    """The claim on arm ``b`` minus arm ``a`` (paired by run); the minimum relevant effect is
    ``RELEVANT_SHARE`` of ``reference``'s (default ``a``'s) mean of the metric."""
    reference = a if reference is None else reference
    diff = (b[metric] - a[metric]).to_numpy()
    return _effect(name, claim, section, metric, diff, runs, sign, kind, reference)


def _effect(name, claim, section, metric, diff, runs, sign, kind, reference) -> PatternResult:
    """The claim on paired differences ``diff`` (one per run)."""
    mean, lo, hi = paired_ci(diff)
    threshold = RELEVANT_SHARE * abs(float(reference[metric].mean()))
    return PatternResult(name, claim, section, metric, mean, lo, hi, sign, runs, kind, threshold)


def _interaction(a, b, ab, base, metric: str) -> np.ndarray:
    """Paired interaction of two policies: (AB − A − B + none), run by run."""
    return (ab[metric] - a[metric] - b[metric] + base[metric]).to_numpy()


def patterns(runs: int = 60, n_agents: int = 2000, seed: int = 11) -> list[PatternResult]:
    """Every pattern of issue 6 that the engine's outputs can test (see docs/VALIDATION.md)."""
    base = _runs([], runs, n_agents, seed)
    homogeneous = _runs(
        ["population.size.sigma=0.5", "population.maturity.sd=0.3"], runs, n_agents, seed
    )
    rivals = _runs(["population.network.competitors_per_ees=6"], runs, n_agents, seed)
    no_rivals = _runs(["population.network.competitors_per_ees=0"], runs, n_agents, seed)
    no_governance = _runs(
        [
            "commitment.w_governance=0",
            "commitment.w_collaboration=0",
            "projects.governance_base=0.1",
        ],
        runs,
        n_agents,
        seed,
    )
    facilitated = _runs([], runs, n_agents, seed, "scenarios/facilitator.yaml")
    aware = _runs([], runs, n_agents, seed, "scenarios/awareness.yaml")
    both = "policies=[awareness,facilitator]"
    # each policy keeps its own 2 M EUR cap: a 2 x 2 factorial of the two policies
    aware_facilitated = _runs([both, "budget_eur=4000000"], runs, n_agents, seed, AWARE)
    # the same 2 M EUR as awareness alone, 1 M EUR to each
    aware_facilitated_same = _runs(
        [both, "policies.0.budget_eur=1000000", "policies.1.budget_eur=1000000"],
        runs,
        n_agents,
        seed,
        AWARE,
    )
    subsidised = _runs([], runs, n_agents, seed, "scenarios/pooled_subsidy.yaml")
    subsidy_facilitated = _runs(
        ["policies=[pooled_subsidy,facilitator]", "budget_eur=4000000"],
        runs,
        n_agents,
        seed,
        "scenarios/pooled_subsidy.yaml",
    )
    unclustered = _runs(UNCLUSTERED, runs, n_agents, seed)
    few_leaders = _runs(["population.pioneer_share=0.025"], runs, n_agents, seed)
    less_imitation = _runs(["behaviour.imitation=1.5"], runs, n_agents, seed)
    individual = _runs([], runs, n_agents, seed, "scenarios/individual_subsidy.yaml")
    out = [
        _pattern(
            "heterogeneity_formation",
            "more size and maturity heterogeneity, fewer formations succeed",
            "§4.1, §4.2",
            "success",
            homogeneous,
            base,
            runs,
            -1,
            VERIFICATION,
        ),
        _pattern(
            "heterogeneity_adoption",
            "more heterogeneity, less pooling",
            "§4.1, §4.2",
            "adoption_share",
            homogeneous,
            base,
            runs,
            -1,
            VALIDATION,
        ),
        _pattern(
            "heterogeneity_survival",
            "more heterogeneity, shorter-lived projects",
            "§4.1, §4.2",
            "mean_running_months",
            homogeneous,
            base,
            runs,
            -1,
            VALIDATION,
        ),
        _pattern(
            "competition",
            "more direct competition ties, less pooling",
            "§4.3",
            "adoption_share",
            no_rivals,
            rivals,
            runs,
            -1,
            VERIFICATION,
        ),
        _pattern(
            "governance",
            "without shared governance and collaboration, commitment erodes: more exits per member",
            "§4.4, §4.6, §4.7",
            "exits_per_adopter",
            base,
            no_governance,
            runs,
            +1,
            VERIFICATION,
        ),
        _pattern(
            "facilitator_formation",
            "funded facilitators: more formations succeed",
            "§4.8",
            "success",
            base,
            facilitated,
            runs,
            +1,
            VERIFICATION,
        ),
        _pattern(
            "facilitator_survival",
            "funded facilitators: projects last longer",
            "§4.8",
            "mean_running_months",
            base,
            facilitated,
            runs,
            +1,
            VALIDATION,
        ),
        _pattern(
            "awareness_demand",
            "awareness raises latent demand (share convinced with an unmet need)",
            "§4.2, AXE 1",
            "latent_share",
            base,
            aware,
            runs,
            +1,
            VERIFICATION,
        ),
        _pattern(
            "awareness_needs_activation",
            "at the same 2 M EUR budget, awareness with facilitators pools more EES than "
            "awareness alone (need is not demand)",
            "§4.2, §4.8",
            "adoption_share",
            aware,
            aware_facilitated_same,
            runs,
            +1,
            VALIDATION,
        ),
        _effect(
            "awareness_facilitator_interaction",
            "facilitators turn awareness into projects: awareness and facilitators together "
            "pool more than the sum of their effects alone (each with its own 2 M EUR)",
            "§4.2, §4.8",
            "adoption_share",
            _interaction(aware, facilitated, aware_facilitated, base, "adoption_share"),
            runs,
            +1,
            VALIDATION,
            base,
        ),
        _pattern(
            "subsidy_alone_helps_little",
            "a subsidy on pooled projects without facilitation helps little: its effect on "
            "pooling stays within the minimum relevant effect",
            "§6.1",
            "adoption_share",
            base,
            subsidised,
            runs,
            SMALL,
            VALIDATION,
        ),
        _effect(
            "subsidy_facilitator_interaction",
            "subsidies work through facilitation: a pooled subsidy adds more with facilitators "
            "than without (interaction of the two, each with its own 2 M EUR)",
            "§6.1, §4.8",
            "adoption_share",
            _interaction(subsidised, facilitated, subsidy_facilitated, base, "adoption_share"),
            runs,
            +1,
            VALIDATION,
            base,
        ),
        _pattern(
            "tie_clustering",
            "clustering of ties by sector and territory (federations) changes pooling",
            "§2, §4.1, §4.3",
            "adoption_share",
            unclustered,
            base,
            runs,
            0,
            VALIDATION,
        ),
        _pattern(
            "leaders_bottleneck",
            "halving the share of pioneers cuts pooling more than halving "
            "imitation (leaders are the bottleneck)",
            "§4.2; Ghorbani et al. 2020",
            "adoption_share",
            few_leaders,
            less_imitation,
            runs,
            +1,
            VALIDATION,
            base,
        ),
        _pattern(
            "individual_vs_pooled",
            "the same money on individual projects pools fewer "
            "EES than a sector programme (facilitators)",
            "§6.1",
            "adoption_share",
            individual,
            facilitated,
            runs,
            +1,
            VALIDATION,
        ),
    ]
    return out


def circle_timing(runs: int = 40, n_agents: int = 2000, seed: int = 11) -> pd.DataFrame:
    """Month by which each circle reached half its final size (mean over runs): later
    circles fill later (§8.4)."""
    config = mutusim.load_config(config_dir() / BASE, [f"population.n_agents={n_agents}"])
    ts = mutusim.simulate(config, runs=runs, seed=seed, engine="numba").timeseries
    rows = []
    for ring in ("0", "1", "2", "3"):
        column = f"members_ring_{ring}"
        mean = ts.groupby("step")[column].mean()
        if mean.iloc[-1] <= 0:
            continue
        half = int((mean >= mean.iloc[-1] / 2).idxmax())
        rows.append(
            {"ring": int(ring), "final_members": float(mean.iloc[-1]), "half_size_month": half}
        )
    return pd.DataFrame(rows)


def small_ees_gain(runs: int = 2, n_agents: int = 2000, seed: int = 11) -> pd.DataFrame:
    """Maturity gain over the horizon by size class, members versus others (Mesa model)."""
    from mutusim.model import MutualisationModel

    rows = []
    config = mutusim.load_config(config_dir() / BASE, [f"population.n_agents={n_agents}"])
    for run in range(runs):
        model = MutualisationModel(config, seed=seed, run=run)
        start = model.population.maturity.copy()  # the population views the live state
        model.run()
        for agent in model.ees:
            rows.append(
                {
                    "size_class": agent.size_class,
                    "member": agent.project is not None and agent.project.running,
                    "maturity_start": start[agent.index],
                    "gain": agent.maturity - start[agent.index],
                }
            )
    frame = pd.DataFrame(rows)
    return (
        frame.groupby(["size_class", "member"])
        .agg(ees=("gain", "size"), maturity_start=("maturity_start", "mean"), gain=("gain", "mean"))
        .reset_index()
    )


def bass_docking(
    pairs: Sequence[tuple[float, float]] = ((0.03, 0.38), (0.01, 0.3), (0.05, 0.5)),
    runs: int = 200,
    n_agents: int = 1000,
) -> pd.DataFrame:
    """Bass docking for several (p, q) on the numba engine: mean adoption at 5 and 10 years
    against the monthly mean field and the continuous closed form."""
    rows = []
    for p, q in pairs:
        ts = mutusim.simulate(
            docking.bass_config(p, q, n_agents, 10), runs=runs, seed=3, engine="numba"
        ).timeseries
        for year in (5, 10):
            share = ts.loc[ts["step"] == 12 * year, "adoption_share"].to_numpy()
            se = share.std(ddof=1) / math.sqrt(len(share))
            rows.append(
                {
                    "p": p,
                    "q": q,
                    "year": year,
                    "mean": share.mean(),
                    "se": se,
                    "monthly_mean_field": docking.bass_fraction_discrete(12 * year, p, q),
                    "closed_form": docking.bass_fraction(year, p, q),
                }
            )
    return pd.DataFrame(rows)


def pattern_table(results: list[PatternResult]) -> pd.DataFrame:
    """Patterns as a table with their kind, minimum relevant effect and verdict."""
    return pd.DataFrame(
        [{**asdict(r), "reproduced": r.reproduced, "verdict": r.verdict} for r in results]
    )


def _markdown(frame: pd.DataFrame, digits: int = 4) -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        cells = [f"{v:.{digits}g}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_validation(
    out: str | Path, runs: int = 200, n_agents: int = 6785, seed: int = 11
) -> Path:
    """Run every check at the given size; write CSV tables and RESULTS.md into ``out``."""
    out = Path(out)
    table = pattern_table(patterns(runs=runs, n_agents=n_agents, seed=seed))
    circles = circle_timing(runs=runs, n_agents=n_agents, seed=seed)
    gains = small_ees_gain(runs=2, n_agents=n_agents, seed=seed)
    bass = bass_docking(runs=max(runs, 200))
    for name, frame in (
        ("patterns", table),
        ("circles", circles),
        ("small_ees_gain", gains),
        ("bass_docking", bass),
    ):
        atomic.write_atomic(out / f"{name}.csv", lambda tmp, f=frame: f.to_csv(tmp, index=False))
    text = "\n\n".join(
        [
            "# Validation results (generated by `mutusim validate`; do not edit)",
            f"{runs} paired runs per arm, {n_agents} EES, seed {seed}, numba engine; git "
            f"{git_commit()}.",
            "## Patterns (effect = arm B − arm A, 95 % CI of paired differences)",
            "kind: *verification* (the claim restates a coded term) or *validation* (it "
            f"emerges from several rules); min_effect: the minimum relevant effect, "
            f"{RELEVANT_SHARE:.0%} of the reference arm's mean, stated before the runs; "
            "expected_sign 2: the claim is that the effect is small (within ±min_effect). "
            "Reproduced only when the whole interval clears min_effect on the claimed side.",
            _markdown(
                table[
                    [
                        "pattern",
                        "kind",
                        "section",
                        "metric",
                        "effect",
                        "ci_low",
                        "ci_high",
                        "min_effect",
                        "expected_sign",
                        "verdict",
                    ]
                ]
            ),
            "## Circles: month at which each circle reached half its final size (§8.4)",
            _markdown(circles),
            "## Maturity gain over the horizon (15 years) by size class "
            "(0 micro, 1 small, 2 medium/large)",
            _markdown(gains),
            "## Bass docking on the numba engine",
            _markdown(bass),
        ]
    )
    path = out / "RESULTS.md"
    atomic.write_text(path, text + "\n")
    return path
