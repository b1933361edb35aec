"""Analyses of stored experiment runs: comparison with paired differences and cost per
additional pooled EES, sweep tables, SALib indices, replication counts."""

from __future__ import annotations

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


def comparison(exp, runs: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: outcomes with CIs, paired difference to the baseline (the first
    scenario) with its CI, public money and EUR per additional pooled EES."""
    base_name = exp.scenarios[0].name
    base = runs[runs["scenario"] == base_name].set_index("run").sort_index()
    rows = []
    for arm in exp.scenarios:
        arm_runs = runs[runs["scenario"] == arm.name].set_index("run").sort_index()
        row: dict[str, Any] = {"scenario": arm.name, "runs": len(arm_runs)}
        for name in ("adoption_share", "active_projects", "cumulative_public_spend"):
            m, lo, hi = mean_ci(arm_runs[name], exp.confidence)
            row.update({name: m, f"{name}_lo": lo, f"{name}_hi": hi})
        paired = arm_runs.merge(base, left_index=True, right_index=True, suffixes=("", "_base"))
        diff = paired["adoption_share"] - paired["adoption_share_base"]
        m, lo, hi = mean_ci(diff, exp.confidence)
        row.update({"adoption_diff": m, "adoption_diff_lo": lo, "adoption_diff_hi": hi})
        extra = (paired["adopters"] - paired["adopters_base"]).mean()
        spend = paired["cumulative_public_spend"].mean()
        row["eur_per_additional_pooled_ees"] = spend / extra if extra > 0 else float("nan")
        rows.append(row)
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
    kind = {
        "comparison": comparison,
        "sweep": sweep,
        "sensitivity": sensitivity,
        "replication": replication,
    }[exp.kind]
    result = {
        "table": kind(exp, runs),
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
