"""Concentric-circle growth (§8.4): running projects attract the next circle of members."""

from __future__ import annotations

import math

from mutusim.rules.registry import rule


@rule(
    "R26",
    "Attractiveness of a project is a logistic function of the candidate's net utility "
    "(1 when utility is switched off).",
    "§8.4, §9.1",
)
def attractiveness(utility: float, temperature: float, use_utility: bool) -> float:
    """Multiplier in (0, 1) of the join hazard."""
    if not use_utility:
        return 1.0
    z = utility / temperature
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@rule(
    "R27",
    "A candidate joins with hazard (p + q x influence) x attractiveness once the influence of "
    "its ties reaches its own threshold (Bass 1969; Granovetter 1978).",
    "§8.4; Bass 1969; Granovetter 1978",
)
def join_probability(
    innovation: float,
    imitation: float,
    influence: float,
    attract: float,
    threshold: float,
    dt: float,
) -> float:
    """Probability of joining this step (rates per year, ``dt`` in years)."""
    if influence < threshold:
        return 0.0
    return 1.0 - math.exp(-(innovation + imitation * influence) * attract * dt)


@rule(
    "R28",
    "A joiner's circle is one more than the innermost circle of the ties that brought it in.",
    "§8.4",
)
def joiner_ring(innermost_tie_ring: int, well_mixed: bool) -> int:
    """Circle (ring) of a new member; the pioneer core is ring 0."""
    if well_mixed or innermost_tie_ring < 0:
        return 1
    return innermost_tie_ring + 1


@rule(
    "R45",
    "The influence a running project has on a candidate is the share of the candidate's ties "
    "that are its members (well-mixed: the share of all EES).",
    "§8.4; Bass 1969",
)
def influence_share(members_seen: int, population_seen: int) -> float:
    """Influence in [0, 1]; 0 when the candidate sees nobody."""
    if population_seen <= 0:
        return 0.0
    return members_seen / population_seen
