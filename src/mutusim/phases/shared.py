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
from mutusim.catalogue import (
    MODE_MATURITY_LEAN,
    MODE_SUITABILITY,
    N_SERVICES,
    SERVICE_VALUE,
    STATUS_FAILED,
    STATUS_RUNNING,
)
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
def enrol(s, i, p, ring, code):
    """EES ``i`` joins project ``p`` in circle ``ring`` (0: founding member), story event
    ``code`` (core, partner or join)."""
    af, ai = s.af, s.ai
    ai[AI.project, i] = p
    ai[AI.ring, i] = ring
    af[AF.commitment, i] = s.par[0].commitment_initial
    ai[AI.joined_at, i] = s.clock[0]
    af[AF.maturity_at_join, i] = af[AF.maturity, i]
    af[AF.covered_value_share, i] = covered_share(s, i, p)
    _add_member(s, p, i)
    log_event(s, i, code, p, float(ring))


@helper
def leave(s, i, code, value):
    """EES ``i`` leaves its project (event ``code`` with ``value``) and starts its re-entry
    cooldown."""
    ai = s.ai
    p = ai[AI.project, i]
    _remove_member(s, p, i)
    ai[AI.project, i] = -1
    ai[AI.ring, i] = -1
    ai[AI.exits, i] += 1
    ai[AI.cooldown_until, i] = s.clock[0] + 1 + int(s.par[0].behaviour_reentry_cooldown_months)
    log_event(s, i, code, p, value)


@helper
def release_all(s, p, code):
    """Every member of project ``p`` leaves (event ``code``), in joining order; returns how
    many."""
    n = s.pi[PI.n_members, p]
    for _ in range(n):
        i = s.members[p, 0]
        leave(s, i, code, s.af[AF.commitment, i])
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
def committed(s, k):
    """R59: what policy ``k``'s schedule has released of its allocation by this month."""
    q = s.pol[k]
    return rp.released_allocation(q.budget_eur, q.spending, q.start_month, q.end_month, s.clock[0])


@helper
def affordable(s, k, amount):
    """R37 for a payment of ``amount`` EUR by policy ``k``, within what its schedule has
    released (R59)."""
    return rp.affordable(
        amount,
        s.au[AU.spent_total],
        s.par[0].budget_eur,
        s.au_policy[PA.spent, k],
        committed(s, k),
    )


@helper
def pay(s, k, amount):
    """Pay ``amount`` EUR under policy ``k`` if affordable (R37, R59); say whether it was
    paid. A payment the allocation itself cannot cover marks it as run out."""
    if not affordable(s, k, amount):
        if s.au_policy[PA.spent, k] + amount > s.pol[k].budget_eur:
            s.au_policy[PA.ran_out, k] = 1.0
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
    flexible = pi[PI.flexible, p] == 1
    total = re.project_cost(
        n_after,
        mode.fixed_cost_eur_month,
        mode.per_member_cost_eur_month,
        par.projects_coordination_cost_eur_month,
        heterogeneity(s, p),
    )
    if flexible:
        total *= 1.0 + par.formation_tier_cost
    share = re.cost_share(total, n_after, af[AF.size, i], sum_size, par.projects_cost_equity)
    covered = covered_share(s, i, p) if joining else af[AF.covered_value_share, i]
    paid = share - pooled_subsidy(s, i, share, paying)
    standalone = af[AF.standalone_cost, i]
    fit = 1.0  # flexible tiers serve each member at its own depth (R56)
    if not flexible:
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


# ----------------------------------------------------------------------------- shared base
@helper
def _choose_mode(s, p):
    """R55 over the three modes (or the draw of ``projects.modes.*.share`` when the mode does
    not follow the scope)."""
    par, pi = s.par[0], s.pi
    if not par.mechanisms_mode_from_scope:
        cumulative = 0.0
        u = draw(s, p, rng.P_PROJECT_MODE)
        for m in range(len(s.modes)):
            cumulative += s.modes[m].share
            if u < cumulative:
                return m
        return len(s.modes) - 1
    n = pi[PI.n_members, p]
    maturity = 0.0
    for j in range(n):
        maturity += s.af[AF.maturity, s.members[p, j]]
    maturity_fit = maturity / n - 0.5 if n > 0 else 0.0
    weight = 0.0
    for k in range(N_SERVICES):
        if (pi[PI.scope, p] >> k) & 1:
            weight += SERVICE_VALUE[k]
    best, best_score = 0, -1e300
    for m in range(len(s.modes)):
        fit = 0.0
        for k in range(N_SERVICES):
            if (pi[PI.scope, p] >> k) & 1:
                fit += SERVICE_VALUE[k] * MODE_SUITABILITY[k, m]
        suitability = fit / (3.0 * weight) if weight > 0.0 else 0.0
        lean = maturity_fit * MODE_MATURITY_LEAN[m]
        score = rf.mode_score(
            suitability,
            lean,
            par.projects_mode_maturity_weight,
            draw(s, p, rng.P_PROJECT_MODE + rng.SUB * (m + 1)),
            par.projects_mode_noise,
        )
        if score > best_score:
            best, best_score = m, score
    return best


@helper
def settle_shared_base(s, p):
    """The shared base of project ``p`` (§8.2 step 3): its scope (R14) over the current
    members, each member's covered value share (R43), its mode (R55) and its governance
    (R15). Returns whether the scope holds any service."""
    par, pf, pi, members = s.par[0], s.pf, s.pi, s.members
    n = pi[PI.n_members, p]
    scope = 0
    for k in range(N_SERVICES):
        needing = 0
        for m in range(n):
            needing += (s.ai[AI.perimeter, members[p, m]] >> k) & 1
        if rf.service_in_scope(needing, n, par.formation_scope_quorum):
            scope |= 1 << k
    pi[PI.scope, p] = scope
    for m in range(n):
        i = members[p, m]
        s.af[AF.covered_value_share, i] = covered_share(s, i, p)
    mode = _choose_mode(s, p)
    pi[PI.mode, p] = mode
    pf[PF.governance, p] = rf.governance_quality(
        par.projects_governance_base,
        s.modes[mode].governance_bonus,
        collaboration(s, p),
        pi[PI.facilitated, p] == 1,
        par.projects_facilitator_governance_bonus,
        draw(s, p, rng.P_PROJECT_GOVERNANCE),
        par.projects_governance_noise,
    )
    return scope != 0


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
