"""Experiments over an ensemble (draws weighted, paired across scenarios, resumable), p_best
and regret on a table with a known answer, PRIM on a planted box, sensitivity of answers (a
Morris screening of effects and ranks end to end), and bad ensembles refused before any run."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mutusim import load_config
from mutusim.config import ConfigError
from mutusim.experiments import run_experiment
from mutusim.experiments.ensemble import (
    WEIGHT,
    draw_members,
    ensemble_origin,
    prior_ensemble,
    write_ensemble,
)
from mutusim.experiments.runner import prepare
from mutusim.robustness import discover_flips, robustness_table, scores
from mutusim.robustness.words import flip_sentences

FAST = "{population: federation, horizon_months: 24}"


def ensemble_file(tmp_path: Path, rows: dict[str, list[float]], name="ensemble") -> Path:
    """An ensemble table written as `mutusim calibrate` would (no origin in its metadata)."""
    path = tmp_path / f"{name}.parquet"
    pd.DataFrame(rows).to_parquet(path, index=False)
    return path


def comparison(tmp_path: Path, ensemble: Path, members: int = 3, extra: str = "") -> Path:
    path = tmp_path / "over_ensemble.yaml"
    path.write_text(
        f"""
name: over_ensemble
kind: comparison
base: baseline.yaml
set: {FAST}
runs: 2
chunk_runs: 2
seed: 7
ensemble: {ensemble}
members: {members}
{extra}
scenarios:
  - name: baseline
  - {{name: facilitator, policies: [facilitator], set: {{policies.0.budget_eur: 100000}}}}
  - {{name: awareness, policies: [awareness], set: {{policies.0.budget_eur: 100000}}}}
