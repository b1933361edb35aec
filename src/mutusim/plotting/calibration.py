"""Figures of a calibration: each parameter's prior against its posterior, and the posterior
predictive distribution of each target against the observation."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from mutusim.i18n import t
from mutusim.plotting import style


@style.styled
def marginals_chart(
    priors: Sequence[tuple[str, Any]],
    ensemble: Any,
    truth: dict[str, float] | None = None,
    lang: str = "fr",
) -> Figure:
    """One panel per parameter: the prior density (a frozen scipy distribution) and the
    weighted histogram of the ensemble (``ensemble``: its columns and ``weight``); ``truth``:
    known values (a recovery check) drawn as lines."""
    fig = style.new_figure(9.0, 2.4 * ((len(priors) + 2) // 3) + 0.5)
    axes = style.panel_grid(fig, len(priors), ncols=3, sharey=False, sharex=False)
    weights = ensemble["weight"].to_numpy()
    for ax, (name, prior) in zip(axes, priors, strict=True):
        low, high = prior.ppf(0.0005), prior.ppf(0.9995)
        grid = np.linspace(low, high, 200)
        log_axis = getattr(prior.dist, "name", "") == "loguniform"
        if log_axis:
            grid = np.geomspace(low, high, 200)
            ax.set_xscale("log")
        bins = np.geomspace(low, high, 25) if log_axis else np.linspace(low, high, 25)
        values = ensemble[name].to_numpy(dtype=float)
        ax.hist(
            values,
            bins=bins,
            weights=weights,
            density=True,
            color=style.colour(0),
            alpha=0.6,
            label=t("fig.calibration_posterior", lang),
        )
        ax.plot(
            grid,
            prior.pdf(grid),
            color=style.BASELINE,
            lw=1.2,
            ls="--",
            label=t("fig.calibration_prior", lang),
        )
        if truth and name in truth:
            ax.axvline(
                truth[name], color=style.colour(1), lw=1.4, label=t("fig.calibration_truth", lang)
            )
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title(textwrap.fill(style.parameter_label(name, lang), 36), fontsize=8.5)
        ax.set_yticks([])
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
    fig.suptitle(t("fig.calibration_marginals", lang))
    return fig


@style.styled
def predictive_chart(
    targets: Sequence[Any], outputs: np.ndarray, weights: np.ndarray, lang: str = "fr"
) -> Figure:
    """One panel per target: the weighted distribution of the ensemble's outputs
    (``outputs``: members × targets, means over runs) against the observation and its 95 %
    band (``targets``: ``calibration.targets.Target``)."""
    fig = style.new_figure(9.0, 2.4 * ((len(targets) + 2) // 3) + 0.5)
    axes = style.panel_grid(fig, len(targets), ncols=3, sharey=False, sharex=False)
    for k, (ax, target) in enumerate(zip(axes, targets, strict=True)):
        values = outputs[:, k]
        low, high = target.centre - 2 * target.sigma, target.centre + 2 * target.sigma
        ax.axvspan(low, high, color=style.NEUTRAL, alpha=0.5, label=t("fig.calibration_band", lang))
        ax.axvline(
            target.centre, color=style.BASELINE, lw=1.4, label=t("fig.calibration_observed", lang)
        )
        ax.hist(
            values,
            bins=25,
            weights=weights,
            density=True,
            color=style.colour(0),
            alpha=0.7,
            label=t("fig.calibration_predicted", lang),
        )
        ax.set_title(target.label, fontsize=8.5)
        ax.set_xlabel(style.outcome_label(target.output, lang))
        ax.set_yticks([])
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
    fig.suptitle(t("fig.calibration_predictive", lang))
    return fig
