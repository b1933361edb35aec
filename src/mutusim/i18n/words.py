"""Words and numbers as each language writes them, for every surface (console, figures,
report, dashboard): display names of scenarios, parameters (with their units), outcomes and
categories from the catalogue, counts with their grammatical number, and numbers, percentages,
percentage points, intervals and money (French: decimal comma, thin space between thousands,
``6,5 %``, ``2 M€``; English: ``6.5%``, ``€2M``).

Nothing here imports matplotlib, Mesa or the engines, so the console and the experiment
runner can use it; ``mutusim.plotting.style`` re-exports it for the figures.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

from mutusim.i18n import catalogue, t


# ----------------------------------------------------------------------------- names
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


def cost_per_extra(row: Mapping[str, Any], column: str, lang: str) -> str:
    """One cost-effectiveness figure of a comparison summary row (``column``:
    ``eur_per_extra_pooled_ees`` or ``eur_per_extra_pooled_ees_year``) as every surface writes
    it: ``22 300 € [18 100 ; 28 600]`` (the unit once, so that it fits a terminal table), or
    "not meaningful" when the effect's interval does not lie above zero
    (``experiments.cost_effectiveness``)."""
    value = row.get(column, math.nan)
    if not row.get(f"{column}_meaningful", False) or value is None or math.isnan(value):
        return t("fmt.not_meaningful", lang)
    return interval(
        money(value, lang),
        money(row.get(f"{column}_low", math.nan), lang, unit=False),
        money(row.get(f"{column}_high", math.nan), lang, unit=False),
        lang,
    )


def money(eur: float, lang: str, unit: bool = True) -> str:
    """Euros, in millions from 1 M€ (``2 M€`` / ``€2M``; ``15 600 €`` / ``€15,600``);
    ``unit=False`` leaves the euro sign out (``2 M``, ``15 600``: an interval's bounds)."""
    if eur is None or (isinstance(eur, float) and math.isnan(eur)):
        return "–"
    if abs(eur) >= 1e6:
        millions = eur / 1e6
        digits = 0 if abs(millions - round(millions)) < 0.05 else 1
        value = number(millions, lang, digits)
        return t("fmt.money_millions", lang, value=value) if unit else f"{value} M"
    rounded = round(eur, -2) if abs(eur) >= 10_000 else round(eur)
    value = number(rounded, lang, 0)
    return t("fmt.money", lang, value=value) if unit else value
