"""Costs and benefits of pooling (§4.1, §4.5, §5): what a member pays and gets each month."""

from __future__ import annotations

import math

import numpy as np

from mutusim.rules.registry import rule


@rule(
    "R43",
    "The covered value share of a member is the value added of the services it needs that "
    "the project's scope covers, over the maximum value of all services it needs.",
    "§7",
)
def covered_value_share(scope: int, perimeter: int, n_needed: int, values: np.ndarray) -> float:
    """Share in [0, 1]; ``values`` is the §7 value-added column (1..3) per service."""
    if n_needed <= 0:
        return 0.0
    covered = scope & perimeter
    total = 0.0
    k = 0
    while covered:
        if covered & 1:
            total += values[k]
        covered >>= 1
        k += 1
    return total / (3.0 * n_needed)


@rule(
    "R16",
    "Going alone costs a price per needed service, higher for deeper (more automated) needs.",
    "§3, §4.1, §5.1",
)
def standalone_cost(n_needed: int, depth: float, service_cost: float) -> float:
    """Monthly cost (EUR) of covering all needs alone."""
    return service_cost * n_needed * (0.5 + depth)


@rule(
    "R17",
    "A project costs a fixed part, a part per member and a coordination overhead growing "
    "with members and their heterogeneity.",
    "§4.5, §5.1, §7",
)
def project_cost(
    n_members: int,
    fixed_cost: float,
    per_member_cost: float,
    coordination_cost: float,
    heterogeneity_index: float,
) -> float:
    """Monthly cost (EUR) of running the pooled project."""
    return (
        fixed_cost
        + per_member_cost * n_members
        + coordination_cost * n_members * heterogeneity_index
    )


@rule(
    "R18",
    "A member's share of the cost mixes an equal split and a split by size (equitable "
    "allocation by resources).",
    "§4.5",
)
def cost_share(total: float, n_members: int, size: float, sum_size: float, equity: float) -> float:
    """Monthly cost share (EUR) of one member; ``equity`` = 0 equal, 1 proportional to size."""
    if n_members <= 0:
        return 0.0
    share = (1.0 - equity) / n_members
    if sum_size > 0.0:
        share += equity * size / sum_size
    return total * share


@rule(
    "R19",
    "Bargaining power with suppliers grows with the number of members (log).",
    "§5.7; Axelrod et al. 1995",
)
def bargaining_power(n_members: int, strength: float) -> float:
    """Multiplier >= 1 of the value obtained."""
    if n_members <= 1:
        return 1.0
    return 1.0 + strength * math.log(n_members)


@rule(
    "R20",
    "Depth fit falls with the gap between the depth an EES needs and the depth offered "
    "('qui peut le plus peut le moins' does not hold); standardisation narrows it.",
    "§4.1, §6.2",
)
def depth_fit(
    depth: float, depth_offered: float, mismatch_weight: float, standardisation: float
) -> float:
    """Fit in (0, 1]."""
    return math.exp(-mismatch_weight * abs(depth - depth_offered) * (1.0 - standardisation))


@rule(
    "R21",
    "Membership yields the standalone cost of the covered services, weighted by the value "
    "added of pooling each, a quality gain of pooled services, depth fit, bargaining power "
    "and demonstrated value.",
    "§5.1–5.3, §5.7, §7, §8.4",
)
def membership_benefit(
    standalone: float,
    covered_value_share: float,
    quality_gain: float,
    fit: float,
    bargaining: float,
    demonstrated_value: float,
    value_floor: float,
) -> float:
    """Monthly value (EUR) of membership; ``quality_gain`` >= 1 values efficiency and access
    to better technology (§5.2, §5.3) relative to the standalone price."""
    shown = value_floor + (1.0 - value_floor) * demonstrated_value
    return standalone * covered_value_share * quality_gain * fit * bargaining * shown


@rule(
    "R22",
    "Net utility of membership is benefit minus cost paid, relative to the standalone cost, "
    "minus a penalty per direct competitor among the members.",
    "§4.3, §5.1, §9.2; Axelrod et al. 1995",
)
def net_utility(
    benefit: float, cost_paid: float, standalone: float, rivals: int, rivalry_weight: float
) -> float:
    """Dimensionless utility (0 = indifferent)."""
    if standalone <= 0.0:
        return -rivalry_weight * rivals
    return (benefit - cost_paid) / standalone - rivalry_weight * rivals


@rule(
    "R23",
    "Cost saved by a member each month is its standalone cost weighted by the value-added "
    "share the project covers, minus what it pays.",
    "§5.1",
)
def monthly_saving(standalone: float, covered_value_share: float, cost_paid: float) -> float:
    """Saving (EUR per month; negative when pooling costs more)."""
    return standalone * covered_value_share - cost_paid


@rule(
    "R24",
    "Members gain maturity through collective skills, faster in more collaborative projects.",
    "§5.3, §5.7",
)
def maturity_gain(maturity: float, rate: float, collaboration: float) -> float:
    """New maturity after one month of membership."""
    return maturity + rate * collaboration * (1.0 - maturity)


@rule(
    "R25",
    "A project's demonstrated value moves toward the positive part of its members' mean "
    "utility, with a time constant.",
    "§8.4",
)
def demonstrated_value_update(value: float, mean_utility: float, time_constant: float) -> float:
    """New demonstrated value in [0, 1]."""
    target = min(1.0, max(0.0, mean_utility))
    return value + (target - value) / time_constant
