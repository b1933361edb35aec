"""What an experiment stores per run besides the final outcomes: the state at the end of the
policy period, pooled-EES-years over the whole horizon, public money (discounted if asked), and
each policy slot's spending and the month its allocation ran out.

A scenario runs a policy period (policies act) then a follow-up (they have stopped): a result
that holds at the end of the follow-up outlasts the funding. Pooled-EES-years add up, month by
month, the EES in a running pooled project (one EES pooled for a year = 1), so an effect that
comes early and lasts counts more than one that arrives at the horizon. With a discount rate r
(per year), month t weighs (1 + r)^(-t/12), on the EES-years and on the money alike.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mutusim.config.schema import MAX_POLICIES, ScenarioConfig

NEVER = -1
"""``ran_out_month_policy_k`` of a policy whose allocation never ran out (or of an empty slot)."""

RUN_MEASURES = (
    "adoption_share_policy_end",
    "adopters_policy_end",
    "pooled_ees_years",
    "public_eur_discounted",
    *(f"spent_policy_{k}" for k in range(MAX_POLICIES)),
    *(f"ran_out_month_policy_{k}" for k in range(MAX_POLICIES)),
)
"""Columns ``run_measures`` adds to an experiment's runs table."""


def policy_end(config: ScenarioConfig) -> int:
    """The step at the end of the policy period (the horizon when it is shorter)."""
    return min(config.policy_period_months, config.horizon_months)


def discount_weights(steps: np.ndarray, rate: float) -> np.ndarray:
    """Weight of each month ``steps`` (1, 2, …) at a yearly discount ``rate``."""
    return (1.0 + rate) ** (-np.asarray(steps, dtype=float) / 12.0)


def pooled_ees_years(timeseries: pd.DataFrame, discount_rate: float = 0.0) -> pd.DataFrame:
    """Per run (index): ``pooled_ees_years`` (EES in running pooled projects, summed over
    months 1.. and divided by 12) and ``public_eur_discounted``, both discounted at
    ``discount_rate`` per year."""
    months = timeseries[timeseries["step"] > 0]
    weights = discount_weights(months["step"].to_numpy(), discount_rate)
    grouped = months.assign(
        pooled_ees_years=months["adopters"].to_numpy() * weights / 12.0,
        public_eur_discounted=months["public_spend"].to_numpy() * weights,
    ).groupby("run")
    return grouped[["pooled_ees_years", "public_eur_discounted"]].sum()


def run_measures(
    timeseries: pd.DataFrame, config: ScenarioConfig, discount_rate: float = 0.0
) -> pd.DataFrame:
    """One row per run (indexed by run) with the ``RUN_MEASURES`` columns, from the full
    timeseries of a scenario's runs (step 0 is the initial state and counts no EES-years)."""
    ts = timeseries.sort_values(["run", "step"])
    at_end = ts[ts["step"] == policy_end(config)].set_index("run")
    out = pd.DataFrame(
        {
            "adoption_share_policy_end": at_end["adoption_share"],
            "adopters_policy_end": at_end["adopters"],
        }
    ).join(pooled_ees_years(ts, discount_rate))
    final = ts.groupby("run").tail(1).set_index("run")
    for k in range(MAX_POLICIES):
        out[f"spent_policy_{k}"] = final[f"spent_policy_{k}"]
        flagged = ts[ts[f"ran_out_policy_{k}"] > 0].groupby("run")["step"].min()
        out[f"ran_out_month_policy_{k}"] = flagged.reindex(out.index).fillna(NEVER).astype(int)
    return out
