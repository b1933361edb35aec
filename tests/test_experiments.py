"""Experiments end to end: comparison, sweep, Sobol, replication; the store survives SIGKILL;
a dask cluster gives the same rows; bad experiment files stop before any run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from mutusim.experiments import run_experiment

SMALL = "{population: federation}"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


COMPARISON = f"""
name: small_comparison
kind: comparison
base: baseline.yaml
set: {SMALL}
runs: 6
chunk_runs: 3
scenarios:
  - name: baseline
  - {{name: facilitator, policies: [facilitator], set: {{policies.0.budget_eur: 500000}}}}
  - {{name: awareness, policies: [awareness], set: {{policies.0.budget_eur: 500000}}}}
"""


def test_comparison_end_to_end(tmp_path):
    out = tmp_path / "cmp"
    result = run_experiment(write(tmp_path, "cmp", COMPARISON), out=out, progress=False)
    table = result["table"]
    assert list(table["scenario"]) == ["baseline", "facilitator", "awareness"]
    assert (table["runs"] == 6).all()
    assert table.loc[0, "adoption_diff"] == 0.0
    assert (table["adoption_share_lo"] <= table["adoption_share"]).all()
    assert (table["cumulative_public_spend"] <= 500000).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and len(manifest["chunks"]) == 6
    assert set(manifest["chunks"].values()) == {"done"}
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 18 and {"run", "replicate", "seed", "scenario"} <= set(runs.columns)
    ts = duckdb.sql(
        f"select scenario, count(*) as n, max(step) as last from "
        f"read_parquet('{out}/timeseries/**/*.parquet', hive_partitioning=true) group by 1"
    ).df()
    assert set(ts["scenario"]) == {"baseline", "facilitator", "awareness"}
    assert (ts["n"] == 6 * 181).all() and (ts["last"] == 180).all()
    # paired runs: every scenario uses the same run indices and seed
    pairs = runs.groupby("scenario")["run"].apply(sorted)
    assert all(p == list(range(6)) for p in pairs)


def test_sweep_and_sobol_end_to_end(tmp_path):
    sweep = write(
        tmp_path,
        "sweep",
        f"""
name: small_sweep
kind: sweep
base: baseline.yaml
set: {SMALL}
design: grid
levels: 2
runs: 2
parameters:
  behaviour.pioneer_rate: {{min: 0.1, max: 0.6}}
  behaviour.core_max_partners: {{values: [3, 6]}}
""",
    )
    table = run_experiment(sweep, out=tmp_path / "sweep", progress=False)["table"]
    assert len(table) == 4
    assert set(table["param.behaviour.core_max_partners"]) == {3, 6}
    sobol = write(
        tmp_path,
        "sobol",
        """
name: small_sobol
kind: sensitivity
base: baseline.yaml
set: {population.n_agents: 400, horizon_months: 48}
samples: 8
runs: 2
chunk_runs: 2
output: adoption_share
parameters:
  behaviour.pioneer_rate: {min: 0.05, max: 0.5}
  behaviour.autonomy_preference: {min: 0.5, max: 1.5}
""",
    )
    indices = run_experiment(sobol, out=tmp_path / "sobol", progress=False)["table"]
    assert list(indices["parameter"]) == ["behaviour.pioneer_rate", "behaviour.autonomy_preference"]
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(indices.columns)
    assert (indices["replicates_per_point"] == 2).all()


def test_replication_study_reports_runs_needed(tmp_path):
    path = write(
        tmp_path,
        "rep",
        f"""
