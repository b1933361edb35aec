"""Figures comparing scenarios at the horizon: the policy comparison (difference to the
baseline with its confidence interval, and public euros per additional pooled EES) and who
benefits (adoption by size class, sector and province)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from mutusim.i18n import t
from mutusim.plotting import style
from mutusim.plotting.timeseries import final_values, scenario_order

GROUPS = ("size", "sector", "province")
PREFIX = {g: f"adoption_share_{g}_" for g in GROUPS}


@style.styled
def comparison_chart(
    summary: pd.DataFrame,
    lang: str = "fr",
    horizon_years: float = 10,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """Policy comparison from a comparison summary (``summary.csv``: first row the baseline).

    Left: mean difference in adoption to the baseline, in percentage points, with its
    confidence interval (paired runs). Right: public euros per additional pooled EES with its
    95 % bootstrap interval (``experiments.cost_effectiveness``), for the scenarios whose
    effect is meaningful (absent when none is)."""
    needed = {"scenario", "adoption_diff", "adoption_diff_lo", "adoption_diff_hi"}
    if not needed <= set(summary.columns):
        raise ValueError(f"a comparison summary needs the columns {sorted(needed)}")
    arms = summary.iloc[1:].reset_index(drop=True)
    if arms.empty:
        raise ValueError("a comparison needs at least one scenario besides the baseline")
    cost = arms["eur_per_extra_pooled_ees"] if "eur_per_extra_pooled_ees" in arms else None
    has_cost = cost is not None and cost.notna().any()
    height = 1.0 + 0.42 * len(arms)
    fig = style.new_figure(11 if has_cost else 7, max(2.8, height))
    axes = [fig.add_subplot(1, 2 if has_cost else 1, i + 1) for i in range(2 if has_cost else 1)]
    names = [style.scenario_label(s, lang, labels) for s in arms["scenario"]]
    y = np.arange(len(arms))[::-1]
    colours = [style.colour(i) for i in range(len(arms))]
    ax = axes[0]
    diff = arms["adoption_diff"].to_numpy() * 100
    err = np.vstack(
        [
            diff - arms["adoption_diff_lo"].to_numpy() * 100,
            arms["adoption_diff_hi"].to_numpy() * 100 - diff,
        ]
    )
    ax.barh(y, diff, color=colours, alpha=0.85, height=0.6)
    ax.errorbar(diff, y, xerr=np.nan_to_num(err), fmt="none", ecolor="black", capsize=3, lw=1)
    ax.axvline(0, color=style.BASELINE, lw=1)
    ax.set_yticks(y, names)
    ax.set_xlabel(t("fig.adoption_diff_axis", lang))
    ax.set_title(t("fig.comparison_effect_title", lang))
    ax.grid(axis="y", visible=False)
    style.number_axis(ax, lang, "x")
    if has_cost:
        ax2 = axes[1]
        values = cost.to_numpy(dtype=float)
        shown = np.where(np.isnan(values), 0.0, values)
        ax2.barh(y, shown, color=colours, alpha=0.85, height=0.6)
        low = arms["eur_per_extra_pooled_ees_low"].to_numpy(dtype=float)
        high = arms["eur_per_extra_pooled_ees_high"].to_numpy(dtype=float)
        bars = np.vstack(
            [shown - np.nan_to_num(low, nan=0.0), np.nan_to_num(high, nan=0.0) - shown]
        )
        ax2.errorbar(
            shown, y, xerr=np.clip(bars, 0, None), fmt="none", ecolor="black", capsize=3, lw=1
        )
        for yi, v in zip(y, values, strict=True):
            text = t("fig.not_applicable", lang) if np.isnan(v) else style.money(v, lang)
            ax2.annotate(
                text,
                (0 if np.isnan(v) else v, yi),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7.5,
            )
        ax2.set_yticks(y, [""] * len(y))
        ax2.set_xlabel(t("fig.eur_per_additional_axis", lang))
        ax2.set_title(t("fig.comparison_cost_title", lang))
        ax2.grid(axis="y", visible=False)
        ax2.set_xlim(0, np.nanmax(np.concatenate([values, high])) * 1.3)
        style.number_axis(ax2, lang, "x")
    fig.suptitle(t("fig.comparison_title", lang, years=style.number(horizon_years, lang, 0)))
    return fig


def benefit_groups(timeseries: pd.DataFrame) -> dict[str, list[str]]:
    """Categories present in the table, per group (size, sector, province)."""
    out = {}
    for group in GROUPS:
        names = [
            c.removeprefix(PREFIX[group]) for c in timeseries.columns if c.startswith(PREFIX[group])
        ]
        if names:
            out[group] = names
    return out


def benefit_table(timeseries: pd.DataFrame, group: str, confidence: float = 0.95) -> pd.DataFrame:
    """Adoption at the horizon within each category of ``group`` (size, sector, province),
    per scenario: mean over runs, its t-interval (``lo``, ``hi``) and the number of runs."""
    from scipy import stats

    final = final_values(timeseries)
    if "scenario" not in final.columns:
        final = final.assign(scenario="")
    columns = [c for c in final.columns if c.startswith(PREFIX[group])]
    rows = []
    for scenario, runs in final.groupby("scenario", sort=False):
        for column in columns:
            values = runs[column].to_numpy(dtype=float)
            n = len(values)
            mean = float(values.mean())
            half = (
                float(stats.t.ppf(0.5 + confidence / 2, n - 1) * values.std(ddof=1) / np.sqrt(n))
                if n > 1
                else float("nan")
            )
            rows.append(
                {
                    "scenario": scenario,
                    "category": column.removeprefix(PREFIX[group]),
                    "mean": mean,
                    "lo": mean - half,
                    "hi": mean + half,
                    "runs": n,
                }
            )
    return pd.DataFrame(rows)


@style.styled
def benefits_chart(
    timeseries: pd.DataFrame,
    lang: str = "fr",
    scenarios: list[str] | None = None,
    baseline: str | None = "baseline",
    colours: dict[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    groups: Sequence[str] | None = None,
) -> Figure:
    """Who benefits: mean adoption at the horizon within each category of the chosen
    ``groups`` (default: every one of size class, sector and province present in the table),
    one bar per scenario with its 95 % interval over runs. ``colours``: scenario colours to
    share with other figures (default: the style's, in scenario order)."""
    present = benefit_groups(timeseries)
    if not present:
        raise ValueError("the timeseries has no adoption_share_size_/sector_/province_ columns")
    wanted = list(groups) if groups is not None else list(present)
    unknown = [g for g in wanted if g not in present]
    if unknown or not wanted:
        raise ValueError(f"groups must be among {sorted(present)}, got {list(wanted)}")
    chosen = {g: present[g] for g in wanted}
    final = final_values(timeseries)
    if "scenario" not in final.columns:
        final = final.assign(scenario="")
    names = scenarios or scenario_order(final, baseline or "")
    colours = colours or style.scenario_colours(names, baseline)
    heights = [len(v) for v in chosen.values()]
    fig = style.new_figure(
        4.0 * len(chosen) + 0.6, 1.4 + 0.16 * max(heights) * len(names) + 0.25 * max(heights)
    )
    axes = [fig.add_subplot(1, len(chosen), i + 1) for i in range(len(chosen))]
    width = 0.8 / len(names)
    for ax, (group, cats) in zip(axes, chosen.items(), strict=True):
        table = benefit_table(timeseries, group).set_index(["scenario", "category"])
        y = np.arange(len(cats))[::-1]
        for k, name in enumerate(names):
            rows = table.loc[name].reindex(cats)
            mean = rows["mean"].to_numpy() * 100
            err = np.nan_to_num(
                np.vstack([mean - rows["lo"] * 100, rows["hi"].to_numpy() * 100 - mean]).clip(0)
            )
            offset = y + (len(names) - 1 - 2 * k) * width / 2
            ax.barh(
                offset,
                mean,
                height=width,
                color=colours[name],
                label=style.scenario_label(name, lang, labels)
                if name
                else t("adoption_share", lang),
            )
            ax.errorbar(mean, offset, xerr=err, fmt="none", ecolor="black", capsize=1.5, lw=0.7)
        ax.set_yticks(y, [style.category_label(group, c, lang) for c in cats])
        ax.set_title(t(f"fig.benefits_{group}", lang))
        ax.set_xlabel(t("adoption_share", lang))
        ax.grid(axis="y", visible=False)
        ax.set_xlim(left=0)
        style.percent_axis(ax, lang, "x")
    handles, texts = axes[0].get_legend_handles_labels()
    if len(names) > 1:
        fig.legend(handles, texts, loc="outside lower center", ncols=min(len(texts), 5))
    fig.suptitle(t("fig.benefits_title", lang))
    return fig
