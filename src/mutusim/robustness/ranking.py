"""Ranking scenarios member by member over an ensemble: ``p_best``, ``p_beats_baseline`` and
``regret``.

For each member of the ensemble (one plausible parameter set, ``runs`` paired runs in every
scenario), each scenario gets a score on the experiment's ``criterion`` (higher is better,
``experiments.schema.CRITERIA``), computed from the member's means over its runs, paired with
the baseline of the same member and runs:

- ``pooled_per_meur``: (mean adopters − mean baseline adopters) / (mean public spend in MEUR);
  the baseline scores 0, and so does a scenario that spent nothing (it bought nothing);
- ``additional_pooled``: mean adopters − mean baseline adopters;
- ``adoption_share``: mean share of EES in a pooled project at the horizon.

Then, weighting members by their weight (1/K for K draws of the ensemble): ``p_best`` is the
probability that the scenario ranks first (ties share it), ``p_beats_baseline`` that it scores
above the baseline, and ``regret`` the expected shortfall of its score from the best score of
each member. A member's score carries the noise of its ``runs`` runs as well as its parameter
values: ``p_best`` mixes both, and more runs per member separate them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

MEUR = 1e6
"""EUR in one million EUR (the unit of ``pooled_per_meur``)."""


def scores(
    runs: pd.DataFrame, scenarios: Sequence[str], criterion: str, by: str = "member"
) -> pd.DataFrame:
    """The criterion of each scenario (columns, in ``scenarios`` order; the first is the
    baseline) for each value of ``by`` (rows: a member, or a design point), from the means of
    its runs in each scenario."""
    means = (
        runs.groupby([by, "scenario"])[["adoption_share", "adopters", "cumulative_public_spend"]]
        .mean()
        .unstack("scenario")
    )
    baseline = scenarios[0]
    if criterion == "adoption_share":
        return means["adoption_share"][list(scenarios)]
    extra = means["adopters"].sub(means["adopters"][baseline], axis=0)[list(scenarios)]
    if criterion == "additional_pooled":
        return extra
    if criterion != "pooled_per_meur":
        raise ValueError(f"unknown criterion {criterion!r}")
    spend = means["cumulative_public_spend"][list(scenarios)] / MEUR
    per_meur = extra / spend.where(spend > 0)
    per_meur = per_meur.where(spend > 0, 0.0)  # nothing spent: nothing bought
    per_meur[baseline] = 0.0
    return per_meur


def member_scores(
    runs: pd.DataFrame, scenarios: Sequence[str], criterion: str
) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """Scores per member (rows) and scenario (columns), the members' weights, and their
    parameter values (the runs table's ``member.*`` columns, named without the prefix)."""
    from mutusim.experiments.runner import MEMBER_PREFIX

    table = scores(runs, scenarios, criterion, "member")
    first = runs.groupby("member").first()
    weights = first["member_weight"].reindex(table.index).astype(float)
    params = [c for c in first.columns if c.startswith(MEMBER_PREFIX)]
    values = first[params].reindex(table.index)
    values.columns = [c.removeprefix(MEMBER_PREFIX) for c in params]
    return table, weights / weights.sum(), values


def ranks(table: pd.DataFrame) -> pd.DataFrame:
    """Rank of each scenario in each row (1 = best, ties averaged; a missing score last)."""
    return table.rank(axis=1, ascending=False, method="average", na_option="bottom")


def best(table: pd.DataFrame) -> pd.Series:
    """The best scenario of each row (the first of tied ones)."""
    return table.fillna(-np.inf).idxmax(axis=1)


def robustness_table(table: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Per scenario (the columns of ``table``, the first being the baseline): ``p_best``
    (ties share the first place) with its standard error over the members (effective number
    of members: Kish), ``p_beats_baseline`` (None for the baseline), ``regret`` and the
    weighted mean, 5 % and 95 % quantiles of the score over members."""
    w = weights.reindex(table.index).to_numpy(dtype=float)
    w = w / w.sum()
    values = table.to_numpy(dtype=float)
    filled = np.where(np.isnan(values), -np.inf, values)
    top = filled.max(axis=1, keepdims=True)
    first = filled == top
    share = first / first.sum(axis=1, keepdims=True)
    n_eff = 1.0 / float(np.sum(w**2))
    baseline = values[:, 0]
    rows = []
    for j, name in enumerate(table.columns):
        p_best = float(w @ share[:, j])
        column = values[:, j]
        rows.append(
            {
                "scenario": name,
                "members": len(table),
                "p_best": p_best,
                "p_best_se": float(np.sqrt(p_best * (1 - p_best) / n_eff)),
                "p_beats_baseline": float(w @ (column > baseline)) if j else float("nan"),
                "regret": float(w @ (top[:, 0] - column)),
                "score_mean": float(w @ column),
                "score_q05": _weighted_quantile(column, w, 0.05),
                "score_q95": _weighted_quantile(column, w, 0.95),
            }
        )
    return pd.DataFrame(rows)


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of ``values`` under ``weights`` (inverse of the weighted CDF)."""
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][min(np.searchsorted(cumulative, q), len(values) - 1)])
