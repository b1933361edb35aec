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
from mutusim.config import ScenarioConfig, load_config
from mutusim.config.schema import check_seed
from mutusim.phases.inputs import scenario_inputs
from mutusim.results import SimulationResult, projects_table, timeseries_table

ENGINES = ("mesa", "numba")


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


def _simulate_mesa(config, inputs, runs, seed, first_run, progress, keep_stories):
    from mutusim.model import MutualisationModel

    run_ids = np.arange(first_run, first_run + runs, dtype=np.int64)
    out = np.zeros((runs, config.horizon_months + 1, len(inputs.columns)))
    projects, stories = [], {}
    for r, run in enumerate(run_ids):
        model = MutualisationModel(config, seed=seed, run=int(run), inputs=inputs)
        for _ in range(config.horizon_months):
            model.step()
            if progress is not None:
                progress(1)
        out[r] = model.datacollector.get_model_vars_dataframe().to_numpy()
        projects.append(model.project_rows())
        if keep_stories:
            stories[int(run)] = {a.index: list(a.events) for a in model.ees}
    return run_ids, out, projects, stories


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
    inputs = scenario_inputs(config)
    start = time.perf_counter()
    if engine == "mesa":
        run_ids, out, project_arrays, stories = _simulate_mesa(
            config, inputs, runs, seed, first_run, progress, keep_stories
        )
        timings = {"compile_seconds": 0.0, "run_seconds": time.perf_counter() - start}
    else:
        from mutusim.engine import run_runs

        batch = run_runs(inputs, seed, range(first_run, first_run + runs), chunk_size, progress)
        run_ids, out, project_arrays = batch.runs, batch.out, batch.projects
        timings = {"compile_seconds": batch.compile_seconds, "run_seconds": batch.run_seconds}
    timeseries = timeseries_table(run_ids, out, inputs.columns)
    projects = projects_table(run_ids, project_arrays)
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
