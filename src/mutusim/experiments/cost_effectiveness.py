"""The one definition of cost-effectiveness, used by the comparison summary (``summary.csv``),
the terminal summary, the HTML report and the dashboard.

Per scenario against the baseline, from paired runs (same seed, same run index, so the same
population and draws): the additional pooled EES at the end of the policy period and at the end
of the follow-up (the horizon), the additional pooled-EES-years over the whole horizon, the
additional public EUR (discounted when the experiment sets a rate), and

    eur_per_extra_pooled_ees      = mean(additional EUR) / mean(additional pooled EES, horizon)
    eur_per_extra_pooled_ees_year = mean(additional EUR) / mean(additional pooled-EES-years)

with 95 % percentile bootstrap intervals that resample the paired runs (``scipy.stats.bootstrap``,
``paired=True``). A ratio whose effect interval does not lie above zero is "not meaningful": its
three columns are NaN and ``…_meaningful`` is False (a cost per EES from an effect that may be
nil or negative would be read as a price).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

BOOTSTRAP_RESAMPLES = 2000
"""Bootstrap resamples of the paired runs."""
CE_CONFIDENCE = 0.95
"""Level of the cost-effectiveness intervals."""

RATIOS = {
    "eur_per_extra_pooled_ees": "extra_pooled_ees",
    "eur_per_extra_pooled_ees_year": "extra_pooled_ees_years",
}
"""Each cost-effectiveness column and the effect it divides the money by."""


def _ratio(cost: np.ndarray, effect: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(cost, axis=axis) / np.mean(effect, axis=axis)


def ratio_interval(
    cost: np.ndarray, effect: np.ndarray, seed: int, confidence: float = CE_CONFIDENCE
) -> tuple[float, float, float]:
    """mean(cost) / mean(effect) and its percentile bootstrap interval over paired runs."""
    cost = np.asarray(cost, dtype=float)
    effect = np.asarray(effect, dtype=float)
    point = float(_ratio(cost, effect))
    if len(cost) < 2:
        return point, float("nan"), float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        res = stats.bootstrap(
            (cost, effect),
            _ratio,
            paired=True,
            vectorized=True,
            n_resamples=BOOTSTRAP_RESAMPLES,
            confidence_level=confidence,
            method="percentile",
            rng=np.random.default_rng(seed),
        )
    return point, float(res.confidence_interval.low), float(res.confidence_interval.high)


def effect_interval(values: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Mean of paired differences and its t-interval."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    if len(values) < 2:
        return mean, float("nan"), float("nan")
    sem = values.std(ddof=1) / np.sqrt(len(values))
    half = float(stats.t.ppf(0.5 + confidence / 2, len(values) - 1) * sem)
    return mean, mean - half, mean + half


def cost_effectiveness(
    extra_eur: np.ndarray,
    effects: dict[str, np.ndarray],
    seed: int,
    confidence: float = CE_CONFIDENCE,
) -> dict[str, Any]:
    """The cost-effectiveness columns of one arm from its paired differences: ``extra_eur``
    (additional public EUR per run) and ``effects`` (``extra_pooled_ees_policy_end``,
    ``extra_pooled_ees``, ``extra_pooled_ees_years`` per run)."""
    row: dict[str, Any] = {}
    m, lo, hi = effect_interval(extra_eur, confidence)
    row.update({"extra_public_eur": m, "extra_public_eur_low": lo, "extra_public_eur_high": hi})
    for name, values in effects.items():
        m, lo, hi = effect_interval(values, confidence)
        row.update({name: m, f"{name}_low": lo, f"{name}_high": hi})
    for column, effect in RATIOS.items():
        if effect not in effects:  # results stored before pooled-EES-years were
            continue
        meaningful = bool(row[f"{effect}_low"] > 0) and float(np.mean(extra_eur)) > 0
        point = low = high = float("nan")
        if meaningful:
            point, low, high = ratio_interval(extra_eur, effects[effect], seed, confidence)
        row.update(
            {
                column: point,
                f"{column}_low": low,
                f"{column}_high": high,
                f"{column}_meaningful": meaningful,
            }
        )
    return row