"""
    )
    return path


TWO_ROWS = {
    "behaviour.pioneer_rate": [0.5, 5.0],
    "behaviour.core_min_partners": [2.0, 3.0],
    WEIGHT: [0.5, 0.5],
}


# ----------------------------------------------------------------------------- draws
def test_members_are_drawn_by_weight():
    """Rows are drawn in proportion to their weight: within 4 binomial sd over 4,000 draws."""
    frame = pd.DataFrame({"behaviour.pioneer_rate": [1.0, 2.0, 3.0], WEIGHT: [0.7, 0.2, 0.1]})
    k = 4000
    members = draw_members(frame, k, seed=3)
    counts = np.bincount([m.row for m in members], minlength=3)
    for row, p in enumerate([0.7, 0.2, 0.1]):
        assert abs(counts[row] - k * p) < 4 * math.sqrt(k * p * (1 - p)), counts
    assert all(m.weight == 1 / k for m in members)
    assert [m.member for m in members] == list(range(k))
    rows = [m.row for m in members[:50]]
    assert [m.row for m in draw_members(frame, 50, seed=3)] == rows  # more members: same first
    assert [m.row for m in draw_members(frame, 50, seed=4)] != rows


def test_integer_parameters_take_their_type():
    base = load_config()
    frame = pd.DataFrame(TWO_ROWS)
    values = [m.values for m in draw_members(frame, 6, seed=0, base=base)]
    assert {type(v["behaviour.core_min_partners"]) for v in values} == {int}
    assert {type(v["behaviour.pioneer_rate"]) for v in values} == {float}


def test_prior_ensemble_covers_the_plausible_ranges(tmp_path):
    frame = prior_ensemble(["behaviour.pioneer_rate", "behaviour.core_max_partners"], size=40)
    assert len(frame) == 40 and math.isclose(frame[WEIGHT].sum(), 1.0)
    assert frame["behaviour.pioneer_rate"].between(0.5, 5.0).all()  # its plausible range
    assert frame["behaviour.core_max_partners"].isin(range(4, 11)).all()  # an integer
    # a Latin hypercube: one point in each of the 40 strata of the range
    strata = np.floor((frame["behaviour.pioneer_rate"] - 0.5) / 4.5 * 40).astype(int)
    assert sorted(strata) == list(range(40))
    path = write_ensemble(frame, tmp_path / "prior.parquet")
    assert ensemble_origin(path) == "prior"
    assert ensemble_origin(ensemble_file(tmp_path, TWO_ROWS)) == "unknown"


# ----------------------------------------------------------------------------- end to end
def test_comparison_over_an_ensemble_is_paired_and_resumable(tmp_path):
    path = comparison(tmp_path, ensemble_file(tmp_path, TWO_ROWS))
    out = tmp_path / "out"
    result = run_experiment(path, out=out, progress=False)
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 3 * 3 * 2  # scenarios x members x runs
    # the same members, with the same runs and seeds, in every scenario
    keys = {
        name: sorted(
            map(tuple, g[["member", "member_row", "run", "run_seed", "replicate"]].to_numpy())
        )
        for name, g in runs.groupby("scenario")
    }
    assert keys["baseline"] == keys["facilitator"] == keys["awareness"]
    # members run distinct run indices, replicates 0..runs-1 each
    assert sorted(runs.loc[runs.scenario == "baseline", "run"]) == list(range(6))
    assert set(runs["replicate"]) == {0, 1}
    # each run carries its member's parameter values and weight
    manifest = json.loads((out / "manifest.json").read_text())
    record = manifest["ensemble"]
    assert record["origin"] == "unknown" and len(record["sha256"]) == 64
    for m in record["members"]:
        rows = runs[runs["member"] == m["member"]]
        for name, value in m["values"].items():
            assert (rows[f"member.{name}"] == value).all()
        assert (rows["member_weight"] == 1 / 3).all()
        assert TWO_ROWS["behaviour.pioneer_rate"][m["row"]] == m["values"]["behaviour.pioneer_rate"]
    # a member's runs are those of a plain run with its parameter values
    m = record["members"][0]
    plain = load_config("configs/baseline.yaml", {"population": "federation", "horizon_months": 24})
    plain = load_config(plain, m["values"])
    from mutusim.simulate import simulate

    again = simulate(plain, runs=2, seed=7, engine="numba", first_run=2 * m["member"])
    stored = runs[(runs.scenario == "baseline") & (runs.member == m["member"])].sort_values("run")
    assert np.allclose(again.runs["adoption_share"], stored["adoption_share"])
    # the summary has the robustness columns; members.csv and flips.json are recorded
    table = result["table"].set_index("scenario")
    assert math.isclose(table["p_best"].sum(), 1.0)
    assert {"members.csv", "flips.json", "summary.csv"} <= set(manifest["files"])
    assert len(pd.read_csv(out / "members.csv")) == 3
    # resuming computes nothing and gives the same summary
    before = {p: p.stat().st_mtime_ns for p in (out / "runs").rglob("*.parquet")}
    again_result = run_experiment(path, out=out, progress=False)
    assert {p: p.stat().st_mtime_ns for p in (out / "runs").rglob("*.parquet")} == before
    pd.testing.assert_frame_equal(again_result["table"], result["table"])


def test_report_says_how_robust_the_answer_is(tmp_path):
    from mutusim.report import write_report

    prior = write_ensemble(
        prior_ensemble(["behaviour.pioneer_rate"], size=8, seed=1), tmp_path / "p.parquet"
    )
    out = tmp_path / "out"
    run_experiment(comparison(tmp_path, prior, members=4), out=out, progress=False)
    for lang, words in {
        "fr": ["Robustesse de la réponse", "non calibré", "P(meilleur)", "la meilleure option"],
        "en": ["How robust the answer is", "uncalibrated", "P(best)", "the best option"],
    }.items():
        html = write_report(out, lang=lang, target_runs=0).read_text()
        for word in words:
            assert word in html, (lang, word)


# ----------------------------------------------------------------------------- p_best, regret
def test_p_best_and_regret_on_a_known_table():
    """Four members of weights 0.4, 0.3, 0.2, 0.1; the best of each is known by hand."""
    table = pd.DataFrame(
        {
            "baseline": [0.0, 0.0, 0.0, 0.0],
            "a": [10.0, 2.0, 5.0, 5.0],
            "b": [4.0, 8.0, 5.0, -1.0],
        }
    )
    weights = pd.Series([0.4, 0.3, 0.2, 0.1])
    out = robustness_table(table, weights).set_index("scenario")
    # a best in members 0 and 3, b in member 1, a and b tie in member 2 (share it)
    assert math.isclose(out.at["a", "p_best"], 0.4 + 0.1 + 0.1)
    assert math.isclose(out.at["b", "p_best"], 0.3 + 0.1)
    assert out.at["baseline", "p_best"] == 0.0
    # regret: shortfall from each member's best (10, 8, 5, 5)
    assert math.isclose(out.at["a", "regret"], 0.3 * 6)
    assert math.isclose(out.at["b", "regret"], 0.4 * 6 + 0.1 * 6)
    assert math.isclose(out.at["baseline", "regret"], 0.4 * 10 + 0.3 * 8 + 0.2 * 5 + 0.1 * 5)
    assert math.isclose(out.at["b", "p_beats_baseline"], 0.9)
    assert math.isclose(out.at["a", "p_beats_baseline"], 1.0)
    assert math.isnan(out.at["baseline", "p_beats_baseline"])
    assert math.isclose(out.at["a", "score_mean"], 4 + 0.6 + 1 + 0.5)


def test_scores_per_million_eur_are_paired_with_the_baseline():
    rows = []
    for member, (base, arm, spend) in enumerate([(10, 40, 2e6), (10, 12, 1e6), (10, 5, 0.0)]):
        for _run in range(2):  # two runs of each member, same means
            rows.append((member, "baseline", base, 0.0))
            rows.append((member, "arm", arm, spend))
    runs = pd.DataFrame(rows, columns=["member", "scenario", "adopters", "cumulative_public_spend"])
    runs["adoption_share"] = runs["adopters"] / 100
    per_meur = scores(runs, ["baseline", "arm"], "pooled_per_meur")
    assert per_meur["arm"].tolist() == [15.0, 2.0, 0.0]  # nothing spent: nothing bought
    assert per_meur["baseline"].tolist() == [0.0, 0.0, 0.0]
    assert scores(runs, ["baseline", "arm"], "additional_pooled")["arm"].tolist() == [30, 2, -5]


# ----------------------------------------------------------------------------- PRIM
def test_prim_finds_a_planted_box():
    """The answer flips where p1 > 0.7 and p3 < 0.4 (with 5 % noise elsewhere): PRIM's box
    restricts those two parameters only, near those bounds, and names the winner inside.
    (Found for 10 seeds out of 10 at this size; peeling is greedy, and at 300 members one
    seed in ten misses the box.)"""
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.uniform(size=(400, 5)), columns=[f"p{i}" for i in range(5)])
    inside = (x.p1 > 0.7) & (x.p3 < 0.4)
    best = pd.Series(np.where(inside, "awareness", "facilitator"))
    best[rng.uniform(size=400) < 0.05] = "pooled_subsidy"
    found = discover_flips(x, best, "facilitator")
    assert found.searched and found.boxes
    box = found.boxes[0]
    assert set(box.limits) == {"p1", "p3"}
    low, high = box.limits["p1"]
    assert high is None and abs(low - 0.7) < 0.1
    low, high = box.limits["p3"]
    assert low is None and abs(high - 0.4) < 0.1
    assert box.winner == "awareness" and box.density > 0.8
    sentences = flip_sentences(found, "en", {"facilitator": "Facilitators"})
    assert sentences[1].startswith("Facilitators is the best option unless p1 is above 0.")
    assert "sauf si" in flip_sentences(found, "fr")[1]


def test_prim_says_when_there_is_nothing_to_find():
    x = pd.DataFrame({"p": np.linspace(0, 1, 40)})
    always = discover_flips(x, pd.Series(["a"] * 40), "a")
    assert always.flipped == 0 and not always.boxes
    assert "every one of the 40" in flip_sentences(always, "en")[0]
    few = discover_flips(x.head(10), pd.Series(["a"] * 8 + ["b"] * 2), "a")
    assert not few.searched and "Too few" in flip_sentences(few, "en")[1]


# ----------------------------------------------------------------------------- sensitivity
def test_morris_of_answers_end_to_end(tmp_path):
    """Morris screening of the effect and the rank of a policy: one row per arm, answer and
    parameter; the effect equals the paired difference of the stored runs."""
    path = tmp_path / "morris.yaml"
    path.write_text(
        f"""
