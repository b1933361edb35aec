"""Phase 1 — policies (R35–R42, R51, R52): the authority applies its active policies, in the
scenario's order. Awareness campaigns reach eligible EES at random and convince some leaders;
training raises maturity; standardisation raises the level; individual grants raise what an
EES can do alone; facilitator policies pay their facilitators' month (unpaid, they stop: the
projects they accompany lose them). EES are visited in ascending index and each payment is
made only if it fits the budgets (R37), so the order decides who is served when money runs
out. Pooled subsidies, pioneer rewards and the facilitators' work act in later phases.
"""

from __future__ import annotations

from numba import njit

from mutusim import rng
from mutusim.catalogue import DT, STATUS_FORMING
from mutusim.contract.fields import AF, AI, AU, EV, PA, PI, C
from mutusim.contract.policy_layout import K
from mutusim.phases.shared import active, draw, pay, release_facilitator
from mutusim.phases.state import helper, log_event
from mutusim.rules import demand as rd
from mutusim.rules import policies as rp


@helper
def _campaign(s, k):
    """An awareness campaign's month: each eligible EES is reached with probability R51 (its
    contacts over the eligible); each contact is paid, and converts an unconvinced leader with
    probability R52 (lower after earlier contacts)."""
    q, ai, elig = s.pol[k], s.ai, s.elig
    n = ai.shape[1]
    eligible = 0
    for i in range(n):
        eligible += elig[k, i]
    reach = rd.contact_probability(q.awareness_contacts_per_month, eligible)
    for i in range(n):
        if not elig[k, i] or draw(s, i, rng.P_AWARENESS + rng.SUB * k) >= reach:
            continue
        if not pay(s, k, q.awareness_cost_eur_per_contact):
            return
        s.cnt[C.awareness_contacts] += 1.0
        earlier = ai[AI.times_reached, i]
        ai[AI.times_reached, i] = earlier + 1
        converted = 0.0
        if ai[AI.convinced, i] == 0:
            convert = rd.conversion_probability(
                q.awareness_conversion_probability, q.awareness_repeat_effect, earlier
            )
            if draw(s, i, rng.P_AWARENESS_CONVERT + rng.SUB * k) < convert:
                ai[AI.convinced, i] = 1
                s.cnt[C.conversions] += 1.0
                converted = 1.0
        log_event(s, i, EV.reached, -1, converted)


@helper
def _withdraw_facilitators(s, k):
    """Policy ``k``'s facilitators stop: the forming projects they accompany lose them."""
    pi = s.pi
    for p in range(s.n_projects[0]):
        if pi[PI.status, p] == STATUS_FORMING and pi[PI.facilitator_policy, p] == k:
            release_facilitator(s, p)
            pi[PI.facilitated, p] = 0


@helper
def _pay_facilitators(s, k):
    """A facilitator policy pays its facilitators' month; unpaid, they stop."""
    q = s.pol[k]
    salaries = q.facilitator_facilitators * q.facilitator_cost_eur_per_facilitator_month
    if pay(s, k, salaries):
        s.au_policy[PA.paid, k] = 1.0
    else:
        _withdraw_facilitators(s, k)


@njit(cache=True)
def apply_policies(s):
    """Phase 1 over every policy of the scenario."""
    af, ai, elig = s.af, s.ai, s.elig
    n = af.shape[1]
    for k in range(len(s.pol)):
        s.au_policy[PA.paid, k] = 0.0
        if not active(s, k):
            if s.pol[k].kind == K.facilitator:
                _withdraw_facilitators(s, k)
            continue
        q = s.pol[k]
        if q.kind == K.awareness:
            _campaign(s, k)
        elif q.kind == K.facilitator:
            _pay_facilitators(s, k)
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
