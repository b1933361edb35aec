"""Python side of the batch engine: compile a scenario into arrays, run the compiled kernel
over many runs (in chunks, in parallel), and turn its arrays into the same tables as the Mesa
model."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mutusim.catalogue import MODES, N_SERVICES, SERVICE_NAMES
from mutusim.config import ScenarioConfig
from mutusim.engine import kernel
from mutusim.engine.params import parameter_vector
from mutusim.engine.state import EVENTS
from mutusim.model.outputs import output_names
from mutusim.policies import CompiledPolicies, compile_policies
from mutusim.population.generator import population_parameters
from mutusim.results import PROJECT_COLUMNS

MAX_EVENTS = 100_000


@dataclass(frozen=True)
class Compiled:
    """Everything the kernel needs for one scenario, as arrays."""

    par: np.ndarray
    pop_params: tuple
    policies: CompiledPolicies
    init_projects: tuple
    n_sectors: int
    columns: list[str]


def compile_scenario(config: ScenarioConfig) -> Compiled:
    """Arrays of one scenario (parameters, population, policies, initial projects)."""
    pop_params = (*population_parameters(config.population), config.population.n_agents)
    specs = config.initial_projects
    all_services = (1 << N_SERVICES) - 1
    init = (
        np.array([s.members for s in specs], dtype=np.int64),
        np.array([s.anchored for s in specs], dtype=np.int64),
        np.array(
            [
                all_services
                if s.scope == "all"
                else sum(1 << SERVICE_NAMES.index(x) for x in s.scope)
                for s in specs
            ],
            dtype=np.int64,
        ),
        np.array([MODES.index(s.mode) for s in specs], dtype=np.int64),
        np.array([s.governance for s in specs], dtype=np.float64),
    )
    sectors = tuple(s.name for s in config.population.sectors)
    return Compiled(
        parameter_vector(config),
        pop_params,
        compile_policies(config),
        init,
        len(sectors),
        output_names(sectors),
    )


def _stack(points: Sequence[Compiled], point_of_run: np.ndarray) -> tuple[tuple, tuple]:
    """Per-run policy arrays (shape (runs, K)); points with fewer policies are padded with
    policies that never act (empty window, no budget)."""
    width = max(p.policies.count for p in points)

    def table(field: str, fill: float, dtype) -> np.ndarray:
        rows = []
        for p in points:
            a = getattr(p.policies, field)
            pad = [(0, width - len(a))] + [(0, 0)] * (a.ndim - 1)
            rows.append(np.pad(a.astype(dtype), pad, constant_values=fill))
        return np.ascontiguousarray(np.stack(rows)[point_of_run])

    pol = (
        table("kind", 0, np.int64),
        table("start", 0, np.int64),
        table("end", 0, np.int64),
        table("params", 0.0, np.float64),
        table("budget", 0.0, np.float64),
    )
    elig = (
        table("size_min", 0.0, np.float64),
        table("size_max", 0.0, np.float64),
        table("sector_mask", 0, np.int64),
        table("province_mask", 0, np.int64),
        table("form_mask", 0, np.int64),
    )
    return pol, elig


@dataclass
class BatchOutput:
    """Raw arrays of a batch: outputs per (run, step, column), projects per run."""

    runs: np.ndarray
    out: np.ndarray
    projects: list[np.ndarray]
    compile_seconds: float
    run_seconds: float


def run_runs(
    compiled: Compiled,
    seed: int,
    runs: Sequence[int],
    chunk_size: int = 64,
    progress: Callable[[int], None] | None = None,
) -> BatchOutput:
    """Run the given run indices of one scenario, in chunks; a run's result does not depend on
    its chunk."""
    runs = np.asarray(runs, dtype=np.int64)
    return run_points([compiled], seed, runs, np.zeros(len(runs), np.int64), chunk_size, progress)


def run_points(
    points: Sequence[Compiled],
    seed: int,
    runs: Sequence[int],
    point_of_run: Sequence[int],
    chunk_size: int = 64,
    progress: Callable[[int], None] | None = None,
) -> BatchOutput:
    """Run many parameter points and policy sets in the same calls: row ``r`` is run
    ``runs[r]`` of point ``points[point_of_run[r]]``. Points must share their population,
    initial projects and horizon (what sweeps over behaviour and policies vary)."""
    first = points[0]
    for p in points[1:]:
        same = (
            p.n_sectors == first.n_sectors
            and p.par[kernel.Par.HORIZON] == first.par[kernel.Par.HORIZON]
            and all(
                np.array_equal(a, b)
                for a, b in zip(p.pop_params[:-1], first.pop_params[:-1], strict=True)
            )
            and p.pop_params[-1] == first.pop_params[-1]
            and all(
                np.array_equal(a, b)
                for a, b in zip(p.init_projects, first.init_projects, strict=True)
            )
        )
        if not same:
            raise ValueError(
                "points of one batch must share population, initial projects and horizon"
            )
    runs = np.asarray(runs, dtype=np.int64)
    point_of_run = np.asarray(point_of_run, dtype=np.int64)
    horizon = int(first.par[kernel.Par.HORIZON])
    n_init = len(first.init_projects[0])
    max_projects = max(int(p.par[kernel.Par.MAX_PROJECTS]) for p in points) + n_init
    out = np.zeros((len(runs), horizon + 1, len(first.columns)))
    projects: list[np.ndarray] = []
    t0 = time.perf_counter()
    _ensure_compiled(first, seed)
    t1 = time.perf_counter()
    all_pars = np.stack([p.par for p in points])
    for start in range(0, len(runs), chunk_size):
        rows = slice(start, start + chunk_size)
        chunk, which = runs[rows], point_of_run[rows]
        n = len(chunk)
        pol, elig = _stack(points, which)
        proj = np.zeros((n, max_projects, len(PROJECT_COLUMNS)))
        n_projects = np.zeros(n, dtype=np.int64)
        kernel.run_batch(
            seed,
            chunk,
            np.ascontiguousarray(all_pars[which]),
            first.pop_params,
            pol,
            elig,
            first.init_projects,
            first.n_sectors,
            out[start : start + n],
            proj,
            n_projects,
        )
        projects.extend(proj[r, : min(n_projects[r], max_projects)] for r in range(n))
        if progress is not None:
            progress(n * horizon)
    return BatchOutput(runs, out, projects, t1 - t0, time.perf_counter() - t1)


_COMPILED_SIGNATURES: set[tuple] = set()


def _ensure_compiled(compiled: Compiled, seed: int) -> None:
    """Pay compilation (or cache loading) once, on a one-month run, outside the timings."""
    key = (compiled.n_sectors, len(compiled.policies.kind))
    if key in _COMPILED_SIGNATURES:
        return
    warm = Compiled(
        compiled.par.copy(),
        compiled.pop_params,
        compiled.policies,
        compiled.init_projects,
        compiled.n_sectors,
        compiled.columns,
    )
    warm.par[kernel.Par.HORIZON] = 1.0
    pol, elig = _stack([compiled], np.zeros(1, np.int64))
    kernel.run_batch(
        seed,
        np.zeros(1, np.int64),
        warm.par[None, :],
        warm.pop_params,
        pol,
        elig,
        warm.init_projects,
        warm.n_sectors,
        np.zeros((1, 2, len(compiled.columns))),
        np.zeros((1, 1, len(PROJECT_COLUMNS))),
        np.zeros(1, np.int64),
    )
    _COMPILED_SIGNATURES.add(key)


def timeseries_table(batch: BatchOutput, columns: list[str]) -> pd.DataFrame:
    """The outputs as the long table of ``SimulationResult.timeseries``."""
    n_runs, n_steps, _ = batch.out.shape
    frame = pd.DataFrame(batch.out.reshape(n_runs * n_steps, -1), columns=columns)
    frame.insert(0, "step", np.tile(np.arange(n_steps, dtype=np.int64), n_runs))
    frame.insert(0, "run", np.repeat(batch.runs, n_steps))
    return frame


def project_rows(batch: BatchOutput) -> list[dict[str, object]]:
    """The projects as rows (same fields as the Mesa model's projects table)."""
    from mutusim.catalogue import STATUS_NAMES

    rows = []
    for run, arr in zip(batch.runs, batch.projects, strict=True):
        for index, row in enumerate(arr):
            rows.append(
                {
                    "run": int(run),
                    "project": index,
                    "status": STATUS_NAMES[int(row[0])],
                    "mode": MODES[int(row[1])],
                    "leader": int(row[2]),
                    "created_at": int(row[3]),
                    "running_since": int(row[4]),
                    "ended_at": int(row[5]),
                    "members_end": int(row[6]),
                    "max_members": int(row[7]),
                    "facilitated": bool(row[8]),
                    "governance": float(row[9]),
                    "anchored": bool(row[10]),
                }
            )
    return rows


def story(config: ScenarioConfig, seed: int, run: int, agent: int) -> pd.DataFrame:
    """One EES's history in one run (re-run with tracing: runs are deterministic)."""
    compiled = compile_scenario(config)
    pol, elig = _stack([compiled], np.zeros(1, np.int64))
    pol = tuple(a[0] for a in pol)
    elig = tuple(a[0] for a in elig)
    horizon = int(compiled.par[kernel.Par.HORIZON])
    events = np.zeros((MAX_EVENTS, 4))
    n_events = np.zeros(1, np.int64)
    kernel.run_one(
        seed,
        run,
        compiled.par,
        compiled.pop_params,
        pol,
        elig,
        compiled.init_projects,
        compiled.n_sectors,
        np.zeros((horizon + 1, len(compiled.columns))),
        np.zeros((1, len(PROJECT_COLUMNS))),
        agent,
        events,
        n_events,
    )
    ev = events[: n_events[0]]
    return pd.DataFrame(
        {
            "month": ev[:, 0].astype(np.int64),
            "event": [EVENTS[int(c)] for c in ev[:, 1]],
            "project": ev[:, 2].astype(np.int64),
            "value": ev[:, 3],
        }
    )
