"""Fuzzing the inputs (hypothesis): configs and experiment files with values replaced, keys
removed or added, and YAML texts with bytes changed. Whatever comes out, the command either
runs to a complete, verified folder of finite results, or is refused with status 2 and one
line, before creating anything; no other exception, no traceback.

The examples are drawn from a fixed seed (``derandomize``), so the suite is reproducible; a
failure prints the mutated input."""

from __future__ import annotations

import math
import signal
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mutusim import manifest
from mutusim.cli import main
from mutusim.config import ConfigError, load_config
from mutusim.experiments.runner import prepare

NASTY = [
    None,
    True,
    False,
    0,
    -1,
    1,
    2,
    7,
    10**6,
    2**53 + 1,
    2**63,
    -(2**63) - 1,
    0.5,
    -0.5,
    1e-300,
    1e300,
    math.inf,
    -math.inf,
    math.nan,
    "",
    "x",
    "1e6",
    [],
    [1],
    {},
    {"a": 1},
]
"""Values put in place of a field's value."""

SCALES = [0, 0.5, 0.9, 1.1, 2, 10]
"""Factors a numeric field is multiplied by."""

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value (leaf or section) of a nested document."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


def _mutate(document: Any, path: tuple, action: str, value: Any) -> Any:
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "scale":  # a plausible change: most such inputs are valid
        current = parent[last]
        if isinstance(current, int | float) and not isinstance(current, bool):
            parent[last] = type(current)(current * value)
    elif action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        parent[f"unknown_{last}"] = value
    else:
        parent.append(value)
    return document


@st.composite
def mutated(draw, document: dict) -> dict:
    """``document`` (a copy) with one to three fields replaced, removed or added."""
    import copy

    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(document)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["scale", "scale", "replace", "replace", "delete", "add"]))
        value = draw(st.sampled_from(SCALES if action == "scale" else NASTY))
        document = _mutate(document, path, action, value)
    return document


def _run_cli(args: list[str]) -> tuple[int, str]:
    import contextlib
    import io

    err = io.StringIO()
    handler = signal.getsignal(signal.SIGTERM)
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = main(args)
        except SystemExit as exc:
            status = exc.code
        finally:
            signal.signal(signal.SIGTERM, handler)
    return status, err.getvalue()


def _refused_cleanly(status: int, err: str, out: Path) -> None:
    assert status == 2, err
    assert err.startswith("mutusim: error: ") and err.count("\n") == 1, err
    assert not out.exists(), err


SMALL = load_config("configs/sector.yaml", ["horizon_months=12"]).model_dump(mode="json")
"""The federation scenario fully resolved (population and policies inline), one year."""


@FUZZ
@given(mutated(SMALL))
def test_a_mutated_config_runs_or_is_refused_in_one_line(document):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        out = Path(folder) / "out"
        try:
            config = load_config(path)
        except ConfigError as exc:
            event("refused")
            assert "\n" not in str(exc) and "mutated.yaml" in str(exc)
            status, err = _run_cli(["run", str(path), "--out", str(out)])
            _refused_cleanly(status, err, out)
            return
        runs = 2
        if config.population.n_agents * config.horizon_months * runs > 2_000_000:
            event("valid, too large to run here")
            return  # valid and large: running it is the benchmark's job, not the fuzzer's
        status, err = _run_cli(["run", str(path), "--runs", str(runs), "--out", str(out)])
        if status == 2:  # refused after validation: memory, or non-finite results
            event("refused after validation")
            assert err.count("\n") == 1 and ("memory" in err or "finite" in err), err
            assert not (out / "manifest.json").exists()
            return
        event("ran")
        assert status == 0, err
        assert manifest.read(out)["runs"] == runs


