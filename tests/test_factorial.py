"""The factorial experiment kind (issue 11): the contrasts recover a planted interaction on a
toy configuration with a known answer, and a 2^2 design runs end to end with paired cells."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from mutusim.config import ConfigError
from mutusim.experiments import run_experiment
from mutusim.experiments.analysis import factorial, factorial_contrasts
from mutusim.experiments.runner import load_experiment

TOY = """
name: toy_factorial
kind: factorial
base: baseline.yaml
set: {population: federation, horizon_months: 36, policy_period_months: 24}
runs: 4
chunk_runs: 4
factors:
  awareness: {policy: awareness, budget_eur: 200000}
  facilitator: {policy: facilitator, budget_eur: 300000, spending: even}
"""


def _toy_runs(effects: dict, noise: float, runs: int, seed: int) -> pd.DataFrame:
    """Runs of a planted 2^3 model y = 0.1 + a A + b B + c C + ab A B + e (e shared by a run
    across cells, as common random numbers make it)."""
    rng = np.random.default_rng(seed)
    shared = rng.normal(0, noise, runs)
    rows = []
    for levels in itertools.product((0, 1), repeat=3):
        a, b, c = levels
        name = "+".join(n for n, on in zip("ABC", levels, strict=True) if on) or "none"
        y = (
            0.1
            + effects["A"] * a
            + effects["B"] * b
            + effects["C"] * c
            + effects["A x B"] * a * b
            + shared
            + rng.normal(0, noise / 4, runs)
        )
        for run in range(runs):
            rows.append(
                {
                    "scenario": name,
                    "run": run,
                    "param.A": a,
                    "param.B": b,
                    "param.C": c,
                    "adoption_share": y[run],
                }
            )
    return pd.DataFrame(rows)


class _Exp:
    """The two fields ``factorial`` reads of a factorial experiment."""

    factors = ("A", "B", "C")
    confidence = 0.95


def test_contrasts_are_the_textbook_ones_without_noise():
    levels = pd.DataFrame(list(itertools.product((0, 1), repeat=2)), columns=["A", "B"])
    none, b, a, ab = 1.0, 3.0, 2.0, 10.0  # cells in (A, B) order 00, 01, 10, 11
    values = pd.DataFrame([[none], [b], [a], [ab]])
    out = factorial_contrasts(levels, values)
    assert out["A"][0] == pytest.approx(((a - none) + (ab - b)) / 2)
    assert out["B"][0] == pytest.approx(((b - none) + (ab - a)) / 2)
    assert out["A x B"][0] == pytest.approx(ab - a - b + none)


def test_factorial_recovers_a_planted_interaction():
    planted = {"A": 0.03, "B": 0.05, "C": 0.0, "A x B": 0.02}
    table = factorial(_Exp, _toy_runs(planted, noise=0.02, runs=200, seed=4)).set_index("term")
    # a main effect is averaged over the other factors' levels: A's includes half of A x B
    expected = {"A": 0.03 + 0.02 / 2, "B": 0.05 + 0.02 / 2, "C": 0.0, "A x B": 0.02}
    for term, value in expected.items():
        row = table.loc[term]
        assert row["effect_lo"] <= value <= row["effect_hi"], term
    assert table.loc["A x B", "clear"]  # the planted interaction is found …
    assert not table.loc["A x C", "clear"] and not table.loc["B x C", "clear"]  # … and no other
    assert not table.loc["C", "clear"]
    # interaction intervals are as wide as main effects' (same number of paired runs)
    assert (table["effect_lo"] <= table["effect"]).all()
    assert (table["effect"] <= table["effect_hi"]).all()


def test_a_factorial_runs_every_combination_paired(tmp_path):
    path = tmp_path / "toy.yaml"
    path.write_text(TOY)
    result = run_experiment(path, out=tmp_path / "out", progress=False)
    runs = pd.read_parquet(tmp_path / "out" / "runs")
    assert sorted(runs["scenario"].unique()) == sorted(
        ["none", "awareness", "facilitator", "awareness+facilitator"]
    )
    assert runs.groupby("scenario")["run"].apply(sorted).map(lambda r: r == [0, 1, 2, 3]).all()
    spend = runs.groupby("scenario")["cumulative_public_spend"].max()
    assert spend["none"] == 0 and spend["awareness"] <= 200000
    assert spend["facilitator"] <= 300000 and spend["awareness+facilitator"] <= 500000
    table = result["table"]
    assert set(table["term"]) == {"awareness", "facilitator", "awareness x facilitator"}
    assert (table["runs"] == 4).all()


def test_a_factorial_needs_an_allocation_per_factor(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(TOY.replace("budget_eur: 200000", "budget_eur: 0"))
    with pytest.raises(ConfigError) as info:
        load_experiment(path)
    assert "factors.awareness.budget_eur" in str(info.value) and "\n" not in str(info.value)
