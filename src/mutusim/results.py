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

import pandas as pd

from mutusim.config import ScenarioConfig, canonical_json, config_hash

PROJECT_COLUMNS = (
    "status",
    "mode",
    "leader",
    "created_at",
    "running_since",
    "ended_at",
    "members_end",
    "max_members",
    "facilitated",
    "governance",
    "anchored",
)
"""Fields of a project in ``SimulationResult.projects`` (after ``run`` and ``project``)."""

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
