"""The report's section on robustness, for a comparison run over an ensemble: per scenario the
probability of being the best, of beating the baseline and the regret, then in words where the
top-ranked scenario stops being the best (PRIM boxes, ``mutusim.robustness``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mutusim.i18n import t
from mutusim.i18n.words import count, number, scenario_label
from mutusim.report import page
from mutusim.report.load import Results


def section(results: Results, lang: str) -> str:
    """The section, or "" for results that were not run over an ensemble."""
    exp = results.experiment
    if results.kind != "comparison" or exp is None or exp.ensemble is None:
        return ""
    from mutusim.robustness.answers import ensemble_answer
    from mutusim.robustness.words import criterion_value, flip_sentences

    answer = ensemble_answer(exp, results.runs)
    labels = results.labels(lang)
    record = results.manifest.get("ensemble", {})
    intro = [
        t(
            "robustness.intro",
            lang,
            members=number(exp.members, lang, 0),
            ensemble=Path(record.get("path", exp.ensemble)).name,
            runs=count(exp.runs, "runs", lang),
            criterion=t(f"robustness.criterion.{exp.criterion}", lang),
        )
    ]
    body = page.paragraphs(intro)
    if record.get("origin") == "prior":
        body += page.paragraphs([t("robustness.prior_caveat", lang)], "note")
    flips = page.paragraphs(flip_sentences(answer.discovery, lang, labels))
    body += f'<div class="headline">{flips}</div>'
    rows = []
    for r in answer.table.sort_values("p_best", ascending=False).to_dict("records"):
        beats = r["p_beats_baseline"]
        rows.append(
            [
                scenario_label(r["scenario"], lang, labels),
                f"{number(r['p_best'] * 100, lang, 0)} ± {number(r['p_best_se'] * 100, lang, 0)}",
                "–" if pd.isna(beats) else number(beats * 100, lang, 0),
                criterion_value(r["regret"], exp.criterion, lang),
                f"{criterion_value(r['score_mean'], exp.criterion, lang)} "
                f"[{criterion_value(r['score_q05'], exp.criterion, lang)} – "
                f"{criterion_value(r['score_q95'], exp.criterion, lang)}]",
            ]
        )
    header = [
        t("robustness.col_scenario", lang),
        t("robustness.col_p_best", lang),
        t("robustness.col_p_beats", lang),
        t("robustness.col_regret", lang),
        t("robustness.col_score", lang),
    ]
    body += page.table(header, rows, numeric={1, 2, 3, 4})
    body += page.paragraphs([t("robustness.report_note", lang)], "muted")
    return page.section("robustness", t("robustness.h_section", lang), body)
