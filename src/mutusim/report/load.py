"""Reading a results folder for the report: what ``mutusim run`` or ``mutusim experiment``
wrote, the scenario configs that produced it (rebuilt and checked against the manifest's
hashes), and, for experiments, a re-simulated sample of runs with every output and project.

Experiments store a reduced timeseries and no project table. The report re-simulates the
first runs of each scenario with the same seed and run indices (results do not depend on how
runs are grouped, so these are the very same runs) and checks that their final adoption equals
the stored one before drawing survival, circles and who benefits from them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import TypeAdapter, ValidationError

from mutusim import manifest as manifests
from mutusim import sizing
from mutusim.config import ConfigError, ScenarioConfig, config_hash
from mutusim.errors import StoreError

SAMPLE_RUNS = 40
"""Runs per scenario re-simulated for the figures experiments do not store."""
TARGET_RUNS = 10
"""Runs re-simulated with the Mesa model (agent by agent) to judge targeted policies on their
own groups: about 2 s a run on the Walloon population."""


@dataclass
class Results:
    """A results folder, ready for the report."""

    folder: Path
    kind: str
    """``run`` (``mutusim run``) or the experiment kind (comparison, sweep, ...)."""
    manifest: dict[str, Any]
    scenarios: list[str]
    baseline: str | None
    horizon_months: int
    seed: int
    runs: pd.DataFrame
    timeseries: pd.DataFrame
    summary: pd.DataFrame | None = None
    configs: dict[str, ScenarioConfig] = field(default_factory=dict)
    """Configs of the scenarios, only where they hash to the manifest's value."""
    experiment: Any = None
    detail: pd.DataFrame | None = None
    """Full timeseries (circles, size classes, sectors, provinces) of ``detail_runs`` runs."""
    projects: pd.DataFrame | None = None
    detail_runs: int = 0
    notes: list[str] = field(default_factory=list)
    """Catalogue keys of what could not be shown, and why."""
    target_groups: list[tuple[str, Any]] = field(default_factory=list)
    """(scenario, ``target_groups.GroupEffect``) for each targeted policy group of a
    comparison, re-simulated with the Mesa model on ``target_runs`` runs."""
    target_runs: int = 0

    def labels(self, lang: str) -> dict[str, str]:
        """Display names of the scenarios in ``lang``: the experiment's labels (comparisons)."""
        from mutusim.experiments.console import scenario_labels

        return scenario_labels(self.experiment, lang) if self.experiment is not None else {}

    @property
    def runs_per_scenario(self) -> int:
        """Runs of each scenario (or design point)."""
        return int(self.runs.groupby("scenario").size().max())


def load_results(
    folder: str | Path, sample_runs: int = SAMPLE_RUNS, target_runs: int = TARGET_RUNS
) -> Results:
    """Read ``folder`` (a ``mutusim run`` or ``mutusim experiment`` output), verified. Raises
    ``ConfigError`` when it holds neither, an experiment that is not complete, or files that
    do not match its manifest. ``target_runs``: runs re-simulated per targeted group of a
    comparison (0: none)."""
    folder = Path(folder)
    manifest = manifests.read(folder)
    try:
        if "experiment_sha256" in manifest:
            return _load_experiment(folder, manifest, sample_runs, target_runs)
        if "mutusim_manifest" in manifest:
            return _load_run(folder, manifest)
    except (KeyError, TypeError) as exc:
        raise StoreError(
            f"{folder / manifests.NAME}: expected a manifest written by this version of "
            f"mutusim; found one without the field {exc}"
        ) from None
    raise StoreError(f"{folder / manifests.NAME}: not a mutusim manifest")


def _check_size(folder: Path, rows: int, columns: int) -> None:
    """Refuse tables that cannot be read into memory."""
    sizing.check(
        2 * rows * columns * sizing.FLOAT,
        f"{folder}: {rows:,} stored rows",
        "make the report of a smaller experiment",
    )


def _load_run(folder: Path, manifest: dict[str, Any]) -> Results:
    name = manifest["scenario"]
    hint = "run the `mutusim run` command again"
    data = {
        file: manifests.verified(folder, file, record, hint)
        for file, record in manifest["files"].items()  # the chart too: all or nothing
    }
    tables = {
        table: pd.read_parquet(io.BytesIO(data[f"{table}.parquet"])).assign(scenario=name)
        for table in ("timeseries", "runs", "projects")
    }
    try:
        config = ScenarioConfig.model_validate(manifest["config"])
    except ValidationError:
        config = None  # written by another version: shown without what needs the config
    configs = {name: config} if config and config_hash(config) == manifest["config_sha256"] else {}
    return Results(
        folder=folder,
        kind="run",
        manifest=manifest,
        scenarios=[name],
        baseline=None,
        horizon_months=int(tables["timeseries"]["step"].max()),
        seed=int(manifest["seed"]),
        runs=tables["runs"],
        timeseries=tables["timeseries"],
        configs=configs,
        detail=tables["timeseries"],
        projects=tables["projects"],
        detail_runs=len(tables["runs"]),
        notes=[] if configs else ["report.note_config_changed"],
    )


