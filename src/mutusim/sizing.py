"""Memory a command needs, estimated before it starts, against what this machine has.

A population of a million EES with a million ties each, ``max_projects: 1e12`` or a billion
runs validate field by field, but would end, minutes later, in a ``MemoryError`` or a crash
inside the compiled kernel. ``check_run`` and ``check_experiment`` estimate from the sizes
alone what the engine and the results tables will hold at least, and refuse up front, with
both figures in the message, what cannot fit in the memory available now (``available``).

The estimates count only arrays certainly allocated (outputs, project tables, member lists,
network edges, agent state, one stored row per run), so they are lower bounds: a refusal is
certain to be right, and what passes may still need more (Python objects, pandas copies).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from mutusim.config.schema import ScenarioConfig
from mutusim.contract.fields import (
    AGENT_FLOATS,
    AGENT_INTEGERS,
    INT,
    PROJECT_FLOATS,
    PROJECT_INTEGERS,
)
from mutusim.contract.outputs import PROJECT_COLUMNS, output_names, projects_kept
from mutusim.contract.parameters import parameter_record
from mutusim.errors import ConfigError

FLOAT = 8
"""Bytes of one float64 or int64."""
INTEGER = np.dtype(INT).itemsize
"""Bytes of one integer of the engine's integer blocks."""

AGENT_BYTES = len(AGENT_FLOATS) * FLOAT + len(AGENT_INTEGERS) * INTEGER
"""Bytes of one EES's state in the engine (``contract.fields``)."""

PROJECT_BYTES = len(PROJECT_FLOATS) * FLOAT + len(PROJECT_INTEGERS) * INTEGER
"""Bytes of one project slot's state in the engine, besides its member list."""

EDGE_BYTES = 2 * FLOAT
"""Bytes per drawn tie before they are deduplicated (its two ends)."""

MESA_AGENT_BYTES = 500
"""Bytes per EES of the Mesa face besides the engine's state, at least (the agent object,
its registration); measured: about 1 kB per EES on the Walloon population."""

CONFIG_BYTES_PER_JSON_CHAR = 5
"""Memory of a validated scenario per character of its canonical JSON (measured: about 6)."""

MANIFEST_BYTES_PER_CHUNK = 1_500
"""Memory of one chunk's records in an experiment's manifest (dict and its JSON text)."""

RUN_ROW_EXTRA_COLUMNS = 8
"""Columns of a stored run besides its outcomes and design values (run, seed, point, ...)."""


def _cgroup_available() -> int | None:
    """Memory left under this process's cgroup (v2) limit, if it has one."""
    root = Path("/sys/fs/cgroup")
    try:
        limit = (root / "memory.max").read_text().strip()
        if limit == "max":
            return None
        return int(limit) - int((root / "memory.current").read_text().strip())
    except (OSError, ValueError):
        return None


def available() -> int:
    """Bytes of memory available to this process now (the machine's, or its cgroup's)."""
    import psutil

    free = int(psutil.virtual_memory().available)
    cgroup = _cgroup_available()
    return min(free, cgroup) if cgroup is not None else free


def _threads() -> int:
    """Runs the numba engine computes at the same time (its thread count)."""
    env = os.environ.get("NUMBA_NUM_THREADS", "")
    return int(env) if env.isdigit() and int(env) > 0 else (os.cpu_count() or 1)


def _outputs(config: ScenarioConfig) -> int:
    return len(output_names(tuple(s.name for s in config.population.sectors)))


def _project_slots(config: ScenarioConfig) -> int:
    """Project slots of one run (``projects.max_projects``, resolved)."""
    return int(parameter_record(config)["projects_max_projects"][0]) + len(config.initial_projects)


