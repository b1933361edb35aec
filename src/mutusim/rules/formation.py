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
    "Each formation phase can fail; its own cause, heterogeneity and rivals raise the risk, "
    "cooperative posture and a funded facilitator lower it, with weights of that phase.",
    "§4.1–4.3, §4.8, §8.1, §8.2",
)
def phase_failure_probability(
    base_failure: float,
    cause_factor: float,
    heterogeneity_index: float,
    heterogeneity_weight: float,
    mean_posture: float,
    posture_weight: float,
    rival_share: float,
    rivalry_weight: float,
    facilitated: bool,
    facilitation_effect: float,
) -> float:
    """Monthly probability that a forming project fails in its current phase;
    ``cause_factor`` is the phase's own cause (R53, R54; 1 for the others)."""
    p = base_failure * cause_factor * (1.0 + heterogeneity_weight * heterogeneity_index)
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


@rule(
    "R53",
    "The needs inventory fails more often when the group's needs are incoherent: few of the "
    "services any member needs are needed by a quorum of it.",
    "§4.1, §8.2 step 1",
)
def needs_factor(shared_services: int, any_services: int, weight: float) -> float:
    """Multiplier (>= 1) of the phase's failure hazard; coherence = shared / any (1 for a group
    without needs: nothing to reconcile)."""
    if any_services <= 0:
        return 1.0
    return 1.0 + weight * (1.0 - shared_services / any_services)


@rule(
    "R54",
    "The market evaluation fails more often when the pooled option is expected to cost the "
    "members more than it brings.",
    "§8.2 step 4",
)
def market_factor(mean_expected_utility: float, weight: float) -> float:
    """Multiplier (>= 1) of the phase's failure hazard."""
    return 1.0 + weight * max(0.0, -mean_expected_utility)


@rule(
    "R55",
    "The pooling mode follows the scope: the value added of each scope service in each mode "
    "(§7 table), shifted toward co-ownership for mature groups and shared personnel for the "
    "least mature, plus a random part.",
    "§7, §4.2",
)
def mode_score(
    suitability: float, maturity_fit: float, maturity_weight: float, u: float, noise: float
) -> float:
    """Score of one mode; ``suitability`` in [0, 1] = value-weighted mean fit of the scope's
    services to the mode; ``maturity_fit`` in [-0.5, 0.5]."""
    return suitability + maturity_weight * maturity_fit + noise * (u - 0.5)


@rule(
    "R56",
    "The group chooses flexible tiers of depth when they serve its members better than a "
    "common denominator, despite their extra cost.",
    "§8.2 step 5, §4.1",
)
def tiers_chosen(utility_tiers: float, utility_common: float) -> bool:
    """Whether the project offers flexible tiers (summed utilities of both options)."""
    return utility_tiers > utility_common


@rule(
    "R57",
    "A member accepts the financial plan when its own expected utility is not negative; the "
    "others leave before launch.",
    "§8.2 step 7, §4.5",
)
def accepts_plan(expected_utility: float) -> bool:
    """Whether one member signs the plan."""
    return expected_utility >= 0.0
