"""The robustness of an answer in plain words, French and English: scores on a criterion, and
where the top-ranked scenario stops being the best ("l'animation est la meilleure option sauf
si …"). Every sentence comes from the catalogue (``i18n/robustness.yaml``)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from mutusim.i18n import t
from mutusim.i18n.words import number, parameter_label, percent, scenario_label
from mutusim.robustness.discovery import Box, Discovery


def criterion_value(value: float, criterion: str, lang: str) -> str:
    """A score on ``criterion`` with its unit ("12,3 EES par M€", "8,1 %")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if criterion == "adoption_share":
        return percent(value, lang, 1)
    return t(f"robustness.unit.{criterion}", lang, value=number(value, lang, 1))


def parameter_value(value: float, lang: str) -> str:
    """A bound of a box, to three significant digits."""
    if value == 0 or not math.isfinite(value):
        return number(value, lang, 0)
    digits = max(0, min(4, 2 - math.floor(math.log10(abs(value)))))
    return number(value, lang, digits)


def conditions(box: Box, lang: str) -> str:
    """The box's limits in words ("l'érosion de l'engagement dépasse 0,021 et …")."""
    parts = []
    for name, (low, high) in box.limits.items():
        label = parameter_label(name, lang)
        if low is not None and high is not None:
            parts.append(
                t(
                    "robustness.cond_between",
                    lang,
                    name=label,
                    low=parameter_value(low, lang),
                    high=parameter_value(high, lang),
                )
            )
        elif low is not None:
            parts.append(
                t("robustness.cond_above", lang, name=label, low=parameter_value(low, lang))
            )
        else:
            parts.append(
                t("robustness.cond_below", lang, name=label, high=parameter_value(high, lang))
            )
    return t("robustness.and", lang).join(parts)


def flip_sentences(
    found: Discovery, lang: str, labels: Mapping[str, str] | None = None
) -> list[str]:
    """Sentences saying how often the top scenario is best and where that changes."""

    def name(scenario: str) -> str:
        return scenario_label(scenario, lang, labels)

    top = name(found.top)
    members = number(found.members, lang, 0)
    if found.flipped == 0:
        return [t("robustness.always_best", lang, top=top, members=members)]
    out = [t("robustness.top", lang, top=top, p=percent(found.p_top, lang, 0), members=members)]
    if not found.searched:
        out.append(t("robustness.too_few", lang, top=top, flipped=found.flipped))
    elif not found.boxes:
        out.append(t("robustness.no_box", lang, top=top))
    for box in found.boxes:
        out.append(
            t(
                "robustness.unless",
                lang,
                top=top,
                conditions=conditions(box, lang),
                winner=name(box.winner),
                share=percent(box.winner_share, lang, 0),
                n=number(box.members, lang, 0),
                coverage=percent(box.coverage, lang, 0),
            )
        )
    return out
