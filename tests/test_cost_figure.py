"""One cost-effectiveness definition (issue 11): for one shared results folder, the EUR per
additional pooled EES and per additional pooled-EES-year of `summary.csv` are the figures the
terminal summary, the HTML comparison report and the dashboard's comparison print, interval
included; a single-run report prints none (a cost per additional EES needs a baseline)."""

from __future__ import annotations

import html
import re

import duckdb
import numpy as np
import pandas as pd
import pytest

from mutusim.dashboard.scenario import Levers, compare
from mutusim.experiments import run_experiment
from mutusim.experiments.console import summary_text
from mutusim.i18n.words import cost_per_extra
from mutusim.report import write_report

COMPARISON = """
name: one_cost_figure
kind: comparison
base: baseline.yaml
set: {population.n_agents: 1500}
runs: 16
seed: 3
chunk_runs: 16
scenarios:
  - name: baseline
  - {name: facilitator, policies: [facilitator]}
  - {name: individual_subsidy, policies: [individual_subsidy], set: {policies.0.spending: even}}
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("cost")
    path = root / "cmp.yaml"
    path.write_text(COMPARISON)
    result = run_experiment(path, out=root / "out", progress=False)
    return root / "out", result


def _text(path) -> str:
    page = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))
    return " ".join(html.unescape(page).split())


def test_the_same_cost_figure_everywhere(folder):
    out, result = folder
    summary = pd.read_csv(out / "summary.csv").set_index("scenario")
    fac = summary.loc["facilitator"].to_dict()
    assert fac["eur_per_extra_pooled_ees_meaningful"]  # the case worth checking
    assert fac["eur_per_extra_pooled_ees_low"] < fac["eur_per_extra_pooled_ees"]
    assert fac["eur_per_extra_pooled_ees"] < fac["eur_per_extra_pooled_ees_high"]
    assert not summary.loc["individual_subsidy", "eur_per_extra_pooled_ees_meaningful"]
    for lang in ("fr", "en"):
        # spaces normalised alike on both sides (French groups digits with narrow spaces)
        per_ees = " ".join(cost_per_extra(fac, "eur_per_extra_pooled_ees", lang).split())
        per_year = " ".join(cost_per_extra(fac, "eur_per_extra_pooled_ees_year", lang).split())
        terminal = " ".join(summary_text(result, lang=lang).split())
        assert per_ees in terminal
        report = _text(write_report(out, lang=lang, sample_runs=2, target_runs=0))
        assert per_ees in report and per_year in report
        assert cost_per_extra({}, "eur_per_extra_pooled_ees", lang) in report  # the subsidy's


def test_the_dashboard_computes_the_same_figure(folder):
    out, result = folder
    summary = pd.read_csv(out / "summary.csv").set_index("scenario")
    ts = duckdb.sql(
        f"select * from read_parquet('{out}/timeseries/**/*.parquet', hive_partitioning=true)"
    ).df()
    base = ts[ts["scenario"] == "baseline"].sort_values(["run", "step"])
    arm = ts[ts["scenario"] == "facilitator"].sort_values(["run", "step"])
    dashboard = compare(Levers(), base, arm, seed=result["experiment"].seed, n_agents=1500)
    for column in ("eur_per_extra_pooled_ees", "eur_per_extra_pooled_ees_year"):
        for suffix in ("", "_low", "_high"):
            np.testing.assert_allclose(
                dashboard.cost[column + suffix], summary.loc["facilitator", column + suffix]
            )
