"""The terminal summary of a calibration, in French or English."""

from __future__ import annotations

from typing import Any

from mutusim.i18n import t
from mutusim.i18n.words import number, parameter_label


def _num(value: float, lang: str) -> str:
    magnitude = abs(value)
    digits = 0 if magnitude >= 100 else 1 if magnitude >= 10 else 2 if magnitude >= 1 else 3
    return number(value, lang, digits)


def calibration_text(record: dict[str, Any], lang: str = "fr") -> str:
    """What was kept, each parameter's prior and posterior interval, each target's fit."""
    lines = [
        t(
            "console.calibration_done",
            lang,
            method=record["method"],
            accepted=record["accepted"],
            ess=number(record["effective_sample_size"], lang, 0),
            simulations=record["simulations"],
            runs=record["settings"]["runs_per_point"],
            rate=number(record["acceptance_rate"], lang, 3),
        )
    ]
    for name, post in record["posterior"].items():
        prior = record["priors"][name]["interval_90"]
        lines.append(
            "  "
            + t(
                "console.calibration_parameter",
                lang,
                name=parameter_label(name, lang) if lang == "fr" else name,
                prior_low=_num(prior[0], lang),
                prior_high=_num(prior[1], lang),
                mean=_num(post["mean"], lang),
                low=_num(post["interval_90"][0], lang),
                high=_num(post["interval_90"][1], lang),
            )
        )
    for row in record["predictive"]:
        lines.append(
            "  "
            + t(
                "console.calibration_target",
                lang,
                name=row["target"],
                value=_num(row["observed"], lang),
                sd=_num(row["sd"], lang),
                mean=_num(row["ensemble_mean"], lang),
                low=_num(row["ensemble_interval_90"][0], lang),
                high=_num(row["ensemble_interval_90"][1], lang),
            )
        )
    return "\n".join(lines)
