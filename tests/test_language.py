"""One language per page: no English reaches a French report, console summary or dashboard
text, and no French an English one; the glossary's avoided synonyms appear nowhere. Quoted
source citations (marked ``lang="en"``), code and file names are not prose and are skipped."""

from __future__ import annotations

import html
import re

import pytest

from mutusim.experiments import run_experiment, summary_text
from mutusim.i18n import catalogue, t
from mutusim.report import write_report

COMPARISON = """
name: language_comparison
kind: comparison
description: {fr: "La sensibilisation aide-t-elle ?", en: "Does awareness help?"}
base: baseline.yaml
set: {population: federation, horizon_months: 36}
runs: 6
chunk_runs: 6
scenarios:
  - name: baseline
  - name: targeted
    label: {fr: "Subvention ciblée", en: "Targeted subsidy"}
    description: {fr: "Hainaut seulement", en: "Hainaut only"}
    policies: [pooled_subsidy]
    set: {policies.0.budget_eur: 500000, policies.0.eligibility.provinces: [hainaut]}
  - {name: awareness, policies: [awareness], set: {policies.0.budget_eur: 500000}}
"""
SWEEP = """
name: language_sweep
kind: sweep
description: {fr: "L'initiative des pionniers compte-t-elle ?", en: "Does initiative matter?"}
base: baseline.yaml
set: {population: federation, horizon_months: 36}
design: grid
runs: 3
parameters:
  behaviour.pioneer_rate: {values: [0.1, 0.4]}
  commitment.erosion: {values: [0.0, 0.02]}
"""

ENGLISH = re.compile(
    r"\b(the|of the|runs?|same|calibrated|assumption|baseline|subsidy|per year|median|"
    r"who benefits|scenario|policy|policies|between|and)\b",
    re.I,
)
FRENCH = re.compile(
    r"\b(les|des|scénarios?|politiques?|par an|médiane|subvention|entre|"
    r"hypothèses?|et|du)\b",
    re.I,
)


def prose(page: str) -> str:
    """The visible text of a page that is prose in the page's language."""
    page = re.sub(r"<(style|pre|code|details)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<(td|li|span)[^>]*lang="en"[^>]*>.*?</\1>', " ", page, flags=re.S)
    page = re.sub(r'src="[^"]*"', " ", page)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    # titles and proper names quoted as written (the white paper, its publishers)
    text = re.sub(r"“La mutualisation[^”]*”|Agence du Numérique|DigitalEES", " ", text)
    # identifiers, file names and paths are not prose
    text = re.sub(r"\S*[_/]\S*|\S+\.(yaml|json|csv|md|html)\b|\b\w+\.\w+(\.\w+)*\b", " ", text)
    return text


def avoided(lang: str) -> list[str]:
    return [
        word.strip()
        for key, texts in catalogue().items()
        if key.startswith("avoid.")
        for word in texts[lang].split(",")
    ]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("language")
    out = {}
    for name, text in (("comparison", COMPARISON), ("sweep", SWEEP)):
        path = root / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        result = run_experiment(path, out=root / name, progress=False)
        for lang in ("fr", "en"):
            report = write_report(root / name, lang=lang, sample_runs=4)
            out[name, lang] = report.read_text(encoding="utf-8")
            out[f"{name}-console", lang] = summary_text(result, lang=lang)
    return out


@pytest.mark.parametrize("what", ["comparison", "sweep", "comparison-console", "sweep-console"])
def test_no_english_on_french_pages(pages, what):
    text = prose(pages[what, "fr"])
    found = sorted({m.group(0).lower() for m in ENGLISH.finditer(text)})
    assert not found, (
        found,
        [text[max(0, m.start() - 60) : m.end() + 60] for m in ENGLISH.finditer(text)][:5],
    )
    for word in avoided("fr"):
        assert not re.search(rf"\b{word}\b", text.lower()), word


@pytest.mark.parametrize("what", ["comparison", "sweep", "comparison-console", "sweep-console"])
def test_no_french_on_english_pages(pages, what):
    text = prose(pages[what, "en"])
    found = sorted({m.group(0).lower() for m in FRENCH.finditer(text)})
    assert not found, (
        found,
        [text[max(0, m.start() - 60) : m.end() + 60] for m in FRENCH.finditer(text)][:5],
    )
    for word in avoided("en"):
        assert not re.search(rf"\b{word}\b", text.lower()), word


def test_labels_and_glossary_reach_the_pages(pages):
    assert "Subvention ciblée" in pages["comparison", "fr"]
    assert "Targeted subsidy" in pages["comparison", "en"]
    assert "Hainaut seulement" in pages["comparison", "fr"]
    assert t("glossary.subsidy", "fr") in pages["comparison", "fr"].lower()


def test_dashboard_texts_keep_to_their_language():
    for key, texts in catalogue().items():
        if not key.startswith("dashboard_") or key.startswith("dashboard_language_"):
            continue
        french = prose(re.sub(r"\{\w+\}", " ", texts["fr"]))  # {fields} are not words
        english = prose(re.sub(r"\{\w+\}", " ", texts["en"]))
        assert not ENGLISH.search(french), (key, texts["fr"])
        assert not FRENCH.search(english), (key, texts["en"])
        for word in avoided("fr"):
            assert not re.search(rf"\b{word}\b", french.lower()), (key, word)


def test_sweep_report_describes_its_design_and_noise(pages):
    fr, en = pages["sweep", "fr"], pages["sweep", "en"]
    assert "Plan complet sur 2 facteurs : 2 × 2 (4 points), 3 simulations par point." in fr
    assert "Full grid over 2 factors: 2 × 2 (4 points), 3 runs per point." in en
    verdicts = [t(k, "fr").split("{")[0][:30] for k in ("report.sweep_noise", "report.sweep_best")]
    verdicts.append(t("report.sweep_best_within_noise", "fr").split("{")[0][:30])
    assert any(v in html.unescape(fr) for v in verdicts)
    assert "la valeur la plus haute est atteinte pour : behaviour" not in fr.lower()
    assert " [" in html.unescape(fr).split("va de ")[1][:40]  # the range is given with intervals


def test_every_shipped_experiment_states_its_question_in_both_languages():
    from pathlib import Path

    from mutusim.experiments.runner import load_experiment

    root = Path(__file__).resolve().parents[1] / "experiments"
    for path in sorted(root.glob("*.yaml")):
        exp = load_experiment(path)
        translated = f"question.{exp.name}" in catalogue()
        per_language = isinstance(exp.description, dict) and set(exp.description) == {"fr", "en"}
        assert translated or per_language, path.name
        for arm in getattr(exp, "scenarios", None) or []:  # sensitivity: optional arms
            for text in (arm.label, arm.description):
                assert not isinstance(text, str) or not text, (path.name, arm.name)
