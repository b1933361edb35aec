"""Results of a simulation: tidy tables (timeseries, runs, projects), their provenance, and the
one writer that puts them on disk (Parquet + manifest.json).

``SimulationResult.write`` holds the folder's lock, writes each file atomically and the sealed
manifest, with every file's SHA-256, last: a folder is complete exactly when its manifest is
there and the files match it. ``check_finite`` refuses tables holding values no meaningful
input produces (inf, or NaN outside the columns where NaN means "not defined").
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mutusim import atomic
from mutusim import manifest as manifests
from mutusim.catalogue import MODES, STATUS_NAMES
from mutusim.config import ScenarioConfig, canonical_json, config_hash
from mutusim.contract.outputs import PROJECT_COLUMNS
from mutusim.errors import ConfigError, StoreError
from mutusim.lock import folder_lock

UNDEFINED_WHERE_NAN = ("eur_per_pooled_ees",)
"""Columns where NaN means "not defined" (EUR per pooled EES when no EES pooled)."""

TABLES = ("timeseries", "runs", "projects")
"""The tables of a run folder, each in ``<name>.parquet``."""

PACKAGES = ("mutusim", "mesa", "numba", "numpy", "pandas", "pyarrow", "pydantic", "networkx")


@dataclass
class SimulationResult:
    """What ``mutusim.simulate`` returns.

    ``timeseries``: one row per (run, step), step 0 being the initial state; ``runs``: one row
    per run with its seed and final outcomes (the table of ``runs.parquet``); ``projects``: one
    row per project ever created; ``config``, ``seed``, ``engine``: what produced them.
    """

    timeseries: pd.DataFrame
    runs: pd.DataFrame
    projects: pd.DataFrame
    config: ScenarioConfig
    seed: int
    engine: str
    stories: dict[int, dict[int, list[tuple[int, str, int, float]]]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def story(self, run: int, agent: int) -> pd.DataFrame:
        """One EES's history in one run: month, event, project, value (joins, exits,
        formation, policy support received). Re-runs that run when it was not kept: runs are
        deterministic, so the story is the one of this result. Raises ValueError for a run
        this result does not hold or an EES index outside the population (rather than telling
        the empty story of an agent that never existed)."""
        held = sorted(int(r) for r in self.runs["run"])
        if run not in held:
            shown = f"{held[0]}..{held[-1]}" if len(held) > 1 else str(held[0])
            raise ValueError(f"story: run {run} is not in this result (runs {shown})")
        n_agents = self.config.population.n_agents
        if not 0 <= agent < n_agents:
            raise ValueError(
                f"story: agent {agent} does not exist; EES are numbered 0..{n_agents - 1}"
            )
        if run in self.stories:
            events = self.stories[run].get(agent, [])
            return pd.DataFrame(events, columns=["month", "event", "project", "value"])
        if self.engine == "numba":
            from mutusim.engine import story

            return story(self.config, self.seed, run, agent)
        from mutusim.simulate import simulate

        kept = simulate(
            self.config, runs=1, seed=self.seed, engine="mesa", first_run=run, keep_stories=True
        )
        return kept.story(run, agent)

    def manifest(self) -> dict[str, Any]:
        """Provenance: resolved config and its SHA-256, seed, engine, versions, git commit."""
        return {
            "mutusim_manifest": 1,
            "scenario": self.config.name,
            "config_sha256": config_hash(self.config),
            "config": json.loads(canonical_json(self.config)),
            "seed": self.seed,
            "runs": int(self.runs.shape[0]),
            "engine": self.engine,
            "timings": self.timings,
            "versions": package_versions(),
            "python": platform.python_version(),
            "git_commit": git_commit(),
            "source_sha256": source_sha256(),
        }

    def write(
        self,
        out: str | os.PathLike[str],
        extra: Mapping[str, Callable[[Path], object]] | None = None,
    ) -> Path:
        """Write ``timeseries.parquet``, ``runs.parquet``, ``projects.parquet``, the files of
        ``extra`` (name: function writing that file at the path it is given, e.g. a chart)
        and, last, ``manifest.json`` with every file's SHA-256, into ``out``. The folder is
        locked meanwhile; a run folder is only ever replaced by a newer run's files."""
        out = Path(out)
        check_finite(
            {name: getattr(self, name) for name in TABLES}, f"scenario {self.config.name!r}"
        )
        with folder_lock(out):
            atomic.remove_temporaries(out)
            check_run_folder(out)
            (out / manifests.NAME).unlink(missing_ok=True)  # incomplete until the new one is in
            writers: dict[str, Callable[[Path], object]] = {
                f"{name}.parquet": _parquet_writer(getattr(self, name)) for name in TABLES
            }
            writers.update(extra or {})
            try:
                files = {
                    name: atomic.write_atomic(out / name, w).record() for name, w in writers.items()
                }
                manifests.write(out, {**self.manifest(), "files": files})
            except BaseException:
                atomic.remove_temporaries(out)  # a write cut short may leave one
                raise
        return out


