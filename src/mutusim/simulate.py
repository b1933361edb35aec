"""``simulate``: run a scenario several times, with either engine, and gather tidy results.

Run ``r`` of seed ``s`` always draws from the streams keyed by (s, r, ...), whatever else is run
alongside: runs can be computed in any order, in any chunks, by either engine, and give the
same rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from mutusim import rng
from mutusim.catalogue import MODES, STATUS_NAMES, STATUS_RUNNING
from mutusim.config import ScenarioConfig, load_config
from mutusim.config.schema import check_seed
from mutusim.results import PROJECT_COLUMNS, SimulationResult

ENGINES = ("mesa", "numba")
PROJECT_TABLE = ("run", "project", *PROJECT_COLUMNS)


def default_engine(runs: int) -> str:
    """The Mesa model for a single run (readable, agent-level); numba for more."""
    return "mesa" if runs == 1 else "numba"


def runs_table(
    timeseries: pd.DataFrame, projects: pd.DataFrame, config: ScenarioConfig, seed: int
) -> pd.DataFrame:
    """One row per run: its seed and final outcomes (the table of ``runs.parquet``)."""
    horizon = config.horizon_months
    rows = []
    for run, ts in timeseries.groupby("run", sort=True):
        final = ts.iloc[-1]
        ran = projects[(projects["run"] == run) & (projects["running_since"] >= 0)]
        ended = ran["ended_at"].where(ran["ended_at"] >= 0, horizon)
        lifetimes = (ended - ran["running_since"]).to_numpy(dtype=float)
        adopters = final["adopters"]
        rows.append(
            {
                "run": int(run),
                "seed": seed,
                "run_seed": int(rng.run_seed(seed, int(run))),
                "n_agents": config.population.n_agents,
                "horizon_months": horizon,
                "adoption_share": float(final["adoption_share"]),
                "max_adoption_share": float(ts["adoption_share"].max()),
                "active_projects": int(final["active_projects"]),
                "projects_started": int(final["projects_started"]),
                "projects_failed": int(final["projects_failed"]),
                "projects_dissolved": int(final["projects_dissolved"]),
                "members_exited": int(final["cumulative_exits"]),
                "mean_running_months": float(lifetimes.mean()) if len(lifetimes) else 0.0,
                "maturity_gain": float(final["mean_maturity"] - ts["mean_maturity"].iloc[0]),
                "savings_eur": float(final["cumulative_savings_eur"]),
                "public_spend": float(final["cumulative_public_spend"]),
                "eur_per_pooled_ees": (
                    float(final["cumulative_public_spend"] / adopters) if adopters > 0 else np.nan
                ),
                "adoption_share_size_micro": float(final["adoption_share_size_micro"]),
                "adoption_share_size_small": float(final["adoption_share_size_small"]),
                "adoption_share_size_medium_large": float(
                    final["adoption_share_size_medium_large"]
                ),
            }
        )
    return pd.DataFrame(rows)


def _mesa_project_rows(model, run: int) -> list[dict[str, object]]:
    return [
        {
            "run": run,
            "project": p.index,
            "status": STATUS_NAMES[p.status],
            "mode": MODES[p.mode],
            "leader": -1 if p.leader is None else p.leader.index,
            "created_at": p.created_at,
            "running_since": p.running_since,
            "ended_at": p.ended_at,
            "members_end": p.n if p.status == STATUS_RUNNING else 0,
            "max_members": p.max_members_reached,
            "facilitated": p.facilitated,
            "governance": p.governance,
            "anchored": p.anchored,
        }
        for p in model.projects
    ]


def _simulate_mesa(config, runs, seed, first_run, progress, keep_stories):
    from mutusim.model import MutualisationModel

    series, project_rows, stories = [], [], {}
    for run in range(first_run, first_run + runs):
        model = MutualisationModel(config, seed=seed, run=run)
        for _ in range(config.horizon_months):
            model.step()
            if progress is not None:
                progress(1)
        ts = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        ts.insert(0, "step", np.arange(len(ts), dtype=np.int64))
        ts.insert(0, "run", np.int64(run))
        series.append(ts)
        project_rows.extend(_mesa_project_rows(model, run))
        if keep_stories:
            stories[run] = {a.index: list(a.events) for a in model.ees}
    return pd.concat(series, ignore_index=True), project_rows, stories


def simulate(
    config: ScenarioConfig | str | dict | None = None,
    runs: int = 1,
    seed: int = 0,
    engine: str | None = None,
    progress: Callable[[int], None] | None = None,
    first_run: int = 0,
    keep_stories: bool = False,
    chunk_size: int = 64,
) -> SimulationResult:
    """Run ``runs`` replicates (run indices ``first_run`` ..) of a scenario.

    ``config``: a ``ScenarioConfig``, anything ``load_config`` accepts, or None (baseline).
    ``engine``: "mesa" (the agent-level model), "numba" (the batch engine: same results,
    far faster) or None (Mesa for one run, numba for more). ``progress`` is called with the
    number of months just simulated. ``keep_stories`` keeps every EES's events (Mesa);
    ``SimulationResult.story`` works either way. ``chunk_size``: runs per numba call.
    """
    engine = engine or default_engine(runs)
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    check_seed(seed)
    if not isinstance(config, ScenarioConfig):
        config = load_config(config)
    stories: dict = {}
    start = time.perf_counter()
    if engine == "mesa":
        timeseries, project_rows, stories = _simulate_mesa(
            config, runs, seed, first_run, progress, keep_stories
        )
        timings = {"compile_seconds": 0.0, "run_seconds": time.perf_counter() - start}
    else:
        from mutusim.engine import batch

        compiled = batch.compile_scenario(config)
        out = batch.run_runs(
            compiled, seed, range(first_run, first_run + runs), chunk_size, progress
        )
        timeseries = batch.timeseries_table(out, compiled.columns)
        project_rows = batch.project_rows(out)
        timings = {"compile_seconds": out.compile_seconds, "run_seconds": out.run_seconds}
    projects = pd.DataFrame(project_rows, columns=list(PROJECT_TABLE))
    return SimulationResult(
        timeseries=timeseries,
        runs=runs_table(timeseries, projects, config, seed),
        projects=projects,
        config=config,
        seed=seed,
        engine=engine,
        stories=stories,
        timings=timings,
    )


def outcomes(
    config: ScenarioConfig | str | dict | None = None, runs: int = 10, seed: int = 0
) -> dict[str, float]:
    """Scalar outcomes of a scenario, averaged over ``runs`` runs (numba engine): what SALib,
    EMA Workbench or any optimiser calls as the model. Keys: the columns of ``runs.parquet``
    (adoption_share, active_projects, projects_dissolved, public_spend, ...)."""
    table = simulate(config, runs=runs, seed=seed, engine="numba").runs
    numeric = table.drop(columns=["run", "seed", "run_seed"]).astype(float)
    return {name: float(value) for name, value in numeric.mean().items()}
