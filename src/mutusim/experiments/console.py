"""Summaries for the terminal, in the language of ``--lang`` (French by default): the analysis
of an experiment (``summary_text``) and a ``mutusim run`` (``run_summary_text``).

Tables are at most 100 columns wide (long scenario names wrap inside their cell), scenarios go
by their human names (experiment labels, else the catalogue's), every interval is written the
same way (``value [low ; high]``), money is rounded (``2 M€``, ``15 600 €``) and a legend line
says what the intervals and the symbols mean. The full tables are in the results folder.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mutusim.i18n import DEFAULT_LANGUAGE, t
from mutusim.i18n.words import (
    cost_per_extra,
    count,
    interval,
    money,
    number,
    outcome_label,
    parameter_label,
    scenario_label,
)

WIDTH = 100
"""Widest line printed."""
MAX_SWEEP_ROWS = 25
"""Sweep points shown (the highest and lowest means first); the rest are in summary.csv."""


# ----------------------------------------------------------------------------- table layout
def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: set[int],
    width: int = WIDTH,
) -> str:
    """A plain-text table no wider than ``width``: numeric columns right-aligned, text
    columns (and headers) wrapped inside their cell, between words, when the table would be too
    wide."""
    gap = 2
    data = [[row[i] for row in rows] for i in range(len(header))]
    longest_word = [
        max((len(w) for text in [h, *column] for w in text.split()), default=0)
        for h, column in zip(header, data, strict=True)
    ]
    # Numbers never wrap: a numeric column is as wide as its widest value (or header word).
    widths = [
        max([len(v) for v in data[i]] + [longest_word[i]])
        if i in numeric
        else max([len(v) for v in data[i]] + [len(header[i])])
        for i in range(len(header))
    ]
    text_columns = [i for i in range(len(header)) if i not in numeric]
    while sum(widths) + gap * (len(widths) - 1) > width and text_columns:
        widest = max(text_columns, key=lambda i: widths[i])
        if widths[widest] <= max(longest_word[widest], 12):  # words never break
            break
        widths[widest] -= 1
    # Room left: numeric columns widen toward their whole header, so it wraps less.
    for i in sorted(numeric, key=lambda i: len(header[i]) - widths[i]):
        spare = width - (sum(widths) + gap * (len(widths) - 1))
        widths[i] += max(0, min(spare, len(header[i]) - widths[i]))

    def cell_lines(text: str, i: int) -> list[str]:
        return textwrap.wrap(text, widths[i], break_on_hyphens=False) or [""]

    def render(cells: Sequence[str], align_numbers: bool) -> list[str]:
        wrapped = [cell_lines(c, i) for i, c in enumerate(cells)]
        height = max(len(w) for w in wrapped)
        lines = []
        for k in range(height):
            parts = []
            for i, w in enumerate(wrapped):
                text = w[k] if k < len(w) else ""
                right = align_numbers and i in numeric
                parts.append(text.rjust(widths[i]) if right else text.ljust(widths[i]))
            lines.append((" " * gap).join(parts).rstrip())
        return lines

    out = render(header, align_numbers=True)
    out.append((" " * gap).join("─" * w for w in widths))
    for row in rows:
        out.extend(render(row, align_numbers=True))
    return "\n".join(out)


def legend(text: str, width: int = WIDTH) -> str:
    """The legend line(s) under a table."""
    return textwrap.fill(text, width=width, break_on_hyphens=False)


# ----------------------------------------------------------------------------- experiments
def summary_text(
    result: Mapping[str, Any],
    lang: str = DEFAULT_LANGUAGE,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The analysis of ``run_experiment`` for the terminal (the full table is summary.csv).
    ``labels``: display names of scenarios (default: from the experiment's labels)."""
    frame: pd.DataFrame = result["table"]
    kind = result["kind"]
    if labels is None and result.get("experiment") is not None:
        labels = scenario_labels(result["experiment"], lang)
    if kind == "comparison":
        text = _comparison(frame, lang, labels or {}, result.get("experiment"))
        if "robustness" in result:
            text += "\n" + robustness_text(result["robustness"], lang, labels or {})
        return text
    if kind == "factorial":
        return _factorial(frame, lang)
    if kind == "sweep":
        return _sweep(frame, lang, result.get("experiment"))
    if kind == "sensitivity":
        if "scenario" in frame.columns:
            return _answer_sensitivity(frame, lang, labels or {})
        return _sensitivity(frame, lang)
    return _replication(frame, lang)