def timeseries_table(runs: np.ndarray, out: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """Outputs ``out[r, step, column]`` of runs ``runs`` as the long table of
    ``SimulationResult.timeseries`` (one row per run and step)."""
    n_runs, n_steps, _ = out.shape
    frame = pd.DataFrame(out.reshape(n_runs * n_steps, -1), columns=columns)
    frame.insert(0, "step", np.tile(np.arange(n_steps, dtype=np.int64), n_runs))
    frame.insert(0, "run", np.repeat(np.asarray(runs, dtype=np.int64), n_steps))
    return frame


def projects_table(runs: np.ndarray, projects: list[np.ndarray]) -> pd.DataFrame:
    """Each run's exported projects (``phases.export_projects`` rows) as the projects table."""
    rows = []
    for run, table in zip(runs, projects, strict=True):
        for index, row in enumerate(table):
            values = dict(zip(PROJECT_COLUMNS, row, strict=True))
            rows.append(
                {
                    "run": int(run),
                    "project": index,
                    "status": STATUS_NAMES[int(values["status"])],
                    "mode": MODES[int(values["mode"])],
                    "leader": int(values["leader"]),
                    "created_at": int(values["created_at"]),
                    "running_since": int(values["running_since"]),
                    "ended_at": int(values["ended_at"]),
                    "members_end": int(values["members_end"]),
                    "max_members": int(values["max_members"]),
                    "facilitated": bool(values["facilitated"]),
                    "governance": float(values["governance"]),
                    "anchored": bool(values["anchored"]),
                }
            )
    return pd.DataFrame(rows, columns=["run", "project", *PROJECT_COLUMNS])


def _parquet_writer(frame: pd.DataFrame) -> Callable[[Path], None]:
    return lambda path: frame.to_parquet(path, index=False)


def check_run_folder(out: Path) -> None:
    """Refuse a folder that holds something else than `mutusim run` results (an experiment,
    a manifest mutusim did not write): a run would overwrite its manifest."""
    if (out / manifests.NAME).is_file():
        held = _manifest_kind(out)
        if held != "run":
            raise StoreError(
                f"--out {out}: expected a folder of `mutusim run` results; found {held}; "
                "choose another folder"
            )


def _manifest_kind(out: Path) -> str:
    """What the manifest in ``out`` describes: 'run', or words for anything else."""
    try:
        data = json.loads((out / manifests.NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "a damaged manifest.json"
    if isinstance(data, dict) and "experiment_sha256" in data:
        return f"the experiment {data.get('experiment')!r}"
    if isinstance(data, dict) and "mutusim_manifest" in data:
        return "run"
    return "a manifest.json mutusim did not write"


def check_finite(tables: Mapping[str, pd.DataFrame], where: str) -> None:
    """Refuse results holding inf, or NaN outside ``UNDEFINED_WHERE_NAN``: they come from
    parameters too large for floating-point arithmetic, and would be silently wrong."""
    for table, frame in tables.items():
        numeric = frame.select_dtypes("number")
        values = numeric.to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        for j, column in enumerate(numeric.columns):
            if column in UNDEFINED_WHERE_NAN:
                bad[:, j] = np.isinf(values[:, j])
        if bad.any():
            row, col = (int(i[0]) for i in np.nonzero(bad))
            at = ", ".join(
                f"{key} {frame[key].iloc[row]}" for key in ("run", "step") if key in frame
            )
            raise ConfigError(
                f"{where}: expected finite results; found {values[row, col]} in {table}."
                f"{numeric.columns[col]} ({at}): some parameter is too large for floating-point "
                "arithmetic; use smaller values"
            )


@functools.cache
def source_sha256() -> str:
    """SHA-256 of mutusim's own Python sources: two processes whose sources differ may
    compute different results from the same config and seed, so stored chunks record it."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    """Installed versions of the packages results depend on."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit() -> str:
    """The commit of the working tree the package runs from ('+dirty' if modified)."""
    root = Path(__file__).resolve().parents[2]
    try:
        sha = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return sha + ("+dirty" if dirty else "")
