"""The one style of mutusim's figures: colours, sizes, fonts, number formats and labels.

Every figure function builds its ``Figure`` inside ``styled`` (a matplotlib rc context), takes
its texts from the translation catalogue (``mutusim.i18n``) and formats numbers the way the
language writes them, through ``mutusim.i18n.words`` (re-exported here: ``style.number``,
``style.scenario_label``, …).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from mutusim.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from mutusim.i18n.words import (  # re-exported: the figures' labels and number formats
    category_label,
    count,
    interval,
    is_share,
    money,
    number,
    outcome_label,
    parameter_axis_label,
    parameter_label,
    parameter_unit,
    percent,
    points,
    scenario_label,
    text_or,
)

PALETTE = (
    "#1f5f8b",
    "#d1495b",
    "#2a9d8f",
    "#e9a03b",
    "#6a4c93",
    "#8c564b",
    "#3d9970",
    "#e76f51",
    "#264653",
    "#b5838d",
    "#7f7f7f",
    "#4c956c",
)
"""Scenario colours, in scenario order (the baseline is drawn in ``BASELINE``)."""
BASELINE = "#4d4d4d"
NEUTRAL = "#c8c8c8"
RING_COLOURS = ("#08306b", "#2171b5", "#6baed6", "#9ecae1", "#deebf7")
"""Core (ring 0) dark to outer circles light."""
DPI = 110

RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.labelsize": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "legend.fontsize": 8.0,
    "legend.frameon": False,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "figure.titlesize": 12.0,
    "figure.titleweight": "bold",
}


def styled[F: Callable[..., Figure]](function: F) -> F:
    """Run a figure function inside the mutusim rc context (and check its ``lang``)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        check_language(kwargs.get("lang", DEFAULT_LANGUAGE))
        with matplotlib.rc_context(RC):
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def check_language(lang: str) -> None:
    """Raise ValueError for a language the catalogue does not have."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {lang!r}")


def new_figure(width: float, height: float) -> Figure:
    """A figure of ``width`` x ``height`` inches with constrained layout (no pyplot state)."""
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def panel_grid(
    fig: Figure, n: int, ncols: int = 3, sharey: bool = True, sharex: bool = True
) -> list[Axes]:
    """``n`` axes on a grid of ``ncols`` columns; no empty cell is created."""
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    axes: list[Axes] = []
    for i in range(n):
        first = axes[0] if axes else None
        axes.append(
            fig.add_subplot(
                nrows,
                ncols,
                i + 1,
                sharey=first if sharey else None,
                sharex=first if sharex else None,
            )
        )
    return axes


def colour(i: int) -> str:
    """The ``i``-th scenario colour."""
    return PALETTE[i % len(PALETTE)]


def scenario_colours(names: Sequence[str], baseline: str | None) -> dict[str, str]:
    """Colours of scenarios: the baseline grey, the others from the palette in order."""
    out, k = {}, 0
    for name in names:
        if name == baseline:
            out[name] = BASELINE
        else:
            out[name] = colour(k)
            k += 1
    return out


def percent_axis(ax: Axes, lang: str, axis: str = "y") -> None:
    """Tick labels of a 0–100 axis as percentages in the language's notation."""
    formatter = FuncFormatter(lambda v, _pos: number(v, lang, 0 if v == round(v) else 1))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def number_axis(ax: Axes, lang: str, axis: str = "y") -> None:
    """Tick labels with the language's thousands separator and decimal mark."""

    def fmt(v: float, _pos: int) -> str:
        return number(v, lang, 0 if abs(v - round(v)) < 1e-9 else 2)

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(fmt))


def years_axis(ax: Axes, lang: str) -> None:
    """The x axis in years, integer ticks, labelled from the catalogue."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    number_axis(ax, lang, "x")
    ax.set_xlabel(t("years", lang))


__all__ = [
    "BASELINE",
    "NEUTRAL",
    "PALETTE",
    "RING_COLOURS",
    "category_label",
    "check_language",
    "colour",
    "count",
    "interval",
    "is_share",
    "money",
    "new_figure",
    "number",
    "number_axis",
    "outcome_label",
    "panel_grid",
    "parameter_axis_label",
    "parameter_label",
    "parameter_unit",
    "percent",
    "percent_axis",
    "points",
    "scenario_colours",
    "scenario_label",
    "styled",
    "text_or",
    "years_axis",
]
