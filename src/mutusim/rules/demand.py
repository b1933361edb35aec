"""Need is not demand (§3, §4.2): when an EES seeks a pooled solution."""

from __future__ import annotations

import math

from mutusim.rules.registry import rule


@rule(
    "R01",
    "Unmet need grows with the share of catalogue services needed, low maturity and "
    "administrative pressure.",
    "§4.1, §9.1",
)
def need_gap(
    n_needed: int, n_services: int, maturity: float, admin_pressure: float, admin_weight: float
) -> float:
    """Unmet digital need in [0, 1]."""
    if n_services <= 0:
        return 0.0
    breadth = n_needed / n_services
    pressure = (1.0 + admin_weight * admin_pressure) / (1.0 + admin_weight)
    return breadth * (1.0 - maturity) * pressure


@rule(
    "R02",
    "What an EES can do alone grows with its financial slack, its maturity and individual "
    "support it receives.",
    "§3, §9.1",
)
def individual_capacity(financial_tension: float, maturity: float, support: float) -> float:
    """Capacity to meet needs alone, in [0, 1]."""
    capacity = (1.0 - financial_tension) * (0.5 + 0.5 * maturity) + support
    return min(1.0, capacity)


@rule(
    "R03",
    "An EES has a latent demand for pooling only if its leader is convinced and its unmet need "
    "exceeds what it can do alone.",
    "§3, §4.2",
)
def seeks_pooling(convinced: bool, gap: float, capacity: float, autonomy_preference: float) -> bool:
    """Latent demand: pooling is a second choice, considered when going alone is out of reach
    (need is not demand: it acts on it only once activated, R48, R51, or as a pioneer)."""
    return convinced and gap > autonomy_preference * capacity


@rule(
    "R48",
    "Latent demand is activated by a running project among the EES's ties that shows its "
    "value, with a hazard growing with the share of ties inside and their projects' "
    "demonstrated value.",
    "§4.2, §8.4",
)
def demonstration_activation(pressure: float, rate: float, dt: float) -> float:
    """Probability of activation this step; ``pressure`` = Σ over ties in running projects of
    their project's demonstrated value, over the number of ties (in [0, 1])."""
    return 1.0 - math.exp(-rate * pressure * dt)


@rule(
    "R49",
    "Active demand without a project fades: the EES stops seeking at a constant hazard.",
    "§4.2",
)
def demand_fades(u: float, probability: float) -> bool:
    """Whether an active EES outside any project stops seeking this step (draw ``u``;
    ``probability`` = R58 of the fading rate)."""
    return u < probability


@rule(
    "R50",
    "Conviction comes and goes outside projects: an unconvinced leader becomes convinced, and "
    "a convinced one stops being so, each with a constant monthly probability (without "
    "campaigns the convinced share tends to p_gain / (p_gain + p_fade)).",
    "AXE 1; §4.2",
)
def conviction_changes(u: float, convinced: bool, p_gain: float, p_fade: float) -> bool:
    """Whether the leader is convinced after this step (draw ``u``; monthly probabilities,
    R58 of the yearly rates)."""
    if u < (p_fade if convinced else p_gain):
        return not convinced
    return convinced


@rule(
    "R51",
    "A contact capacity shared among candidates reaches each with probability capacity over "
    "candidates (at most 1).",
    "§4.8, §8.3; AXE 1",
)
def contact_probability(capacity: float, candidates: int) -> float:
    """Probability that one candidate is contacted this step."""
    if candidates <= 0:
        return 0.0
    return min(1.0, capacity / candidates)


@rule(
    "R52",
    "An awareness contact converts an unconvinced leader with a probability that falls with "
    "every earlier contact (diminishing returns).",
    "AXE 1; §4.2",
)
def conversion_probability(first: float, repeat_effect: float, earlier_contacts: int) -> float:
    """Probability that this contact converts the leader."""
    return first * repeat_effect**earlier_contacts
