"""What several phases share: draws and visiting order, membership bookkeeping, the
authority's accounts, and the valuation of a membership (the one place where rules combine).

- Draws: ``draw(s, who, purpose)`` is the counter-based uniform of (seed, run, this month, who,
  purpose); ``priority_order`` sorts EES by their priority draw (conflicts, ODD §3.2).
- Membership: ``enrol`` / ``leave`` / ``release_all`` keep the project's member list and
  running sums (size, log size, maturity at joining, depth, posture) in join/exit order.
- Accounts: every payment goes through ``pay``, which applies R37 (never overspent).
- Valuation: ``utility`` combines R16–R22 and R41–R43 for one EES and one project;
  ``heterogeneity``, ``collaboration``, ``rival_count`` and ``rival_share`` read a project's
  members for R09, R44 and R46.

Helpers that allocate nothing are compiled with ``state.helper`` (no reference counting), so
passing them the whole state costs nothing.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from mutusim import rng
from mutusim.catalogue import SERVICE_VALUE, STATUS_FAILED, STATUS_RUNNING
from mutusim.contract.fields import AF, AI, AU, EV, PA, PF, PI, C
from mutusim.contract.policy_layout import K
from mutusim.phases.state import helper, log_event
from mutusim.rules import economics as re
from mutusim.rules import formation as rf
from mutusim.rules import policies as rp


# ----------------------------------------------------------------------------- draws and order
@helper
def draw(s, who, purpose):
    """The uniform draw (seed, run, this month, ``who``, ``purpose``)."""
    return rng.uniform_from_key(s.key[0], who, purpose)


@njit(cache=True)
def priority_order(s, agents):
    """Positions of ``agents`` (in ascending index) sorted by their priority draw of the month;
    the stable sort breaks ties by index."""
    priority = np.empty(len(agents))
    for k in range(len(agents)):
        priority[k] = draw(s, agents[k], rng.P_PRIORITY)
    return np.argsort(priority, kind="mergesort")


@helper
def free(s, i):
    """Outside any project and past its re-entry cooldown."""
    return s.ai[AI.project, i] < 0 and s.clock[0] >= s.ai[AI.cooldown_until, i]


# ----------------------------------------------------------------------------- membership
@helper
def _add_member(s, p, i):
    af, pf, pi = s.af, s.pf, s.pi
    n = pi[PI.n_members, p]
    s.members[p, n] = i
    pi[PI.n_members, p] = n + 1
    pf[PF.sum_size, p] += af[AF.size, i]
    pf[PF.sum_log10_size, p] += af[AF.log10_size, i]
    pf[PF.sum_log10_size_sq, p] += af[AF.log10_size, i] * af[AF.log10_size, i]
    pf[PF.sum_maturity, p] += af[AF.maturity_at_join, i]
    pf[PF.sum_maturity_sq, p] += af[AF.maturity_at_join, i] * af[AF.maturity_at_join, i]
    pf[PF.sum_depth, p] += af[AF.depth, i]
    pf[PF.sum_depth_sq, p] += af[AF.depth, i] * af[AF.depth, i]
    pf[PF.sum_posture, p] += af[AF.cooperative_posture, i]
    pi[PI.max_members_reached, p] = max(pi[PI.max_members_reached, p], n + 1)


@helper
def _remove_member(s, p, i):
    af, pf, pi, members = s.af, s.pf, s.pi, s.members
    n = pi[PI.n_members, p]
    k = 0
    while members[p, k] != i:
        k += 1
    for j in range(k, n - 1):  # keep the order of the others
        members[p, j] = members[p, j + 1]
    pi[PI.n_members, p] = n - 1
    pf[PF.sum_size, p] -= af[AF.size, i]
    pf[PF.sum_log10_size, p] -= af[AF.log10_size, i]
    pf[PF.sum_log10_size_sq, p] -= af[AF.log10_size, i] * af[AF.log10_size, i]
    pf[PF.sum_maturity, p] -= af[AF.maturity_at_join, i]
    pf[PF.sum_maturity_sq, p] -= af[AF.maturity_at_join, i] * af[AF.maturity_at_join, i]
    pf[PF.sum_depth, p] -= af[AF.depth, i]
    pf[PF.sum_depth_sq, p] -= af[AF.depth, i] * af[AF.depth, i]
    pf[PF.sum_posture, p] -= af[AF.cooperative_posture, i]


@helper
def covered_share(s, i, p):
    """R43 for EES ``i`` and project ``p``'s scope."""
    return re.covered_value_share(
        s.pi[PI.scope, p], s.ai[AI.perimeter, i], s.ai[AI.n_needed, i], SERVICE_VALUE
    )


