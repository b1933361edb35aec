"""Figures over time: adoption of every run (``adoption_chart``), fan charts per scenario
(``fan_chart``) and members by circle (``rings_chart``).

Inputs are timeseries tables (one row per run and month: ``run``, ``step``, outputs), with a
``scenario`` column when several scenarios are drawn (experiment results); without it the
table is one scenario.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.figure import Figure

from mutusim.i18n import t
from mutusim.plotting import style

RING_COLUMNS = ("members_ring_0", "members_ring_1", "members_ring_2", "members_ring_3")
RING_OUTER = "members_ring_4plus"


def _by_scenario(
    table: pd.DataFrame, scenarios: Sequence[str] | None
) -> list[tuple[str, pd.DataFrame]]:
    """(scenario, rows) pairs in the requested order (or order of appearance)."""
    if "scenario" not in table.columns:
        return [("", table)]
    names = list(scenarios) if scenarios is not None else scenario_order(table)
    groups = [(name, table[table["scenario"] == name]) for name in names]
    missing = [name for name, rows in groups if rows.empty]
    if missing:
        raise ValueError(f"no rows for scenarios {missing}")
    return groups


def scenario_order(table: pd.DataFrame, baseline: str = "baseline") -> list[str]:
    """Scenarios of a table in order of appearance, the baseline first."""
    names = list(dict.fromkeys(table["scenario"]))
    return sorted(names, key=lambda name: name != baseline)


def _wide(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Steps (index, in years) by runs (columns)."""
    wide = rows.pivot_table(index="step", columns="run", values=column, aggfunc="first")
    wide.index = wide.index / 12.0
    return wide


@style.styled
def adoption_chart(timeseries: pd.DataFrame, title: str = "", lang: str = "fr") -> Figure:
    """Share of EES in a running pooled project over time: each run faint (at most 50), the
    median bold, and the 5–95 % band across runs (one scenario)."""
    fig = style.new_figure(8, 4.5)
    ax = fig.add_subplot()
    wide = _wide(timeseries, "adoption_share") * 100
    colour = style.colour(0)
    if wide.shape[1] > 1:
        ax.fill_between(
            wide.index,
            wide.quantile(0.05, axis=1),
            wide.quantile(0.95, axis=1),
            color=colour,
            alpha=0.2,
            lw=0,
            label=t("fig.band_90", lang),
        )
    for run in wide.columns[:50]:
        ax.plot(wide.index, wide[run], color=colour, alpha=0.15, lw=0.8)
    ax.plot(
        wide.index,
        wide.median(axis=1),
        color=colour,
        lw=2.2,
        label=t("fig.median_of_runs", lang, runs=style.count(wide.shape[1], "runs", lang)),
    )
    style.years_axis(ax, lang)
    ax.set_ylabel(t("adoption_share", lang))
    style.percent_axis(ax, lang)
    ax.set_title(title or t("fig.adoption_title", lang))
    ax.set_xlim(0, wide.index.max())
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")
    return fig


