"""The numba engine against the Mesa model (same trajectories), and its independence from
threads, chunking and unrelated policies (common random numbers)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numba
import numpy as np
import pandas as pd
import pytest

import mutusim
from mutusim import docking
from mutusim.config import POLICY_TYPES

POLICIES = POLICY_TYPES  # one policy file per type: configs/policies/<type>.yaml


def assert_same(config, runs: int, seed: int, first_run: int = 0) -> None:
    """Same timeseries (floats within 1e-9) and the same projects, created, started and
    ended at the same months, from both engines."""
    mesa = mutusim.simulate(config, runs=runs, seed=seed, engine="mesa", first_run=first_run)
    fast = mutusim.simulate(config, runs=runs, seed=seed, engine="numba", first_run=first_run)
    pd.testing.assert_frame_equal(
        fast.timeseries, mesa.timeseries, check_exact=False, rtol=0, atol=1e-9
    )
    pd.testing.assert_frame_equal(fast.projects, mesa.projects, check_exact=False, atol=1e-9)
    pd.testing.assert_frame_equal(fast.runs, mesa.runs, check_exact=False, atol=1e-9)


def test_baseline_full_population_same_trajectory():
    assert_same(mutusim.load_config(), runs=1, seed=17, first_run=3)


def test_sector_same_trajectories():
    assert_same(mutusim.load_config("configs/sector.yaml"), runs=4, seed=5)


@pytest.mark.parametrize("policy", POLICIES)
def test_each_policy_same_trajectory(policy):
    cfg = mutusim.load_config(
        f"configs/scenarios/{policy}.yaml",
        ["population.n_agents=1500", "policies.0.budget_eur=500000"],
    )
    assert_same(cfg, runs=1, seed=23)


def test_all_policies_combined_same_trajectory():
    cfg = mutusim.load_config(
        "configs/scenarios/all_policies.yaml",
        [
            "population.n_agents=3000",
            *(f"policies.{k}.budget_eur=250000" for k in range(6)),
        ],
    )
    assert_same(cfg, runs=1, seed=29)


@pytest.mark.parametrize(
    "config",
    [
        docking.bass_config(0.03, 0.38, 300, 5),
        docking.decay_config(0.02, 300, 36),
        docking.granovetter_config([k / 50 for k in range(50)], months=60),
        docking.dropout_config(0.03, 0.38, 0.05, 200, 10),
    ],
    ids=["bass", "decay", "granovetter", "dropout"],
)
def test_docking_configs_same_trajectories(config):
    assert_same(config, runs=2, seed=31)


def test_same_story_for_an_ees():
    cfg = mutusim.load_config("configs/sector.yaml", ["mechanisms.demand=false"])
    mesa = mutusim.simulate(cfg, runs=1, seed=2, engine="mesa", keep_stories=True)
    fast = mutusim.simulate(cfg, runs=2, seed=2, engine="numba")
    members = [a for a in range(60) if len(mesa.story(0, a)) > 1]
    assert members, "some EES have a history"
    for agent in members[:5]:
        pd.testing.assert_frame_equal(fast.story(0, agent), mesa.story(0, agent))


def test_thread_count_does_not_change_results():
    cfg = mutusim.load_config("configs/sector.yaml")
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = mutusim.simulate(cfg, runs=8, seed=3, engine="numba").timeseries
        numba.set_num_threads(max(2, before))
        two = mutusim.simulate(cfg, runs=8, seed=3, engine="numba").timeseries
    finally:
        numba.set_num_threads(before)
    pd.testing.assert_frame_equal(one, two, check_exact=True)


def test_chunking_does_not_change_results():
    cfg = mutusim.load_config("configs/sector.yaml")
    whole = mutusim.simulate(cfg, runs=10, seed=4, engine="numba", chunk_size=10)
    for chunk in (1, 3):
        again = mutusim.simulate(cfg, runs=10, seed=4, engine="numba", chunk_size=chunk)
        pd.testing.assert_frame_equal(whole.timeseries, again.timeseries, check_exact=True)
    parts = pd.concat(
        [
            mutusim.simulate(cfg, runs=5, seed=4, engine="numba", first_run=f).timeseries
            for f in (0, 5)
        ],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(whole.timeseries, parts, check_exact=True)


def test_a_policy_leaves_untouched_draws_unchanged():
    """Common random numbers: a policy that starts at month 60 changes nothing before it,
    and a policy that cannot pay changes nothing at all."""
    base = mutusim.load_config(None, ["population.n_agents=2000"])
    late = mutusim.load_config(
        "configs/scenarios/all_policies.yaml",
        ["population.n_agents=2000", *(f"policies.{k}.start_month=60" for k in range(6))],
    )
    broke = mutusim.load_config(
        "configs/scenarios/awareness.yaml", ["population.n_agents=2000", "policies.0.budget_eur=1"]
    )
    ts_base = mutusim.simulate(base, runs=6, seed=9, engine="numba").timeseries
    ts_late = mutusim.simulate(late, runs=6, seed=9, engine="numba").timeseries
    ts_broke = mutusim.simulate(broke, runs=6, seed=9, engine="numba").timeseries
    before = ts_base["step"] <= 60
    pd.testing.assert_frame_equal(ts_base[before], ts_late[before], check_exact=True)
    assert not ts_base[~before]["convinced_share"].equals(ts_late[~before]["convinced_share"])
    accounts = [c for c in ts_base if c.endswith("_policy_0")]  # 1 EUR committed, none spent
    pd.testing.assert_frame_equal(
        ts_base.drop(columns=accounts), ts_broke.drop(columns=accounts), check_exact=True
    )


def test_kernels_run_without_jit_and_agree(tmp_path):
    """NUMBA_DISABLE_JIT=1 runs the kernels as plain Python (what coverage sees); the result
    equals the compiled one."""
    overrides = [
        "population=federation",
        "population.n_agents=40",
        "horizon_months=30",
        "mechanisms.demand=false",
        *(f"policies.{k}.budget_eur=50000" for k in range(6)),
    ]
    script = tmp_path / "nojit.py"
    script.write_text(
        "import json, sys\nimport mutusim\n"
        f"cfg = mutusim.load_config('configs/scenarios/all_policies.yaml', {overrides!r})\n"
        "r = mutusim.simulate(cfg, runs=2, seed=1, engine='numba')\n"
        "r.timeseries.to_parquet(sys.argv[1])\n"
    )
    out = tmp_path / "nojit.parquet"
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    proc = subprocess.run(
        [sys.executable, "-W", "ignore::RuntimeWarning", str(script), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path.cwd(),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    cfg = mutusim.load_config("configs/scenarios/all_policies.yaml", overrides)
    jit = mutusim.simulate(cfg, runs=2, seed=1, engine="numba").timeseries
    pd.testing.assert_frame_equal(pd.read_parquet(out), jit, check_exact=False, atol=1e-12)
    assert jit["joins"].sum() > 0 and jit["cumulative_public_spend"].iloc[-1] > 0


def test_one_call_runs_several_parameter_points_and_policy_sets():
    from mutusim.engine import run_points
    from mutusim.phases import scenario_inputs
    from mutusim.results import timeseries_table

    overrides = ["population.n_agents=800", "horizon_months=48"]
    configs = [
        mutusim.load_config(None, overrides),
        mutusim.load_config("configs/scenarios/awareness.yaml", overrides),
        mutusim.load_config(
            "configs/scenarios/all_policies.yaml", [*overrides, "behaviour.pioneer_rate=0.4"]
        ),
    ]
    points = [scenario_inputs(c) for c in configs]
    runs = np.array([0, 1, 0, 1, 0, 1])
    which = np.array([0, 0, 1, 1, 2, 2])
    mixed = run_points(points, seed=12, runs=runs, point_of_run=which, chunk_size=4)
    table = timeseries_table(mixed.runs, mixed.out, points[0].columns)
    for k, config in enumerate(configs):
        alone = mutusim.simulate(config, runs=2, seed=12, engine="numba").timeseries
        rows = table[np.repeat(which == k, 49)].reset_index(drop=True)
        pd.testing.assert_frame_equal(rows, alone, check_exact=True)


def test_runs_with_more_projects_than_the_export_table_are_run_again(monkeypatch):
    from mutusim.engine import batch

    cfg = mutusim.load_config("configs/sector.yaml", ["mechanisms.demand=false"])
    whole = mutusim.simulate(cfg, runs=3, seed=6, engine="mesa").projects
    assert whole.groupby("run").size().max() > 2
    monkeypatch.setattr(batch, "_export_rows", lambda points: 2)
    fast = mutusim.simulate(cfg, runs=3, seed=6, engine="numba").projects
    pd.testing.assert_frame_equal(fast, whole)
