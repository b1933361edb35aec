"""Commitment over time (§4.4–4.7): erosion, shocks, realised benefits, exits, dissolution."""

from __future__ import annotations

from mutusim.rules.registry import rule

SHOCK_NONE = 0
SHOCK_MANAGEMENT = 1
SHOCK_REORIENTATION = 2
SHOCK_POLITICAL = 3
SHOCK_COST_OVERRUN = 4


@rule(
    "R29",
    "Shared governance, active collaboration, equitable cost allocation and facilitation slow "
    "the erosion of commitment.",
    "§4.4–4.8",
)
def erosion_mitigation(
    governance: float,
    collaboration: float,
    equity: float,
    facilitated: bool,
    w_governance: float,
    w_collaboration: float,
    w_equity: float,
    w_facilitation: float,
) -> float:
    """Share of the baseline erosion that is avoided, in [0, 1]."""
    m = w_governance * governance + w_collaboration * collaboration + w_equity * equity
    if facilitated:
        m += w_facilitation
    return min(1.0, max(0.0, m))


@rule(
    "R30",
    "One draw decides this month's shock: new management, strategic reorientation, political "
    "decision, cost overrun, or none.",
    "§4.4",
)
def shock_kind(
    u: float, p_management: float, p_reorientation: float, p_political: float, p_cost: float
) -> int:
    """Kind of shock hitting a member (SHOCK_NONE if none)."""
    edge = p_management
    if u < edge:
        return SHOCK_MANAGEMENT
    edge += p_reorientation
    if u < edge:
        return SHOCK_REORIENTATION
    edge += p_political
    if u < edge:
        return SHOCK_POLITICAL
    edge += p_cost
    if u < edge:
        return SHOCK_COST_OVERRUN
    return SHOCK_NONE


@rule(
    "R31",
    "A shock removes commitment; a cost overrun is shared among members, so it hurts less in "
    "larger projects (risk sharing).",
    "§4.4, §5.6",
)
def shock_loss(
    kind: int,
    loss_management: float,
    loss_reorientation: float,
    loss_political: float,
    loss_cost: float,
    n_members: int,
    risk_sharing: float,
) -> float:
    """Commitment lost to the shock."""
    if kind == SHOCK_MANAGEMENT:
        return loss_management
    if kind == SHOCK_REORIENTATION:
        return loss_reorientation
    if kind == SHOCK_POLITICAL:
        return loss_political
    if kind == SHOCK_COST_OVERRUN:
        return loss_cost / (1.0 + risk_sharing * (n_members - 1.0) ** 0.5)
    return 0.0


@rule(
    "R32",
    "Commitment erodes each month (less under mitigation), is restored by realised benefits, "
    "lowered by net losses, and hit by shocks.",
    "§4.4, §4.5, §5",
)
def commitment_update(
    commitment: float,
    erosion: float,
    mitigation: float,
    restoration: float,
    utility: float,
    loss: float,
) -> float:
    """New commitment in [0, 1]."""
    realised = min(1.0, max(-1.0, utility))
    c = commitment - erosion * (1.0 - mitigation) + restoration * realised - loss
    return min(1.0, max(0.0, c))


@rule("R33", "A member leaves when its commitment falls below the exit threshold.", "§4.4")
def leaves(commitment: float, threshold: float) -> bool:
    """Exit decision."""
    return commitment < threshold


@rule(
    "R34",
    "A running project below its minimum size dissolves, unless it is anchored by a public body.",
    "§4.4, §2",
)
def dissolves(n_members: int, min_members: int, anchored: bool) -> bool:
    """Dissolution decision (cascade: exits raise the others' cost shares)."""
    return (not anchored) and n_members < min_members
