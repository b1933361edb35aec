"""How long pooled projects last: Kaplan–Meier survival of running projects by scenario.

A project enters the analysis when it starts running (``running_since >= 0``); its duration is
``ended_at - running_since`` when it dissolved, else ``horizon - running_since``, censored.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from mutusim.i18n import t
from mutusim.plotting import style
from mutusim.plotting.timeseries import scenario_order


def durations(projects: pd.DataFrame, horizon_months: int) -> pd.DataFrame:
    """Per project that ran: ``duration`` (months) and ``event`` (True if it dissolved)."""
    ran = projects[projects["running_since"] >= 0]
    ended = ran["ended_at"] >= 0
    stop = ran["ended_at"].where(ended, horizon_months)
    out = pd.DataFrame(
        {
            "duration": (stop - ran["running_since"]).to_numpy(dtype=float),
            "event": ended.to_numpy(dtype=bool),
        },
        index=ran.index,
    )
    if "scenario" in ran.columns:
        out.insert(0, "scenario", ran["scenario"].to_numpy())
    return out


def kaplan_meier(duration: np.ndarray, event: np.ndarray, z: float = 1.959964) -> pd.DataFrame:
    """The Kaplan–Meier estimate S(t) with Greenwood's pointwise interval (log–log).

    Returns one row per distinct time, starting at t = 0 with S = 1: ``time``, ``at_risk``,
    ``events``, ``survival``, ``lo``, ``hi``."""
    duration = np.asarray(duration, dtype=float)
    event = np.asarray(event, dtype=bool)
    if duration.size == 0:
        raise ValueError("no durations")
    times = np.unique(duration)
    rows = [(0.0, duration.size, 0, 1.0, 1.0, 1.0)]
    survival, greenwood = 1.0, 0.0
    for time in times:
        at_risk = int((duration >= time).sum())
        d = int(((duration == time) & event).sum())
        if d:
            survival *= 1.0 - d / at_risk
            if at_risk > d:
                greenwood += d / (at_risk * (at_risk - d))
        if survival <= 0.0 or greenwood == 0.0:
            lo = hi = survival
        else:
            se = np.sqrt(greenwood) / abs(np.log(survival))
            lo = survival ** np.exp(z * se)
            hi = survival ** np.exp(-z * se)
        row = (float(time), at_risk, d, survival, lo, hi)
        if time > 0:
            rows.append(row)
        else:  # events at t = 0: the curve starts below 1
            rows[0] = row
    return pd.DataFrame(rows, columns=["time", "at_risk", "events", "survival", "lo", "hi"])


@style.styled
def survival_chart(
    projects: pd.DataFrame,
    horizon_months: int,
    lang: str = "fr",
    scenarios: list[str] | None = None,
    baseline: str | None = "baseline",
    bands: bool | None = None,
    colours: dict[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """Share of pooled projects still running after t years of running, per scenario
    (Kaplan–Meier; dissolutions are events, projects running at the horizon are censored).
    ``bands``: draw the 95 % Greenwood intervals (default: with at most two scenarios);
    ``colours``: scenario colours to share with other figures."""
    table = durations(projects, horizon_months)
    if table.empty:
        raise ValueError("no project of the table ever ran")
    if "scenario" not in table.columns:
        table.insert(0, "scenario", "")
    names = scenarios or scenario_order(table, baseline or "")
    names = [n for n in names if (table["scenario"] == n).any()]
    colours = colours or style.scenario_colours(names, baseline)
    bands = len(names) <= 2 if bands is None else bands
    fig = style.new_figure(7.5, 4.3)
    ax = fig.add_subplot()
    for name in names:
        rows = table[table["scenario"] == name]
        km = kaplan_meier(rows["duration"].to_numpy(), rows["event"].to_numpy())
        years = km["time"] / 12.0
        label = (
            t(
                "fig.survival_label",
                lang,
                scenario=style.scenario_label(name, lang, labels),
                n=len(rows),
            )
            if name
            else t("fig.survival_label_all", lang, n=len(rows))
        )
        ax.step(years, km["survival"] * 100, where="post", color=colours[name], lw=1.8, label=label)
        if bands:
            ax.fill_between(
                years,
                km["lo"] * 100,
                km["hi"] * 100,
                step="post",
                color=colours[name],
                alpha=0.12,
                lw=0,
            )
    ax.set_xlim(0, horizon_months / 12.0)
    ax.set_ylim(0, 102)
    style.years_axis(ax, lang)
    ax.set_xlabel(t("fig.years_running", lang))
    ax.set_ylabel(t("fig.survival_axis", lang))
    style.percent_axis(ax, lang)
    ax.set_title(t("fig.survival_title", lang))
    ax.legend(loc="lower left")
    return fig
