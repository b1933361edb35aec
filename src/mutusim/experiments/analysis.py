"""Analyses of stored experiment runs: comparison with paired differences, money spent and
cost-effectiveness with bootstrap intervals (``experiments.cost_effectiveness``), budgets per
policy, sweep tables, SALib indices, replication counts."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from mutusim.experiments.design import design_points, problem

SWEEP_CONFIDENCE = 0.95
"""Level of the per-point intervals of a sweep."""


def mean_ci(values: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Mean and its two-sided t-interval."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    mean = float(values.mean())
    if n < 2:
        return mean, float("nan"), float("nan")
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * values.std(ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


SPREAD_LOW, SPREAD_HIGH = 0.05, 0.95
"""Quantiles of the range of runs shown beside every headline interval ("9 runs in 10")."""


def spread(values: pd.Series | np.ndarray, name: str) -> dict[str, float]:
    """The 5–95 % range of runs of ``name`` (``name_p05``, ``name_p95``): what one run may
    give, beside the interval of the mean (what many runs give on average)."""
    values = np.asarray(values, dtype=float)
    low, high = np.quantile(values, [SPREAD_LOW, SPREAD_HIGH])
    return {f"{name}_p05": float(low), f"{name}_p95": float(high)}


def spending(arm_runs: pd.DataFrame, config: Any) -> dict[str, Any]:
    """Money of one arm: the budget (``allocated`` or ``unlimited``), the allocations' sum,
    what was spent (mean of runs), what was left unspent, and how often and when (median
    month) an allocation ran out."""
    from mutusim.experiments.measures import NEVER

    spent = float(arm_runs["cumulative_public_spend"].mean())
    unlimited = bool(config is not None and config.unlimited)
    policies = config.policies if config is not None and config.mechanisms.policies else []
    allocated = float("nan") if unlimited else float(sum(p.budget_eur or 0.0 for p in policies))
    months = [
        arm_runs[f"ran_out_month_policy_{k}"]
        for k in range(len(policies))
        if f"ran_out_month_policy_{k}" in arm_runs
    ]
    first = (
        pd.concat(months, axis=1).replace(NEVER, np.nan).min(axis=1)
        if months
        else pd.Series(np.nan, index=arm_runs.index)
    )
    unspent = float("nan") if unlimited else allocated - spent
    return {
        "budget": "unlimited" if unlimited else "allocated",
        "allocated_eur": allocated,
        "spent_eur": spent,
        "unspent_eur": unspent,
        "unspent_share": unspent / allocated if not unlimited and allocated > 0 else 0.0,
        "ran_out_share": float(first.notna().mean()),
        "ran_out_month_median": float(first.median()) if first.notna().any() else float("nan"),
    }


UNSPENT_TOLERANCE = 0.05
"""An arm that left more than this share of its allocations unspent is flagged: at "equal
budget" it did not spend equal money."""


def paired_effects(arm_runs: pd.DataFrame, base: pd.DataFrame) -> tuple[np.ndarray, dict]:
    """Per paired run: the additional public EUR (discounted when asked) and the additional
    pooled EES (end of policy period, end of follow-up) and pooled-EES-years."""
    paired = arm_runs.merge(base, left_index=True, right_index=True, suffixes=("", "_base"))

    def diff(name: str) -> np.ndarray:
        return (paired[name] - paired[f"{name}_base"]).to_numpy(dtype=float)

    money = "public_eur_discounted" if "public_eur_discounted" in paired else None
    extra_eur = diff(money or "cumulative_public_spend")
    effects = {"extra_pooled_ees": diff("adopters")}
    if "adopters_policy_end" in paired:
        effects["extra_pooled_ees_policy_end"] = diff("adopters_policy_end")
        effects["extra_pooled_ees_years"] = diff("pooled_ees_years")
    return extra_eur, {"adoption_diff": diff("adoption_share"), **effects}


def comparison(exp, runs: pd.DataFrame, cells: Any = ()) -> pd.DataFrame:
    """Per scenario: outcomes with CIs and the 5–95 % range of runs, the paired difference to
    the baseline (the first scenario), the money allocated, spent and left unspent, and the
    cost-effectiveness columns of ``experiments.cost_effectiveness`` (one definition)."""
    from mutusim.experiments.cost_effectiveness import cost_effectiveness

    configs = {c.scenario: c.config for c in cells}
    base_name = exp.scenarios[0].name
    base = runs[runs["scenario"] == base_name].set_index("run").sort_index()
    rows = []
    for arm in exp.scenarios:
        arm_runs = runs[runs["scenario"] == arm.name].set_index("run").sort_index()
        row: dict[str, Any] = {"scenario": arm.name, "runs": len(arm_runs)}
        for name in ("adoption_share", "active_projects", "cumulative_public_spend"):
            m, lo, hi = mean_ci(arm_runs[name], exp.confidence)
            row.update({name: m, f"{name}_lo": lo, f"{name}_hi": hi})
            row.update(spread(arm_runs[name], name))
        if "adoption_share_policy_end" in arm_runs:
            m, lo, hi = mean_ci(arm_runs["adoption_share_policy_end"], exp.confidence)
            row.update(
                {
                    "adoption_share_policy_end": m,
                    "adoption_share_policy_end_lo": lo,
                    "adoption_share_policy_end_hi": hi,
                }
            )
        extra_eur, effects = paired_effects(arm_runs, base)
        diff = effects.pop("adoption_diff")
        m, lo, hi = mean_ci(diff, exp.confidence)
        row.update({"adoption_diff": m, "adoption_diff_lo": lo, "adoption_diff_hi": hi})
        row.update(spread(diff, "adoption_diff"))
        row.update(spending(arm_runs, configs.get(arm.name)))
        row["unspent_flag"] = bool(row["unspent_share"] > UNSPENT_TOLERANCE)
        if arm.name != base_name:
            row.update(cost_effectiveness(extra_eur, effects, exp.seed, exp.confidence))
            for name, values in effects.items():
                row.update(spread(values, name))
        rows.append(row)
    return pd.DataFrame(rows)


def budgets(exp, runs: pd.DataFrame, cells: Any) -> pd.DataFrame:
    """Per scenario and policy: its kind, schedule and allocation, what it spent (mean and
    5–95 % range of runs), the share of runs where its allocation ran out and the median month
    it did (``budgets.csv``)."""
    from mutusim.experiments.measures import NEVER

    rows = []
    for cell in cells:
        config = cell.config
        arm_runs = runs[runs["scenario"] == cell.scenario]
        policies = config.policies if config.mechanisms.policies else []
        for k, policy in enumerate(policies):
            spent = arm_runs[f"spent_policy_{k}"]
            month = arm_runs[f"ran_out_month_policy_{k}"].replace(NEVER, np.nan)
            rows.append(
                {
                    "scenario": cell.scenario,
                    "policy": policy.name,
                    "kind": policy.type,
                    "spending": policy.spending,
                    "allocation_eur": float("nan")
                    if config.unlimited or policy.budget_eur is None
                    else policy.budget_eur,
                    "budget": "unlimited" if config.unlimited else "allocated",
                    "spent_eur": float(spent.mean()),
                    **spread(spent, "spent_eur"),
                    "ran_out_share": float(month.notna().mean()),
                    "ran_out_month_median": float(month.median())
                    if month.notna().any()
                    else float("nan"),
                }
            )
    columns = ["scenario", "policy", "kind", "spending", "allocation_eur", "budget", "spent_eur"]
    return pd.DataFrame(rows, columns=None if rows else columns)


FACTORIAL_OUTCOMES = ("adoption_share", "adopters", "pooled_ees_years", "cumulative_public_spend")
"""Outcomes whose factorial effects are reported (those the runs hold)."""


