"""The command line end to end, as a user runs it: ``run`` (results, summary tables in Parquet,
CSV or Excel, a folder of another run refused), ``show``, ``--version``, ``validate`` from
another folder, and error paths that end in one line."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
import yaml

import mutusim
from mutusim.cli import main
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
    assert "EES dans un projet mutualisé actif" in proc.stdout  # French by default
    assert max(len(line) for line in proc.stdout.splitlines()) <= 100
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
    assert sorted(ts["run"].unique()) == [0, 1] and ts["step"].max() == 180
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


def _cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """The command in a fresh process (for what only a process shows: cwd, exit, pipes)."""
    return subprocess.run(
        [sys.executable, "-m", "mutusim.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def _main(capsys, *args: str) -> subprocess.CompletedProcess:
    """The command in this process (faster: the engine is already loaded), as a result."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def _one_line_error(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mutusim: error: "), proc.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


def test_run_writes_spreadsheets_and_refuses_another_runs_folder(tmp_path, capsys):
    out = tmp_path / "federation"
    common = ["run", "configs/sector.yaml", "--runs", "3", "--out", str(out)]
    first = _main(capsys, *common, "--format", "xlsx", "--lang", "en")
    assert first.returncode == 0, first.stderr
    assert "EES in a running pooled project" in first.stdout
    sheets = pd.read_excel(out / "summary.xlsx", sheet_name=None)
    assert set(sheets) == {"runs", "months", "about"}
    runs = pd.read_parquet(out / "runs.parquet")
    assert list(sheets["runs"]["run_seed"].astype(int)) == list(runs["run_seed"])  # exact, as text
    shown = sheets["runs"][runs.columns].drop(columns="run_seed")
    pd.testing.assert_frame_equal(shown, runs.drop(columns="run_seed"), check_dtype=False)
    assert len(sheets["months"]) == 181  # months 0 to 180
    assert (
        sheets["months"]["adoption_share_p05"] <= sheets["months"]["adoption_share_median"]
    ).all()
    # The very same run may be written again (same results); CSV this time.
    again = _main(capsys, *common, "--format", "csv")
    assert again.returncode == 0, again.stderr
    assert pd.read_csv(out / "runs.csv").shape[0] == 3
    assert pd.read_csv(out / "months.csv").shape[0] == 181
    # Another run (another seed) is refused, before simulating, unless --force.
    other = _main(capsys, *common, "--seed", "7")
    _one_line_error(other, str(out), "another run", "--force")
    assert json.loads((out / "manifest.json").read_text())["seed"] == 0
    forced = _main(capsys, *common, "--seed", "7", "--force")
    assert forced.returncode == 0, forced.stderr
    assert json.loads((out / "manifest.json").read_text())["seed"] == 7
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("mine")
    _one_line_error(
        _main(capsys, "run", "configs/sector.yaml", "--out", str(stranger)), "not mutusim"
    )


def test_show_prints_the_resolved_scenario_from_any_folder(tmp_path, capsys):
    proc = _cli("show", "sector", "--set", "budget_eur=1000000", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    resolved = yaml.safe_load(proc.stdout)
    config = load_config("configs/sector.yaml", ["budget_eur=1000000"])
    assert resolved == config.model_dump(mode="json")
    assert config_hash(config) in proc.stdout.splitlines()[1]
    (tmp_path / "mine.yaml").write_text(proc.stdout)
    assert config_hash(load_config(tmp_path / "mine.yaml")) == config_hash(config)
    _one_line_error(_main(capsys, "show", "nowhere.yaml"), "nowhere.yaml", "file not found")
    _one_line_error(
        _main(capsys, "show", "sector", "--set", "behaviour.pioneer_rate=-1"), "pioneer_rate"
    )


def test_version():
    proc = _cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.startswith(f"mutusim {mutusim.__version__} ")


def test_validate_runs_from_any_folder(tmp_path):
    out = tmp_path / "tables"
    proc = _cli("validate", "--runs", "2", "--agents", "60", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert {"RESULTS.md", "patterns.csv", "bass_docking.csv"} <= {p.name for p in out.iterdir()}


def test_error_paths_end_in_one_line(tmp_path, capsys):
    _one_line_error(_main(capsys, "run", "--runs", "0"), "--runs")
    _one_line_error(
        _main(capsys, "run", "configs/sector.yaml", "--set", "nonsense"), "dotted.key=value"
    )
    _one_line_error(_main(capsys, "report", str(tmp_path)), "manifest.json")
    _one_line_error(_main(capsys, "report", str(tmp_path), "--target-runs", "-1"), "--target")
    _one_line_error(_main(capsys, "params", "--set", "horizon_months=0"), "horizon_months")
    # In a fresh process too: the exit status and nothing but the one line.
    _one_line_error(_cli("run", "--runs", "0"), "--runs")


def test_story_of_an_unknown_agent_is_an_error(sector_config):
    result = mutusim.simulate(sector_config, runs=1, seed=0, engine="numba")
    assert list(result.story(0, 59).columns) == ["month", "event", "project", "value"]
    with pytest.raises(ValueError, match=r"agent 60 does not exist; EES are numbered 0..59"):
        result.story(0, 60)
    with pytest.raises(ValueError, match="agent -1"):
        result.story(0, -1)
    with pytest.raises(ValueError, match="run 3 is not in this result"):
        result.story(3, 0)