@helper
def enrol(s, i, p, ring):
    """EES ``i`` joins project ``p`` in circle ``ring`` (0: pioneer core)."""
    af, ai = s.af, s.ai
    ai[AI.project, i] = p
    ai[AI.ring, i] = ring
    af[AF.commitment, i] = s.par[0].commitment_initial
    ai[AI.joined_at, i] = s.clock[0]
    af[AF.maturity_at_join, i] = af[AF.maturity, i]
    af[AF.covered_value_share, i] = covered_share(s, i, p)
    _add_member(s, p, i)
    log_event(s, i, EV.join if ring > 0 else EV.core, p, float(ring))


@helper
def leave(s, i, code):
    """EES ``i`` leaves its project (event ``code``) and starts its re-entry cooldown."""
    ai = s.ai
    p = ai[AI.project, i]
    _remove_member(s, p, i)
    ai[AI.project, i] = -1
    ai[AI.ring, i] = -1
    ai[AI.exits, i] += 1
    ai[AI.cooldown_until, i] = s.clock[0] + 1 + int(s.par[0].behaviour_reentry_cooldown_months)
    log_event(s, i, code, p, s.af[AF.commitment, i])


@helper
def release_all(s, p, code):
    """Every member of project ``p`` leaves (event ``code``), in joining order; returns how
    many."""
    n = s.pi[PI.n_members, p]
    for _ in range(n):
        leave(s, s.members[p, 0], code)
    return n


# ----------------------------------------------------------------------------- project state
@helper
def heterogeneity(s, p):
    """R09 over the current members of ``p`` (maturity taken at joining)."""
    pf = s.pf
    n = s.pi[PI.n_members, p]
    return rf.heterogeneity(
        rf.spread(pf[PF.sum_log10_size, p], pf[PF.sum_log10_size_sq, p], n),
        rf.spread(pf[PF.sum_maturity, p], pf[PF.sum_maturity_sq, p], n),
        rf.spread(pf[PF.sum_depth, p], pf[PF.sum_depth_sq, p], n),
        s.au[AU.standardisation],
    )


@helper
def collaboration(s, p):
    """R46: the collaboration intensity of project ``p``."""
    return rf.collaboration_intensity(s.pf[PF.sum_posture, p], s.pi[PI.n_members, p])


@helper
def is_rival(s, i, j):
    """Whether ``i`` and ``j`` are competitors (a competition tie)."""
    for k in range(s.rival_ptr[i], s.rival_ptr[i + 1]):
        if s.rival_idx[k] == j:
            return True
    return False


@helper
def rival_count(s, i, p):
    """Competition ties of ``i`` that are members of ``p`` (0 when competition is off)."""
    if not s.par[0].mechanisms_competition:
        return 0
    count = 0
    for k in range(s.rival_ptr[i], s.rival_ptr[i + 1]):
        if s.ai[AI.project, s.rival_idx[k]] == p:
            count += 1
    return count


@helper
def rival_share(s, p):
    """R44 over the members of ``p``."""
    n = s.pi[PI.n_members, p]
    ends = 0
    for m in range(n):
        ends += rival_count(s, s.members[p, m], p)
    return rf.rival_share(ends, n)


# ----------------------------------------------------------------------------- accounts
@helper
def active(s, k):
    """R35 for policy ``k`` this month."""
    return rp.policy_active(s.clock[0], s.pol[k].start_month, s.pol[k].end_month)


@helper
def affordable(s, k, amount):
    """R37 for a payment of ``amount`` EUR by policy ``k``."""
    return rp.affordable(
        amount,
        s.au[AU.spent_total],
        s.par[0].budget_eur,
        s.au_policy[PA.spent, k],
        s.pol[k].budget_eur,
    )


@helper
def pay(s, k, amount):
    """Pay ``amount`` EUR under policy ``k`` if affordable (R37); say whether it was paid."""
    if not affordable(s, k, amount):
        return False
    s.au[AU.spent_total] += amount
    s.au_policy[PA.spent, k] += amount
    s.au[AU.spent_month] += amount
    s.au_kind[s.pol[k].kind] += amount
    return True