def factorial_contrasts(levels: pd.DataFrame, values: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per run, each main effect and two-way interaction of a 2^k design.

    ``levels``: one row per cell, a 0/1 column per factor; ``values``: the outcome, one row per
    cell (same order), one column per run. The main effect of A is the mean, over the
    combinations of the other factors, of (A on − A off); the interaction of A and B is the
    mean of ((A on − A off) with B on − (A on − A off) with B off), i.e. AB − A − B + none for
    two factors: how much more A does when B is there."""
    x = 2 * levels.to_numpy(dtype=float) - 1  # ±1 coding
    y = values.to_numpy(dtype=float)
    cells = len(x)
    names = list(levels.columns)
    out = {}
    for i, a in enumerate(names):
        out[a] = 2 * (x[:, i] @ y) / cells
    for i, j in itertools.combinations(range(len(names)), 2):
        out[f"{names[i]} x {names[j]}"] = 4 * ((x[:, i] * x[:, j]) @ y) / cells
    return out


def factorial(exp, runs: pd.DataFrame) -> pd.DataFrame:
    """Main effects and two-way interactions of a factorial experiment, per outcome: the mean
    over paired runs with its t-interval and the 5–95 % range of runs."""
    factors = list(exp.factors)
    columns = [f"param.{name}" for name in factors]
    cells = (
        runs.groupby("scenario")[columns]
        .first()
        .rename(columns=dict(zip(columns, factors, strict=True)))
    )
    rows = []
    for outcome in (o for o in FACTORIAL_OUTCOMES if o in runs):
        values = runs.pivot(index="scenario", columns="run", values=outcome).loc[cells.index]
        for term, per_run in factorial_contrasts(cells, values).items():
            m, lo, hi = mean_ci(per_run, exp.confidence)
            rows.append(
                {
                    "term": term,
                    "kind": "interaction" if " x " in term else "main",
                    "outcome": outcome,
                    "runs": len(per_run),
                    "effect": m,
                    "effect_lo": lo,
                    "effect_hi": hi,
                    **spread(per_run, "effect"),
                    "clear": bool(lo > 0 or hi < 0),
                }
            )
    return pd.DataFrame(rows)


def sweep(exp, runs: pd.DataFrame) -> pd.DataFrame:
    """Per design point: its parameter values, the number of runs, and each outcome's mean
    with its t-interval at 95 % (``OUTCOME_lo``, ``OUTCOME_hi``): a sweep is read against
    the noise of its runs, not by its highest mean alone."""
    params = [c for c in runs.columns if c.startswith("param.")]
    rows = []
    for keys, group in runs.groupby(["point", *params], sort=True):
        row: dict[str, Any] = dict(zip(["point", *params], keys, strict=True))
        row["runs"] = len(group)
        for name in exp.outcomes:
            m, lo, hi = mean_ci(group[name], SWEEP_CONFIDENCE)
            row.update({name: m, f"{name}_lo": lo, f"{name}_hi": hi})
        rows.append(row)
    return pd.DataFrame(rows).sort_values("point").reset_index(drop=True)


def sensitivity(exp, runs: pd.DataFrame) -> pd.DataFrame:
    """SALib indices of what the experiment analyses, averaged over the replicates of each
    design point (and over the members of an ensemble): the ``output``, or with
    ``scenarios`` one row per arm and parameter of its output (``answers: [outcome]``), its
    paired effect against the baseline (``effect``) or its rank on ``criterion`` (``rank``)."""
    prob = problem(exp.parameters)
    # the design as drawn (integer parameters unrounded): Morris reads each step's direction
    x = np.array([[point[n] for n in prob["names"]] for point in design_points(exp)])
    frames = []
    for arm, what, y in _sensitivity_targets(exp, runs):
        frame = _indices(exp, prob, x, y.sort_index().to_numpy())
        frame.insert(1, "output", what)
        if arm is not None:
            frame.insert(1, "scenario", arm)
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    frame["replicates_per_point"] = exp.runs * (exp.members or 1)
    return frame


def _sensitivity_targets(exp, runs: pd.DataFrame):
    """(arm or None, name of what is analysed, its value per design point)."""
    if not exp.scenarios:
        yield None, exp.output, runs.groupby("point")[exp.output].mean()
        return
    names = [s.name for s in exp.scenarios]
    if "outcome" in exp.answers:
        for arm in names:
            yield arm, exp.output, runs[runs["scenario"] == arm].groupby("point")[exp.output].mean()
    if "effect" in exp.answers:
        wide = runs.pivot_table(index=["point", "run"], columns="scenario", values=exp.output)
        for arm in names[1:]:
            effect = (wide[arm] - wide[names[0]]).groupby("point").mean()
            yield arm, f"effect.{exp.output}", effect
    if "rank" in exp.answers:
        from mutusim.robustness.ranking import ranks, scores

        ranked = ranks(scores(runs, names, exp.criterion, by="point"))
        for arm in names:
            yield arm, f"rank.{exp.criterion}", ranked[arm]


def _indices(exp, prob: dict[str, Any], x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """Sobol (S1, ST) or Morris (mu*, sigma) indices of ``y`` over the design ``x``."""
    from SALib.analyze import morris, sobol

    if exp.method == "sobol":
        res = sobol.analyze(prob, y, calc_second_order=False, conf_level=0.95, seed=exp.seed)
        return pd.DataFrame(
            {
                "parameter": prob["names"],
                "S1": res["S1"],
                "S1_conf": res["S1_conf"],
                "ST": res["ST"],
                "ST_conf": res["ST_conf"],
            }
        )
    res = morris.analyze(prob, x, y, conf_level=0.95, seed=exp.seed)
    return pd.DataFrame(
        {
            "parameter": prob["names"],
            "mu_star": res["mu_star"],
            "mu_star_conf": res["mu_star_conf"],
            "sigma": res["sigma"],
        }
    )


def replication(exp, runs: pd.DataFrame) -> pd.DataFrame:
    """Runs needed per output: R >= (z sigma / (epsilon mean))^2 from the pilot runs."""
    z = stats.norm.ppf(0.5 + exp.confidence / 2)
    rows = []
    for name in exp.outcomes:
        values = runs[name].to_numpy(dtype=float)
        mean, sd = float(values.mean()), float(values.std(ddof=1))
        needed = (
            math.ceil((z * sd / (exp.relative_half_width * abs(mean))) ** 2)
            if mean != 0
            else float("nan")
        )
        rows.append(
            {
                "output": name,
                "pilot_runs": len(values),
                "mean": mean,
                "sd": sd,
                "relative_half_width": exp.relative_half_width,
                "runs_needed": needed,
            }
        )
    return pd.DataFrame(rows)


def analyse(exp, cells, runs: pd.DataFrame) -> dict[str, Any]:
    """The analysis of the experiment's kind, as ``{"table": DataFrame}``."""
    extra: dict[str, pd.DataFrame] = {}
    if exp.kind == "comparison":
        table = comparison(exp, runs, cells)
        extra["budgets"] = budgets(exp, runs, cells)
    else:
        kind = {
            "factorial": factorial,
            "sweep": sweep,
            "sensitivity": sensitivity,
            "replication": replication,
        }
        table = kind[exp.kind](exp, runs)
    result = {
        "table": table,
        "tables": extra,
        "kind": exp.kind,
        "scenarios": len(cells),
        "experiment": exp,
    }
    if exp.kind == "comparison" and exp.ensemble is not None:
        from mutusim.robustness.answers import ensemble_answer

        answer = ensemble_answer(exp, runs)
        result["table"] = result["table"].merge(answer.table, on="scenario", how="left")
        result["robustness"] = answer
    return result
