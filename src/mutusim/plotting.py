"""Figures from results tables (pure functions: tables in, matplotlib figures out)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure


def adoption_chart(timeseries: pd.DataFrame, title: str = "") -> Figure:
    """Share of EES in a running pooled project over time: each run faint, the median bold,
    and the 5–95 % band across runs."""
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
    years = timeseries["step"] / 12.0
    wide = timeseries.assign(year=years).pivot(index="year", columns="run", values="adoption_share")
    if wide.shape[1] > 1:
        ax.fill_between(
            wide.index,
            wide.quantile(0.05, axis=1) * 100,
            wide.quantile(0.95, axis=1) * 100,
            color="tab:blue",
            alpha=0.2,
            label="5–95 % of runs",
        )
    for run in wide.columns[:50]:
        ax.plot(wide.index, wide[run] * 100, color="tab:blue", alpha=0.15, lw=0.8)
    ax.plot(
        wide.index,
        wide.median(axis=1) * 100,
        color="tab:blue",
        lw=2.2,
        label=f"median of {wide.shape[1]} run{'s' if wide.shape[1] > 1 else ''}",
    )
    ax.set_xlabel("years")
    ax.set_ylabel("EES in a running pooled project (%)")
    ax.set_title(title or "Adoption of pooled digital projects")
    ax.set_xlim(0, wide.index.max())
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig
