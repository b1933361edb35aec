"""The one style of mutusim's figures: colours, sizes, fonts, number formats and labels.

Every figure function builds its ``Figure`` inside ``styled`` (a matplotlib rc context), takes
its texts from the translation catalogue (``mutusim.i18n``) through the helpers below, and
formats numbers the way the language writes them (French: decimal comma, thin space between
thousands, ``6,5 %``; English: ``6.5%``, ``15,000``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from mutusim.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue, t

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


# ----------------------------------------------------------------------------- texts
def text_or(key: str, lang: str, fallback: str, **values: Any) -> str:
    """The catalogue text of ``key`` if it exists, else ``fallback``."""
    if key in catalogue():
        return t(key, lang, **values)
    return fallback


def scenario_label(name: str, lang: str, labels: Mapping[str, str] | None = None) -> str:
    """Display name of a scenario: ``labels[name]`` (an experiment's labels), else the
    catalogue's ``scenario.NAME``, else the name in words."""
    if labels and labels.get(name):
        return labels[name]
    return text_or(f"scenario.{name}", lang, name.replace("_", " "))


@functools.cache
def _parameter_rows() -> dict[str, dict[str, Any]]:
    from mutusim.parameter_table import parameter_table

    rows = {r["name"]: r for r in parameter_table()}
    rows.update({r["name"]: r for r in parameter_table(policies=True)})
    return rows


def _parameter_row(name: str) -> dict[str, Any] | None:
    """The parameter table's row of a dotted name (``policies.N.field`` found by its field)."""
    rows = _parameter_rows()
    if name in rows:
        return rows[name]
    parts = name.split(".")
    if parts[0] == "policies" and len(parts) > 2:
        field = ".".join(parts[2:])
        return next((r for n, r in rows.items() if n.split(".", 1)[-1] == field), None)
    return None


def parameter_label(name: str, lang: str) -> str:
    """Display name of a dotted parameter (``param.`` prefix allowed): the catalogue's
    ``parameter.NAME``, else (English) the schema's description, else the dotted name."""
    name = name.removeprefix("param.")
    key = f"parameter.{name}"
    if key in catalogue():
        return t(key, lang)
    row = _parameter_row(name)
    if lang == "en" and row is not None:
        return row["description"]
    return name


def parameter_unit(name: str, lang: str) -> str:
    """The unit of a dotted parameter in ``lang`` ("" when the schema has none)."""
    row = _parameter_row(name.removeprefix("param."))
    if row is None or not row["unit"]:
        return ""
    return text_or(f"unit.{row['unit']}", lang, row["unit"])


def parameter_axis_label(name: str, lang: str) -> str:
    """An axis label: the parameter's name in words and its unit (``… (par an)``)."""
    unit = parameter_unit(name, lang)
    label = parameter_label(name, lang)
    return f"{label} ({unit})" if unit and unit not in label else label


def outcome_label(name: str, lang: str) -> str:
    """Display name (with unit) of an outcome column."""
    if name == "adoption_share":
        return t("adoption_share", lang)
    return text_or(f"outcome.{name}", lang, name.replace("_", " "))


def category_label(group: str, name: str, lang: str) -> str:
    """Display name of a size class, sector or province (``group``: size, sector, province)."""
    return text_or(f"{group}.{name}", lang, name.replace("_", " "))


def is_share(name: str) -> bool:
    """Whether an outcome is a share in [0, 1], shown in percent."""
    return name.endswith("share") or name.startswith("adoption_share")


def count(n: int, what: str, lang: str) -> str:
    """``n`` things with the right grammatical number (``count.WHAT.one``/``.many``; French
    takes the singular below 2, English only for 1)."""
    singular = n < 2 if lang == "fr" else n == 1
    return t(f"count.{what}.{'one' if singular else 'many'}", lang, n=number(n, lang))


# ----------------------------------------------------------------------------- numbers
def number(value: float, lang: str, digits: int = 0, sign: bool = False) -> str:
    """``value`` with ``digits`` decimals in the language's notation (``1 234,5`` / ``1,234.5``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    rounded = round(float(value), digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = f"{rounded:{'+' if sign else ''},.{digits}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text.replace("-", "−")


def percent(share: float, lang: str, digits: int = 1, sign: bool = False) -> str:
    """A share in [0, 1] as a percentage (``6,5 %`` / ``6.5%``)."""
    return t("fmt.percent", lang, value=number(share * 100, lang, digits, sign))


def points(share_diff: float, lang: str, digits: int = 1) -> str:
    """A difference of shares in percentage points, signed (``+1,9 point`` / ``+1.9 pt``)."""
    value = round(share_diff * 100, digits)
    singular = abs(value) < 2 if lang == "fr" else abs(value) == 1
    key = "fmt.point" if singular else "fmt.points"
    return t(key, lang, value=number(value, lang, digits, sign=True))


def interval(value: str, low: str, high: str, lang: str) -> str:
    """A value and its interval, written one way everywhere (``7,2 [6,9 ; 7,5]`` /
    ``7.2 [6.9, 7.5]``); an interval that could not be computed is left out."""
    if "–" in (low, high):
        return value
    return t("fmt.interval", lang, value=value, low=low, high=high)


def money(eur: float, lang: str) -> str:
    """Euros, in millions from 1 M€ (``2 M€`` / ``€2M``; ``15 600 €`` / ``€15,600``)."""
    if eur is None or (isinstance(eur, float) and math.isnan(eur)):
        return "–"
    if abs(eur) >= 1e6:
        millions = eur / 1e6
        digits = 0 if abs(millions - round(millions)) < 0.05 else 1
        return t("fmt.money_millions", lang, value=number(millions, lang, digits))
    rounded = round(eur, -2) if abs(eur) >= 10_000 else round(eur)
    return t("fmt.money", lang, value=number(rounded, lang, 0))


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
