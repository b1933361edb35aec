"""Running an experiment: plan its chunks, compute the missing ones (locally with the numba
engine, or on a dask.distributed cluster), store them, then analyse.

Every scenario or design point uses the same run indices and seed, so arms are paired
(common random numbers). A chunk is a pure function of (experiment, cell, runs): computing it
twice, here or on a cluster, gives the same rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from mutusim.config import ConfigError, canonical_json
from mutusim.config.loader import _read_yaml, _set_dotted, format_validation_error, parse_override
from mutusim.experiments import analysis, store
from mutusim.experiments.design import Cell, cells
from mutusim.experiments.schema import PRESENTATION, Experiment
from mutusim.results import git_commit, package_versions

TIMESERIES_COLUMNS = (
    "adoption_share",
    "adopters",
    "active_projects",
    "forming_projects",
    "joins",
    "members_exited",
    "projects_dissolved",
    "public_spend",
    "cumulative_public_spend",
    "mean_maturity",
)


def load_experiment(path: str | Path, overrides: Sequence[str] = ()) -> Any:
    """Read and validate an experiment file (``--set`` overrides apply to its fields)."""
    path = Path(path)
    raw = _read_yaml(path)
    for text in overrides:
        key, value = parse_override(text)
        _set_dotted(raw, key, value)
    try:
        return TypeAdapter(Experiment).validate_python(raw)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, {"": str(path)})) from None


@dataclass(frozen=True)
class Chunk:
    """Runs ``first .. first + count - 1`` of one cell."""

    cell: int
    first: int
    count: int

    @property
    def key(self) -> str:
        """Name of the chunk's parts."""
        return f"{self.cell:05d}-{self.first:07d}"


def plan(n_cells: int, runs: int, chunk_runs: int) -> list[Chunk]:
    """All chunks, cell by cell."""
    return [
        Chunk(c, first, min(chunk_runs, runs - first))
        for c in range(n_cells)
        for first in range(0, runs, chunk_runs)
    ]


def experiment_hash(exp: Any, all_cells: list[Cell]) -> str:
    """SHA-256 of the experiment and of every resolved scenario it runs."""
    dumped = exp.model_dump(mode="json")
    for arm in dumped.get("scenarios", []):  # relabelling an arm changes no result
        for key in PRESENTATION:
            arm.pop(key, None)
    if dumped.get("label") is None:  # files written before labels existed keep their hash
        dumped.pop("label", None)
    definition = json.dumps(dumped, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(definition.encode())
    for cell in all_cells:
        digest.update(canonical_json(cell.config).encode())
    return digest.hexdigest()


def compute_chunk(cell: Cell, chunk: Chunk, seed: int, outcomes: Sequence[str]):
    """Simulate one chunk with the numba engine; return its runs and timeseries tables."""
    from mutusim.simulate import simulate

    result = simulate(
        cell.config, runs=chunk.count, seed=seed, engine="numba", first_run=chunk.first
    )
    final = result.timeseries.groupby("run").tail(1).set_index("run")
    runs = result.runs[
        ["run", "seed", "run_seed", "n_agents", "mean_running_months", "eur_per_pooled_ees"]
    ].copy()
    for name in outcomes:
        runs[name] = final.loc[runs["run"], name].to_numpy()
    runs.insert(1, "replicate", runs["run"])
    runs.insert(0, "point", cell.index)
    for name, value in cell.values.items():
        runs[f"param.{name}"] = value
    columns = ["run", "step", *[c for c in TIMESERIES_COLUMNS if c in result.timeseries]]
    ts = result.timeseries[columns].copy()
    ts.insert(1, "seed", seed)
    ts.insert(2, "replicate", ts["run"])
    return runs, ts


def run_experiment(
    path: str | Path,
    out: str | Path | None = None,
    overrides: Sequence[str] = (),
    runs: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Run (or resume) an experiment and analyse it; return the analysis."""
    from tqdm import tqdm

    exp = load_experiment(path, [*overrides, *([f"runs={runs}"] if runs else [])])
    all_cells = cells(exp, str(path))
    out = Path(out) if out else Path("results") / exp.name
    sha = experiment_hash(exp, all_cells)
    held = store.claim(out, sha, exp.name)
    store.remove_stale_temporaries(out)  # left by a killed run
    chunks = plan(len(all_cells), exp.runs, exp.chunk_runs)
    done = {
        c.key
        for c in chunks
        if store.part_path(out, "runs", exp.name, all_cells[c.cell].scenario, c.key).is_file()
    }
    manifest = held or {
        "experiment": exp.name,
        "kind": exp.kind,
        "experiment_sha256": sha,
        "experiment_definition": json.loads(exp.model_dump_json()),
        "seed": exp.seed,
        "runs_per_scenario": exp.runs,
        "scenarios": {
            c.scenario: {
                "config_sha256": hashlib.sha256(canonical_json(c.config).encode()).hexdigest(),
                "values": c.values,
            }
            for c in all_cells
        },
        "versions": package_versions(),
        "git_commit": git_commit(),
    }
    manifest["chunks"] = {c.key: ("done" if c.key in done else "pending") for c in chunks}
    store.write_json_atomic(manifest, out / "manifest.json")
    todo = [c for c in chunks if c.key not in done]
    bar = tqdm(
        total=sum(c.count for c in chunks),
        initial=sum(c.count for c in chunks) - sum(c.count for c in todo),
        unit="run",
        desc=exp.name,
        disable=None if progress else True,  # None: only on a terminal
    )

    def save(chunk: Chunk, tables) -> None:
        runs_table, ts = tables
        scenario = all_cells[chunk.cell].scenario
        store.write_atomic(ts, store.part_path(out, "timeseries", exp.name, scenario, chunk.key))
        store.write_atomic(runs_table, store.part_path(out, "runs", exp.name, scenario, chunk.key))
        manifest["chunks"][chunk.key] = "done"
        store.write_json_atomic(manifest, out / "manifest.json")
        bar.update(chunk.count)

    if scheduler:
        _run_on_cluster(scheduler, todo, all_cells, exp, save)
    else:
        for chunk in todo:
            save(chunk, compute_chunk(all_cells[chunk.cell], chunk, exp.seed, exp.outcomes))
    bar.close()
    result = analysis.analyse(exp, all_cells, store.read_table(out, "runs"))
    result["table"].to_csv(out / "summary.csv", index=False)
    result["out"] = out
    manifest["status"] = "complete"
    store.write_json_atomic(manifest, out / "manifest.json")
    return result


def _run_on_cluster(address: str, todo: list[Chunk], all_cells: list[Cell], exp, save) -> None:
    """Compute chunks on a dask.distributed cluster; store each as it arrives. A chunk lost
    with a dying worker is recomputed by the scheduler."""
    from dask.distributed import Client, as_completed

    with Client(address) as client:
        futures = {
            client.submit(
                compute_chunk, all_cells[c.cell], c, exp.seed, exp.outcomes, pure=False, retries=3
            ): c
            for c in todo
        }
        for future in as_completed(futures):
            save(futures[future], future.result())