def scenario_labels(exp: Any, lang: str) -> dict[str, str]:
    """Display names of a comparison's arms: their ``label`` in ``lang``, else the
    catalogue's, else the name in words."""
    from mutusim.experiments.schema import text_in

    if getattr(exp, "kind", None) != "comparison":
        return {}
    return {
        arm.name: text_in(arm.label, lang) or scenario_label(arm.name, lang)
        for arm in exp.scenarios
    }


def _pct(value: float, lang: str, sign: bool = False) -> str:
    return number(value * 100, lang, 1 if not sign else 2, sign)


def _comparison(frame: pd.DataFrame, lang: str, labels: Mapping[str, str], exp: Any) -> str:
    header = [
        t("console.col_scenario", lang),
        t("console.col_adoption", lang),
        t("console.col_diff", lang),
        t("console.col_spend", lang),
        t("console.col_cost", lang),
    ]
    rows = []
    for r in frame.to_dict("records"):
        rows.append(
            [
                labels.get(r["scenario"]) or scenario_label(r["scenario"], lang),
                interval(
                    _pct(r["adoption_share"], lang),
                    _pct(r["adoption_share_lo"], lang),
                    _pct(r["adoption_share_hi"], lang),
                    lang,
                ),
                interval(
                    _pct(r["adoption_diff"], lang, True),
                    _pct(r["adoption_diff_lo"], lang, True),
                    _pct(r["adoption_diff_hi"], lang, True),
                    lang,
                ),
                money(r["cumulative_public_spend"], lang),
                "–"
                if r["scenario"] == frame["scenario"].iloc[0]
                else cost_per_extra(r, "eur_per_extra_pooled_ees", lang),
            ]
        )
    runs = int(frame["runs"].max())
    confidence = getattr(exp, "confidence", 0.95)
    note = t(
        "console.legend_comparison",
        lang,
        level=number(confidence * 100, lang, 0),
        runs=count(runs, "runs", lang),
    )
    return "\n".join(
        [
            table(header, rows, numeric={1, 2, 3, 4}),
            legend(note),
            *_money_notes(frame, lang, labels),
        ]
    ).rstrip("\n")


def _money_notes(frame: pd.DataFrame, lang: str, labels: Mapping[str, str]) -> list[str]:
    """One line per arm that left money unspent or spent without any cap."""
    notes = []
    for r in frame.to_dict("records"):
        name = labels.get(r["scenario"]) or scenario_label(r["scenario"], lang)
        if r.get("budget") == "unlimited":
            notes.append(legend(t("console.unlimited", lang, scenario=name)))
        elif r.get("unspent_flag", False):
            notes.append(
                legend(
                    t(
                        "console.unspent",
                        lang,
                        scenario=name,
                        unspent=money(r["unspent_eur"], lang),
                        allocated=money(r["allocated_eur"], lang),
                        share=number(r["unspent_share"] * 100, lang, 0) + " %",
                    )
                )
            )
    return notes


def _factorial(frame: pd.DataFrame, lang: str) -> str:
    """Main effects and interactions on adoption (points), with intervals and the range of
    9 runs in 10."""
    shown = frame[frame["outcome"] == "adoption_share"]
    header = [
        t("console.col_term", lang),
        t("console.col_effect", lang),
        t("console.col_nine", lang),
    ]
    rows = []
    for r in shown.to_dict("records"):
        term = r["term"].replace(" x ", " × ")
        if r["kind"] == "interaction":
            term = t("console.interaction", lang, term=term)
        rows.append(
            [
                term,
                interval(
                    _pct(r["effect"], lang, True),
                    _pct(r["effect_lo"], lang, True),
                    _pct(r["effect_hi"], lang, True),
                    lang,
                ),
                f"{_pct(r['effect_p05'], lang, True)} – {_pct(r['effect_p95'], lang, True)}",
            ]
        )
    runs = int(frame["runs"].max()) if len(frame) else 0
    note = t("console.legend_factorial", lang, runs=count(runs, "runs", lang))
    return table(header, rows, numeric={1, 2}) + "\n" + legend(note)


