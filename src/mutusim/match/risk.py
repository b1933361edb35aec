"""The main risk of a proposed circle, in words: how its simulations end when it does not run
at month M, and, for the phases whose hazard R11 raises, which of the circle's factors raises
it most."""

from __future__ import annotations

import numpy as np

from mutusim.i18n import t
from mutusim.i18n.words import percent
from mutusim.match.estimate import Chances
from mutusim.rules import formation as rf

MATERIAL = 0.1
"""A factor is named when it raises the phase's hazard by at least this share (R11's
multipliers); below, the failure is the phase's own risk (its base hazard)."""


def hazard_factor(factors: dict[str, float], phases: np.ndarray, phase: int) -> str:
    """The factor adding most to phase ``phase``'s hazard (R11 with the phase's weights;
    R53's needs factor in the needs inventory); '' when none adds ``MATERIAL``."""
    spec = phases[phase - 1]
    added = {
        "rivals": spec["rivalry"] * factors["rivals"],
        "size": spec["heterogeneity"] * factors["size"],
        "maturity": spec["heterogeneity"] * factors["maturity"],
        "depth": spec["heterogeneity"] * factors["depth"],
        "posture": spec["posture"] * max(0.0, 0.5 - factors["posture"]),
    }
    if phase == rf.PHASE_NEEDS:
        added["needs"] = factors["needs"] - 1.0
    name, value = max(added.items(), key=lambda kv: kv[1])
    return name if value >= MATERIAL else ""


def main_risk(
    chances: Chances, factors: dict[str, float], phases: np.ndarray, months: int
) -> tuple[str, float]:
    """(risk key, share of runs ending that way): the most frequent way the circle's runs are
    not running at month M; ``("none", 0)`` when every run still runs."""
    ways: dict[str, int] = {}
    for phase, count in chances.failed_in_phase.items():
        if phase == rf.PHASE_FINANCIAL_PLAN:
            key = "plan"
        elif phase == rf.PHASE_MARKET:
            key = "market"
        elif phase == rf.PHASE_SHARED_BASE and factors.get("scope", 1) == 0:
            key = "scope"
        else:
            key = hazard_factor(factors, phases, phase) or "base"
        ways[key] = ways.get(key, 0) + count
    if chances.dissolved:
        ways["decay"] = ways.get("decay", 0) + chances.dissolved
    if chances.still_forming:
        ways["slow"] = ways.get("slow", 0) + chances.still_forming
    if not ways:
        return "none", 0.0
    key = max(ways, key=lambda k: (ways[k], k))
    return key, ways[key] / chances.runs


def risk_words(key: str, share: float, lang: str, months: int, rivals: bool = False) -> str:
    """The risk in words, with the share of runs it ends; ``rivals``: the circle holds rivals,
    which is said even when another way of failing comes first (rivals also lower each
    member's utility, R21, hence the financial plan)."""
    if key == "slow":
        words = t("match.risk.slow", lang, months=months)
    else:
        words = t(f"match.risk.{key}", lang)
    if share > 0:
        words = t("match.risk.phase_note", lang, risk=words, share=percent(share, lang, 0))
    if rivals and key != "rivals":
        words = t("match.risk.also", lang, risk=words, other=t("match.risk.rivals", lang))
    return words
