"""Formation through the §8.2 phases: a forming project advances, waits or fails each month."""

from __future__ import annotations

import math

from mutusim.rules.registry import rule

PHASE_NEEDS = 1
PHASE_STANDARDS = 2
PHASE_SHARED_BASE = 3
PHASE_MARKET = 4
PHASE_CHOICES = 5
PHASE_PARTNERS = 6
PHASE_FINANCIAL_PLAN = 7
PHASE_RUNNING = 8
"""§8.2 steps: needs, standardisation needs, shared base, market evaluation, choices, partner
search, financial plan; then the project runs."""

STAY = 0
ADVANCE = 1
FAIL = 2


@rule(
    "R09",
    "Heterogeneity of a group is the spread of log size, maturity and depth of need; "
    "standardisation shrinks the depth part.",
    "§4.1, §4.2, §6.2",
)
def heterogeneity(
    sd_log10_size: float, sd_maturity: float, sd_depth: float, standardisation: float
) -> float:
    """Heterogeneity index (0 for identical members)."""
    return sd_log10_size + sd_maturity + sd_depth * (1.0 - standardisation)


@rule(
    "R10",
    "A group statistic's spread is the standard deviation from running sums (never negative).",
    "—",
)
def spread(total: float, total_sq: float, n: int) -> float:
    """Population standard deviation from the sum and the sum of squares of ``n`` values."""
    if n <= 1:
        return 0.0
    mean = total / n
    var = total_sq / n - mean * mean
    if var <= 0.0:
        return 0.0
    return math.sqrt(var)


@rule(
    "R11",
    "Each formation phase can fail; heterogeneity and rivals raise the risk, cooperative "
    "posture and a funded facilitator lower it.",
    "§4.1–4.3, §4.8, §8.1, §8.2",
)
def phase_failure_probability(
    base_failure: float,
    heterogeneity_index: float,
    heterogeneity_weight: float,
    mean_posture: float,
    posture_weight: float,
    rival_share: float,
    rivalry_weight: float,
    facilitated: bool,
    facilitation_effect: float,
) -> float:
    """Monthly probability that a forming project fails in its current phase."""
    p = base_failure * (1.0 + heterogeneity_weight * heterogeneity_index)
    p *= 1.0 + rivalry_weight * rival_share
    p *= max(0.0, 1.0 - posture_weight * (mean_posture - 0.5))
    if facilitated:
        p *= 1.0 - facilitation_effect
    return min(1.0, max(0.0, p))


@rule(
    "R12",
    "A forming project advances one phase with probability 1/(mean phase duration), faster "
    "with a facilitator.",
    "§4.8, §8.2",
)
def phase_advance_probability(
    phase_months: float, facilitated: bool, facilitation_speedup: float
) -> float:
    """Monthly probability of completing the current phase."""
    p = 1.0 / phase_months
    if facilitated:
        p *= 1.0 + facilitation_speedup
    return min(1.0, p)


@rule(
    "R13",
    "One draw decides the month of a forming project: fail, advance, or stay.",
    "§8.2",
)
def phase_transition(u: float, failure: float, advance: float) -> int:
    """FAIL if u < failure; ADVANCE if u < failure + (1 - failure) * advance; else STAY."""
    if u < failure:
        return FAIL
    if u < failure + (1.0 - failure) * advance:
        return ADVANCE
    return STAY


@rule(
    "R14",
    "The shared base is the set of services needed by at least a quorum share of the core.",
    "§8.2 step 3, §8.1",
)
def service_in_scope(n_needing: int, n_members: int, quorum: float) -> bool:
    """Whether one service enters the project's scope."""
    return n_members > 0 and n_needing >= quorum * n_members


@rule(
    "R15",
    "Governance quality is set at formation: a base level raised by the pooling mode, the "
    "members' cooperative posture, a facilitator and a random part.",
    "§4.7, §4.8, §7",
)
def governance_quality(
    base: float,
    mode_bonus: float,
    mean_posture: float,
    facilitated: bool,
    facilitator_bonus: float,
    u: float,
    noise: float,
) -> float:
    """Governance quality in [0, 1]."""
    g = base + mode_bonus + 0.5 * (mean_posture - 0.5) + noise * (u - 0.5)
    if facilitated:
        g += facilitator_bonus
    return min(1.0, max(0.0, g))


@rule(
    "R44",
    "The rivalry inside a group is the share of its member pairs linked by a competition tie.",
    "§4.3, §9.2",
)
def rival_share(rival_ends: int, n_members: int) -> float:
    """Share in [0, 1]; ``rival_ends`` counts each competition tie inside the group from both
    ends (the sum over members of their rivals among the members)."""
    if n_members < 2:
        return 0.0
    return (rival_ends / 2.0) / (n_members * (n_members - 1) / 2.0)


@rule(
    "R46",
    "A project's collaboration intensity is the mean cooperative posture of its members.",
    "§4.6, §8.1",
)
def collaboration_intensity(sum_posture: float, n_members: int) -> float:
    """Collaboration in [0, 1] (0 for an empty project)."""
    return sum_posture / n_members if n_members > 0 else 0.0


@rule(
    "R47",
    "The financial plan is accepted when the members' utilities, summed, are not negative.",
    "§8.2 step 7",
)
def financial_plan_accepted(sum_utility: float) -> bool:
    """Whether a forming project may leave the financial-plan phase."""
    return sum_utility >= 0.0
