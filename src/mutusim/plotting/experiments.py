"""Figures of sweeps and sensitivity analyses: a heatmap of an outcome over two parameters,
and sensitivity indices (Sobol S1/ST or Morris mu*) with their confidence intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from mutusim.i18n import t
from mutusim.plotting import style

MAX_LEVELS = 12
"""Parameters with at most this many distinct values are drawn level by level (grid designs);
beyond, values are grouped into equal-width bins (Latin hypercubes)."""


def _axis_bins(values: pd.Series, bins: int) -> tuple[pd.Series, list[float]]:
    """Category of each value, and the centre of each category."""
    levels = np.sort(values.unique())
    if len(levels) <= MAX_LEVELS:
        return values.map({v: i for i, v in enumerate(levels)}), [float(v) for v in levels]
    edges = np.linspace(values.min(), values.max(), bins + 1)
    codes = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1)
    return pd.Series(codes, index=values.index), list((edges[:-1] + edges[1:]) / 2)


def _tick(value: float, lang: str) -> str:
    magnitude = abs(value)
    digits = 0 if magnitude >= 100 or value == round(value) else (2 if magnitude >= 0.1 else 3)
    return style.number(value, lang, digits)


@style.styled
def sweep_heatmap(
    summary: pd.DataFrame,
    x: str,
    y: str,
    outcome: str = "adoption_share",
    lang: str = "fr",
    bins: int = 5,
) -> Figure:
    """Mean ``outcome`` over two swept parameters ``x`` and ``y`` (``param.`` prefix optional):
    cell by cell for grids, over ``bins`` x ``bins`` equal-width bins for Latin hypercubes
    (averaging the other parameters); empty bins stay blank."""
    x, y = (p if p.startswith("param.") else f"param.{p}" for p in (x, y))
    for column in (x, y, outcome):
        if column not in summary.columns:
            raise ValueError(f"the sweep summary has no column {column!r}")
    xcode, xcentres = _axis_bins(summary[x], bins)
    ycode, ycentres = _axis_bins(summary[y], bins)
    scale = 100.0 if style.is_share(outcome) else 1.0
    grid = (
        pd.DataFrame({"x": xcode, "y": ycode, "v": summary[outcome] * scale})
        .groupby(["y", "x"])["v"]
        .mean()
        .unstack("x")
        .reindex(index=range(len(ycentres)), columns=range(len(xcentres)))
    )
    fig = style.new_figure(6.4, 4.8)
    ax = fig.add_subplot()
    image = ax.imshow(
        np.ma.masked_invalid(grid.to_numpy(dtype=float)),
        origin="lower",
        aspect="auto",
        cmap="viridis",
    )
    for (row, col), value in np.ndenumerate(grid.to_numpy(dtype=float)):
        if not np.isnan(value):
            ax.text(
                col,
                row,
                style.number(value, lang, 1),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value < np.nanmean(grid.to_numpy(dtype=float)) else "black",
            )
    ax.set_xticks(range(len(xcentres)), [_tick(v, lang) for v in xcentres])
    ax.set_yticks(range(len(ycentres)), [_tick(v, lang) for v in ycentres])
    ax.set_xlabel(style.parameter_axis_label(x, lang))
    ax.set_ylabel(style.parameter_axis_label(y, lang))
    ax.grid(False)
    bar = fig.colorbar(image, ax=ax)
    bar.set_label(style.outcome_label(outcome, lang))
    ax.set_title(t("fig.sweep_title", lang, outcome=style.outcome_label(outcome, lang)))
    return fig


@style.styled
def sensitivity_chart(indices: pd.DataFrame, lang: str = "fr") -> Figure:
    """Sensitivity indices per parameter with their 95 % intervals: Sobol first-order (S1)
    and total (ST) indices side by side, or Morris mu* (a ``sensitivity`` summary)."""
    sobol = {"S1", "S1_conf", "ST", "ST_conf"} <= set(indices.columns)
    morris = {"mu_star", "mu_star_conf"} <= set(indices.columns)
    if not (sobol or morris) or "parameter" not in indices.columns:
        raise ValueError("expected Sobol (S1, ST, *_conf) or Morris (mu_star) indices")
    order = indices.sort_values("ST" if sobol else "mu_star", ascending=True)
    labels = [style.parameter_label(p, lang) for p in order["parameter"]]
    y = np.arange(len(order))
    fig = style.new_figure(7.5, 1.3 + 0.45 * len(order))
    ax = fig.add_subplot()
    series = (
        [
            ("S1", t("fig.sobol_first", lang), style.colour(0)),
            ("ST", t("fig.sobol_total", lang), style.colour(1)),
        ]
        if sobol
        else [("mu_star", t("fig.morris_mu_star", lang), style.colour(0))]
    )
    height = 0.8 / len(series)
    for k, (column, label, colour) in enumerate(series):
        offset = (k - (len(series) - 1) / 2) * height
        ax.barh(y + offset, order[column], height=height, color=colour, alpha=0.85, label=label)
        ax.errorbar(
            order[column],
            y + offset,
            xerr=order[f"{column}_conf"].abs(),
            fmt="none",
            ecolor="black",
            capsize=2.5,
            lw=0.9,
        )
    ax.axvline(0, color=style.BASELINE, lw=0.8)
    ax.set_yticks(y, labels)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(t("fig.sobol_axis" if sobol else "fig.morris_axis", lang))
    style.number_axis(ax, lang, "x")
    output = str(indices["output"].iloc[0]) if "output" in indices.columns else "adoption_share"
    ax.set_title(t("fig.sensitivity_title", lang, outcome=style.outcome_label(output, lang)))
    ax.legend(loc="lower right")
    return fig
