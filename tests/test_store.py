"""The results store verifies itself: parts corrupted, deleted or slipped in between runs are
recomputed or refused, never trusted; two commands never write one folder at once; every file
is written atomically with the umask's modes; stale temporaries are cleaned; `mutusim report`
reads only what matches the manifest."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import mutusim
from mutusim import atomic, manifest
from mutusim.errors import StoreError
from mutusim.experiments import run_experiment
from mutusim.lock import folder_lock
from mutusim.report import write_report

EXPERIMENT = """
name: store_check
kind: comparison
base: baseline.yaml
set: {population: federation, horizon_months: 24}
runs: 8
chunk_runs: 2
scenarios:
  - name: baseline
  - {name: awareness, policies: [awareness], set: {policies.0.budget_eur: 500000}}
"""


@pytest.fixture(scope="module")
def experiment_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store_check.yaml"
    path.write_text(EXPERIMENT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(experiment_file, tmp_path_factory) -> Path:
    """The experiment run once, undisturbed."""
    out = tmp_path_factory.mktemp("reference") / "out"
    run_experiment(experiment_file, out=out, progress=False)
    return out


@pytest.fixture
def copy(reference, tmp_path) -> Path:
    """A copy of the reference folder, to damage."""
    target = tmp_path / "copy"
    shutil.copytree(reference, target)
    return target


def rows(out: Path, table: str = "runs") -> pd.DataFrame:
    keys = ["scenario", "run"] + (["step"] if table == "timeseries" else [])
    frame = pd.read_parquet(out / table)
    frame["scenario"] = frame["scenario"].astype(str)
    frame = frame.sort_values(keys).reset_index(drop=True)
    return frame[sorted(frame.columns)]


def same_results(a: Path, b: Path) -> None:
    for table in ("runs", "timeseries"):
        pd.testing.assert_frame_equal(rows(a, table), rows(b, table))
    pd.testing.assert_frame_equal(pd.read_csv(a / "summary.csv"), pd.read_csv(b / "summary.csv"))


def a_part(out: Path, table: str = "runs", scenario: str = "awareness") -> Path:
    return sorted((out / table / "experiment=store_check" / f"scenario={scenario}").iterdir())[1]


def test_manifest_records_each_part_with_its_identity_and_hash(reference):
    held = manifest.read(reference)
    assert held["status"] == "complete" and held["store_format"] == 2
    assert len(held["parts"]) == 8 and set(held["chunks"].values()) == {"done"}
    part = held["parts"]["00001-0000002-00002"]
    assert {k: part[k] for k in ("scenario", "first_run", "runs", "seed", "chunk_runs")} == {
        "scenario": "awareness",
        "first_run": 2,
        "runs": 2,
        "seed": 0,
        "chunk_runs": 2,
    }
    assert part["config_sha256"] == held["scenarios"]["awareness"]["config_sha256"]
    for table in ("runs", "timeseries"):
        record = part["files"][table]
        assert atomic.digest(reference / record["path"]).sha256 == record["sha256"]
    assert atomic.digest(reference / "summary.csv").sha256 == held["files"]["summary.csv"]["sha256"]


@pytest.mark.parametrize("damage", ["truncate", "flip a byte", "delete", "empty"])
def test_a_part_damaged_between_runs_is_computed_again(experiment_file, reference, copy, damage):
    part = a_part(copy)
    data = part.read_bytes()
    if damage == "truncate":
        part.write_bytes(data[: len(data) // 2])
    elif damage == "flip a byte":
        middle = len(data) // 2
        part.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    elif damage == "delete":
        part.unlink()
    else:
        part.write_bytes(b"")
    if damage != "delete":
        with pytest.raises(StoreError, match="damaged or changed"):
            write_report(copy, lang="en")
    result = run_experiment(experiment_file, out=copy, progress=False)
    assert result["recomputed"] == ([] if damage == "delete" else ["00001-0000002-00002"])
    same_results(reference, copy)
    assert part.read_bytes() == data  # the same bytes: the chunk is deterministic


def test_a_part_of_another_seed_is_refused_not_mixed(experiment_file, reference, copy, tmp_path):
    other = tmp_path / "other-seed"
    run_experiment(experiment_file, out=other, overrides=["seed=3"], progress=False)
    foreign = a_part(other)
    shutil.copyfile(foreign, a_part(copy))
    with pytest.raises(StoreError, match=r"seed 3.*mixes results"):
        run_experiment(experiment_file, out=copy, progress=False)
    with pytest.raises(StoreError, match="damaged or changed"):
        write_report(copy, lang="en")


def test_a_file_slipped_into_the_store_is_refused(experiment_file, copy):
    stray = copy / "runs" / "experiment=store_check" / "scenario=baseline" / "part-x.parquet"
    shutil.copyfile(a_part(copy), stray)
    with pytest.raises(StoreError, match=r"part-x\.parquet: expected no file there"):
        run_experiment(experiment_file, out=copy, progress=False)
    stray.unlink()
    run_experiment(experiment_file, out=copy, progress=False)


def test_damaged_summary_or_manifest_is_refused_by_the_report(copy):
    (copy / "summary.csv").write_text("scenario,runs\nbaseline,999\n", encoding="utf-8")
    with pytest.raises(StoreError, match=r"summary\.csv.*damaged or changed"):
        write_report(copy, lang="en")
    text = (copy / "manifest.json").read_text(encoding="utf-8")
    (copy / "manifest.json").write_text(text.replace('"seed": 0', '"seed": 7'), encoding="utf-8")
    with pytest.raises(StoreError, match="damaged or edited"):
        write_report(copy, lang="en")
    (copy / "manifest.json").write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(StoreError, match="damaged file"):
        write_report(copy, lang="en")


def test_a_locked_folder_is_refused_at_once_and_left_alone(experiment_file, copy):
    before = {p: p.stat().st_mtime_ns for p in copy.rglob("*")}
    with folder_lock(copy):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "mutusim.cli",
                "experiment",
                str(experiment_file),
                "--out",
                str(copy),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert proc.returncode == 2
    assert "another mutusim command is writing to this folder" in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert {p: p.stat().st_mtime_ns for p in copy.rglob("*")} == before


def test_two_experiments_started_together_never_interleave(experiment_file, reference, tmp_path):
    """Started at the same moment on one folder: one runs, the other is refused (or, if it
    came second, finds everything done); the folder holds each run exactly once."""
    text = EXPERIMENT.replace("runs: 8", "runs: 24")
    path = tmp_path / "store_check.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "shared"
    command = [sys.executable, "-m", "mutusim.cli", "experiment", str(path), "--out", str(out)]
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert sorted(code for code, _ in results)[0] == 0
    for code, err in results:
        assert code == 0 or "another mutusim command is writing" in err, err
    runs = rows(out)
    assert len(runs) == 48 and not runs.duplicated(["scenario", "run"]).any()
    assert len(rows(out, "timeseries")) == 48 * 25
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["runs"]) == [24, 24]


def test_files_get_the_umask_modes_and_temporaries_are_cleaned(experiment_file, tmp_path):
    out = tmp_path / "modes"
    out.mkdir()
    stale = [out / ".mutusim-tmp-abc.tmp", out / ".manifest-x.tmp"]
    for path in stale:
        path.write_text("left by a killed run")
    (out / ".mutusim-tmp-dir").mkdir()
    previous = os.umask(0o027)
    try:
        with pytest.raises(StoreError, match="no manifest"):  # not empty, holds no experiment
            (out / "user-file.txt").write_text("mine")
            run_experiment(experiment_file, out=out, progress=False)
        (out / "user-file.txt").unlink()
        assert not any(p.exists() for p in stale)  # cleaned under the lock, even when refused
        run_experiment(experiment_file, out=out, progress=False)
        run = mutusim.simulate("configs/sector.yaml", runs=2, engine="numba")
        run.write(tmp_path / "run", extra={"chart.txt": lambda p: p.write_text("a chart")})
    finally:
        os.umask(previous)
    files = [p for p in [*out.rglob("*"), *(tmp_path / "run").rglob("*")] if p.is_file()]
    assert len(files) > 20
    for path in files:
        assert path.stat().st_mode & 0o777 == 0o640, path
    for folder in (p for p in out.rglob("*") if p.is_dir()):
        assert folder.stat().st_mode & 0o777 == 0o750, folder
    assert not [p for p in out.rglob("*") if p.name.startswith(atomic.TEMP_PREFIX)]


def test_a_failed_write_leaves_the_file_as_it_was(tmp_path):
    target = tmp_path / "figure.png"
    target.write_bytes(b"previous")

    def half_then_fail(path: Path) -> None:
        path.write_bytes(b"\x89PNG half")
        raise OSError(28, "No space left on device", str(path))

    with pytest.raises(OSError, match="No space left"):
        atomic.write_atomic(target, half_then_fail)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["figure.png"]


def test_run_folder_files_are_verified_and_replaced_whole(tmp_path, sector_config):
    out = tmp_path / "run"
    mutusim.simulate(sector_config, runs=2, engine="numba").write(out)
    write_report(out, lang="en")
    held = manifest.read(out)
    assert set(held["files"]) == {"timeseries.parquet", "runs.parquet", "projects.parquet"}
    (out / "runs.parquet").write_bytes((out / "runs.parquet").read_bytes()[:100])
    with pytest.raises(StoreError, match=r"runs\.parquet.*damaged or changed"):
        write_report(out, lang="en")
    mutusim.simulate(sector_config, runs=3, seed=1, engine="numba").write(out)
    assert manifest.read(out)["runs"] == 3
    write_report(out, lang="en")


def test_a_run_folder_and_an_experiment_folder_are_not_mixed(reference, tmp_path, sector_config):
    result = mutusim.simulate(sector_config, runs=1)
    with pytest.raises(StoreError, match="found the experiment 'store_check'"):
        result.write(reference)
    run_folder = tmp_path / "run"
    result.write(run_folder)
    other = tmp_path / "exp.yaml"
    other.write_text(EXPERIMENT, encoding="utf-8")
    with pytest.raises(StoreError, match="found a `mutusim run` folder"):
        run_experiment(other, out=run_folder, progress=False)


def test_a_folder_of_an_older_store_is_refused(experiment_file, copy):
    held = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    held.pop("manifest_sha256")
    (copy / "manifest.json").write_text(json.dumps(held), encoding="utf-8")
    with pytest.raises(StoreError, match=r"mutusim 0\.5 or earlier"):
        run_experiment(experiment_file, out=copy, progress=False)


def test_the_adoption_chart_is_recorded_and_checked(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mutusim.cli",
            "run",
            "configs/sector.yaml",
            "--out",
            str(out),
            "--set",
            "horizon_months=12",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    record = manifest.read(out)["files"]["adoption.png"]
    assert atomic.digest(out / "adoption.png").sha256 == record["sha256"]
    (out / "adoption.png").write_bytes(b"")
    with pytest.raises(StoreError, match=r"adoption\.png.*damaged or changed"):
        write_report(out, lang="en")


def test_parts_from_other_mutusim_sources_are_computed_again(
    experiment_file, reference, tmp_path, monkeypatch, capsys
):
    """A folder half-computed by another version of the model is not mixed with this one's."""
    from mutusim.experiments import runner

    out = tmp_path / "out"
    monkeypatch.setattr(runner, "source_sha256", lambda: "0" * 64)
    run_experiment(experiment_file, out=out, progress=False)
    monkeypatch.undo()
    capsys.readouterr()
    run_experiment(experiment_file, out=out, progress=False)
    assert "8 chunk(s) in" in capsys.readouterr().err
    held = manifest.read(out)
    assert {p["source_sha256"] for p in held["parts"].values()} == {held["source_sha256"]}
    assert held["source_sha256"] != "0" * 64
    same_results(reference, out)
