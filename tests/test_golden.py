"""Golden trajectories: every case of ``tests/golden/cases.py`` reproduces its recorded tables.

The same events at the same months (projects table, stories: exact), floats within 1e-9. The
batch engine replays every seed of a case; the Mesa face replays the first seed. A change that
moves results regenerates the files (``tests/golden/regenerate.py``) in the same commit as its
CHANGELOG "(results)" entry.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

import mutusim

GOLDEN = Path(__file__).resolve().parent / "golden"
sys.path.insert(0, str(GOLDEN))

from cases import CASES, case_config  # noqa: E402

ATOL = 1e-9


def _golden(name: str, table: str) -> pd.DataFrame:
    return pd.read_parquet(GOLDEN / name / f"{table}.parquet")


def _same(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        actual.reset_index(drop=True),
        expected.reset_index(drop=True),
        check_exact=False,
        rtol=0,
        atol=ATOL,
        check_dtype=False,
    )


@pytest.mark.parametrize("engine", ["numba", "mesa"])
@pytest.mark.parametrize("name", list(CASES))
def test_case_reproduces_its_golden_tables(name, engine):
    case = CASES[name]
    config = case_config(case)
    seeds = case["seeds"] if engine == "numba" else case["seeds"][:1]
    series, runs, projects = [], [], []
    for seed in seeds:
        result = mutusim.simulate(config, runs=case["runs"], seed=seed, engine=engine)
        series.append(result.timeseries.assign(seed=seed))
        runs.append(result.runs)
        projects.append(result.projects.assign(seed=seed))
    for table, frames in (("timeseries", series), ("runs", runs), ("projects", projects)):
        expected = _golden(name, table)
        expected = expected[expected["seed"].isin(seeds)]
        _same(pd.concat(frames, ignore_index=True), expected)


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.get("story_agents")])
def test_stories_reproduce_their_golden_events(name):
    case = CASES[name]
    config = case_config(case)
    result = mutusim.simulate(config, runs=1, seed=case["seeds"][0], engine="mesa")
    stories = [result.story(0, a).assign(agent=a) for a in case["story_agents"]]
    _same(pd.concat(stories, ignore_index=True), _golden(name, "stories"))
