"""Terminal summaries of experiments (``mutusim experiment``): in the language asked for, human
scenario names (labels first), one interval style, rounded money, at most 100 columns, and a
legend for the symbols."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from mutusim.experiments import run_experiment, summary_text
from mutusim.experiments.console import table
from mutusim.i18n import t

COMPARISON = """
name: console_comparison
kind: comparison
base: baseline.yaml
set: {population: federation, horizon_months: 24}
runs: 6
chunk_runs: 6
scenarios:
  - name: baseline
  - name: hainaut_small
    label:
      fr: "Subvention ciblée : moins de 10 travailleurs, Hainaut"
      en: "Targeted subsidy: under 10 workers, Hainaut"
    policies: [pooled_subsidy]
    set:
      policies.0.budget_eur: 1000000
      policies.0.eligibility.size_max: 9
      policies.0.eligibility.provinces: [hainaut]
  - name: individual_subsidy
    policies: [individual_subsidy]
    set: {policies.0.budget_eur: 1000000}
"""

SWEEP = """
name: console_sweep
kind: sweep
base: baseline.yaml
set: {population: federation, horizon_months: 24}
design: grid
runs: 3
parameters:
  behaviour.pioneer_rate: {values: [0.1, 0.4]}
  policies.0.rate: {values: [0.2, 0.6]}
  policies.0.budget_eur: {values: [1000000]}
"""


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    root = tmp_path_factory.mktemp("console")
    path = root / "comparison.yaml"
    path.write_text(COMPARISON)
    return run_experiment(path, out=root / "out", progress=False)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_comparison_table_speaks_the_language(comparison, lang):
    text = summary_text(comparison, lang=lang)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    rule = next(line for line in lines if line.startswith("─"))
    body = lines[lines.index(rule) + 1 : -3]
    first_column = " ".join(line[: len(rule.split()[0])] for line in body)
    first_column = " ".join(first_column.split())
    assert t("scenario.baseline", lang) in first_column  # the catalogue's name
    label = "Subvention ciblée" if lang == "fr" else "Targeted subsidy"
    assert label in first_column and "hainaut_small" not in text  # the experiment's label
    flat = " ".join(text.split())
    assert t("console.col_scenario", lang) in lines[0]
    assert t("console.legend_comparison", lang, level="95", runs="x").split("x")[0][:20] in flat
    intervals = re.findall(r"\[[^\]]+\]", text.split("─")[-1])
    separator = " ; " if lang == "fr" else ", "
    assert intervals and all(separator in i for i in intervals if "IC" not in i and "CI" not in i)
    assert "_" not in text.split("\n", 2)[2].split(t("console.legend_comparison", lang)[:10])[0]
    other = "Écart" if lang == "en" else "Difference"
    assert other not in text


def test_money_is_rounded(comparison):
    text = summary_text(comparison, lang="en")
    spend = comparison["table"]["cumulative_public_spend"]
    assert f"{spend.iloc[1]:,.0f}" not in text or spend.iloc[1] < 10_000
    assert re.search(r"€\d[\d,.]*M?", text)


def test_sweep_shows_intervals(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(SWEEP.replace("set: {", "set: {policies: [pooled_subsidy], "))
    result = run_experiment(path, out=tmp_path / "out", progress=False)
    frame = result["table"]
    assert {"adoption_share_lo", "adoption_share_hi", "runs"} <= set(frame.columns)
    assert (frame["adoption_share_lo"] <= frame["adoption_share"]).all()
    text = summary_text(result, lang="fr")
    assert max(len(line) for line in text.splitlines()) <= 100
    assert text.count(" ; ") >= len(frame)  # an interval per point
    header = text.split("─")[0].split()
    for word in "taux d'initiative des pionniers (par an)".split():  # wrapped in its column
        assert word in header, word
    assert "behaviour.pioneer_rate" not in text


def test_table_wraps_long_cells_to_the_width():
    rows = [["a very long scenario name that keeps going and going", "1 234,5"]] * 2
    text = table(["Scénario", "Valeur"], rows, numeric={1}, width=40)
    assert max(len(line) for line in text.splitlines()) <= 40
    assert all(line.rstrip().endswith("1 234,5") for line in text.splitlines() if "," in line)


def test_pandas_free_of_snake_case_headers(comparison):
    text = summary_text(comparison, lang="fr")
    header = text.split("─")[0]
    assert not re.search(r"[a-z]+_[a-z]+", header)
    assert isinstance(comparison["table"], pd.DataFrame) and Path(comparison["out"]).is_dir()


def test_console_and_experiments_need_no_plotting_stack():
    import subprocess
    import sys

    code = (
        "import sys, mutusim.experiments, mutusim.experiments.console, mutusim.parameter_table\n"
        "bad = sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'networkx'})\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
