"""The scenario report: one self-contained HTML file per language from a small comparison and
from a ``mutusim run`` folder; no external reference; every figure embedded; key sentences in
the right language with the numbers of the runs; sources and reproduction. Saves the README's
screenshot (docs/img/report.png) when Chromium is installed."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

import mutusim
from mutusim.config import ConfigError
from mutusim.experiments import run_experiment
from mutusim.i18n import t
from mutusim.manifest import sealed
from mutusim.plotting.style import money, percent, points
from mutusim.report import load_results, render, report_command, write_report
from mutusim.report.words import describe_policy, nine_in_ten

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
IMG = '<img src="data:image/png;base64,'
COMPARISON_FIGURES = 6  # fan, comparison, survival, circles, who benefits, network
RUN_FIGURES = 5  # fan, survival, circles, who benefits, network

EXPERIMENT = """
name: federation_policies
kind: comparison
description: >-
  Quelle incitation publique amène les services d'aide aux familles d'une fédération à
  mutualiser leurs projets numériques, et à quel coût ?
base: baseline.yaml
set: {population: federation}
runs: 8
chunk_runs: 8
scenarios:
  - name: baseline
  - {name: facilitator, policies: [facilitator], set: {policies.0.budget_eur: 500000}}
  - {name: awareness, policies: [awareness], set: {policies.0.budget_eur: 500000}}