@style.styled
def fan_chart(
    timeseries: pd.DataFrame,
    lang: str = "fr",
    column: str = "adoption_share",
    scenarios: Sequence[str] | None = None,
    baseline: str | None = "baseline",
    ncols: int = 3,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """One panel per scenario: median over runs and the bands holding 50 % and 90 % of runs
    (quantiles 25–75 and 5–95) of ``column`` over time; the baseline's median, when the table
    has that scenario, is repeated dashed in every other panel."""
    groups = _by_scenario(timeseries, scenarios)
    names = [name for name, _ in groups]
    colours = style.scenario_colours(names, baseline)
    scale = 100.0 if style.is_share(column) else 1.0
    quantiles = {
        name: _wide(rows, column).quantile([0.05, 0.25, 0.5, 0.75, 0.95], axis=1).T * scale
        for name, rows in groups
    }
    base = quantiles.get(baseline) if baseline in names and len(names) > 1 else None
    n = len(groups)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig = style.new_figure(max(6.5, 3.6 * ncols + 0.4), 2.7 * nrows + 0.6 + 0.8 * (n == 1))
    axes = style.panel_grid(fig, n, ncols)
    for i, (ax, name) in enumerate(zip(axes, names, strict=True)):
        q = quantiles[name]
        c = colours[name]
        ax.fill_between(
            q.index, q[0.05], q[0.95], color=c, alpha=0.18, lw=0, label=t("fig.band_90", lang)
        )
        ax.fill_between(
            q.index, q[0.25], q[0.75], color=c, alpha=0.38, lw=0, label=t("fig.band_50", lang)
        )
        ax.plot(q.index, q[0.5], color=c, lw=2.0, label=t("fig.median", lang))
        if base is not None and name != baseline:
            ax.plot(
                base.index,
                base[0.5],
                color=style.BASELINE,
                lw=1.2,
                ls="--",
                label=t("fig.baseline_median", lang),
            )
        ax.set_title(
            style.scenario_label(name, lang, labels) if name else t("fig.adoption_title", lang)
        )
        ax.set_xlim(0, q.index.max())
        style.years_axis(ax, lang)
        if i % ncols == 0:
            ax.set_ylabel(style.outcome_label(column, lang))
        if scale == 100.0:
            style.percent_axis(ax, lang)
        else:
            style.number_axis(ax, lang)
    top = max(float(q[0.95].max()) for q in quantiles.values())
    axes[0].set_ylim(0, top * 1.05 if top > 0 else 1.0)  # shared by every panel
    if n > 1:
        fullest = max(axes, key=lambda a: len(a.get_legend_handles_labels()[1]))
        handles, labels = fullest.get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
        fig.suptitle(t("fig.fan_title", lang, outcome=style.outcome_label(column, lang)))
    else:
        axes[0].legend(loc="upper left")
    return fig


@style.styled
def rings_chart(
    timeseries: pd.DataFrame,
    lang: str = "fr",
    scenarios: Sequence[str] | None = None,
    ncols: int = 3,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """One panel per scenario: mean number of member EES over time, stacked by circle (the
    pioneer cores, ring 0, then rings 1, 2, 3 and 4 or more): how projects grow outward."""
    columns = [c for c in (*RING_COLUMNS, RING_OUTER) if c in timeseries.columns]
    if "members_ring_0" not in columns:
        raise ValueError("the timeseries has no members_ring_* columns")
    groups = _by_scenario(timeseries, scenarios)
    n = len(groups)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig = style.new_figure(max(6.5, 3.6 * ncols + 0.4), 2.7 * nrows + 0.7 + 0.8 * (n == 1))
    axes = style.panel_grid(fig, n, ncols)
    ring_labels = [_ring_label(c, lang) for c in columns]
    top = 0.0
    for i, (ax, (name, rows)) in enumerate(zip(axes, groups, strict=True)):
        mean = rows.groupby("step")[columns].mean()
        years = mean.index.to_numpy() / 12.0
        top = max(top, float(mean.sum(axis=1).max()))
        ax.stackplot(
            years,
            *[mean[c].to_numpy() for c in columns],
            colors=style.RING_COLOURS[: len(columns)],
            labels=ring_labels,
            lw=0,
        )
        ax.set_title(
            style.scenario_label(name, lang, labels) if name else t("fig.rings_title", lang)
        )
        ax.set_xlim(0, years.max())
        style.years_axis(ax, lang)
        style.number_axis(ax, lang)
        if i % ncols == 0:
            ax.set_ylabel(t("fig.members_mean", lang))
    axes[0].set_ylim(0, top * 1.05 if top > 0 else 1.0)  # shared by every panel
    handles, texts = axes[0].get_legend_handles_labels()
    fig.legend(handles, texts, loc="outside lower center", ncols=min(len(texts), 3 * ncols))
    if n > 1:
        fig.suptitle(t("fig.rings_title", lang))
    return fig


def _ring_label(column: str, lang: str) -> str:
    if column == RING_OUTER:
        return t("fig.ring_outer", lang)
    ring = int(column.rsplit("_", 1)[1])
    return t("fig.ring_core", lang) if ring == 0 else t("fig.ring_n", lang, ring=ring)


def final_values(timeseries: pd.DataFrame) -> pd.DataFrame:
    """The last recorded step of every run (and scenario)."""
    last = timeseries["step"] == timeseries.groupby(
        [c for c in ("scenario", "run") if c in timeseries.columns]
    )["step"].transform("max")
    return timeseries[last]


__all__ = ["adoption_chart", "fan_chart", "final_values", "rings_chart"]
