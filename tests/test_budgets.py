"""Budgets as a planner writes them (issue 11): spending schedules (R59), refusals of policies
without money and of totals below the allocations, the month an allocation runs out, the policy
period and its follow-up, and the one cost-effectiveness definition with its bootstrap
intervals checked against a case with a known answer."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import mutusim
from mutusim.config import ConfigError, load_config
from mutusim.experiments.cost_effectiveness import cost_effectiveness, ratio_interval
from mutusim.experiments.measures import NEVER, pooled_ees_years, run_measures
from mutusim.rules.policies import (
    SPEND_AS_DEMAND,
    SPEND_EVEN,
    SPEND_FRONT_LOADED,
    released_allocation,
)

GRANTS = "configs/scenarios/individual_subsidy.yaml"
SMALL = ["population.n_agents=1500"]


# ----------------------------------------------------------------------------- R59 schedules
def test_schedules_release_the_allocation_as_written():
    a, start, end = 1200.0, 12, 24
    assert released_allocation(a, SPEND_EVEN, start, end, 11) == 0.0  # before the window
    assert released_allocation(a, SPEND_AS_DEMAND, start, end, 12) == a  # all at once
    assert released_allocation(a, SPEND_EVEN, start, end, 12) == pytest.approx(100.0)
    assert released_allocation(a, SPEND_EVEN, start, end, 17) == pytest.approx(600.0)
    # front-loaded: twice the even pace in the first month, half the allocation by a quarter
    assert released_allocation(a, SPEND_FRONT_LOADED, start, end, 12) == pytest.approx(
        a * (1 - (11 / 12) ** 2)
    )
    assert released_allocation(a, SPEND_FRONT_LOADED, start, end, 17) == pytest.approx(900.0)
    for schedule in (SPEND_AS_DEMAND, SPEND_EVEN, SPEND_FRONT_LOADED):
        assert released_allocation(a, schedule, start, end, 23) == pytest.approx(a)
        assert released_allocation(a, schedule, start, end, 40) == pytest.approx(a)
        assert released_allocation(np.inf, schedule, start, end, 12) == np.inf


@pytest.fixture(scope="module")
def grant_runs():
    """Individual grants (2 M EUR, uptake fast enough to run dry) under each schedule."""
    out = {}
    for schedule in ("as_demand", "even", "front_loaded"):
        cfg = load_config(GRANTS, [*SMALL, f"policies.0.spending={schedule}"])
        out[schedule] = (cfg, mutusim.simulate(cfg, runs=2, seed=1).timeseries)
    return out


def test_spending_follows_the_schedule_and_never_exceeds_it(grant_runs):
    for schedule, (cfg, ts) in grant_runs.items():
        assert (ts["spent_policy_0"] <= ts["committed_policy_0"] + 1e-6).all(), schedule
        assert (ts["spent_policy_0"] <= cfg.policies[0].budget_eur + 1e-6).all()
        np.testing.assert_allclose(ts["spent_policy_0"], ts["cumulative_public_spend"])
    year_one = {
        s: ts[ts["step"] == 12]["spent_policy_0"].mean() for s, (_, ts) in grant_runs.items()
    }
    # as demand comes, grants are paid first come first served: far more in year one
    assert year_one["as_demand"] > year_one["front_loaded"] > year_one["even"]
    assert year_one["even"] <= 2e6 * 12 / 120 + 1e-6


def test_the_month_an_allocation_runs_out_is_reported(grant_runs):
    cfg, ts = grant_runs["as_demand"]
    measures = run_measures(ts, cfg)
    months = measures["ran_out_month_policy_0"]
    assert (months > 0).all() and (months < 60).all()
    for run, month in months.items():
        mine = ts[ts["run"] == run].set_index("step")
        # it ran out that month: a grant did not fit the 2 M EUR, within one grant of it
        assert (
            mine.loc[month, "ran_out_policy_0"] == 1
            and mine.loc[month - 1, "ran_out_policy_0"] == 0
        )
        assert mine.loc[month, "spent_policy_0"] > 2e6 - cfg.policies[0].grant_eur
    assert (measures["ran_out_month_policy_1"] == NEVER).all()  # an empty slot never runs out


def test_nothing_is_spent_after_the_policy_period():
    cfg = load_config(GRANTS, [*SMALL, "policies.0.spending=even", "policies.0.end_month=170"])
    assert cfg.policy_period_months == 120 and cfg.horizon_months == 180
    ts = mutusim.simulate(cfg, runs=1, seed=2).timeseries
    after = ts[ts["step"] > 120]
    assert (after["public_spend"] == 0).all() and after["spent_policy_0"].nunique() == 1


# ----------------------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    "overrides, words",
    [
        (["policies.0.budget_eur=null"], ["individual_subsidy", "no money", "budget: unlimited"]),
        (["policies.0.budget_eur=0"], ["individual_subsidy", "no money", "budget_eur 0"]),
        (["budget_eur=500000"], ["500000", "less than the sum", "2000000"]),
        (["policies.0.spending=evenly"], ["spending", "as_demand", "front_loaded"]),
        (["budget=unlimited"], ["budget: unlimited", "remove budget_eur"]),
    ],
)
def test_a_policy_without_money_is_refused_in_one_line(overrides, words):
    with pytest.raises(ConfigError) as info:
        load_config(GRANTS, overrides)
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"


def test_an_unlimited_budget_is_said_and_caps_nothing():
    cfg = load_config(
        GRANTS, [*SMALL, "budget_eur=null", "budget=unlimited", "policies.0.budget_eur=null"]
    )
    assert cfg.unlimited and cfg.total_budget() == np.inf
    ts = mutusim.simulate(cfg, runs=1, seed=1).timeseries
    assert ts["cumulative_public_spend"].iloc[-1] > 2e6  # beyond any 2 M EUR cap
    assert (ts["ran_out_policy_0"] == 0).all()
    np.testing.assert_allclose(ts["committed_policy_0"], ts["spent_policy_0"])


def test_a_total_covering_the_allocations_is_their_sum_by_default():
    cfg = load_config("configs/scenarios/all_policies.yaml", ["budget_eur=null"])
    assert cfg.total_budget() == pytest.approx(sum(p.budget_eur for p in cfg.policies))


# ----------------------------------------------------------------------------- measures
def test_pooled_ees_years_add_months_and_discount_them():
    ts = pd.DataFrame(
        {
            "run": [0, 0, 0],
            "step": [0, 1, 2],
            "adopters": [100.0, 12.0, 24.0],  # step 0 (initial state) counts nothing
            "public_spend": [0.0, 10.0, 20.0],
        }
    )
    plain = pooled_ees_years(ts).loc[0]
    assert plain["pooled_ees_years"] == pytest.approx(3.0)
    assert plain["public_eur_discounted"] == pytest.approx(30.0)
    disc = pooled_ees_years(ts, 0.05).loc[0]
    w = 1.05 ** (-np.array([1, 2]) / 12)
    assert disc["pooled_ees_years"] == pytest.approx((12 * w[0] + 24 * w[1]) / 12)
    assert disc["public_eur_discounted"] == pytest.approx(10 * w[0] + 20 * w[1])


# ----------------------------------------------------------------------------- cost-effectiveness
def test_bootstrap_interval_of_a_ratio_matches_its_known_answer():
    """Cost fixed at c per run, effect ~ N(mu, sd): mean(c) / mean(effect) is c / m with m
    normal (mu, sd / sqrt(n)), so its 95 % interval is c / (mu ± 1.96 sd / sqrt(n)) up to the
    sampling of the mean; the bootstrap around the sample mean must match c / (mean ± 1.96 se)."""
    rng = np.random.default_rng(11)
    n, c, mu, sd = 2000, 50_000.0, 40.0, 30.0
    effect = rng.normal(mu, sd, n)
    cost = np.full(n, c)
    point, low, high = ratio_interval(cost, effect, seed=1)
    mean, se = effect.mean(), effect.std(ddof=1) / np.sqrt(n)
    z = stats.norm.ppf(0.975)
    assert point == pytest.approx(c / mean)
    # bootstrap quantiles carry a relative error of about 1/sqrt(2000 resamples) in the tails
    assert low == pytest.approx(c / (mean + z * se), rel=0.01)
    assert high == pytest.approx(c / (mean - z * se), rel=0.01)
    # the true ratio lies inside, the interval is not degenerate
    assert low < c / mu < high and high - low > 0.05 * point


def test_a_cost_from_an_effect_that_may_be_nil_is_not_meaningful():
    rng = np.random.default_rng(3)
    n = 200
    row = cost_effectiveness(
        np.full(n, 1e6),
        {
            "extra_pooled_ees": rng.normal(0.5, 20.0, n),  # interval includes zero
            "extra_pooled_ees_years": rng.normal(300.0, 50.0, n),  # clearly positive
        },
        seed=1,
    )
    assert row["extra_pooled_ees_low"] < 0 < row["extra_pooled_ees_high"]
    assert not row["eur_per_extra_pooled_ees_meaningful"]
    assert np.isnan(row["eur_per_extra_pooled_ees"]) and np.isnan(
        row["eur_per_extra_pooled_ees_low"]
    )
    assert row["eur_per_extra_pooled_ees_year_meaningful"]
    low, point, high = (
        row["eur_per_extra_pooled_ees_year_low"],
        row["eur_per_extra_pooled_ees_year"],
        row["eur_per_extra_pooled_ees_year_high"],
    )
    assert low < point < high and point == pytest.approx(1e6 / 300.0, rel=0.05)


def test_every_output_of_an_unlimited_run_says_so():
    from mutusim.experiments.console import run_summary_text
    from mutusim.i18n import t
    from mutusim.report.words import run_sentences

    cfg = load_config(
        GRANTS,
        [*SMALL, "horizon_months=24", "budget_eur=null", "budget=unlimited"],
    )
    result = mutusim.simulate(cfg, runs=2, seed=1)
    for lang in ("fr", "en"):
        assert "budget: unlimited" in run_summary_text(result, lang)

    folder = SimpleNamespace(runs=result.runs, horizon_months=24, configs={cfg.name: cfg})
    assert t("report.run_unlimited", "en") in run_sentences(folder, "en")
