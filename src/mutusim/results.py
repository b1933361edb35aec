"""Results of a simulation: tidy tables (timeseries, runs, projects), their provenance, and the
one writer that puts them on disk (Parquet + manifest.json), atomically."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mutusim.catalogue import MODES, STATUS_NAMES
from mutusim.config import ScenarioConfig, canonical_json, config_hash
from mutusim.contract.outputs import PROJECT_COLUMNS

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
        deterministic, so the story is the one of this result."""
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
        }

    def write(self, out: str | os.PathLike[str]) -> Path:
        """Write ``timeseries.parquet``, ``runs.parquet``, ``projects.parquet`` and
        ``manifest.json`` into ``out``; files appear together or not at all."""
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".mutusim-", dir=out.parent))
        try:
            self.timeseries.to_parquet(tmp / "timeseries.parquet", index=False)
            self.runs.to_parquet(tmp / "runs.parquet", index=False)
            self.projects.to_parquet(tmp / "projects.parquet", index=False)
            (tmp / "manifest.json").write_text(
                json.dumps(self.manifest(), indent=2, sort_keys=True), encoding="utf-8"
            )
            out.mkdir(exist_ok=True)
            for item in tmp.iterdir():
                os.replace(item, out / item.name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
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
