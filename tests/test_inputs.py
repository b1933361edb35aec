"""Every kind of bad input is refused before any work: status 2, one line naming the file,
the field, what was expected and what was found, no traceback, no folder created.

Kinds: numbers that are not finite, booleans or floats for integers, seeds outside
[0, 2^63), sizes beyond the memory available, duplicate YAML keys, non-UTF-8, oversized and
alias-bomb YAML, unknown outcome and parameter names, analyses that cannot be made, bad
command-line arguments, and output paths that cannot be written. Most cases call ``main``
in-process (the same code as the command); a few run the command itself.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mutusim import sizing
from mutusim.cli import main
from mutusim.config import ConfigError, load_config

SECTOR = "configs/sector.yaml"


@pytest.fixture
def refused(capsys, tmp_path):
    """Run ``mutusim ARGS`` in-process; check it is refused with one clean line and that
    ``tmp_path/out`` was not created; return that line."""
    out = tmp_path / "out"

    def check(args: list[str], *words: str) -> str:
        handler = signal.getsignal(signal.SIGTERM)
        start = time.monotonic()
        try:
            status = main([str(a) for a in args])
        except SystemExit as exc:  # argparse
            status = exc.code
        finally:
            signal.signal(signal.SIGTERM, handler)
        err = capsys.readouterr().err
        assert status == 2, err
        assert err.startswith("mutusim: error: ") and err.count("\n") == 1, err
        assert "Traceback" not in err
        for word in words:
            assert word in err, (word, err)
        assert not out.exists(), "a folder was created for a refused input"
        assert time.monotonic() - start < 30, "refused, but only after long work"
        return err

    check.out = out  # type: ignore[attr-defined]
    return check


def write(tmp_path: Path, text: str | bytes, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


SCENARIO = "extends: sector.yaml\nname: bad\n"
EXPERIMENT = "name: bad\nkind: replication\nbase: sector.yaml\nruns: 4\n"
SWEEP = (
    "name: bad\nkind: sweep\nbase: sector.yaml\nruns: 2\n"
    "parameters:\n  behaviour.pioneer_rate: {min: 0.1, max: 0.5}\n"
)
SOBOL = (
    "name: bad\nkind: sensitivity\nbase: sector.yaml\nruns: 2\nsamples: 4\n"
    "parameters:\n  behaviour.pioneer_rate: {min: 0.1, max: 0.5}\n"
    "  behaviour.imitation: {min: 1.0, max: 5.0}\n"
)


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    "setting, words",
    [
        ("budget_eur=.inf", ["budget_eur", "finite", "inf"]),
        ("behaviour.pioneer_rate=.nan", ["behaviour.pioneer_rate", "finite", "nan"]),
        ("population.network.mean_degree=-.inf", ["mean_degree", "finite"]),
        ("budget_eur=1e400", ["budget_eur", "finite"]),  # overflows to inf in YAML
        ("horizon_months=true", ["horizon_months", "integer", "True"]),
        ("projects.max_members=12.0", ["max_members", "integer", "12.0"]),
        ("population.n_agents='60'", ["n_agents", "integer", "'60'"]),
        ("mechanisms.demand=1", ["mechanisms.demand", "bool", "1"]),
        ("behaviour.reentry_cooldown_months=9223372036854775807", ["2^53"]),
    ],
)
def test_run_refuses_numbers_that_are_not_what_the_field_says(refused, setting, words):
    refused(["run", SECTOR, "--set", setting, "--out", refused.out], f"--set {setting[:8]}", *words)


def test_config_file_numbers_name_the_file(refused, tmp_path):
    path = write(tmp_path, SCENARIO + "behaviour:\n  imitation: .inf\n")
    with pytest.raises(
        ConfigError, match=r"bad\.yaml: field 'behaviour\.imitation': expected a finite"
    ):
        load_config(path)
    refused(["run", path, "--out", refused.out], "bad.yaml", "finite")


def test_yaml_1_2_numbers_are_numbers():
    """1e6 is a number (PyYAML alone reads it as a string, which strict fields refuse)."""
    assert (
        load_config(SECTOR, ["budget_eur=1e6", "behaviour.pioneer_rate=2.5E-1"]).budget_eur == 1e6
    )


@pytest.mark.parametrize(
    "text, words",
    [
        (
            SWEEP.replace("max: 0.5", "max: .inf"),
            ["parameters.behaviour.pioneer_rate.max", "finite"],
        ),
        (SOBOL.replace("min: 1.0", "min: -.inf"), ["parameters.behaviour.imitation.min", "finite"]),
        (EXPERIMENT + "runs: 4\n", ["field 'runs' at line 5", "once", "line 4"]),
        (EXPERIMENT.replace("runs: 4", "runs: true"), ["field 'runs'", "integer", "True"]),
        (EXPERIMENT + "chunk_runs: 2.0\n", ["chunk_runs", "integer", "2.0"]),
        (EXPERIMENT + "seed: -5\n", ["field 'seed'", "-5"]),
        (EXPERIMENT + f"seed: {2**64}\n", ["field 'seed'", str(2**64)]),
        (EXPERIMENT + "set: {budget_eur: .nan}\n", ["budget_eur", "finite"]),
    ],
)
def test_experiment_refuses_bad_numbers(refused, tmp_path, text, words):
    path = write(tmp_path, text)
    refused(["experiment", path, "--out", refused.out], "bad.yaml", *words)


# ----------------------------------------------------------------------------- seeds
@pytest.mark.parametrize("seed", ["-5", str(2**63), str(2**64 - 5), "1.5", "true"])
def test_seeds_outside_0_to_2_63_are_refused_in_run_and_experiments(refused, tmp_path, seed):
    refused(["run", SECTOR, "--seed", seed, "--out", refused.out], "--seed", repr(seed))
    path = write(tmp_path, EXPERIMENT)
    refused(["experiment", path, "--set", f"seed={seed}", "--out", refused.out], "seed")


def test_the_api_refuses_seeds_that_would_wrap_around(sector_config):
    import mutusim

    for seed in (-5, 2**63, True):
        with pytest.raises(ValueError, match="seed"):
            mutusim.simulate(sector_config, seed=seed)


def test_largest_seed_runs(sector_config):
    import mutusim

    result = mutusim.simulate(
        sector_config.model_copy(update={"horizon_months": 3}), seed=2**63 - 1
    )
    assert result.runs["seed"].iloc[0] == 2**63 - 1


# ----------------------------------------------------------------------------- sizes
@pytest.mark.parametrize(
    "args",
    [
        ["--set", "projects.max_projects=1000000000000"],
        ["--set", "population.network.mean_degree=1e13"],
        ["--set", "projects.max_members=10000000000", "--set", "population.n_agents=1000000"],
        ["--runs", "100000000000"],
    ],
)
def test_sizes_beyond_memory_are_refused_with_the_figures(refused, args):
    refused(["run", SECTOR, *args, "--out", refused.out], "memory", "GiB", "available")


def test_huge_designs_are_refused_before_any_scenario_is_built(refused, tmp_path):
    text = SWEEP.replace(
        "{min: 0.1, max: 0.5}",
        "{min: 0.1, max: 0.5}\n  behaviour.imitation: "
        "{min: 1, max: 5}\n  commitment.erosion: {min: 0, max: 0.1}",
    )
    path = write(tmp_path, text + "levels: 100000\n")
    refused(["experiment", path, "--out", refused.out], "scenario(s) or design point(s)", "GiB")
    path = write(tmp_path, SOBOL.replace("samples: 4", "samples: 1000000000"), "bad2.yaml")
    refused(["experiment", path, "--out", refused.out], "bad2.yaml", "GiB")
    path = write(tmp_path, EXPERIMENT.replace("runs: 4", "runs: 100000000000"), "bad3.yaml")
    refused(["experiment", path, "--out", refused.out], "GiB")


def test_the_estimate_is_a_lower_bound_of_what_the_tables_take(sector_config):
    """What numpy and pandas allocate for 100 runs is at least the estimate of what each run
    keeps (the kernel's own state is allocated by numba, out of tracemalloc's sight)."""
    import tracemalloc

    import mutusim

    mutusim.simulate(sector_config, runs=2, engine="numba")  # compiled outside the count
    tracemalloc.start()
    try:
        mutusim.simulate(sector_config, runs=100, engine="numba")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    kept = 100 * sizing.per_run_kept(sector_config)
    assert kept <= peak <= 20 * kept


# ----------------------------------------------------------------------------- YAML
ALIAS_BOMB = "l0: &l0 [1, 2, 3, 4, 5, 6, 7, 8, 9]\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)
)
"""Nine levels of nine aliases: 387 million values from 300 bytes."""


@pytest.mark.parametrize(
    "text, words",
    [
        (
            SCENARIO + "horizon_months: 24\nhorizon_months: 600\n",
            ["'horizon_months' at line 4", "first at line 3"],
        ),
        (SCENARIO + "behaviour:\n  pioneer_rate: 0.2\n  pioneer_rate: 0.3\n", ["pioneer_rate"]),
        (SCENARIO.encode() + "description: Lièges\n".encode("latin-1"), ["UTF-8", "0xe8"]),
        (SCENARIO.encode("utf-16"), ["UTF-8"]),
        (SCENARIO + ALIAS_BOMB, ["2,000,000 values", "aliases"]),
        (SCENARIO + "a: &a [*a]\n", ["alias"]),
        (SCENARIO + "a: " + "[" * 5000 + "]" * 5000 + "\n", ["malformed YAML"]),
        (SCENARIO + "name: [unclosed\n", ["malformed YAML", "line"]),
        (SCENARIO + "\x00\n", ["malformed YAML"]),
        (SCENARIO + "--- \nname: other\n", ["malformed YAML"]),
    ],
    ids=[
        "duplicate",
        "nested duplicate",
        "latin-1",
        "utf-16",
        "alias bomb",
        "self-reference",
        "deep nesting",
        "unclosed",
        "nul byte",
        "two documents",
    ],
)
def test_unsafe_or_ambiguous_yaml_is_refused_quickly(refused, tmp_path, text, words):
    path = write(tmp_path, text)
    start = time.monotonic()
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert time.monotonic() - start < 5
    assert "bad.yaml" in str(info.value) and "\n" not in str(info.value)
    refused(["run", path, "--out", refused.out], "bad.yaml", *words)


def test_oversized_yaml_is_refused_without_being_read(refused, tmp_path):
    path = tmp_path / "bad.yaml"
    with open(path, "wb") as handle:
        handle.write(SCENARIO.encode())
        handle.write(b"# padding\n" * (2 * 1024 * 1024))
    refused(["run", path, "--out", refused.out], "bad.yaml", "at most 16 MiB")


def test_duplicate_keys_in_set_values_are_refused(refused):
    refused(["run", SECTOR, "--set", "population.provinces={namur: 1, namur: 0}"], "namur")


def test_merge_keys_may_be_overridden():
    """``<<: *defaults`` then the same key is YAML's way of overriding, not a duplicate."""
    from mutusim.config.loader import parse_yaml

    value = parse_yaml("base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  x: 3\n", "t")
    assert value["item"] == {"x": 3, "y": 2}


