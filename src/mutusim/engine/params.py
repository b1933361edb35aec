"""The scenario's scalar parameters as one float vector, read by the compiled engine.

``Par`` names each position (numba reads ``IntEnum`` members as constants); ``GETTERS`` says
where each value comes from in a ``ScenarioConfig``. Booleans become 0/1. One row per run lets
a single call run many parameter points. Mode parameters are laid out per mode:
``MODE_BASE + MODE_STRIDE * mode + (0 share, 1 fixed cost, 2 per-member cost, 3 governance)``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

import numpy as np

from mutusim.catalogue import MODES
from mutusim.config.schema import ScenarioConfig


class Par(enum.IntEnum):
    """Positions in the parameter vector."""

    HORIZON = 0
    MECH_DEMAND = enum.auto()
    MECH_PIONEERS = enum.auto()
    MECH_FORMATION = enum.auto()
    MECH_GROWTH = enum.auto()
    MECH_UTILITY = enum.auto()
    MECH_COMPETITION = enum.auto()
    MECH_DECAY = enum.auto()
    MECH_DISSOLUTION = enum.auto()
    MECH_MATURITY = enum.auto()
    AUTONOMY = enum.auto()
    ADMIN_WEIGHT = enum.auto()
    PIONEER_RATE = enum.auto()
    CORE_MIN = enum.auto()
    CORE_MAX = enum.auto()
    MIN_PARTNER_SCORE = enum.auto()
    RIVALRY_AVERSION = enum.auto()
    SIZE_SCALE = enum.auto()
    MATURITY_SCALE = enum.auto()
    INNOVATION = enum.auto()
    IMITATION = enum.auto()
    WELL_MIXED = enum.auto()
    TEMPERATURE = enum.auto()
    RIVALRY_WEIGHT = enum.auto()
    COOLDOWN = enum.auto()
    PHASE_MONTHS = enum.auto()
    BASE_FAILURE = enum.auto()
    F_HET_WEIGHT = enum.auto()
    F_POSTURE_WEIGHT = enum.auto()
    F_RIVALRY_WEIGHT = enum.auto()
    SCOPE_QUORUM = enum.auto()
    FAC_EFFECT = enum.auto()
    FAC_SPEEDUP = enum.auto()
    MAX_MEMBERS = enum.auto()
    MIN_MEMBERS = enum.auto()
    MAX_PROJECTS = enum.auto()
    SERVICE_COST = enum.auto()
    COORDINATION_COST = enum.auto()
    COST_EQUITY = enum.auto()
    BARGAINING = enum.auto()
    MISMATCH_WEIGHT = enum.auto()
    QUALITY_GAIN = enum.auto()
    VALUE_FLOOR = enum.auto()
    VALUE_TC = enum.auto()
    GOV_BASE = enum.auto()
    GOV_NOISE = enum.auto()
    GOV_FAC_BONUS = enum.auto()
    C_INITIAL = enum.auto()
    EROSION = enum.auto()
    EXIT_THRESHOLD = enum.auto()
    RESTORATION = enum.auto()
    W_GOVERNANCE = enum.auto()
    W_COLLABORATION = enum.auto()
    W_EQUITY = enum.auto()
    W_FACILITATION = enum.auto()
    RISK_SHARING = enum.auto()
    P_MANAGEMENT = enum.auto()
    L_MANAGEMENT = enum.auto()
    P_REORIENTATION = enum.auto()
    L_REORIENTATION = enum.auto()
    P_POLITICAL = enum.auto()
    L_POLITICAL = enum.auto()
    P_COST = enum.auto()
    L_COST = enum.auto()
    MATURITY_RATE = enum.auto()
    BUDGET = enum.auto()
    MODE_BASE = enum.auto()


MODE_STRIDE = 4
N_PARAMETERS = Par.MODE_BASE + MODE_STRIDE * len(MODES)

Getter = Callable[[ScenarioConfig], float]
GETTERS: dict[Par, Getter] = {
    Par.HORIZON: lambda c: c.horizon_months,
    Par.MECH_DEMAND: lambda c: c.mechanisms.demand,
    Par.MECH_PIONEERS: lambda c: c.mechanisms.pioneers,
    Par.MECH_FORMATION: lambda c: c.mechanisms.formation_phases,
    Par.MECH_GROWTH: lambda c: c.mechanisms.growth,
    Par.MECH_UTILITY: lambda c: c.mechanisms.utility,
    Par.MECH_COMPETITION: lambda c: c.mechanisms.competition,
    Par.MECH_DECAY: lambda c: c.mechanisms.commitment_decay,
    Par.MECH_DISSOLUTION: lambda c: c.mechanisms.dissolution,
    Par.MECH_MATURITY: lambda c: c.mechanisms.maturity_growth,
    Par.AUTONOMY: lambda c: c.behaviour.autonomy_preference,
    Par.ADMIN_WEIGHT: lambda c: c.behaviour.admin_weight,
    Par.PIONEER_RATE: lambda c: c.behaviour.pioneer_rate,
    Par.CORE_MIN: lambda c: c.behaviour.core_min_partners,
    Par.CORE_MAX: lambda c: c.behaviour.core_max_partners,
    Par.MIN_PARTNER_SCORE: lambda c: c.behaviour.min_partner_score,
    Par.RIVALRY_AVERSION: lambda c: c.behaviour.rivalry_aversion,
    Par.SIZE_SCALE: lambda c: c.behaviour.size_similarity_scale,
    Par.MATURITY_SCALE: lambda c: c.behaviour.maturity_similarity_scale,
    Par.INNOVATION: lambda c: c.behaviour.innovation,
    Par.IMITATION: lambda c: c.behaviour.imitation,
    Par.WELL_MIXED: lambda c: c.behaviour.influence == "well_mixed",
    Par.TEMPERATURE: lambda c: c.behaviour.utility_temperature,
    Par.RIVALRY_WEIGHT: lambda c: c.behaviour.rivalry_weight,
    Par.COOLDOWN: lambda c: c.behaviour.reentry_cooldown_months,
    Par.PHASE_MONTHS: lambda c: c.formation.phase_months,
    Par.BASE_FAILURE: lambda c: c.formation.base_failure,
    Par.F_HET_WEIGHT: lambda c: c.formation.heterogeneity_weight,
    Par.F_POSTURE_WEIGHT: lambda c: c.formation.posture_weight,
    Par.F_RIVALRY_WEIGHT: lambda c: c.formation.rivalry_weight,
    Par.SCOPE_QUORUM: lambda c: c.formation.scope_quorum,
    Par.FAC_EFFECT: lambda c: c.formation.facilitation_effect,
    Par.FAC_SPEEDUP: lambda c: c.formation.facilitation_speedup,
    Par.MAX_MEMBERS: lambda c: c.projects.max_members,
    Par.MIN_MEMBERS: lambda c: c.projects.min_members,
    Par.MAX_PROJECTS: lambda c: c.projects.max_projects,
    Par.SERVICE_COST: lambda c: c.projects.service_cost_eur_month,
    Par.COORDINATION_COST: lambda c: c.projects.coordination_cost_eur_month,
    Par.COST_EQUITY: lambda c: c.projects.cost_equity,
    Par.BARGAINING: lambda c: c.projects.bargaining_strength,
    Par.MISMATCH_WEIGHT: lambda c: c.projects.depth_mismatch_weight,
    Par.QUALITY_GAIN: lambda c: c.projects.quality_gain,
    Par.VALUE_FLOOR: lambda c: c.projects.value_floor,
    Par.VALUE_TC: lambda c: c.projects.value_time_constant,
    Par.GOV_BASE: lambda c: c.projects.governance_base,
    Par.GOV_NOISE: lambda c: c.projects.governance_noise,
    Par.GOV_FAC_BONUS: lambda c: c.projects.facilitator_governance_bonus,
    Par.C_INITIAL: lambda c: c.commitment.initial,
    Par.EROSION: lambda c: c.commitment.erosion,
    Par.EXIT_THRESHOLD: lambda c: c.commitment.exit_threshold,
    Par.RESTORATION: lambda c: c.commitment.restoration,
    Par.W_GOVERNANCE: lambda c: c.commitment.w_governance,
    Par.W_COLLABORATION: lambda c: c.commitment.w_collaboration,
    Par.W_EQUITY: lambda c: c.commitment.w_equity,
    Par.W_FACILITATION: lambda c: c.commitment.w_facilitation,
    Par.RISK_SHARING: lambda c: c.commitment.risk_sharing,
    Par.P_MANAGEMENT: lambda c: c.commitment.management.probability,
    Par.L_MANAGEMENT: lambda c: c.commitment.management.loss,
    Par.P_REORIENTATION: lambda c: c.commitment.reorientation.probability,
    Par.L_REORIENTATION: lambda c: c.commitment.reorientation.loss,
    Par.P_POLITICAL: lambda c: c.commitment.political.probability,
    Par.L_POLITICAL: lambda c: c.commitment.political.loss,
    Par.P_COST: lambda c: c.commitment.cost_overrun.probability,
    Par.L_COST: lambda c: c.commitment.cost_overrun.loss,
    Par.MATURITY_RATE: lambda c: c.benefits.maturity_gain_rate,
    Par.BUDGET: lambda c: c.budget_eur,
}
MODE_FIELDS = ("share", "fixed_cost_eur_month", "per_member_cost_eur_month", "governance_bonus")


def parameter_vector(config: ScenarioConfig) -> np.ndarray:
    """The scalar parameters of ``config``, positioned by ``Par``."""
    vec = np.zeros(N_PARAMETERS)
    for position, get in GETTERS.items():
        vec[position] = float(get(config))
    for m, mode in enumerate(MODES):
        spec = config.projects.modes[mode]
        for f, field in enumerate(MODE_FIELDS):
            vec[Par.MODE_BASE + MODE_STRIDE * m + f] = getattr(spec, field)
    return vec


assert set(GETTERS) == set(Par) - {Par.MODE_BASE}, "every parameter needs a getter"
