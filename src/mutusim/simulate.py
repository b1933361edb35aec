"""``simulate``: run a scenario several times and gather tidy results.

Run ``r`` of seed ``s`` always draws from the streams keyed by (s, r, ...), whatever else is run
alongside: runs can be computed in any order or split across calls and give the same rows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from mutusim import rng
from mutusim.catalogue import MODES, STATUS_NAMES, STATUS_RUNNING
from mutusim.config import ScenarioConfig, load_config
from mutusim.results import SimulationResult

ENGINES = ("mesa",)


def _run_row(model, run: int, seed: int, ts: pd.DataFrame) -> dict[str, float]:
    final = ts.iloc[-1]
    ran = [p for p in model.projects if p.running_since >= 0]
    horizon = model.config.horizon_months
    lifetimes = [(p.ended_at if p.ended_at >= 0 else horizon) - p.running_since for p in ran]
    return {
        "run": run,
        "seed": seed,
        "run_seed": int(rng.run_seed(seed, run)),
        "n_agents": len(model.ees),
        "horizon_months": horizon,
        "adoption_share": float(final["adoption_share"]),
        "max_adoption_share": float(ts["adoption_share"].max()),
        "active_projects": int(final["active_projects"]),
        "projects_started": int(final["projects_started"]),
        "projects_failed": int(final["projects_failed"]),
        "projects_dissolved": int(final["projects_dissolved"]),
        "members_exited": int(final["cumulative_exits"]),
        "mean_running_months": float(np.mean(lifetimes)) if lifetimes else 0.0,
        "maturity_gain": float(final["mean_maturity"] - ts["mean_maturity"].iloc[0]),
        "savings_eur": float(final["cumulative_savings_eur"]),
        "public_spend": float(final["cumulative_public_spend"]),
        "eur_per_pooled_ees": (
            float(final["cumulative_public_spend"] / final["adopters"])
            if final["adopters"] > 0
            else float("nan")
        ),
        "adoption_share_size_micro": float(final["adoption_share_size_micro"]),
        "adoption_share_size_small": float(final["adoption_share_size_small"]),
        "adoption_share_size_medium_large": float(final["adoption_share_size_medium_large"]),
    }


def _project_rows(model, run: int) -> list[dict[str, object]]:
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


def simulate(
    config: ScenarioConfig | str | dict | None = None,
    runs: int = 1,
    seed: int = 0,
    engine: str = "mesa",
    progress: Callable[[int], None] | None = None,
    first_run: int = 0,
    keep_stories: bool = False,
) -> SimulationResult:
    """Run ``runs`` replicates (run indices ``first_run`` ..) of a scenario.

    ``config``: a ``ScenarioConfig``, anything ``load_config`` accepts, or None (baseline).
    ``progress`` is called with 1 after each month. ``keep_stories`` keeps every EES's event
    history for ``SimulationResult.story``.
    """
    from mutusim.model import MutualisationModel

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    if not isinstance(config, ScenarioConfig):
        config = load_config(config)
    series, run_rows, project_rows, stories = [], [], [], {}
    for run in range(first_run, first_run + runs):
        model = MutualisationModel(config, seed=seed, run=run)
        for _ in range(config.horizon_months):
            model.step()
            if progress is not None:
                progress(1)
        ts = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        ts.insert(0, "step", np.arange(len(ts), dtype=np.int64))
        ts.insert(0, "run", run)
        series.append(ts)
        run_rows.append(_run_row(model, run, seed, ts))
        project_rows.extend(_project_rows(model, run))
        if keep_stories:
            stories[run] = {a.index: list(a.events) for a in model.ees}
    projects = pd.DataFrame(project_rows, columns=list(_project_columns()))
    return SimulationResult(
        timeseries=pd.concat(series, ignore_index=True),
        runs=pd.DataFrame(run_rows),
        projects=projects,
        config=config,
        seed=seed,
        engine=engine,
        stories=stories,
    )


def _project_columns() -> tuple[str, ...]:
    return (
        "run",
        "project",
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
