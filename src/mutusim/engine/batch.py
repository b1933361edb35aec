"""The batch engine: the month step (``mutusim.phases``) looped over months and runs in
compiled code, runs in parallel (``prange``), in chunks.

``run_runs`` runs run indices of one scenario; ``run_points`` several parameter points and
policy sets (sharing one population) in the same calls, as sweeps need; ``story`` re-runs one
run tracing one EES. A run's result depends only on (seed, run, scenario): not on its chunk,
its neighbours or the thread count.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit, prange

from mutusim.config import ScenarioConfig
from mutusim.contract.fields import EVENT_NAMES
from mutusim.contract.outputs import PROJECT_COLUMNS, projects_kept
from mutusim.contract.policy_layout import inactive_policies
from mutusim.contract.records import as_records
from mutusim.phases import (
    TRACE_NONE,
    ScenarioInputs,
    export_projects,
    new_run_state,
    run_months,
    scenario_inputs,
)
from mutusim.phases.inputs import RunArrays, SharedArrays
from mutusim.phases.state import EVENT_COLUMNS

MAX_EVENTS = 100_000
"""Capacity of the story buffer of one traced EES over one run."""


@njit(cache=True)
def run_one(seed, run, arrays, shared, out, projects, trace, events):
    """Run ``run`` of seed ``seed`` (``RunArrays``, ``SharedArrays``): outputs into ``out``
    (one row per step, step 0 = initial state), projects into ``projects`` (as many as fit);
    returns the number of projects and the number of events traced (``trace``: an EES, or
    ``TRACE_NONE``)."""
    s = new_run_state(seed, run, arrays, shared, trace, events)
    run_months(s, out)
    return export_projects(s, projects), s.n_events[0]


@njit(cache=True, parallel=True)
def run_batch(seed, runs, stacked, pop, initial, existing, n_sectors, out, projects, n_projects):
    """Row ``r``: run ``runs[r]`` with row ``r`` of the stacked ``RunArrays``; one thread per
    run. (The parts of ``SharedArrays`` come one by one: a parallel loop cannot take a tuple of
    tuples.)"""
    no_events = np.zeros((0, EVENT_COLUMNS))
    for r in prange(len(runs)):
        arrays = RunArrays(
            stacked.par[r : r + 1], stacked.modes[r], stacked.phases[r], stacked.pol[r]
        )
        shared = SharedArrays(pop, initial, existing, n_sectors)
        n_projects[r], _ = run_one(
            seed, runs[r], arrays, shared, out[r], projects[r], TRACE_NONE, no_events
        )


@dataclass
class BatchOutput:
    """Raw arrays of a batch: outputs per (run, step, column), projects per run."""

    runs: np.ndarray
    out: np.ndarray
    projects: list[np.ndarray]
    compile_seconds: float
    run_seconds: float


def _check_shared(points: Sequence[ScenarioInputs]) -> None:
    first = points[0]
    for other in points[1:]:
        same = (
            other.sector_names == first.sector_names
            and other.horizon == first.horizon
            and all(
                np.array_equal(a, b)
                for a, b in zip(other.population, first.population, strict=True)
            )
            and np.array_equal(other.initial_projects, first.initial_projects)
            and np.array_equal(other.existing, first.existing)
        )
        if not same:
            raise ValueError(
                "points of one batch must share population, initial projects and horizon"
            )


def _export_rows(points: Sequence[ScenarioInputs]) -> int:
    """Rows of the projects table a batch keeps per run."""
    first = points[0]
    most = max(int(p.par["projects_max_projects"][0]) for p in points)
    return projects_kept(most, first.n_agents) + len(first.initial_projects)


def _stacked(points: Sequence[ScenarioInputs], which: np.ndarray) -> RunArrays:
    """Row ``r`` of each array: what run ``r`` reads (its point ``which[r]``); points with
    fewer policies are padded with policies that never act."""
    width = max(len(p.policies) for p in points)
    padded = [
        np.concatenate([p.policies, inactive_policies(width - len(p.policies))]) for p in points
    ]
    return RunArrays(
        as_records(np.concatenate([p.par for p in points])[which]),
        as_records(np.stack([p.modes for p in points])[which]),
        as_records(np.stack([p.phases for p in points])[which]),
        as_records(np.stack(padded)[which]),
    )


def run_runs(
    inputs: ScenarioInputs,
    seed: int,
    runs: Sequence[int],
    chunk_size: int = 64,
    progress: Callable[[int], None] | None = None,
) -> BatchOutput:
    """Run the given run indices of one scenario, in chunks."""
    runs = np.asarray(runs, dtype=np.int64)
    return run_points([inputs], seed, runs, np.zeros(len(runs), np.int64), chunk_size, progress)


def run_points(
    points: Sequence[ScenarioInputs],
    seed: int,
    runs: Sequence[int],
    point_of_run: Sequence[int],
    chunk_size: int = 64,
    progress: Callable[[int], None] | None = None,
) -> BatchOutput:
    """Run many parameter points and policy sets in the same calls: row ``r`` is run
    ``runs[r]`` of point ``points[point_of_run[r]]``. Points must share their population,
    initial projects and horizon (what sweeps over behaviour and policies vary)."""
    _check_shared(points)
    first = points[0]
    runs = np.asarray(runs, dtype=np.int64)
    point_of_run = np.asarray(point_of_run, dtype=np.int64)
    horizon = first.horizon
    rows = _export_rows(points)
    out = np.zeros((len(runs), horizon + 1, len(first.columns)))
    projects: list[np.ndarray] = []
    t0 = time.perf_counter()
    _ensure_compiled(first, seed)
    t1 = time.perf_counter()
    for start in range(0, len(runs), chunk_size):
        chunk, which = runs[start : start + chunk_size], point_of_run[start : start + chunk_size]
        n = len(chunk)
        table = np.zeros((n, rows, len(PROJECT_COLUMNS)))
        n_projects = np.zeros(n, dtype=np.int64)
        run_batch(
            seed,
            chunk,
            _stacked(points, which),
            *first.shared,
            out[start : start + n],
            table,
            n_projects,
        )
        for r in range(n):
            if n_projects[r] <= rows:
                projects.append(table[r, : n_projects[r]])
            else:  # rare: more projects than the table holds; runs are deterministic
                point = points[which[r]]
                projects.append(_projects_of(point, seed, int(chunk[r]), n_projects[r]))
        if progress is not None:
            progress(n * horizon)
    return BatchOutput(runs, out, projects, t1 - t0, time.perf_counter() - t1)


_COMPILED: list[bool] = []


def _ensure_compiled(inputs: ScenarioInputs, seed: int) -> None:
    """Pay compilation (or cache loading) once per process, on a one-month run, so that it
    stays out of the timings."""
    if _COMPILED:
        return
    stacked = _stacked([inputs], np.zeros(1, np.int64))
    stacked.par["horizon_months"] = 1
    run_batch(
        seed,
        np.zeros(1, np.int64),
        stacked,
        *inputs.shared,
        np.zeros((1, 2, len(inputs.columns))),
        np.zeros((1, 1, len(PROJECT_COLUMNS))),
        np.zeros(1, np.int64),
    )
    _COMPILED.append(True)


def _run_alone(inputs: ScenarioInputs, seed: int, run: int, projects: np.ndarray, trace, events):
    out = np.zeros((inputs.horizon + 1, len(inputs.columns)))
    return run_one(seed, run, inputs.run_arrays, inputs.shared, out, projects, trace, events)


def _projects_of(inputs: ScenarioInputs, seed: int, run: int, count: int) -> np.ndarray:
    """The projects table of one run, re-run alone with room for ``count`` projects."""
    table = np.zeros((count, len(PROJECT_COLUMNS)))
    _run_alone(inputs, seed, run, table, TRACE_NONE, np.zeros((0, EVENT_COLUMNS)))
    return table


def story(config: ScenarioConfig, seed: int, run: int, agent: int) -> pd.DataFrame:
    """One EES's history in one run (re-run with tracing: runs are deterministic)."""
    inputs = scenario_inputs(config)
    events = np.zeros((MAX_EVENTS, EVENT_COLUMNS))
    no_projects = np.zeros((0, len(PROJECT_COLUMNS)))
    _, n_events = _run_alone(inputs, seed, run, no_projects, agent, events)
    if n_events > MAX_EVENTS:
        raise RuntimeError(f"EES {agent} has more than {MAX_EVENTS} events in run {run}")
    return events_frame(events[:n_events])


def events_frame(events: np.ndarray) -> pd.DataFrame:
    """Story events (rows of month, code, project, value, agent) as a table."""
    return pd.DataFrame(
        {
            "month": events[:, 0].astype(np.int64),
            "event": [EVENT_NAMES[int(c)] for c in events[:, 1]],
            "project": events[:, 2].astype(np.int64),
            "value": events[:, 3],
        }
    )