@helper
def pooled_subsidy(s, i, share, paying):
    """R41 stacked over the active pooled subsidies EES ``i`` is eligible to, on its cost
    ``share``: paid now (``paying``, budgets permitting) or as expected."""
    total = 0.0
    for k in range(len(s.pol)):
        q = s.pol[k]
        if q.kind != K.pooled_subsidy or not active(s, k) or not s.elig[k, i]:
            continue
        amount = rp.subsidy_amount(
            share - total, q.pooled_subsidy_rate, q.pooled_subsidy_cap_eur_per_member_month
        )
        if amount <= 0.0:
            continue
        if paying:
            if pay(s, k, amount):
                total += amount
                s.af[AF.policy_support_eur, i] += amount
        elif affordable(s, k, amount):
            total += amount
    return total


@helper
def release_facilitator(s, p):
    """Free project ``p``'s facilitator slot (its method and follow-up stay with it)."""
    k = s.pi[PI.facilitator_policy, p]
    if k >= 0:
        s.au_policy[PA.facilitator_load, k] -= 1.0
        s.pi[PI.facilitator_policy, p] = -1


# ----------------------------------------------------------------------------- valuation
@helper
def utility(s, i, p, joining, paying):
    """R16–R22 with R41–R43: net utility of EES ``i``'s membership of ``p`` (``joining``: as
    its next member). With ``paying`` the pooled subsidies are paid now and the saving (R23)
    is added to the month's counter; otherwise the subsidy it would expect is used."""
    par, af, pf, pi = s.par[0], s.af, s.pf, s.pi
    n_after = pi[PI.n_members, p] + 1 if joining else pi[PI.n_members, p]
    sum_size = pf[PF.sum_size, p] + af[AF.size, i] if joining else pf[PF.sum_size, p]
    mode = s.modes[pi[PI.mode, p]]
    total = re.project_cost(
        n_after,
        mode.fixed_cost_eur_month,
        mode.per_member_cost_eur_month,
        par.projects_coordination_cost_eur_month,
        heterogeneity(s, p),
    )
    share = re.cost_share(total, n_after, af[AF.size, i], sum_size, par.projects_cost_equity)
    covered = covered_share(s, i, p) if joining else af[AF.covered_value_share, i]
    paid = share - pooled_subsidy(s, i, share, paying)
    standalone = af[AF.standalone_cost, i]
    fit = re.depth_fit(
        af[AF.depth, i],
        pf[PF.depth_offered, p],
        par.projects_depth_mismatch_weight,
        s.au[AU.standardisation],
    )
    benefit = re.membership_benefit(
        standalone,
        covered,
        par.projects_quality_gain,
        fit,
        re.bargaining_power(n_after, par.projects_bargaining_strength),
        pf[PF.demonstrated_value, p],
        par.projects_value_floor,
    )
    if paying:
        s.cnt[C.savings_eur] += re.monthly_saving(standalone, covered, paid)
    return re.net_utility(
        benefit, paid, standalone, rival_count(s, i, p), par.behaviour_rivalry_weight
    )


# ----------------------------------------------------------------------------- project events
@helper
def reward_pioneer(s, p):
    """Pay the active pioneer rewards to the leader of project ``p`` (§8.4)."""
    leader = s.pi[PI.leader, p]
    for k in range(len(s.pol)):
        q = s.pol[k]
        if q.kind != K.pioneer_reward or not active(s, k):
            continue
        amount = q.pioneer_reward_reward_eur
        if s.elig[k, leader] and pay(s, k, amount):
            s.af[AF.policy_support_eur, leader] += amount
            log_event(s, leader, EV.pioneer_reward, p, amount)


@helper
def start_running(s, p):
    """Project ``p`` leaves formation and runs: its facilitator slot is freed (it stays
    ``facilitated``) and the pioneer rewards are paid."""
    s.pi[PI.status, p] = STATUS_RUNNING
    s.pi[PI.phase, p] = rf.PHASE_RUNNING
    s.pi[PI.running_since, p] = s.clock[0]
    release_facilitator(s, p)
    reward_pioneer(s, p)


@helper
def fail_formation(s, p):
    """Project ``p`` fails a formation phase: it releases its facilitator and members."""
    s.pi[PI.status, p] = STATUS_FAILED
    s.pi[PI.ended_at, p] = s.clock[0]
    release_facilitator(s, p)
    release_all(s, p, EV.formation_failed)
    s.cnt[C.formations_failed] += 1.0
