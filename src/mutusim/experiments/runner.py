"""Running an experiment: check everything, plan its chunks, compute the missing ones
(locally with the numba engine, or on a dask.distributed cluster), store them, then analyse.

Every scenario or design point uses the same run indices and seed, so arms are paired
(common random numbers). A chunk is a pure function of (experiment, cell, runs): computing it
twice, here or on a cluster, gives the same rows.

The order matters: ``prepare`` validates the file, every scenario, parameter and outcome name,
the sizes against memory and the ``--out`` folder, and ``run_experiment`` reaches the cluster,
all before the folder is created. Then, holding the folder's lock, it claims the folder, checks
the parts already there (``store.survey``), computes the others and records each in the sealed
manifest (at most every ``MANIFEST_SECONDS``, and whenever it stops). Ctrl-C, SIGTERM, a full
or read-only disk and cluster faults end in one message saying how many chunks are kept.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import TypeAdapter, ValidationError

from mutusim import atomic, sizing
from mutusim import manifest as manifests
from mutusim.config import canonical_json, config_hash
from mutusim.config.loader import format_validation_error, parse_override, read_yaml, set_dotted
from mutusim.errors import (
    ClusterError,
    ConfigError,
    InterruptError,
    MutusimError,
    StoreError,
    signal_of,
)
from mutusim.experiments import analysis, cluster, design, store
from mutusim.experiments import ensemble as ensemble_files
from mutusim.experiments.design import Cell
from mutusim.experiments.measures import RUN_MEASURES, run_measures
from mutusim.experiments.schema import (
    ANALYSIS_ONLY,
    PRESENTATION,
    Experiment,
    Sensitivity,
    Sweep,
)
from mutusim.lock import folder_lock
from mutusim.results import check_finite, git_commit, package_versions, source_sha256

KINDS = ("comparison", "factorial", "sweep", "sensitivity", "replication")

MANIFEST_SECONDS = 1.0
"""Longest time between two saves of the manifest while chunks are stored."""

MEMBER_PREFIX = "member."
"""Prefix of the runs table's columns holding an ensemble member's parameter values."""

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
    raw = read_yaml(path)
    for text in overrides:
        key, value = parse_override(text)
        set_dotted(raw, key, value)
    try:
        return TypeAdapter(Experiment).validate_python(raw)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, {"": str(path)}, KINDS)) from None


def experiment_hash(exp: Any, all_cells: list[Cell]) -> str:
    """SHA-256 of the experiment and of every resolved scenario it runs."""
    dumped = exp.model_dump(mode="json")
    for arm in dumped.get("scenarios") or []:  # relabelling an arm changes no result
        for key in PRESENTATION:
            arm.pop(key, None)
    for key in ANALYSIS_ONLY:  # another ranking criterion reads the same runs
        dumped.pop(key, None)
    for key in ("label", "ensemble", "members", "scenarios"):
        if dumped.get(key) is None:  # files written before these fields keep their hash
            dumped.pop(key, None)
    definition = json.dumps(dumped, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(definition.encode())
    for cell in all_cells:
        digest.update(canonical_json(cell.config).encode())
    return digest.hexdigest()


def compute_chunk(
    cell: Cell, chunk: store.ChunkId, outcomes: Sequence[str], discount_rate: float = 0.0
):
    """Simulate one chunk with the numba engine; return its runs and timeseries tables, and
    the SHA-256 of the sources that computed them (a dask worker may run other ones). The
    runs carry ``measures.RUN_MEASURES`` (policy-period end, pooled-EES-years and money
    discounted at ``discount_rate`` per year, each policy's spending)."""
    from mutusim.simulate import simulate

    result = simulate(
        cell.config, runs=chunk.runs, seed=chunk.seed, engine="numba", first_run=chunk.first_run
    )
    final = result.timeseries.groupby("run").tail(1).set_index("run")
    runs = result.runs[
        ["run", "seed", "run_seed", "n_agents", "mean_running_months", "eur_per_pooled_ees"]
    ].copy()
    for name in outcomes:
        runs[name] = final.loc[runs["run"], name].to_numpy()
    runs.insert(1, "replicate", runs["run"] - cell.first_run)
    runs.insert(0, "point", cell.point)
    columns = {f"param.{name}": value for name, value in cell.values.items()}
    if cell.member is not None:
        columns.update(
            member=cell.member.member,
            member_row=cell.member.row,
            member_weight=cell.member.weight,
        )
        columns.update({f"{MEMBER_PREFIX}{k}": v for k, v in cell.member.values.items()})
    if columns:  # one block, not one insertion per column (134 parameters of a screening)
        runs = pd.concat([runs, pd.DataFrame(columns, index=runs.index)], axis=1)
    measures = run_measures(result.timeseries, cell.config, discount_rate)
    for name in RUN_MEASURES:
        runs[name] = measures.loc[runs["run"], name].to_numpy()
    columns = ["run", "step", *[c for c in TIMESERIES_COLUMNS if c in result.timeseries]]
    ts = result.timeseries[columns].copy()
    ts.insert(1, "seed", chunk.seed)
    ts.insert(2, "replicate", ts["run"] - cell.first_run)
    return runs, ts, source_sha256()


@dataclass
class Plan:
    """A checked experiment, ready to run: nothing of it has touched the disk yet."""

    exp: Any
    source: str
    cells: list[Cell]
    chunks: list[store.ChunkId]
    out: Path
    sha: str
    rerun: str
    """The command that resumes it (for messages)."""
    ensemble: dict[str, Any] | None = None
    """The ensemble file (path, SHA-256) and the members drawn from it, if any."""


def _check_outcomes(exp: Any, all_cells: list[Cell], source: str) -> None:
    """Refuse an outcome that is not an output of every scenario."""
    from mutusim.contract.outputs import output_names

    known_by_sectors: dict[tuple[str, ...], list[str]] = {}
    for cell in all_cells:
        sectors = tuple(s.name for s in cell.config.population.sectors)
        known = known_by_sectors.setdefault(sectors, output_names(sectors))
        unknown = [o for o in exp.outcomes if o not in known]
        if unknown:
            raise ConfigError(
                f"{source}: field 'outcomes': expected outputs of the model (e.g. "
                f"{', '.join(known[:4])}, …; `mutusim params` and docs/ODD.md list them); "
                f"found {unknown[0]!r}, unknown in scenario {cell.scenario!r}"
            )


def prepare(
    path: str | Path,
    out: str | Path | None = None,
    overrides: Sequence[str] = (),
    runs: int | None = None,
) -> Plan:
    """Check the experiment completely (file, scenarios, parameters, outcomes, sizes, output
    folder) without writing anything; raise ``ConfigError`` at the first problem."""
    source = str(path)
    exp = load_experiment(path, [*overrides, *([f"runs={runs}"] if runs is not None else [])])
    base = design.base_scenario(exp, source)
    exp = design.resolve_parameters(exp, base, source)
    if isinstance(exp, Sweep | Sensitivity):
        design.check_parameters(exp, base, source)
    members = design.check_ensemble(exp, base, source)
    n_params = len(exp.parameters) if isinstance(exp, Sweep | Sensitivity) else 0
    n_params += 3 + len(members[0].values) if members else 0
    sizing.check_experiment(
        base,
        design.count_cells(exp),
        exp.runs,
        exp.chunk_runs,
        len(exp.outcomes) + n_params,
        source,
    )
    all_cells = design.cells(exp, source, base, members)
    _check_outcomes(exp, all_cells, source)
    per_chunk = min(exp.runs, exp.chunk_runs)
    largest = max(all_cells, key=lambda c: sizing.run_need(c.config, per_chunk, "numba"))
    sizing.check_run(largest.config, per_chunk, "numba", f"{source}: scenario {largest.scenario!r}")
    folder = Path(out) if out else Path("results") / exp.name
    atomic.check_output_folder(folder)
    sha = experiment_hash(exp, all_cells)
    chunks = [
        store.ChunkId(
            sha,
            c.index,
            c.scenario,
            first,
            min(exp.chunk_runs, c.first_run + exp.runs - first),
            exp.seed,
            config_hash(c.config),
            exp.chunk_runs,
            source_sha256(),
        )
        for c in all_cells
        for first in range(c.first_run, c.first_run + exp.runs, exp.chunk_runs)
    ]
    command = ["mutusim", "experiment", source, "--out", str(folder)]
    command += [arg for o in overrides for arg in ("--set", o)]
    command += ["--runs", str(runs)] if runs is not None else []
    ensemble = None
    if members:
        path = ensemble_files.resolve_path(exp.ensemble, source)
        ensemble = {
            "path": str(path),
            "sha256": ensemble_files.file_sha256(path),
            "origin": ensemble_files.ensemble_origin(path),
            "members": [m.record() for m in members],
        }
    return Plan(exp, source, all_cells, chunks, folder, sha, shlex.join(command), ensemble)


def run_experiment(
    path: str | Path,
    out: str | Path | None = None,
    overrides: Sequence[str] = (),
    runs: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    worker_timeout: float = cluster.DEFAULT_WORKER_TIMEOUT,
) -> dict[str, Any]:
    """Run (or resume) an experiment and analyse it; return the analysis.

    ``scheduler``: a dask.distributed address (default: this machine's cores);
    ``worker_timeout``: seconds without any dask worker after which it stops. Raises
    ``ConfigError`` (bad input, before anything is written), ``StoreError`` (a folder that
    is busy or holds something else), ``ClusterError`` or ``InterruptError``.
    """
    if scheduler:
        cluster.check_address(scheduler)  # a typo is refused before the long checks
    plan = prepare(path, out, overrides, runs)
    client = cluster.connect(scheduler) if scheduler else None
    try:
        with folder_lock(plan.out):
            return _run(plan, client, scheduler, progress, worker_timeout)
    finally:
        if client is not None:
            with cluster.quiet_logs():
                client.close()


def _new_manifest(plan: Plan) -> dict[str, Any]:
    exp = plan.exp
    return {
        "store_format": store.STORE_FORMAT,
        "experiment": exp.name,
        "kind": exp.kind,
        "experiment_sha256": plan.sha,
        "experiment_definition": json.loads(exp.model_dump_json()),
        "seed": exp.seed,
        "runs_per_scenario": exp.runs,
        "chunk_runs": exp.chunk_runs,
        "scenarios": {
            c.label: {"config_sha256": config_hash(c.config), "values": c.values}
            for c in plan.cells
        },
        **({"ensemble": plan.ensemble} if plan.ensemble else {}),
        "versions": package_versions(),
        "git_commit": git_commit(),
        "source_sha256": source_sha256(),
        "resume_command": plan.rerun,
    }


class _Recorder:
    """Stores computed chunks and keeps the manifest's records of them."""

    def __init__(self, plan: Plan, manifest: dict[str, Any], bar: Any) -> None:
        self.plan, self.manifest, self.bar = plan, manifest, bar
        self.saved_at = time.monotonic()

    @property
    def done(self) -> int:
        return len(self.manifest["parts"])

    def save(self, chunk: store.ChunkId, computed: tuple[pd.DataFrame, pd.DataFrame, str]) -> None:
        runs_table, ts, source = computed
        if source != chunk.source_sha256:
            raise ClusterError(
                f"{chunk.describe()} was computed by other mutusim sources (sha256 "
                f"{source[:12]}…, here {chunk.source_sha256[:12]}…): install the same mutusim on "
                "every dask worker"
            )
        check_finite(
            {"runs": runs_table, "timeseries": ts}, f"{self.plan.source}: {chunk.describe()}"
        )
        name = self.plan.exp.name
        files = {
            "timeseries": store.write_part(self.plan.out, "timeseries", name, chunk, ts),
            "runs": store.write_part(self.plan.out, "runs", name, chunk, runs_table),
        }
        identity = {k: v for k, v in vars(chunk).items() if k != "experiment_sha256"}
        self.manifest["parts"][chunk.key] = {**identity, "files": files}
        self.manifest["chunks"][chunk.key] = "done"
        self.bar.update(chunk.runs)
        if time.monotonic() - self.saved_at >= MANIFEST_SECONDS:
            self.flush()

    def flush(self) -> None:
        manifests.write(self.plan.out, self.manifest)
        self.saved_at = time.monotonic()

    def kept(self, scheduler: str | None = None) -> str:
        """What stays in the folder, and the command that finishes the experiment (on
        ``scheduler``, or on this machine), in words."""
        command = self.plan.rerun + (f" --scheduler {shlex.quote(scheduler)}" if scheduler else "")
        return (
            f"{self.done} of {len(self.plan.chunks)} chunks are kept in {self.plan.out}; "
            f"to finish{'' if scheduler else ' on this machine'}, run: {command}"
        )


def _stopped(exc: BaseException, recorder: _Recorder, scheduler: str | None) -> BaseException:
    """The one-line error an experiment stopped by ``exc`` ends with (after its records are
    saved), or ``exc`` itself when it is a bug. ``scheduler``: the cluster it ran on."""
    try:
        recorder.flush()
    except OSError:
        pass  # the disk refuses: the previous manifest stays, whole
    atomic.remove_temporaries(recorder.plan.out)  # a write cut short may leave one
    if isinstance(exc, KeyboardInterrupt):
        signum = signal_of(exc)
        name = "Ctrl-C" if signum == signal.SIGINT else "SIGTERM"
        return InterruptError(f"interrupted ({name}): {recorder.kept(scheduler)}", signum)
    if isinstance(exc, ClusterError):
        return ClusterError(f"{exc}; {recorder.kept()} (or add --scheduler of a new cluster)")
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return StoreError(f"cannot write {where}{exc.strerror or exc}; {recorder.kept(scheduler)}")
    if isinstance(exc, MemoryError):
        return MutusimError(f"out of memory; {recorder.kept()} (with fewer runs per chunk)")
    return exc  # a refusal with its own message (e.g. non-finite results)


def _run(
    plan: Plan, client: Any, scheduler: str | None, progress: bool, worker_timeout: float
) -> dict[str, Any]:
    """Claim the folder, compute what is missing, analyse (holding the folder's lock)."""
    from tqdm import tqdm

    exp, out = plan.exp, plan.out
    atomic.remove_temporaries(out)
    manifest = store.claim(out, plan.sha, exp.name) or _new_manifest(plan)
    states = store.survey(out, exp.name, plan.chunks, manifest.get("parts", {}))
    done = {key for key, state in states.items() if state is store.State.DONE}
    damaged = sorted(key for key, state in states.items() if state is store.State.DAMAGED)
    stale = sum(state is store.State.STALE for state in states.values())
    manifest["status"] = "running"
    manifest.update(versions=package_versions(), git_commit=git_commit())
    manifest["source_sha256"] = source_sha256()  # every part kept or written is from these
    manifest["parts"] = {k: v for k, v in manifest.get("parts", {}).items() if k in done}
    manifest["chunks"] = {c.key: "done" if c.key in done else "pending" for c in plan.chunks}
    manifest.pop("files", None)
    manifests.write(out, manifest)
    if damaged:
        print(
            f"mutusim: {len(damaged)} damaged chunk(s) in {out} are computed again "
            f"({', '.join(damaged[:3])}{', …' if len(damaged) > 3 else ''})",
            file=sys.stderr,
        )
    if stale:
        print(
            f"mutusim: {stale} chunk(s) in {out} were computed by other mutusim sources and are "
            "computed again, so that all results come from the same model",
            file=sys.stderr,
        )
    todo = [c for c in plan.chunks if c.key not in done]
    bar = tqdm(
        total=sum(c.runs for c in plan.chunks),
        initial=sum(c.runs for c in plan.chunks) - sum(c.runs for c in todo),
        unit="run",
        desc=exp.name,
        disable=None if progress else True,  # None: only on a terminal
    )
    recorder = _Recorder(plan, manifest, bar)
    discount = getattr(exp, "discount_rate", 0.0)
    try:
        if client is not None:
            jobs = [
                (c, compute_chunk, (plan.cells[c.cell], c, exp.outcomes, discount)) for c in todo
            ]
            cluster.compute(client, jobs, recorder.save, worker_timeout, store.ChunkId.describe)
        else:
            for chunk in todo:
                recorder.save(
                    chunk, compute_chunk(plan.cells[chunk.cell], chunk, exp.outcomes, discount)
                )
        recorder.flush()
        runs_table = store.read_table(out, manifest, "runs", f"run {plan.rerun} again")
        result = analysis.analyse(exp, plan.cells, runs_table)
        written = {
            f"{name}.csv": atomic.write_atomic(
                out / f"{name}.csv", lambda tmp, frame=frame: frame.to_csv(tmp, index=False)
            )
            for name, frame in {"summary": result["table"], **result["tables"]}.items()
        }
        if "robustness" in result:
            written.update(_write_robustness(out, result["robustness"]))
    except (KeyboardInterrupt, MutusimError, OSError, MemoryError) as exc:
        raise _stopped(exc, recorder, scheduler) from None
    finally:
        bar.close()
    manifest["files"] = {name: file.record() for name, file in written.items()}
    manifest["status"] = "complete"
    manifests.write(out, manifest)
    result["out"] = out
    result["recomputed"] = damaged
    return result


def _write_robustness(out: Path, answer: Any) -> dict[str, Any]:
    """``members.csv`` (each member's parameters, scores and best scenario) and
    ``flips.json`` (the PRIM boxes where the top answer flips), written atomically."""
    members = answer.members_table()
    flips = json.dumps(answer.flips_record(), indent=1, sort_keys=True)
    return {
        "members.csv": atomic.write_atomic(
            out / "members.csv", lambda tmp: members.to_csv(tmp, index=False)
        ),
        "flips.json": atomic.write_atomic(
            out / "flips.json", lambda tmp: Path(tmp).write_text(flips + "\n", encoding="utf-8")
        ),
    }
