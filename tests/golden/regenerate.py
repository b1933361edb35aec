"""Record the golden trajectories of ``tests/golden/`` (see README.md there).

Each case is a scenario (config file and overrides, or a docking set-up), a few seeds and runs.
For each case the script writes ``<case>/timeseries.parquet``, ``runs.parquet`` and
``projects.parquet`` (every run of every seed, with a ``seed`` column) and, for the cases that
name agents, ``stories.parquet`` (those EES's events in run 0 of the first seed).

Run it from the repository root, only in a commit that moves results on purpose (with its
CHANGELOG "(results)" entry saying why)::

    .venv/bin/python tests/golden/regenerate.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import CASES, case_config  # noqa: E402

import mutusim  # noqa: E402


def record(name: str) -> None:
    """Simulate one case and write its tables."""
    case = CASES[name]
    config = case_config(case)
    series, runs, projects = [], [], []
    for seed in case["seeds"]:
        result = mutusim.simulate(config, runs=case["runs"], seed=seed, engine="numba")
        series.append(result.timeseries.assign(seed=seed))
        runs.append(result.runs)
        projects.append(result.projects.assign(seed=seed))
    out = HERE / name
    out.mkdir(exist_ok=True)
    tables = {"timeseries": series, "runs": runs, "projects": projects}
    if case.get("story_agents"):
        first = mutusim.simulate(config, runs=1, seed=case["seeds"][0], engine="numba")
        tables["stories"] = [first.story(0, a).assign(agent=a) for a in case["story_agents"]]
    for table, frames in tables.items():
        frame = pd.concat(frames, ignore_index=True)
        frame.to_parquet(out / f"{table}.parquet", index=False, compression="zstd")
    print(f"{name}: {sum(len(s) for s in series)} rows")


if __name__ == "__main__":
    for case_name in sys.argv[1:] or CASES:
        record(case_name)