def _sweep(frame: pd.DataFrame, lang: str, exp: Any) -> str:
    params = [c for c in frame.columns if c.startswith("param.")]
    outcome = "adoption_share" if "adoption_share" in frame else None
    shown = frame
    if outcome is not None and len(frame) > MAX_SWEEP_ROWS:
        order = frame.sort_values(outcome, ascending=False)
        half = MAX_SWEEP_ROWS // 2
        shown = pd.concat([order.head(half), order.tail(MAX_SWEEP_ROWS - half)])
    header = [t("console.col_point", lang), *(parameter_label(p, lang) for p in params)]
    if outcome is not None:
        header.append(t("console.col_adoption", lang))
    rows = []
    for r in shown.to_dict("records"):
        row = [str(int(r["point"]))] + [_value(r[p], lang) for p in params]
        if outcome is not None:
            lo, hi = r.get(f"{outcome}_lo", np.nan), r.get(f"{outcome}_hi", np.nan)
            row.append(interval(_pct(r[outcome], lang), _pct(lo, lang), _pct(hi, lang), lang))
        rows.append(row)
    notes = [t("console.legend_sweep", lang)]
    if len(shown) < len(frame):
        notes.append(t("console.rows_left_out", lang, shown=len(shown), total=len(frame)))
    return table(header, rows, numeric=set(range(len(header)))) + "\n" + legend(" ".join(notes))


