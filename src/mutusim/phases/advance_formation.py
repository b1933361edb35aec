"""Phase 4 — formation (R09–R15, R44, R47, R53–R57): forming projects pass the §8.2 phases.

Forming projects, in ascending index. Each month one draw decides whether the project fails,
advances or stays in its phase (R13), with the phase's own duration (R12) and hazard (R11:
its base, its own cause, heterogeneity, posture and rivals with the phase's weights, the share
a facilitator removes). With ``mechanisms.phase_content`` the phases also do what §8.2 says:

1. needs inventory — incoherent needs raise the hazard (R53);
2. standardisation check — no content of its own: its duration, hazard and weights are its
   own (standardisation lowers the depth part of heterogeneity, R09, in every phase);
3. shared base — leaving it sets the scope (R14; empty: the project fails), each member's
   covered value (R43), the mode (R55) and the governance (R15);
4. market evaluation — an expected loss raises the hazard (R54);
5. choices — leaving it sets the depth offered (the members' mean) and chooses flexible tiers
   when they serve the members better (R56);
6. partner search — each month, members invite free ties with latent demand until the group
   reaches ``formation.partner_target`` (R05–R08 against the group's profile);
7. financial plan — leaving it, each member accepts the plan or leaves (R57); a group below
   the minimum size fails, else the project runs.

Without phase content the phases only differ by their parameters, leaving phase 3 needs a
non-empty scope and leaving phase 7 needs the summed utility not negative (R47).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from mutusim import rng
from mutusim.catalogue import N_SERVICES, STATUS_FORMING
from mutusim.contract.fields import AF, AI, EV, PF, PI, C
from mutusim.phases.initiate_projects import invite, recruitable
from mutusim.phases.shared import (
    collaboration,
    draw,
    enrol,
    fail_formation,
    heterogeneity,
    is_rival,
    leave,
    rival_share,
    settle_shared_base,
    start_running,
    utility,
)
from mutusim.phases.state import helper
from mutusim.rules import formation as rf
from mutusim.rules import initiation as ri


@helper
def _summed_utility(s, p):
    """The members' summed utility of ``p`` (expected subsidies)."""
    total = 0.0
    for m in range(s.pi[PI.n_members, p]):
        total += utility(s, s.members[p, m], p, False, False)
    return total


@helper
def _cause(s, p, phase):
    """The phase's own cause of failure (R53 in the needs inventory, R54 in the market
    evaluation; 1 elsewhere or without phase content)."""
    par, pi, members = s.par[0], s.pi, s.members
    if not par.mechanisms_phase_content:
        return 1.0
    n = pi[PI.n_members, p]
    if phase == rf.PHASE_NEEDS:
        shared = 0
        anyone = 0
        for k in range(N_SERVICES):
            needing = 0
            for m in range(n):
                needing += (s.ai[AI.perimeter, members[p, m]] >> k) & 1
            anyone += needing > 0
            shared += rf.service_in_scope(needing, n, par.formation_scope_quorum)
        return rf.needs_factor(shared, anyone, par.formation_coherence_weight)
    if phase == rf.PHASE_MARKET and n > 0:
        return rf.market_factor(_summed_utility(s, p) / n, par.formation_market_weight)
    return 1.0


@helper
def _choose_tiers(s, p):
    """§8.2 step 5: the depth offered is the members' mean, and flexible tiers are chosen
    when the members' summed utility is higher with them (R56)."""
    pf, pi = s.pf, s.pi
    pf[PF.depth_offered, p] = pf[PF.sum_depth, p] / pi[PI.n_members, p]
    pi[PI.flexible, p] = 0
    common = _summed_utility(s, p)
    pi[PI.flexible, p] = 1
    tiers = _summed_utility(s, p)
    pi[PI.flexible, p] = rf.tiers_chosen(tiers, common)