name: small_replication
kind: replication
base: baseline.yaml
set: {SMALL}
runs: 30
relative_half_width: 0.1
outcomes: [adoption_share]
""",
    )
    table = run_experiment(path, out=tmp_path / "rep", progress=False)["table"]
    row = table.iloc[0]
    assert row["runs_needed"] == pytest.approx(
        (1.959964 * row["sd"] / (0.1 * row["mean"])) ** 2, abs=1.0
    )


def _cli(args, **kw):
    return subprocess.run(
        [sys.executable, "-m", "mutusim.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
        **kw,
    )


def test_killed_experiment_resumes_to_identical_results(tmp_path):
    text = COMPARISON.replace("runs: 6", "runs: 24").replace("chunk_runs: 3", "chunk_runs: 1")
    path = write(tmp_path, "kill", text.replace("small_comparison", "kill_test"))
    whole = tmp_path / "whole"
    assert _cli(["experiment", str(path), "--out", str(whole)]).returncode == 0
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "mutusim.cli", "experiment", str(path), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 300
    while time.time() < deadline:
        parts = list(out.glob("runs/**/part-*.parquet"))
        if len(parts) >= 5:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    parts = list(out.glob("runs/**/part-*.parquet"))
    assert 5 <= len(parts) < 72, "killed mid-way"
    resumed = _cli(["experiment", str(path), "--out", str(out)])
    assert resumed.returncode == 0, resumed.stderr
    for table in ("runs", "timeseries"):
        a = (
            pd.read_parquet(whole / table)
            .sort_values(["scenario", "run"] + (["step"] if table == "timeseries" else []))
            .reset_index(drop=True)
        )
        b = (
            pd.read_parquet(out / table)
            .sort_values(
                list(a.columns[:0])
                + ["scenario", "run"]
                + (["step"] if table == "timeseries" else [])
            )
            .reset_index(drop=True)
        )
        pd.testing.assert_frame_equal(a[sorted(a.columns)], b[sorted(b.columns)])
    assert not list(out.rglob("*.tmp"))


def test_folder_with_another_experiment_is_refused(tmp_path):
    out = tmp_path / "cmp"
    run_experiment(write(tmp_path, "cmp", COMPARISON), out=out, progress=False)
    other = write(tmp_path, "other", COMPARISON.replace("runs: 6", "runs: 4"))
    proc = _cli(["experiment", str(other), "--out", str(out)])
    assert proc.returncode == 2
    assert "holds a different experiment" in proc.stderr and "Traceback" not in proc.stderr


BAD = {
    "unknown parameter": (
        "name: b\nkind: sweep\nruns: 2\nparameters:\n  behaviour.pioneer_speed: {min: 0, max: 1}\n",
        ["bad.yaml", "behaviour.pioneer_speed", "unknown"],
    ),
    "empty range": (
        "name: b\nkind: sweep\nparameters:\n  behaviour.pioneer_rate: {min: 1, max: 1}\n",
        ["bad.yaml", "empty range"],
    ),
    "negative runs": (
        "name: b\nkind: replication\nruns: -5\n",
        ["bad.yaml", "runs", "greater than or equal to 1", "-5"],
    ),
    "wrong kind": ("name: b\nkind: lottery\n", ["bad.yaml", "kind", "'lottery'"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_experiment_fails_before_any_run(case, tmp_path):
    text, words = BAD[case]
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    out = tmp_path / "out"
    proc = _cli(["experiment", str(path), "--out", str(out)])
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in proc.stderr, (word, proc.stderr)
    assert not out.exists()


def test_dask_cluster_gives_the_same_rows(tmp_path):
    from dask.distributed import LocalCluster

    path = write(tmp_path, "cmp", COMPARISON)
    local = run_experiment(path, out=tmp_path / "local", progress=False)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = run_experiment(
            path, out=tmp_path / "dask", progress=False, scheduler=cluster.scheduler_address
        )
    pd.testing.assert_frame_equal(local["table"], remote["table"])
    a = pd.read_parquet(tmp_path / "local" / "runs").sort_values(["scenario", "run"])
    b = pd.read_parquet(tmp_path / "dask" / "runs").sort_values(["scenario", "run"])
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_a_dying_worker_loses_no_chunk(tmp_path):
    """SIGKILL one dask worker mid-experiment: its chunks are recomputed elsewhere and the
    results equal a local run."""
    import threading

    from dask.distributed import LocalCluster

    text = COMPARISON.replace("runs: 6", "runs: 16").replace("chunk_runs: 3", "chunk_runs: 1")
    path = write(tmp_path, "dying", text.replace("small_comparison", "dying_worker"))
    local = run_experiment(path, out=tmp_path / "local", progress=False)
    out = tmp_path / "dask"
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        done: dict = {}
        thread = threading.Thread(
            target=lambda: done.update(
                result=run_experiment(
                    path, out=out, progress=False, scheduler=cluster.scheduler_address
                )
            )
        )
        thread.start()
        deadline = time.time() + 300
        while len(list(out.glob("runs/**/part-*.parquet"))) < 4 and time.time() < deadline:
            time.sleep(0.05)
        nanny = next(iter(cluster.workers.values()))
        os.kill(nanny.process.process.pid, signal.SIGKILL)
        killed_at = len(list(out.glob("runs/**/part-*.parquet")))
        thread.join(timeout=600)
    assert killed_at < 48, "the worker died after the experiment had finished"
    assert "result" in done, "the experiment did not finish after a worker died"
    pd.testing.assert_frame_equal(local["table"], done["result"]["table"])
    a = pd.read_parquet(tmp_path / "local" / "runs").sort_values(["scenario", "run"])
    b = pd.read_parquet(out / "runs").sort_values(["scenario", "run"])
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
