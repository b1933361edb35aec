"""``mutusim run`` end to end on the sector population, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

from mutusim.config import config_hash, load_config


def test_cli_run_writes_results_with_provenance(tmp_path):
    out = tmp_path / "sector-run"
    cmd = [
        sys.executable,
        "-m",
        "mutusim.cli",
        "run",
        "configs/sector.yaml",
        "--runs",
        "2",
        "--seed",
        "5",
        "--out",
        str(out),
        "--set",
        "behaviour.pioneer_rate=0.3",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "EES in a running pooled project" in proc.stdout
    names = {p.name for p in out.iterdir()}
    assert {
        "timeseries.parquet",
        "runs.parquet",
        "projects.parquet",
        "manifest.json",
        "adoption.png",
    } <= names
    assert {n for n in names if n.startswith(".")} == {".mutusim.lock"}  # no temporary left
    ts = pd.read_parquet(out / "timeseries.parquet")
    runs = pd.read_parquet(out / "runs.parquet")
    assert sorted(ts["run"].unique()) == [0, 1] and ts["step"].max() == 120
    assert list(runs["seed"]) == [5, 5] and list(runs["n_agents"]) == [60, 60]
    manifest = json.loads((out / "manifest.json").read_text())
    expected = load_config("configs/sector.yaml", ["behaviour.pioneer_rate=0.3"])
    assert manifest["config_sha256"] == config_hash(expected)
    assert manifest["config"]["behaviour"]["pioneer_rate"] == 0.3
    assert manifest["seed"] == 5 and manifest["runs"] == 2
    assert {"mesa", "numba", "numpy", "mutusim"} <= set(manifest["versions"])
    assert manifest["git_commit"]
    assert (out / "adoption.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_help_lists_the_options():
    proc = subprocess.run(
        [sys.executable, "-m", "mutusim.cli", "run", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0
    for option in ("--runs", "--seed", "--out", "--set"):
        assert option in proc.stdout