# ----------------------------------------------------------------------------- names
@pytest.mark.parametrize(
    "text, words",
    [
        (
            EXPERIMENT + "outcomes: [adoption_share, adoption_shar]\n",
            ["outcomes", "'adoption_shar'"],
        ),
        (EXPERIMENT.replace("runs: 4", "runs: 1"), ["field 'runs'", "at least 2", "1"]),
        (
            SOBOL + "output: joins\n",
            ["field 'output'", "one of the outcomes", "'joins'"],
        ),
        (
            "name: bad\nkind: comparison\nbase: sector.yaml\nruns: 3\noutcomes: [adoption_share]\n"
            "scenarios: [{name: a}, {name: b}]\n",
            ["field 'outcomes'", "active_projects"],
        ),
        (SWEEP.replace("pioneer_rate:", "pioneer_speed:"), ["behaviour.pioneer_speed", "unknown"]),
        (SWEEP.replace("behaviour.pioneer_rate", "behaviour.influence"), ["numeric", "influence"]),
        (
            SWEEP.replace("behaviour.pioneer_rate", "policies.0.rate"),
            ["policies.0.rate", "unknown"],
        ),
    ],
    ids=[
        "outcome",
        "replication runs",
        "output",
        "comparison outcomes",
        "param",
        "non-numeric",
        "index",
    ],
)
def test_names_and_analyses_are_resolved_before_computing(refused, tmp_path, text, words):
    path = write(tmp_path, text)
    refused(["experiment", path, "--out", refused.out], "bad.yaml", *words)


