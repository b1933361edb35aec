"""Phase 2 — demand (R01–R03): every EES, members included, decides from its own state whether
it considers pooling this month (need is not demand, §4.2); with ``mechanisms.demand`` off,
every EES does."""

from __future__ import annotations

from numba import njit

from mutusim.catalogue import N_SERVICES
from mutusim.contract.fields import AF, AI
from mutusim.rules import demand as rd


@njit(cache=True)
def assess_demand(s):
    """Phase 2 over every EES."""
    p = s.par[0]
    af, ai = s.af, s.ai
    for i in range(af.shape[1]):
        if not p.mechanisms_demand:
            ai[AI.seeking, i] = 1
            continue
        gap = rd.need_gap(
            ai[AI.n_needed, i],
            N_SERVICES,
            af[AF.maturity, i],
            af[AF.admin_pressure, i],
            p.behaviour_admin_weight,
        )
        capacity = rd.individual_capacity(
            af[AF.financial_tension, i], af[AF.maturity, i], af[AF.individual_support, i]
        )
        ai[AI.seeking, i] = rd.seeks_pooling(
            ai[AI.convinced, i] == 1, gap, capacity, p.behaviour_autonomy_preference
        )