def _value(value: Any, lang: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return str(value)
    if float(value).is_integer():
        return number(float(value), lang, 0)
    digits = 3 if abs(value) < 1 else 2
    return number(float(value), lang, digits)


def _sensitivity(frame: pd.DataFrame, lang: str) -> str:
    shown, note = _sensitivity_table(frame, lang)
    return shown + "\n" + legend(note)


def _sensitivity_table(frame: pd.DataFrame, lang: str, most: int | None = None) -> tuple[str, str]:
    """The indices of one analysed output (its ``most`` leading parameters) and their legend."""
    output = analysed_label(str(frame["output"].iloc[0]), lang)
    if "ST" in frame.columns:
        header = [t("console.col_parameter", lang), "S1 [± IC 95 %]", "ST [± IC 95 %]"]
        if lang == "en":
            header[1:] = ["S1 [± 95% CI]", "ST [± 95% CI]"]
        rows = [
            [
                parameter_label(r["parameter"], lang),
                f"{number(r['S1'], lang, 2)} [± {number(r['S1_conf'], lang, 2)}]",
                f"{number(r['ST'], lang, 2)} [± {number(r['ST_conf'], lang, 2)}]",
            ]
            for r in frame.sort_values("ST", ascending=False).head(most).to_dict("records")
        ]
        note = t("console.legend_sobol", lang, outcome=output)
    else:
        header = [t("console.col_parameter", lang), "μ*", "σ"]
        rows = [
            [
                parameter_label(r["parameter"], lang),
                f"{number(r['mu_star'], lang, 3)} [± {number(r['mu_star_conf'], lang, 3)}]",
                number(r["sigma"], lang, 3),
            ]
            for r in frame.sort_values("mu_star", ascending=False).head(most).to_dict("records")
        ]
        note = t("console.legend_morris", lang, outcome=output)
    return table(header, rows, numeric={1, 2}), note


MAX_SENSITIVITY_ROWS = 12
"""Parameters shown per analysed answer (the most influential first); all are in summary.csv."""


def analysed_label(output: str, lang: str) -> str:
    """What a sensitivity row analyses, in words: an outcome, an effect or a rank."""
    kind, _, name = output.partition(".")
    if kind == "effect":
        return t("robustness.effect_of", lang, outcome=outcome_label(name, lang))
    if kind == "rank":
        return t("robustness.rank_on", lang, criterion=t(f"robustness.criterion.{name}", lang))
    return outcome_label(output, lang)


def _answer_sensitivity(frame: pd.DataFrame, lang: str, labels: Mapping[str, str]) -> str:
    """Indices of each arm's answer: the most influential parameters of each."""
    blocks = []
    for (arm, output), group in frame.groupby(["scenario", "output"], sort=False):
        head = f"{labels.get(arm) or scenario_label(arm, lang)} — {analysed_label(output, lang)}"
        shown, _ = _sensitivity_table(group, lang, MAX_SENSITIVITY_ROWS)
        blocks.append(head + "\n" + shown)
    sobol = "ST" in frame.columns
    note = t(
        "robustness.legend_answers",
        lang,
        shown=MAX_SENSITIVITY_ROWS,
        total=frame["parameter"].nunique(),
        index="ST" if sobol else "μ*",
        legend=t("robustness.legend_sobol" if sobol else "robustness.legend_morris", lang),
    )
    return "\n\n".join(blocks) + "\n" + legend(note)


def robustness_text(answer: Any, lang: str, labels: Mapping[str, str]) -> str:
    """The robustness of a comparison over an ensemble: p_best, p_beats_baseline, regret per
    scenario, and where the top answer flips."""
    from mutusim.robustness.words import criterion_value, flip_sentences

    header = [
        t("console.col_scenario", lang),
        t("robustness.col_p_best", lang),
        t("robustness.col_p_beats", lang),
        t("robustness.col_regret", lang),
        t("robustness.col_score", lang),
    ]
    rows = []
    frame = answer.table.sort_values("p_best", ascending=False)
    for r in frame.to_dict("records"):
        beats = "–" if pd.isna(r["p_beats_baseline"]) else _pct(r["p_beats_baseline"], lang)
        rows.append(
            [
                labels.get(r["scenario"]) or scenario_label(r["scenario"], lang),
                f"{_pct(r['p_best'], lang)} ± {_pct(r['p_best_se'], lang)}",
                beats,
                criterion_value(r["regret"], answer.criterion, lang),
                f"{criterion_value(r['score_mean'], answer.criterion, lang)} "
                f"[{criterion_value(r['score_q05'], answer.criterion, lang)} – "
                f"{criterion_value(r['score_q95'], answer.criterion, lang)}]",
            ]
        )
    members = int(answer.table["members"].iloc[0])
    note = t(
        "robustness.legend",
        lang,
        members=number(members, lang, 0),
        criterion=t(f"robustness.criterion.{answer.criterion}", lang),
    )
    flips = " ".join(flip_sentences(answer.discovery, lang, labels))
    return (
        table(header, rows, numeric={1, 2, 3, 4})
        + "\n"
        + legend(note)
        + "\n"
        + textwrap.fill(flips, WIDTH)
    )


def _replication(frame: pd.DataFrame, lang: str) -> str:
    header = [
        t("console.col_outcome", lang),
        t("console.col_mean", lang),
        t("console.col_sd", lang),
        t("console.col_runs_needed", lang),
    ]
    rows = [
        [
            outcome_label(r["output"], lang),
            _value(r["mean"], lang),
            _value(r["sd"], lang),
            "–" if pd.isna(r["runs_needed"]) else number(r["runs_needed"], lang, 0),
        ]
        for r in frame.to_dict("records")
    ]
    first = frame.iloc[0]
    note = t(
        "console.legend_replication",
        lang,
        width=number(first["relative_half_width"] * 100, lang, 0),
        pilot=count(int(first["pilot_runs"]), "runs", lang),
    )
    return table(header, rows, numeric={1, 2, 3}) + "\n" + legend(note)


# ----------------------------------------------------------------------------- one run
def run_summary_text(result: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """Key numbers of a ``mutusim run`` (a ``SimulationResult``) for the terminal."""
    runs = result.runs
    config = result.config
    n = len(runs)
    lines = [
        t(
            "console.run_head",
            lang,
            scenario=scenario_label(config.name, lang),
            runs=count(n, "runs", lang),
            n=number(int(runs["n_agents"].iloc[0]), lang),
            months=config.horizon_months,
        )
    ]
    q = runs["adoption_share"].quantile([0.05, 0.5, 0.95])
    if n > 1:
        share = interval(_pct(q[0.5], lang), _pct(q[0.05], lang), _pct(q[0.95], lang), lang)
        lines.append(t("console.run_adoption_many", lang, share=share))
    else:
        lines.append(t("console.run_adoption_one", lang, share=_pct(q[0.5], lang)))
    lines.append(
        t(
            "console.run_projects",
            lang,
            running=number(runs["active_projects"].median(), lang),
            started=number(runs["projects_started"].median(), lang),
            failed=number(runs["projects_failed"].median(), lang),
            dissolved=number(runs["projects_dissolved"].median(), lang),
        )
    )
    lines.append(t("console.run_spend", lang, spend=money(runs["public_spend"].median(), lang)))
    if config.unlimited:
        lines.append(t("console.unlimited", lang, scenario=scenario_label(config.name, lang)))
    if n > 1:
        lines.append(t("console.run_legend", lang))
    return "\n".join(textwrap.fill(line, WIDTH, subsequent_indent="    ") for line in lines)


__all__ = ["run_summary_text", "scenario_labels", "summary_text", "table"]