# ----------------------------------------------------------------------------- arguments
@pytest.mark.parametrize(
    "args, words",
    [
        (["run", SECTOR, "--runs", "0"], ["--runs", "'0'"]),
        (["run", SECTOR, "--runs", "2.5"], ["--runs", "'2.5'"]),
        (["run", SECTOR, "--engine", "gpu"], ["--engine", "'gpu'"]),
        (["validate", "--agents", "0"], ["--agents", "'0'"]),
        (["validate", "--runs", "1"], ["--runs", "'1'"]),
        (["dashboard", "--port", "0"], ["--port", "'0'"]),
        (["dashboard", "--port", "70000"], ["--port", "'70000'"]),
        (["dashboard", "--host", "no-such-host.invalid"], ["--host", "no-such-host.invalid"]),
        (
            ["experiment", "experiments/policy_comparison.yaml", "--scheduler", "tcp://h:99999"],
            ["--scheduler", "99999"],
        ),
        (
            ["experiment", "experiments/policy_comparison.yaml", "--scheduler", "ftp://h:80"],
            ["--scheduler", "ftp://h:80"],
        ),
        (
            ["experiment", "experiments/policy_comparison.yaml", "--worker-timeout", "inf"],
            ["--worker-timeout", "'inf'"],
        ),
        (["report", "--lang", "de", "results"], ["--lang", "'de'"]),
        (["lottery"], ["'lottery'"]),
        ([], ["command"]),
    ],
)
def test_bad_arguments_get_one_line(refused, args, words):
    refused(args, *words)


