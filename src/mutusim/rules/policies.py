"""Public incentive policies (§6, §8.5, §9, AXE 1–2): eligibility, budget and effects."""

from __future__ import annotations

import math

from mutusim.rules.registry import rule


@rule("R35", "A policy acts from its start month (inclusive) to its end month (exclusive).", "§8.5")
def policy_active(step: int, start: int, end: int) -> bool:
    """Whether the policy acts during ``step``."""
    return start <= step < end


@rule(
    "R36",
    "An EES is eligible when its size lies in the policy's range and its sector, province and "
    "legal form are targeted.",
    "§8.5, §9",
)
def eligible(
    size: float,
    sector: int,
    province: int,
    legal_form: int,
    size_min: float,
    size_max: float,
    sector_mask: int,
    province_mask: int,
    form_mask: int,
) -> bool:
    """Eligibility; masks are bit sets over category codes."""
    if size < size_min or size > size_max:
        return False
    if (sector_mask >> sector) & 1 == 0:
        return False
    if (province_mask >> province) & 1 == 0:
        return False
    return (form_mask >> legal_form) & 1 == 1


@rule(
    "R37",
    "A payment is made only if it fits in both the policy's budget and the authority's "
    "budget: public money is never overspent.",
    "§6.1",
)
def affordable(
    amount: float,
    spent_total: float,
    budget_total: float,
    spent_policy: float,
    budget_policy: float,
) -> bool:
    """Budget check for one payment (EUR)."""
    return spent_total + amount <= budget_total and spent_policy + amount <= budget_policy


SPEND_AS_DEMAND = 0
SPEND_EVEN = 1
SPEND_FRONT_LOADED = 2
"""Codes of the spending schedules (``config.schema.SPENDING_SCHEDULES`` order)."""


@rule(
    "R59",
    "A policy may have spent, by the end of a month, what its spending schedule has released "
    "of its allocation: all of it at once (as demand comes), an even share per month of its "
    "window (unspent shares carried over), or twice that pace at first, falling linearly "
    "(front-loaded).",
    "§6.1, §8.5",
)
def released_allocation(
    allocation: float, schedule: int, start: int, end: int, month: int
) -> float:
    """EUR of the allocation released by the end of ``month`` (the money committed)."""
    if month < start:
        return 0.0
    if schedule == SPEND_AS_DEMAND or allocation == math.inf or end <= start:
        return allocation
    elapsed = min(1.0, (month - start + 1) / (end - start))
    if schedule == SPEND_EVEN:
        return allocation * elapsed
    return allocation * (1.0 - (1.0 - elapsed) * (1.0 - elapsed))


@rule(
    "R38",
    "A policy event with a yearly rate (a training course, an individual grant, a core "
    "brokered by a facilitator) happens this month with probability 1 - exp(-rate dt).",
    "AXE 2; §6.1, §9",
)
def monthly_event(u: float, rate: float, dt: float) -> bool:
    """Whether the event happens this month (``rate`` per year, ``dt`` in years)."""
    return u < 1.0 - math.exp(-rate * dt)


@rule(
    "R58",
    "A yearly rate is a monthly probability 1 - exp(-rate dt) (the hazard over one step).",
    "—",
)
def monthly_probability(rate: float, dt: float) -> float:
    """Probability of an event of yearly ``rate`` within a step of ``dt`` years."""
    return 1.0 - math.exp(-rate * dt)


@rule("R39", "Training raises maturity by a share of the remaining gap.", "AXE 2; §5.7")
def trained_maturity(maturity: float, gain: float) -> float:
    """Maturity after a training course."""
    return maturity + gain * (1.0 - maturity)


@rule(
    "R40",
    "Standardisation of institutional practices raises the sector's standardisation level "
    "toward 1.",
    "§6.2",
)
def standardisation_update(level: float, rate: float) -> float:
    """New standardisation level in [0, 1]."""
    return level + rate * (1.0 - level)


@rule(
    "R41",
    "A subsidy on pooled projects pays a share of a member's cost, up to a monthly cap.",
    "§6.1, §8.5",
)
def subsidy_amount(cost: float, rate: float, cap: float) -> float:
    """Subsidy (EUR per month)."""
    return min(rate * cost, cap)


@rule(
    "R42",
    "A subsidy to an individual (non-pooled) project raises what the EES can do alone.",
    "§6, §6.1",
)
def supported_capacity(support: float, boost: float) -> float:
    """New individual support level in [0, 1]."""
    return min(1.0, support + boost)