@njit(cache=True)
def _search_partners(s, p):
    """§8.2 step 6: the members' free ties with latent demand are invited, best partner score
    against the group first, until the group reaches its target size."""
    par, af, ai, pi, members = s.par[0], s.af, s.ai, s.pi, s.members
    target = min(int(par.formation_partner_target), int(par.projects_max_members))
    n = pi[PI.n_members, p]
    if n >= target:
        return
    log_size = s.pf[PF.sum_log10_size, p] / n
    maturity = s.pf[PF.sum_maturity, p] / n
    candidate = np.empty(0, np.int64)
    for m in range(n):
        i = members[p, m]
        candidate = np.concatenate((candidate, s.tie_idx[s.tie_ptr[i] : s.tie_ptr[i + 1]]))
    candidate = np.unique(candidate)  # ascending index
    neg_score = np.zeros(len(candidate))
    keep = np.zeros(len(candidate), np.bool_)
    for c in range(len(candidate)):
        j = candidate[c]
        if not recruitable(s, j):
            continue
        rival = False
        for m in range(n):
            rival = rival or is_rival(s, j, members[p, m])
        score = ri.partner_score(
            ri.needs_overlap(pi[PI.scope, p], ai[AI.perimeter, j]),
            ri.similarity(log_size, af[AF.log10_size, j], par.behaviour_size_similarity_scale),
            ri.similarity(maturity, af[AF.maturity, j], par.behaviour_maturity_similarity_scale),
            af[AF.cooperative_posture, j],
            par.mechanisms_competition and rival,
            par.behaviour_rivalry_aversion,
        )
        if score >= par.behaviour_min_partner_score:
            keep[c] = True
            neg_score[c] = -score
    kept = np.flatnonzero(keep)
    for o in kept[np.argsort(neg_score[kept], kind="mergesort")]:
        if pi[PI.n_members, p] >= target:
            break
        j = candidate[o]
        invite(s, j)
        if ri.accepts_partnership(draw(s, j, rng.P_PARTNER), -neg_score[o]):
            enrol(s, j, p, 0, EV.partner)


@njit(cache=True)
def _financial_plan(s, p):
    """§8.2 step 7: whether the plan is signed; with phase content each member with a
    negative expected utility leaves first (R57)."""
    par, pi, members = s.par[0], s.pi, s.members
    if not par.mechanisms_phase_content:
        return rf.financial_plan_accepted(_summed_utility(s, p))
    n = pi[PI.n_members, p]
    declining = np.empty(n, np.int64)
    expected = np.empty(n)
    n_declining = 0
    for m in range(n):
        i = members[p, m]
        u = utility(s, i, p, False, False)
        if not rf.accepts_plan(u):
            declining[n_declining] = i
            expected[n_declining] = u
            n_declining += 1
    for d in range(n_declining):
        leave(s, declining[d], EV.plan_declined, expected[d])
        s.cnt[C.plan_declines] += 1.0
    return pi[PI.n_members, p] >= max(int(par.projects_min_members), 1)


@njit(cache=True)
def _complete(s, p):
    """The project completes its phase: what that phase decides; False if it fails."""
    par, pi = s.par[0], s.pi
    phase = pi[PI.phase, p]
    if phase == rf.PHASE_SHARED_BASE:
        return settle_shared_base(s, p)
    if phase == rf.PHASE_CHOICES and par.mechanisms_phase_content:
        _choose_tiers(s, p)
    elif phase == rf.PHASE_FINANCIAL_PLAN:
        return _financial_plan(s, p)
    return True


@njit(cache=True)
def advance_formation(s):
    """Phase 4 over every forming project."""
    par, pi = s.par[0], s.pi
    for p in range(s.n_projects[0]):
        if pi[PI.status, p] != STATUS_FORMING:
            continue
        phase = pi[PI.phase, p]
        spec = s.phases[phase - 1]
        if phase == rf.PHASE_PARTNERS and par.mechanisms_phase_content:
            _search_partners(s, p)
        facilitated = pi[PI.facilitated, p] == 1
        failure = rf.phase_failure_probability(
            spec.failure,
            _cause(s, p, phase),
            heterogeneity(s, p),
            spec.heterogeneity,
            collaboration(s, p),
            spec.posture,
            rival_share(s, p),
            spec.rivalry,
            facilitated,
            spec.facilitation,
        )
        advance = rf.phase_advance_probability(
            spec.months, facilitated, par.formation_facilitation_speedup
        )
        outcome = rf.phase_transition(draw(s, p, rng.P_PHASE), failure, advance)
        if outcome == rf.ADVANCE and not _complete(s, p):
            outcome = rf.FAIL
        if outcome == rf.FAIL:
            fail_formation(s, p)
        elif outcome == rf.ADVANCE:
            pi[PI.phase, p] += 1
            if pi[PI.phase, p] == rf.PHASE_RUNNING:
                start_running(s, p)