def test_port_in_use_is_refused(refused):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        refused(["dashboard", "--port", port], f"{port} in use")


def test_output_paths_that_cannot_be_written_are_refused(refused, tmp_path):
    a_file = write(tmp_path, "not a folder", "file.txt")
    refused(["run", SECTOR, "--out", a_file], "--out", "expected a folder; found a file")
    refused(["run", SECTOR, "--out", a_file / "sub"], "file.txt, a file")
    experiment = write(tmp_path, EXPERIMENT)
    refused(["experiment", experiment, "--out", a_file], "expected a folder")
    folder = tmp_path / "folder"
    folder.mkdir()
    refused(["report", "results", "--out", folder], "expected a file name; found a folder")
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    try:
        if os.access(read_only, os.W_OK):  # root: permissions do not stop it, /sys does
            read_only = Path("/sys/mutusim-test")
        refused(["run", SECTOR, "--out", read_only / "out"], "read-only")
    finally:
        (tmp_path / "read-only").chmod(0o755)


def test_report_of_a_folder_that_is_not_results(refused, tmp_path):
    refused(["report", tmp_path / "missing"], "no manifest.json")
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    refused(["report", tmp_path], "manifest.json", "damaged")
    (tmp_path / "manifest.json").write_text('{"mutusim_manifest": 1}', encoding="utf-8")
    refused(["report", tmp_path], "mutusim 0.5 or earlier")


# ----------------------------------------------------------------------------- the command
@pytest.mark.parametrize(
    "args",
    [
        ["run", SECTOR, "--set", "budget_eur=.inf"],
        ["run", SECTOR, "--seed", "-5"],
        ["experiment", "experiments/replication_baseline.yaml", "--set", "runs=true"],
    ],
)
def test_the_command_prints_one_line_and_exits_2(tmp_path, args):
    proc = subprocess.run(
        [sys.executable, "-m", "mutusim.cli", *args, "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("mutusim: error: ") and proc.stderr.count("\n") == 1
    assert proc.stdout == ""
    assert not (tmp_path / "out").exists()
