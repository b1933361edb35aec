"""Faults become one line saying what is kept and how to go on: Ctrl-C and SIGTERM, a full
disk, a file-size limit, an unreachable or lost dask scheduler, a cluster without workers.
After each, running the same command again (locally, or on a new cluster) finishes the
experiment with the rows an undisturbed run gives."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from mutusim import atomic, manifest
from mutusim.errors import ClusterError, StoreError
from mutusim.experiments import cluster, run_experiment, store

EXPERIMENT = """
name: fault_check
kind: comparison
base: baseline.yaml
set: {population: federation, horizon_months: 24}
runs: 16
chunk_runs: 1
scenarios:
  - name: baseline
  - {name: awareness, policies: [awareness], set: {policies.0.budget_eur: 500000}}
"""


@pytest.fixture(scope="module")
def experiment_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "fault_check.yaml"
    path.write_text(EXPERIMENT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(experiment_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reference") / "out"
    run_experiment(experiment_file, out=out, progress=False)
    return out


def same_runs(a: Path, b: Path) -> None:
    def rows(out: Path) -> pd.DataFrame:
        frame = pd.read_parquet(out / "runs")
        frame["scenario"] = frame["scenario"].astype(str)
        return frame.sort_values(["scenario", "run"]).reset_index(drop=True)

    pd.testing.assert_frame_equal(rows(a), rows(b))
    pd.testing.assert_frame_equal(pd.read_csv(a / "summary.csv"), pd.read_csv(b / "summary.csv"))


def kept_parts_verify(out: Path) -> int:
    """Every part the manifest records matches its SHA-256; return how many chunks."""
    held = manifest.read(out)
    for part in held["parts"].values():
        for record in part["files"].values():
            assert atomic.digest(out / record["path"]).sha256 == record["sha256"]
    assert not [p for p in out.rglob("*") if p.name.startswith(atomic.TEMP_PREFIX)]
    return len(held["parts"])


def _recorded(out: Path) -> int:
    """How many chunks the manifest of ``out`` records so far (0 before it exists)."""
    try:
        return len(manifest.read(out)["parts"])
    except StoreError:
        return 0


@pytest.mark.parametrize(
    ("signum", "name", "status"), [(signal.SIGINT, "Ctrl-C", 130), (signal.SIGTERM, "SIGTERM", 143)]
)
def test_interrupted_experiment_says_what_is_kept_and_resumes(
    experiment_file, reference, tmp_path, signum, name, status
):
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "mutusim.cli",
        "experiment",
        str(experiment_file),
        "--out",
        str(out),
    ]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    # wait until the manifest records four chunks (a part file exists before its record)
    while _recorded(out) < 4 and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signum)
    err = proc.communicate(timeout=120)[1]
    assert proc.returncode == status, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"mutusim: error: interrupted ({name}): ")
    kept = kept_parts_verify(out)
    assert f"{kept} of 32 chunks are kept in {out}" in lines[0] and 4 <= kept < 32
    assert (
        f"to finish on this machine, run: mutusim experiment {experiment_file} --out {out}"
        in (lines[0])
    )
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    same_runs(reference, out)


@pytest.mark.parametrize(
    ("signum", "name", "status"), [(signal.SIGINT, "Ctrl-C", 130), (signal.SIGTERM, "SIGTERM", 143)]
)
def test_interrupted_run_says_nothing_was_kept(tmp_path, monkeypatch, capsys, signum, name, status):
    """The signal arrives while `mutusim run` simulates (in this process, so exactly then)."""
    import importlib

    from mutusim.cli import main

    def simulate_until_signalled(*args, **kwargs):
        os.kill(os.getpid(), signum)
        time.sleep(5)  # the handler raises before this ends
        raise AssertionError("the signal did not interrupt")

    module = importlib.import_module("mutusim.simulate")  # mutusim.simulate is the function
    monkeypatch.setattr(module, "simulate", simulate_until_signalled)
    handler = signal.getsignal(signal.SIGTERM)
    try:
        code = main(["run", "configs/sector.yaml", "--out", str(tmp_path / "out")])
    finally:
        signal.signal(signal.SIGTERM, handler)
    assert code == status
    assert capsys.readouterr().err == (
        f"mutusim: error: interrupted ({name}) before any result was complete; run the command "
        "again\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_full_disk_keeps_what_was_written_and_resumes(
    experiment_file, reference, tmp_path, monkeypatch
):
    out = tmp_path / "out"
    write = store.pq.write_table
    calls = []

    def fill_up(table, path, *args, **kwargs):
        calls.append(path)
        if len(calls) > 9:  # four chunks and a half fit
            Path(path).write_bytes(b"PAR1 partial")
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return write(table, path, *args, **kwargs)

    monkeypatch.setattr(store.pq, "write_table", fill_up)
    with pytest.raises(StoreError) as info:
        run_experiment(experiment_file, out=out, progress=False)
    message = str(info.value)
    assert "No space left on device" in message and "\n" not in message
    assert "4 of 32 chunks are kept" in message and "to finish on this machine, run:" in message
    assert kept_parts_verify(out) == 4
    monkeypatch.setattr(store.pq, "write_table", write)
    run_experiment(experiment_file, out=out, progress=False)
    same_runs(reference, out)


def test_a_file_size_limit_during_run_is_one_line_and_no_manifest(tmp_path):
    out = tmp_path / "out"

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mutusim.cli",
            "run",
            "configs/sector.yaml",
            "--runs",
            "20",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("mutusim: error: ") and proc.stderr.count("\n") == 1
    assert "File too large" in proc.stderr
    assert not (out / "manifest.json").exists()  # so no reader takes the folder as complete
    assert not [p for p in out.iterdir() if p.name.startswith(atomic.TEMP_PREFIX)]


def test_an_unreachable_scheduler_stops_before_the_folder_is_made(
    experiment_file, tmp_path, monkeypatch
):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1.0)
    with pytest.raises(ClusterError, match=r"cannot reach a dask scheduler there within 1 s"):
        run_experiment(experiment_file, out=tmp_path / "out", scheduler="tcp://127.0.0.1:9")
    assert not (tmp_path / "out").exists()


def test_no_worker_for_the_timeout_keeps_the_folder_and_finishes_locally(
    experiment_file, reference, tmp_path
):
    from dask.distributed import LocalCluster

    out = tmp_path / "out"
    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as empty:
        start = time.monotonic()
        with pytest.raises(ClusterError, match=r"no dask worker .* for 1\.5 s") as info:
            run_experiment(
                experiment_file, out=out, scheduler=empty.scheduler_address, worker_timeout=1.5
            )
        assert time.monotonic() - start < 30
    assert "0 of 32 chunks are kept" in str(info.value)
    assert f"to finish on this machine, run: mutusim experiment {experiment_file}" in str(
        info.value
    )
    run_experiment(experiment_file, out=out, progress=False)
    same_runs(reference, out)


def test_a_lost_scheduler_keeps_the_chunks_done_and_a_new_cluster_finishes(
    experiment_file, reference, tmp_path
):
    from dask.distributed import LocalCluster

    out = tmp_path / "out"
    doomed = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None)

    def lose_scheduler() -> None:
        deadline = time.time() + 300
        while len(list(out.glob("runs/**/part-*"))) < 3 and time.time() < deadline:
            time.sleep(0.05)
        doomed.close()

    threading.Thread(target=lose_scheduler, daemon=True).start()
    with pytest.raises(ClusterError, match="lost the dask scheduler") as info:
        run_experiment(experiment_file, out=out, scheduler=doomed.scheduler_address)
    kept = kept_parts_verify(out)
    assert f"{kept} of 32 chunks are kept" in str(info.value) and kept >= 3
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as fresh:
        run_experiment(experiment_file, out=out, scheduler=fresh.scheduler_address)
    same_runs(reference, out)


@pytest.mark.parametrize(
    "address",
    ["tcp://127.0.0.1:8786", "127.0.0.1:8786", "tls://head-node:8786", "tcp://[::1]:8786"],
)
def test_scheduler_addresses_in_the_usual_forms_are_accepted(address):
    assert cluster.check_address(address).endswith(":8786")


def test_a_worker_with_other_mutusim_sources_is_refused(experiment_file, tmp_path, monkeypatch):
    from dask.distributed import LocalCluster

    from mutusim.experiments import runner

    monkeypatch.setattr(runner, "source_sha256", lambda: "0" * 64)  # here, not on the worker
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as other:
        with pytest.raises(ClusterError, match="install the same mutusim on every dask worker"):
            run_experiment(experiment_file, out=tmp_path / "out", scheduler=other.scheduler_address)
    assert manifest.read(tmp_path / "out")["parts"] == {}