"""


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> Path:
    """A small comparison experiment and its reports in both languages."""
    root = tmp_path_factory.mktemp("report")
    path = root / "experiments" / "federation_policies.yaml"
    path.parent.mkdir()
    path.write_text(EXPERIMENT)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)  # the report names paths as seen from here: "results", "experiments/"
        run_experiment(path, out="results", progress=False)
        write_report("results", lang="fr")  # finds experiments/federation_policies.yaml
        path.unlink()
        write_report("results", lang="en")  # the file is gone: the definition is given
    return root / "results"


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory, sector_config) -> Path:
    """A ``mutusim run`` folder: configs/sector.yaml, 5 runs (numba), and its French report."""
    out = tmp_path_factory.mktemp("run") / "sector"
    mutusim.simulate(sector_config, runs=5, seed=0, engine="numba").write(out)
    write_report(out)
    return out


def html(folder: Path, lang: str) -> str:
    return (folder / f"report-{lang}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_is_self_contained(comparison, lang):
    text = html(comparison, lang)
    assert "http://" not in text and "https://" not in text
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert "url(" not in text
    sources = re.findall(r'src="([^"]*)"', text)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert text.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_figure_is_embedded(comparison, lang):
    text = html(comparison, lang)
    assert text.count(IMG) == text.count("<figure>") == COMPARISON_FIGURES
    assert text.count("<figcaption>") == COMPARISON_FIGURES
    _, drawn = render(load_results(comparison), lang)
    assert drawn == COMPARISON_FIGURES
    for data in re.findall(r'src="data:image/png;base64,([^"]+)"', text):
        png = base64.b64decode(data)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_key_sentences_in_each_language(comparison):
    fr, en = html(comparison, "fr"), html(comparison, "en")
    for heading in ("La question", "Chiffres clés", "Hypothèses et sources", "Reproduire"):
        assert heading in fr and heading not in en
    for heading in ("The question", "Key figures", "Assumptions and sources", "Reproducing"):
        assert heading in en and heading not in fr
    assert "dans 9 simulations sur 10, entre" in fr and "in 9 runs out of 10" not in fr
    assert "in 9 runs out of 10, between" in en and "dans 9 simulations sur 10" not in en
    question = "Quelle incitation publique amène les services d&#x27;aide aux familles"
    assert question in fr and question in en  # the question, as the experiment file states it


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_uncertainty_is_stated_from_the_runs(comparison, lang):
    text = html(comparison, lang)
    runs = pd.read_parquet(comparison / "runs")
    runs["scenario"] = runs["scenario"].astype(str)
    base = runs[runs["scenario"] == "baseline"].set_index("run")["adoption_share"]
    arm = runs[runs["scenario"] == "awareness"].set_index("run")["adoption_share"]
    lo, hi = np.quantile(arm, [0.05, 0.95])
    assert nine_in_ten(percent(lo, lang), percent(hi, lang), lang) in text
    dlo, dhi = np.quantile(arm - base.loc[arm.index], [0.05, 0.95])
    assert nine_in_ten(points(dlo, lang), points(dhi, lang), lang) in text
    summary = pd.read_csv(comparison / "summary.csv").set_index("scenario")
    assert percent(summary.loc["awareness", "adoption_share"], lang) in text
    assert money(summary.loc["awareness", "cumulative_public_spend"], lang) in text


def test_policies_in_plain_words(comparison):
    fr, en = html(comparison, "fr"), html(comparison, "en")
    assert "Campagne de sensibilisation qui touche 300 EES par mois et convainc au premier " in fr
    assert "contact 10 % des dirigeants pas encore convaincus" in fr
    assert (
        "An awareness campaign reaching 300 EES a month and convincing at a first contact 10%" in en
    )
    assert "4 facilitateurs financés, chacun" in fr
    assert "4 000 € par facilitateur et par mois" in fr.replace("\u202f", " ")
    assert "Budget public total de 500\u202f000 €" in fr
    assert "A total public budget of €500,000" in en


def test_pooled_subsidy_sentence():
    config = mutusim.load_config("configs/scenarios/pooled_subsidy.yaml")
    policy = config.policies[0]
    assert describe_policy(policy, "fr", 120) == (
        "Subvention de 50 % des coûts mutualisés de chaque membre, plafonnée à 300 € par membre "
        "et par mois ; budget propre plafonné à 2 M€ ; réservée aux EES de 250 travailleurs au "
        "plus."
    )
    assert describe_policy(policy, "en", 120).startswith(
        "Subsidy of 50% of each member's pooled costs, capped at €300 per member per month"
    )


def test_assumptions_sources_and_reproduction(comparison):
    text = html(comparison, "fr")
    manifest = pd.read_json(comparison / "manifest.json", typ="series")
    assert manifest["experiment_sha256"] in text
    assert "Digital Wallonia barometer 2022" in text  # a sourced fact of federation.yaml
    assert "hypothèses" in text and "docs/ODD.md" in text
    command = "mutusim experiment experiments/federation_policies.yaml --out results\n"
    assert command + "mutusim report results --lang fr" in text
    assert "<summary>experiment.yaml</summary>" not in text
    # without the file, the report gives its definition, to run into a new folder
    text = html(comparison, "en")
    assert "mutusim experiment experiment.yaml --out results-rerun" in text
    assert "mutusim report results-rerun --lang en" in text
    assert "<summary>experiment.yaml</summary>" in text
    assert "population = federation" in text


def test_run_folder_report(run_folder):
    text = html(run_folder, "fr")
    assert text.count(IMG) == text.count("<figure>") == RUN_FIGURES
    assert "http://" not in text and "https://" not in text
    runs = pd.read_parquet(run_folder / "runs.parquet")
    lo, hi = np.quantile(runs["adoption_share"], [0.05, 0.95])
    assert nine_in_ten(percent(lo, "fr"), percent(hi, "fr"), "fr") in text
    assert "médiane de 5 simulations" in text
    # the scenario file is found again: the exact command names it
    assert "sector.yaml --runs 5 --seed 0 --engine numba --out" in text


def test_report_command_and_errors(run_folder, tmp_path, capsys):
    out = tmp_path / "rapport.html"
    assert report_command(str(run_folder), lang="en", out=str(out)) == 0
    assert "report written to" in capsys.readouterr().out
    assert "Key figures" in out.read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match="--lang"):
        write_report(run_folder, lang="de")
    with pytest.raises(ConfigError, match=r"no manifest\.json"):
        write_report(tmp_path)
    with pytest.raises(ConfigError, match="folder"):
        report_command(str(run_folder), out=str(tmp_path))


def test_changed_config_is_reported_not_hidden(run_folder, tmp_path):
    """A manifest whose config no longer hashes as recorded (written by a version hashing
    configs differently) is shown with a note; an edited manifest is refused."""
    copy = tmp_path / "copy"
    shutil.copytree(run_folder, copy)
    manifest = (copy / "manifest.json").read_text(encoding="utf-8")
    edited = re.sub(r'"config_sha256": "[0-9a-f]+"', '"config_sha256": "0000"', manifest)
    (copy / "manifest.json").write_text(edited, encoding="utf-8")
    with pytest.raises(ConfigError, match="damaged or edited"):
        write_report(copy, lang="en")
    (copy / "manifest.json").write_text(json.dumps(sealed(json.loads(edited))), encoding="utf-8")
    text = write_report(copy, lang="en").read_text(encoding="utf-8")
    assert t("report.note_config_changed", "en") in text
    assert text.count(IMG) == RUN_FIGURES - 1  # no network run without a trusted config


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
def test_screenshot_for_the_readme(comparison, tmp_path):
    target = ROOT / "docs" / "img" / "report.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page = comparison / "report-fr.html"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={target}",
            "--window-size=1200,1600",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    image = matplotlib.image.imread(target)
    assert image.shape[:2] == (1600, 1200)
    assert image.std() > 0.05  # text and colours, not a blank page


def _arm(name: str, diff: float, lo: float, hi: float) -> dict:
    return {
        "scenario": name,
        "label": name.upper(),
        "mean": 0.1 + diff,
        "q": (0.0, 0.2),
        "diff": diff,
        "diff_ci": (lo, hi),
        "cost": float("nan"),
        "spend": 0.0,
    }


def test_headline_names_a_winner_only_beyond_the_noise():
    from mutusim.report.words import comparison_headline

    base = _arm("baseline", 0.0, 0.0, 0.0)
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 0.01, 30)
    runs = pd.DataFrame(
        {
            "run": np.tile(np.arange(30), 3),
            "scenario": np.repeat(["baseline", "a", "b"], 30),
            "adoption_share": np.concatenate([0.1 + noise, 0.15 + noise, 0.149 + noise[::-1]]),
        }
    )
    arms = [base, _arm("a", 0.05, 0.04, 0.06), _arm("b", 0.049, 0.04, 0.058)]
    tied = " ".join(comparison_headline(arms, "en", 120, runs))
    assert "cannot tell apart" in tied and "“A”" in tied and "“B”" in tied
    apart = runs.assign(
        adoption_share=np.where(
            runs["scenario"] == "b", runs["adoption_share"] - 0.03, runs["adoption_share"]
        )
    )
    arms[2] = _arm("b", 0.019, 0.01, 0.03)
    clear = " ".join(comparison_headline(arms, "en", 120, apart))
    assert "Largest effect: “A”" in clear


def test_sobol_sentence_does_not_rank_overlapping_indices():
    from types import SimpleNamespace

    from mutusim.report.words import sensitivity_sentences

    table = pd.DataFrame(
        {
            "parameter": ["behaviour.pioneer_rate", "commitment.erosion"],
            "output": "adoption_share",
            "S1": [0.3, 0.25],
            "S1_conf": [0.1, 0.1],
            "ST": [0.4, 0.35],
            "ST_conf": [0.1, 0.1],
        }
    )
    text = sensitivity_sentences(SimpleNamespace(summary=table), "fr")[0]
    assert "ne se départagent pas" in text and "[0,30 ; 0,50]" in text
    table["ST"] = [0.8, 0.1]
    text = sensitivity_sentences(SimpleNamespace(summary=table), "fr")[0]
    assert "pèse le plus" in text