name: tiny_morris
kind: sensitivity
base: baseline.yaml
set: {FAST}
method: morris
samples: 2
runs: 2
chunk_runs: 2
seed: 3
answers: [effect, rank]
parameters:
  behaviour.pioneer_rate: {{min: 0.5, max: 5.0}}
  formation.phases.needs.months: {{min: 0.5, max: 4.0}}
scenarios:
  - name: baseline
  - {{name: facilitator, policies: [facilitator], set: {{policies.0.budget_eur: 100000}}}}
"""
    )
    out = tmp_path / "out"
    result = run_experiment(path, out=out, progress=False)
    table = result["table"]
    assert set(table["output"]) == {"effect.adoption_share", "rank.pooled_per_meur"}
    effect = table[table["output"] == "effect.adoption_share"]
    assert list(effect["scenario"]) == ["facilitator"] * 2
    assert (table["mu_star"] >= 0).all() and table["mu_star"].notna().all()
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 2 * 3 * 2 * 2  # trajectories x (k + 1) points x arms x runs
    # a phase parameter set although the base file leaves the phases to their defaults
    assert runs["param.formation.phases.needs.months"].nunique() > 1
    wide = runs.pivot_table(index=["point", "run"], columns="scenario", values="adoption_share")
    diff = (wide["facilitator"] - wide["baseline"]).groupby("point").mean()
    from SALib.analyze import morris

    from mutusim.experiments.design import design_points, problem
    from mutusim.experiments.runner import load_experiment

    exp = load_experiment(path)
    prob = problem(exp.parameters)
    x = np.array([[p[n] for n in prob["names"]] for p in design_points(exp)])
    expected = morris.analyze(prob, x, diff.sort_index().to_numpy(), seed=3)["mu_star"]
    assert np.allclose(effect["mu_star"].to_numpy(), expected)


def test_plausible_means_every_parameter_with_a_range(tmp_path):
    from mutusim.parameter_table import salib_problem

    path = tmp_path / "screen.yaml"
    path.write_text(
        f"""