def per_run_state(config: ScenarioConfig) -> float:
    """Bytes one run's engine state takes while it runs: agents, ties and rivals drawn,
    projects with their member lists, policy eligibility."""
    n = config.population.n_agents
    net = config.population.network
    ties = n * (math.floor(net.mean_degree / 2) + 1) + n * (
        math.floor(net.competitors_per_ees / 2) + 1
    )
    projects = _project_slots(config)
    capacity = max(
        config.projects.max_members,
        config.behaviour.core_max_partners + 1,
        *(p.members for p in config.initial_projects),
    )
    return (
        n * AGENT_BYTES
        + ties * EDGE_BYTES
        + projects * (PROJECT_BYTES + capacity * INTEGER)
        + n * len(config.policies)
    )


def per_run_kept(config: ScenarioConfig) -> float:
    """Bytes each run's results take until they are written: its outputs per month (array
    and table) and its project rows (``contract.outputs.projects_kept``)."""
    months = config.horizon_months + 1
    projects = projects_kept(_project_slots(config), config.population.n_agents)
    return 2 * months * (_outputs(config) + 2) * FLOAT + projects * len(PROJECT_COLUMNS) * FLOAT


def run_need(config: ScenarioConfig, runs: int, engine: str) -> float:
    """Bytes ``simulate(config, runs, engine=engine)`` needs at least."""
    kept = runs * per_run_kept(config)
    if engine == "mesa":
        return kept + config.population.n_agents * MESA_AGENT_BYTES + per_run_state(config)
    return kept + min(runs, _threads()) * per_run_state(config)


def gib(nbytes: float) -> str:
    """Bytes in words: '3.2 GiB' (or MiB below one GiB; 'more than 10^15 GiB' beyond)."""
    if nbytes >= 2**30 * 1e15:
        return "more than 10^15 GiB"
    if nbytes >= 2**30:
        return f"{nbytes / 2**30:,.1f} GiB"
    return f"{nbytes / 2**20:,.0f} MiB"


def check(need: float, what: str, advice: str) -> None:
    """Refuse ``what`` when ``need`` bytes exceed the memory available now."""
    have = available()
    if need > have:
        raise ConfigError(
            f"{what}: expected a size that fits in memory; found one that needs at least "
            f"{gib(need)}, and this machine has {gib(have)} available ({advice})"
        )


def check_run(config: ScenarioConfig, runs: int, engine: str, where: str) -> None:
    """Refuse a ``simulate`` call that cannot fit in memory; ``where`` names the input."""
    check(
        run_need(config, runs, engine),
        f"{where}: {runs:,} run(s) of {config.population.n_agents:,} EES over "
        f"{config.horizon_months} months ({engine} engine)",
        "use fewer runs or EES, or smaller network.mean_degree, projects.max_projects, "
        "projects.max_members",
    )


def experiment_need(
    base: ScenarioConfig, cells: int, runs: int, chunk_runs: int, stored_columns: int
) -> float:
    """Bytes an experiment needs at least: its scenarios (one validated config each), one
    chunk being computed, the manifest's chunk records, and every run's row for the
    analysis. ``stored_columns``: outcomes and design values per run."""
    from mutusim.config import canonical_json

    chunks = cells * math.ceil(runs / chunk_runs)
    return (
        cells * len(canonical_json(base)) * CONFIG_BYTES_PER_JSON_CHAR
        + run_need(base, min(runs, chunk_runs), "numba")
        + chunks * MANIFEST_BYTES_PER_CHUNK
        + 2 * cells * runs * (stored_columns + RUN_ROW_EXTRA_COLUMNS) * FLOAT
    )


def check_experiment(
    base: ScenarioConfig,
    cells: int,
    runs: int,
    chunk_runs: int,
    stored_columns: int,
    where: str,
) -> None:
    """Refuse an experiment that cannot fit in memory, before any scenario is built."""
    check(
        experiment_need(base, cells, runs, chunk_runs, stored_columns),
        f"{where}: {cells:,} scenario(s) or design point(s) × {runs:,} run(s), "
        f"{min(runs, chunk_runs):,} per chunk",
        "use fewer runs, scenarios or design points, or a smaller chunk_runs",
    )