EXPERIMENTS = [
    {
        "name": "fuzz_comparison",
        "kind": "comparison",
        "base": "sector.yaml",
        "set": {"horizon_months": 12},
        "runs": 3,
        "chunk_runs": 2,
        "scenarios": [
            {"name": "baseline"},
            {
                "name": "awareness",
                "policies": ["awareness"],
                "set": {"policies.0.budget_eur": 100000},
            },
        ],
    },
    {
        "name": "fuzz_sweep",
        "kind": "sweep",
        "base": "sector.yaml",
        "set": {"horizon_months": 12},
        "runs": 2,
        "design": "grid",
        "levels": 2,
        "parameters": {
            "behaviour.pioneer_rate": {"min": 0.1, "max": 0.5},
            "behaviour.core_max_partners": {"values": [3, 6]},
        },
    },
    {
        "name": "fuzz_sobol",
        "kind": "sensitivity",
        "base": "sector.yaml",
        "set": {"horizon_months": 12},
        "runs": 1,
        "samples": 2,
        "output": "adoption_share",
        "parameters": {
            "behaviour.pioneer_rate": {"min": 0.05, "max": 0.5},
            "behaviour.imitation": {"min": 1.0, "max": 5.0},
        },
    },
    {
        "name": "fuzz_replication",
        "kind": "replication",
        "base": "sector.yaml",
        "set": {"horizon_months": 12},
        "runs": 4,
        "relative_half_width": 0.1,
        "outcomes": ["adoption_share", "active_projects"],
    },
]


@FUZZ
@given(st.sampled_from(EXPERIMENTS).flatmap(mutated))
def test_a_mutated_experiment_runs_or_is_refused_in_one_line(document):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        out = Path(folder) / "out"
        try:
            plan = prepare(path, out=out)
        except ConfigError as exc:
            event("refused")
            assert "\n" not in str(exc)
            status, err = _run_cli(["experiment", str(path), "--out", str(out)])
            _refused_cleanly(status, err, out)
            return
        assert not out.exists()
        size = sum(c.runs for c in plan.chunks) * max(
            cell.config.population.n_agents * cell.config.horizon_months for cell in plan.cells
        )
        if size > 500_000:
            event("valid, too large to run here")
            return  # valid and large
        event("ran")
        status, err = _run_cli(["experiment", str(path), "--out", str(out)])
        assert status == 0 or (status == 2 and err.count("\n") == 1), err
        if status == 0:
            assert manifest.read(out)["status"] == "complete"


SCENARIO_TEXT = Path("configs/sector.yaml").read_text(encoding="utf-8")
PIECES = [
    b"\x00",
    b"\xff",
    b"\xe9",
    b":",
    b": ",
    b"-",
    b"- ",
    b"\n",
    b"\t",
    b"&a ",
    b"*a",
    b"{",
    b"}",
    b"[",
    b"]",
    b"'",
    b'"',
    b"#",
    b"!!python/object:os.system ",
    b"<<: ",
    b"? ",
    b"1e999",
    b".nan",
    b"~",
    b"\xef\xbb\xbf",
]


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, len(SCENARIO_TEXT)), st.sampled_from(PIECES), st.integers(0, 3)),
        min_size=1,
        max_size=4,
    )
)
def test_a_yaml_text_with_changed_bytes_loads_or_is_refused_in_one_line(edits):
    data = SCENARIO_TEXT.encode()
    for at, piece, removed in edits:
        data = data[:at] + piece + data[at + removed :]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sector.yaml"
        path.write_bytes(data)
        try:
            load_config(path)
        except ConfigError as exc:
            assert "\n" not in str(exc) and "sector.yaml" in str(exc)


@pytest.mark.parametrize("value", NASTY, ids=repr)
def test_every_nasty_value_in_a_set_is_refused_or_accepted_cleanly(value):
    for key in ("budget_eur", "horizon_months", "behaviour.influence", "policies", "population"):
        try:
            load_config("configs/sector.yaml", {key: value})
        except ConfigError as exc:
            assert "\n" not in str(exc)
