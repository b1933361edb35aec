"""Docking: with the other mechanisms switched off, the model reduces to closed forms
(BRIEF §4): Bass diffusion, constant-hazard decay, Granovetter cascades, drop-out steady state.
Tolerances are 4 standard errors estimated from the runs themselves."""

from __future__ import annotations

import math

import numpy as np
import pytest

import mutusim
from mutusim import docking

P, Q = 0.03, 0.38


# Both engines: the Mesa model with enough runs for 4-SE checks to mean something, the numba
# engine with ten times more (tighter tolerance).
ENGINES = {"mesa": 1, "numba": 10}


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine(request):
    return request.param


@pytest.fixture(scope="module")
def bass_runs(engine):
    runs = 40 * ENGINES[engine]
    return mutusim.simulate(
        docking.bass_config(P, Q, n_agents=500, years=10), runs=runs, seed=2, engine=engine
    )


def test_closed_form_reference_values():
    assert docking.bass_fraction(5, P, Q) == pytest.approx(0.3312, abs=1e-4)
    assert docking.bass_fraction(10, P, Q) == pytest.approx(0.8128, abs=1e-4)
    assert docking.bass_peak_time(P, Q) == pytest.approx(6.19, abs=0.01)
    assert docking.dropout_steady_share(P, Q, 0.05) == pytest.approx(0.879, abs=1e-3)
    assert 1.0 - docking.decay_survival(1, 1 - 0.8 ** (1 / 12)) == pytest.approx(0.0184, abs=1e-4)


@pytest.mark.parametrize("years", [1, 2, 5, 10])
def test_bass_mean_adoption_matches_closed_form(bass_runs, years):
    ts = bass_runs.timeseries
    share = ts.loc[ts["step"] == 12 * years, "adoption_share"].to_numpy()
    se = share.std(ddof=1) / math.sqrt(len(share))
    monthly = docking.bass_fraction_discrete(12 * years, P, Q)
    continuous = docking.bass_fraction(years, P, Q)
    # the monthly process against its own mean field: 4 standard errors
    assert abs(share.mean() - monthly) < 4 * se
    # against the continuous F(t): 4 standard errors plus the lag of monthly steps, which the
    # numba engine's many runs resolve (0.007 at 5 years)
    assert abs(share.mean() - continuous) < 4 * se + abs(continuous - monthly)


def test_bass_adoption_rate_peaks_near_closed_form_time(bass_runs):
    mean = bass_runs.timeseries.groupby("step")["adoption_share"].mean().to_numpy()
    yearly_gain = mean[12::12] - mean[:-12:12]  # gains in years 1..10
    peak_year = int(np.argmax(yearly_gain)) + 0.5  # middle of the year with the largest gain
    assert abs(peak_year - docking.bass_peak_time(P, Q)) <= 1.0


def test_constant_hazard_decay_follows_geometric_survival(engine):
    d, n = 1 - 0.8 ** (1 / 12), 2000  # 80 % annual retention
    runs = 3 * ENGINES[engine]
    result = mutusim.simulate(
        docking.decay_config(d, n, months=60), runs=runs, seed=4, engine=engine
    )
    ts = result.timeseries
    for month in (1, 12, 24, 60):
        survivors = ts.loc[ts["step"] == month, "adopters"].to_numpy() / n
        expected = docking.decay_survival(month, d)
        se = math.sqrt(expected * (1 - expected) / (n * len(survivors)))
        assert abs(survivors.mean() - expected) < 4 * se, month
    exits = ts.groupby("run")["members_exited"].sum()
    assert (exits == n - ts.loc[ts["step"] == 60, "adopters"].to_numpy()).all()


def test_granovetter_full_cascade_and_its_blocking(engine):
    thresholds = [k / 100 for k in range(100)]
    full = mutusim.simulate(docking.granovetter_config(thresholds), seed=0, engine=engine)
    assert full.timeseries["adopters"].iloc[-1] == 100
    assert docking.granovetter_equilibrium(thresholds) == 100
    thresholds[1] = 2 / 100  # the threshold-1 agent moved to 2
    blocked = mutusim.simulate(docking.granovetter_config(thresholds), seed=0, engine=engine)
    assert blocked.timeseries["adopters"].iloc[-1] == 1
    assert docking.granovetter_equilibrium(thresholds) == 1


def test_dropout_with_reentry_reaches_the_steady_share(engine):
    delta = 0.05
    result = mutusim.simulate(
        docking.dropout_config(P, Q, delta, n_agents=400, years=45),
        runs=4 * ENGINES[engine],
        seed=6,
        engine=engine,
    )
    ts = result.timeseries
    late = ts[ts["step"] >= 12 * 35].groupby("run")["adoption_share"].mean().to_numpy()
    target = docking.dropout_steady_share(P, Q, delta)
    monthly = docking.dropout_steady_share_discrete(P, Q, delta)
    lag = abs(target - monthly)  # 0.002: monthly steps versus continuous time
    assert lag < 0.005
    # each run's 10-year mean is one observation; 4 SE of those, plus the monthly-step lag
    se = late.std(ddof=1) / math.sqrt(len(late))
    assert abs(late.mean() - monthly) < 4 * se
    assert abs(late.mean() - target) < 4 * se + lag