name: screen
kind: sensitivity
base: baseline.yaml
set: {FAST}
method: morris
parameters: plausible
samples: 2
runs: 1
answers: [effect]
scenarios:
  - name: baseline
  - {{name: awareness, policies: [awareness], set: {{policies.0.budget_eur: 100000}}}}
"""
    )
    plan = prepare(path, out=tmp_path / "out")
    k = salib_problem()["num_vars"]
    assert list(plan.exp.parameters) == salib_problem()["names"]
    assert len(plan.cells) == 2 * (k + 1) * 2
    assert not (tmp_path / "out").exists()


def test_set_reaches_into_default_tables():
    """`--set` of one entry of a table the file leaves to its defaults changes that entry."""
    base = load_config("configs/sector.yaml")
    changed = load_config("configs/sector.yaml", {"formation.phases.needs.months": 1.5})
    assert changed.formation.phases["needs"].months == 1.5
    assert changed.formation.phases["needs"].failure == base.formation.phases["needs"].failure
    assert changed.formation.phases["market"] == base.formation.phases["market"]


# ----------------------------------------------------------------------------- bad input
def _cli(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mutusim.cli", *args], capture_output=True, text=True, timeout=300
    )


BAD_ENSEMBLES = {
    "weights": ({"behaviour.pioneer_rate": [1.0, 2.0], WEIGHT: [0.5, 0.6]}, ["sum of 1.1"]),
    "no weight": ({"behaviour.pioneer_rate": [1.0, 2.0]}, ["expected a 'weight' column"]),
    "unknown": (
        {"behaviour.pioneer_speed": [1.0], WEIGHT: [1.0]},
        ["'behaviour.pioneer_speed'", "unknown name"],
    ),
    "not a number": ({"name": ["a"], WEIGHT: [1.0]}, ["column 'name'", "expected numbers"]),
    "invalid value": (
        {"behaviour.pioneer_rate": [-3.0], WEIGHT: [1.0]},
        ["ensemble member 0", "pioneer_rate"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_ENSEMBLES))
def test_bad_ensemble_is_refused_before_any_run(case, tmp_path):
    rows, words = BAD_ENSEMBLES[case]
    path = comparison(tmp_path, ensemble_file(tmp_path, rows))
    out = tmp_path / "out"
    proc = _cli(["experiment", str(path), "--out", str(out)])
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    for word in words:
        assert word in proc.stderr, (word, proc.stderr)
    assert not out.exists()


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("members: 1", ["members", "greater than or equal to 2"]),
        ("members: null", ["`ensemble` needs `members` too"]),
        ("set: {behaviour.pioneer_rate: 1.0}", ["'behaviour.pioneer_rate' in both"]),
        ("ensemble: nowhere.parquet", ["no file", "nowhere.parquet"]),
    ],
)
def test_bad_ensemble_fields_are_refused(extra, words, tmp_path):
    path = comparison(tmp_path, ensemble_file(tmp_path, TWO_ROWS))
    text = path.read_text()
    key = extra.split(":")[0]
    text = "\n".join(line for line in text.splitlines() if not line.startswith(f"{key}:"))
    path.write_text(text + f"\n{extra}\n")
    with pytest.raises(ConfigError) as caught:
        prepare(path, out=tmp_path / "out")
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    for word in words:
        assert word in message, (word, message)


def test_answers_need_scenarios(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: s\nkind: sensitivity\nmethod: morris\nanswers: [effect]\n"
        "parameters: {behaviour.pioneer_rate: {min: 1, max: 2}, commitment.erosion: "
        "{min: 0, max: 0.02}}\n"
    )
    with pytest.raises(ConfigError, match="need `scenarios`"):
        prepare(path, out=tmp_path / "out")
