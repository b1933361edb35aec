"""Phase 1 — policies (R35–R42): the authority applies its active policies, in the scenario's
order. Awareness converts leaders, training raises maturity, standardisation raises the level,
individual grants raise what an EES can do alone. Awareness and standardisation pay their
monthly cost first and act only if it was paid; training and grants visit the EES in ascending
index and serve each one only if its payment fits (R37), so the order decides who is served
when money runs out. Pooled subsidies, facilitators and pioneer rewards act in later phases.
"""

from __future__ import annotations

from numba import njit

from mutusim import rng
from mutusim.catalogue import DT
from mutusim.contract.fields import AF, AI, AU, EV
from mutusim.contract.policy_layout import K
from mutusim.phases.shared import active, draw, pay
from mutusim.phases.state import log_event
from mutusim.rules import policies as rp


@njit(cache=True)
def apply_policies(s):
    """Phase 1 over every policy of the scenario."""
    af, ai, elig = s.af, s.ai, s.elig
    n = af.shape[1]
    for k in range(len(s.pol)):
        if not active(s, k):
            continue
        q = s.pol[k]
        if q.kind == K.awareness:
            if not pay(s, k, q.awareness_cost_eur_per_month):
                continue
            for i in range(n):
                if elig[k, i] and ai[AI.convinced, i] == 0:
                    u = draw(s, i, rng.P_AWARENESS + rng.SUB * k)
                    if rp.monthly_event(u, q.awareness_conversion_rate, DT):
                        ai[AI.convinced, i] = 1
                        log_event(s, i, EV.convinced, -1, 0.0)
        elif q.kind == K.training:
            cost = q.training_cost_eur_per_trainee
            for i in range(n):
                if not elig[k, i]:
                    continue
                u = draw(s, i, rng.P_TRAINING + rng.SUB * k)
                if rp.monthly_event(u, q.training_participation_rate, DT) and pay(s, k, cost):
                    af[AF.maturity, i] = rp.trained_maturity(
                        af[AF.maturity, i], q.training_maturity_gain
                    )
                    af[AF.policy_support_eur, i] += cost
                    log_event(s, i, EV.trained, -1, cost)
        elif q.kind == K.standardisation:
            if pay(s, k, q.standardisation_cost_eur_per_month):
                s.au[AU.standardisation] = rp.standardisation_update(
                    s.au[AU.standardisation], q.standardisation_rate
                )
        elif q.kind == K.individual_subsidy:
            grant = q.individual_subsidy_grant_eur
            for i in range(n):
                if not elig[k, i] or ai[AI.project, i] >= 0 or ai[AI.n_needed, i] == 0:
                    continue
                u = draw(s, i, rng.P_INDIVIDUAL_GRANT + rng.SUB * k)
                if rp.monthly_event(u, q.individual_subsidy_uptake_rate, DT) and pay(s, k, grant):
                    af[AF.individual_support, i] = rp.supported_capacity(
                        af[AF.individual_support, i], q.individual_subsidy_capacity_boost
                    )
                    af[AF.policy_support_eur, i] += grant
                    log_event(s, i, EV.individual_grant, -1, grant)
