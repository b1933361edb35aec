"""The dashboard's own small figures (matplotlib ``Figure`` objects, no pyplot state, so they
are safe to draw from the server's threads). Every label comes from the catalogue."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from mutusim.dashboard.agents import AgentRun
from mutusim.dashboard.scenario import Comparison
from mutusim.i18n import t

SCENARIO_COLOUR = "#1f5fa8"
BASELINE_COLOUR = "#7a7a7a"
PROJECT_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
)
RING_SIZES = (230.0, 120.0, 70.0, 40.0)
"""Marker area of the founding core, circle 1, circle 2 and circles 3 and beyond."""


def fan_chart(comparison: Comparison, lang: str) -> Figure:
    """Adoption over time (years) for the baseline and the scenario: median, 50 % and 90 % of
    runs."""
    fig = Figure(figsize=(7.5, 4.0), layout="constrained")
    ax = fig.add_subplot()
    for arm, colour in (("baseline", BASELINE_COLOUR), ("scenario", SCENARIO_COLOUR)):
        rows = comparison.fan[comparison.fan["arm"] == arm]
        years = rows["step"].to_numpy(dtype=float) / 12.0
        name = t(f"dashboard_fan_{arm}", lang)
        ax.fill_between(
            years,
            100 * rows["q05"],
            100 * rows["q95"],
            color=colour,
            alpha=0.15,
            linewidth=0,
            label=t("dashboard_fan_band90", lang, arm=name),
        )
        ax.fill_between(
            years,
            100 * rows["q25"],
            100 * rows["q75"],
            color=colour,
            alpha=0.3,
            linewidth=0,
            label=t("dashboard_fan_band50", lang, arm=name),
        )
        ax.plot(
            years,
            100 * rows["q50"],
            color=colour,
            linewidth=2,
            label=t("dashboard_fan_median", lang, arm=name),
        )
    ax.set_title(t("dashboard_fan_title", lang))
    ax.set_xlabel(t("years", lang))
    ax.set_ylabel(t("adoption_share", lang))
    ax.set_xlim(0, comparison.horizon_months / 12.0)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return fig


def spend_figure(comparison: Comparison, lang: str) -> Figure:
    """Cumulative public money spent by each policy, month by month (mean over runs), with
    the total budget as a dashed line."""
    from matplotlib.ticker import FuncFormatter

    from mutusim.plotting.style import money, scenario_label

    fig = Figure(figsize=(7.5, 3.2), layout="constrained")
    ax = fig.add_subplot()
    spend = comparison.spend
    for i, (kind, rows) in enumerate(spend.groupby("policy", sort=False)):
        ax.plot(
            rows["step"].to_numpy(dtype=float) / 12.0,
            rows["eur"],
            color=PROJECT_COLOURS[i % len(PROJECT_COLOURS)],
            linewidth=2,
            label=scenario_label(str(kind), lang),
        )
    if comparison.levers.budget_eur > 0:
        ax.axhline(comparison.levers.budget_eur, color=BASELINE_COLOUR, ls="--", lw=1)
    ax.set_title(t("dashboard_spend_title", lang), fontsize=10)
    ax.set_xlabel(t("years", lang))
    ax.set_ylabel(t("dashboard_spend_axis", lang))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: money(v, lang)))
    ax.set_xlim(0, comparison.horizon_months / 12.0)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    if not spend.empty:
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    else:
        ax.text(0.5, 0.5, t("dashboard_spend_none", lang), ha="center", transform=ax.transAxes)
    return fig


def _ring_label(ring: int, lang: str) -> str:
    if ring == 0:
        return t("dashboard_ring_core", lang)
    if ring == len(RING_SIZES) - 1:
        return t("dashboard_ring_more", lang, n=ring)
    return t("dashboard_ring_n", lang, n=ring)


def network_figure(run: AgentRun, month: int, lang: str) -> Figure:
    """The federation's tie network at ``month``: colour = project, size = circle, pale =
    project still forming, grey = not pooled."""
    fig = Figure(figsize=(6.0, 5.2), layout="constrained")
    ax = fig.add_subplot()
    pos = run.positions
    ax.add_collection(LineCollection(pos[run.edges], colors="#d0d0d0", linewidths=0.6, zorder=1))
    project, ring, running = run.project[month], run.ring[month], run.running[month]
    free = project < 0
    ax.scatter(pos[free, 0], pos[free, 1], s=25, color="#bbbbbb", zorder=2)
    members = np.flatnonzero(~free)
    # Outer circles first, so the cores stay on top.
    for i in sorted(members, key=lambda k: -ring[k]):
        colour = PROJECT_COLOURS[project[i] % len(PROJECT_COLOURS)]
        size = RING_SIZES[min(ring[i], len(RING_SIZES) - 1)]
        ax.scatter(
            pos[i, 0],
            pos[i, 1],
            s=size,
            color=colour,
            alpha=1.0 if running[i] else 0.35,
            edgecolors="black" if ring[i] == 0 else "white",
            linewidths=1.2,
            zorder=3,
        )
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color="#555555",
            markersize=np.sqrt(size),
            label=_ring_label(r, lang),
            markeredgecolor="black" if r == 0 else "white",
        )
        for r, size in enumerate(RING_SIZES)
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color="#555555",
            alpha=0.35,
            markersize=9,
            label=t("dashboard_forming", lang),
        )
    )
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color="#bbbbbb",
            markersize=5,
            label=t("dashboard_not_pooled", lang),
        )
    )
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=3,
        fontsize=8,
        frameon=False,
    )
    members_running = int(running.sum())
    ax.set_title(
        t(
            "dashboard_agents_status",
            lang,
            month=month,
            projects=run.projects_running(month),
            members=members_running,
        ),
        fontsize=10,
    )
    ax.set_axis_off()
    return fig


def rings_figure(run: AgentRun, month: int, lang: str) -> Figure:
    """Members of running projects by circle over the run (stacked), the current month marked."""
    fig = Figure(figsize=(6.0, 3.0), layout="constrained")
    ax = fig.add_subplot()
    counts = np.array(
        [run.members_by_ring(m, len(RING_SIZES)) for m in range(run.horizon_months + 1)]
    )
    years = np.arange(run.horizon_months + 1) / 12.0
    colours = ("#08306b", "#2171b5", "#6baed6", "#c6dbef")
    ax.stackplot(
        years,
        counts.T,
        colors=colours,
        labels=[_ring_label(r, lang) for r in range(len(RING_SIZES))],
    )
    ax.axvline(month / 12.0, color="black", linewidth=1.2)
    ax.set_title(t("dashboard_rings_title", lang), fontsize=10)
    ax.set_xlabel(t("years", lang))
    ax.set_ylabel(t("dashboard_member_ees", lang))
    ax.set_xlim(0, run.horizon_months / 12.0)
    ax.set_ylim(0, max(1, run.n_agents))
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return fig
