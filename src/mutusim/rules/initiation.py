"""Initiation by pioneers (§4.2, §8.1, §8.2): a leader starts a project with a core circle."""

from __future__ import annotations

import math

from mutusim.rules.registry import rule


@rule(
    "R04",
    "A pioneer with active demand starts a project with a monthly hazard proportional to its "
    "leadership propensity, raised by a pioneer reward.",
    "§4.2, §8.4",
)
def initiation_probability(
    leadership: float, pioneer_rate: float, reward_boost: float, dt: float
) -> float:
    """Probability of initiating a project this step (rates per year, ``dt`` in years)."""
    hazard = pioneer_rate * leadership * (1.0 + reward_boost)
    return 1.0 - math.exp(-hazard * dt)


@rule(
    "R05",
    "Two EES share needs in proportion to the overlap of their service perimeters (Jaccard).",
    "§4.1",
)
def needs_overlap(perimeter_a: int, perimeter_b: int) -> float:
    """Jaccard index of two perimeters given as bit masks over the service catalogue."""
    inter = perimeter_a & perimeter_b
    union = perimeter_a | perimeter_b
    n_inter = 0
    n_union = 0
    while union:
        n_union += union & 1
        n_inter += inter & 1
        union >>= 1
        inter >>= 1
    if n_union == 0:
        return 0.0
    return n_inter / n_union


@rule(
    "R06",
    "Partners are alike when their sizes (log scale) and maturities are close.",
    "§4.1, §4.2",
)
def similarity(x: float, y: float, scale: float) -> float:
    """Similarity in (0, 1]: exp(-|x - y| / scale)."""
    return math.exp(-abs(x - y) / scale)


@rule(
    "R07",
    "A pioneer values a partner by overlapping needs, similar size and maturity, cooperative "
    "posture, and shuns direct competitors.",
    "§4.1–4.3, §8.1",
)
def partner_score(
    overlap: float,
    size_similarity: float,
    maturity_similarity: float,
    posture: float,
    is_rival: bool,
    rivalry_aversion: float,
) -> float:
    """Score in [0, 1], also the probability that the partner accepts (given its draw).

    The three fit terms enter as a geometric mean, so one poor fit lowers but does not erase
    the score; posture multiplies it (§8.1: a first circle of those with the right attitude).
    """
    score = (overlap * size_similarity * maturity_similarity) ** (1.0 / 3.0) * posture
    if is_rival:
        score *= 1.0 - rivalry_aversion
    return score


@rule(
    "R08",
    "A candidate joins the core circle when its openness draw falls below the partner score.",
    "§8.1",
)
def accepts_partnership(u: float, score: float) -> bool:
    """Acceptance of a pioneer's invitation."""
    return u < score