def _load_experiment(
    folder: Path, manifest: dict[str, Any], sample_runs: int, target_runs: int
) -> Results:
    from mutusim.experiments import store
    from mutusim.experiments.design import cells
    from mutusim.experiments.ensemble import Member
    from mutusim.experiments.runner import TIMESERIES_COLUMNS
    from mutusim.experiments.schema import Experiment

    if manifest.get("status") != "complete":
        raise StoreError(
            f"{folder}: the experiment is not complete; run the same `mutusim experiment` "
            "command again to finish it, then make the report"
        )
    try:
        exp = TypeAdapter(Experiment).validate_python(manifest["experiment_definition"])
    except ValidationError:
        raise StoreError(
            f"{folder / manifests.NAME}: expected an experiment this version of mutusim can "
            "read; found one written by another version: run it again with this version"
        ) from None
    command = manifest.get("resume_command", "the `mutusim experiment` command that wrote it")
    hint = f"to recompute damaged parts, run {command}"
    rows = sum(p["files"]["timeseries"]["rows"] for p in manifest["parts"].values())
    _check_size(folder, rows, len(TIMESERIES_COLUMNS) + 6)
    runs = store.read_table(folder, manifest, "runs", hint)
    if exp.kind in ("sweep", "sensitivity"):
        # the manifest sorts keys; the design follows the file's order, kept by the runs' columns
        order = [c.removeprefix("param.") for c in runs.columns if c.startswith("param.")]
        if sorted(order) == sorted(exp.parameters):
            exp = exp.model_copy(update={"parameters": {k: exp.parameters[k] for k in order}})
    timeseries = store.read_table(folder, manifest, "timeseries", hint)
    summary = pd.read_csv(
        io.BytesIO(
            manifests.verified(folder, "summary.csv", manifest["files"]["summary.csv"], hint)
        )
    )
    stored = manifest.get("scenarios", {})
    members = None
    if "ensemble" in manifest:
        members = [Member.from_record(r) for r in manifest["ensemble"]["members"]]
    try:
        all_cells = cells(exp, str(folder / "manifest.json"), members=members)
    except ConfigError:
        all_cells = []
    changed = {
        c.scenario
        for c in all_cells
        if config_hash(c.config) != stored.get(c.label, {}).get("config_sha256")
    }
    configs: dict[str, ScenarioConfig] = {}
    for c in all_cells:  # a scenario's config: of its first member, if every member matches
        if c.scenario not in changed:
            configs.setdefault(c.scenario, c.config)
    order = list(dict.fromkeys(c.scenario for c in all_cells)) or sorted(stored)
    results = Results(
        folder=folder,
        kind=exp.kind,
        manifest=manifest,
        scenarios=order,
        baseline=order[0] if exp.kind == "comparison" else None,
        horizon_months=int(timeseries["step"].max()),
        seed=exp.seed,
        runs=runs,
        timeseries=timeseries,
        summary=summary,
        configs=configs,
        experiment=exp,
    )
    if len(configs) < len(order):
        results.notes.append("report.note_config_changed")
    elif exp.kind == "comparison" and members:
        results.notes.append("report.note_ensemble_figures")
    elif exp.kind == "comparison":
        _resimulate(results, min(sample_runs, exp.runs))
        if "report.note_model_changed" not in results.notes:
            _target_groups(results, min(target_runs, exp.runs))
    return results


def _target_groups(results: Results, k: int) -> None:
    """Judge each targeted policy on its own group: adoption inside and outside it, against
    the baseline on the same ``k`` runs (Mesa model; kept only if it reproduces the stored
    adoption of those runs)."""
    from mutusim.target_groups import group_effect, horizon_states, policy_groups

    targeted = [(n, policy_groups(results.configs[n])) for n in results.scenarios[1:]]
    targeted = [(n, groups) for n, groups in targeted if groups]
    if k < 1 or not targeted:
        return
    baseline = results.configs[results.baseline]
    stored = results.runs.set_index(["scenario", "run"])["adoption_share"]

    def states(name: str):
        """One Mesa re-run per scenario and run, checked against the stored adoption."""
        kept = horizon_states(results.configs[name], results.seed, range(k))
        again = np.array([s.pooled.mean() for s in kept])
        if not np.allclose(again, stored.loc[name].loc[list(range(k))].to_numpy(), atol=1e-12):
            return None
        return kept

    base_states = states(results.baseline)
    for name, groups in targeted:
        arm_states = states(name) if base_states is not None else None
        if arm_states is None:
            results.notes.append("report.note_model_changed")
            results.target_groups = []
            return
        for group in groups:
            effect = group_effect(
                baseline,
                results.configs[name],
                group,
                results.seed,
                range(k),
                states=(base_states, arm_states),
            )
            results.target_groups.append((name, effect))
    results.target_runs = k


def _resimulate(results: Results, k: int) -> None:
    """Re-run runs 0..k-1 of every scenario; keep them only if they match the stored runs."""
    from mutusim.simulate import simulate

    details, projects = [], []
    for name in results.scenarios:
        redo = simulate(results.configs[name], runs=k, seed=results.seed, engine="numba")
        stored = results.runs[results.runs["scenario"] == name].set_index("run")["adoption_share"]
        again = redo.runs.set_index("run")["adoption_share"]
        if not np.allclose(again.to_numpy(), stored.loc[again.index].to_numpy(), atol=1e-12):
            results.notes.append("report.note_model_changed")
            return
        details.append(redo.timeseries.assign(scenario=name))
        projects.append(redo.projects.assign(scenario=name))
    results.detail = pd.concat(details, ignore_index=True)
    results.projects = pd.concat(projects, ignore_index=True)
    results.detail_runs = k
