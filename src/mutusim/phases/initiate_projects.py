"""Phase 3 — initiation (R04–R08, R14, R15): pioneers start projects with a core circle.

Seeking, free EES become pioneer candidates with their hazard (R04), visited in ascending
index. Candidates then act in ascending priority draw (ties: index): one recruited meanwhile
by an earlier pioneer does not initiate; each invites its recruitable ties by descending
partner score (R05–R07; ties: index) until the core is full, each invitee accepting on its own
draw (R08). A core below the minimum size means no project. A founded project draws its mode,
sets its shared base (R14), its depth offered (the core's mean), gets a funded facilitator if
a facilitator policy has a free slot and can pay its first month, and draws its governance
(R15). Founding is sequential: a later pioneer sees earlier cores.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from mutusim import rng
from mutusim.catalogue import DT, N_SERVICES, STATUS_FORMING
from mutusim.contract.fields import AF, AI, EV, PA, PF, PI, C
from mutusim.contract.policy_layout import K
from mutusim.phases.shared import (
    active,
    affordable,
    collaboration,
    covered_share,
    draw,
    enrol,
    free,
    is_rival,
    priority_order,
    start_running,
)
from mutusim.phases.state import helper, log_event
from mutusim.rules import formation as rf
from mutusim.rules import initiation as ri


@helper
def _recruitable(s, j):
    """Pioneers invite free ties that are convinced and have needs (all free ties when the
    demand mechanism is off): they show the way to those not yet seeking (§4.2)."""
    if not free(s, j):
        return False
    if not s.par[0].mechanisms_demand:
        return True
    return s.ai[AI.convinced, j] == 1 and s.ai[AI.n_needed, j] > 0


@njit(cache=True)
def recruit_core(s, pioneer):
    """The partners who accept the pioneer's invitation (R05–R08)."""
    p, af, ai = s.par[0], s.af, s.ai
    lo, hi = s.tie_ptr[pioneer], s.tie_ptr[pioneer + 1]
    candidate = np.empty(hi - lo, np.int64)
    neg_score = np.empty(hi - lo)
    m = 0
    for k in range(lo, hi):
        j = s.tie_idx[k]
        if not _recruitable(s, j):
            continue
        score = ri.partner_score(
            ri.needs_overlap(ai[AI.perimeter, pioneer], ai[AI.perimeter, j]),
            ri.similarity(
                af[AF.log10_size, pioneer], af[AF.log10_size, j], p.behaviour_size_similarity_scale
            ),
            ri.similarity(
                af[AF.maturity, pioneer], af[AF.maturity, j], p.behaviour_maturity_similarity_scale
            ),
            af[AF.cooperative_posture, j],
            p.mechanisms_competition and is_rival(s, pioneer, j),
            p.behaviour_rivalry_aversion,
        )
        if score >= p.behaviour_min_partner_score:
            candidate[m] = j
            neg_score[m] = -score
            m += 1
    order = np.argsort(neg_score[:m], kind="mergesort")  # ties keep ascending index
    room = min(int(p.behaviour_core_max_partners), int(p.projects_max_members) - 1)
    core = np.empty(m, np.int64)
    n_core = 0
    for o in order:
        if n_core >= room:
            break
        j = candidate[o]
        if ri.accepts_partnership(draw(s, j, rng.P_RECRUIT), -neg_score[o]):
            core[n_core] = j
            n_core += 1
    return core[:n_core]


@njit(cache=True)
def assign_facilitator(s, p):
    """A new project gets a funded facilitator from the first facilitator policy with a free
    slot that can pay its first month (facilitators accompany the formation phases only)."""
    if not s.par[0].mechanisms_formation_phases:
        return
    leader = s.pi[PI.leader, p]
    for k in range(len(s.pol)):
        q = s.pol[k]
        if q.kind != K.facilitator or not active(s, k):
            continue
        slots = q.facilitator_facilitators * q.facilitator_projects_per_facilitator
        if (
            s.elig[k, leader]
            and s.au_policy[PA.facilitator_load, k] < slots
            and affordable(s, k, q.facilitator_cost_eur_per_project_month)
        ):
            s.au_policy[PA.facilitator_load, k] += 1.0
            s.pi[PI.facilitated, p] = 1
            s.pi[PI.facilitator_policy, p] = k
            return


@njit(cache=True)
def found_project(s, pioneer, core):
    """A new forming project of the pioneer and its core (ring 0)."""
    par, af, ai, pf, pi, members = s.par[0], s.af, s.ai, s.pf, s.pi, s.members
    p = s.n_projects[0]
    s.n_projects[0] += 1
    shares = np.empty(len(s.modes))
    for m in range(len(s.modes)):
        shares[m] = s.modes[m].share
    pi[PI.mode, p] = rng.categorical(draw(s, p, rng.P_PROJECT_MODE), np.cumsum(shares))
    pi[PI.leader, p] = pioneer
    pi[PI.created_at, p] = s.clock[0]
    pi[PI.status, p] = STATUS_FORMING
    pi[PI.phase, p] = rf.PHASE_NEEDS
    enrol(s, pioneer, p, 0)
    for j in core:
        enrol(s, j, p, 0)
    n = pi[PI.n_members, p]
    for k in range(N_SERVICES):
        needing = 0
        for m in range(n):
            needing += (ai[AI.perimeter, members[p, m]] >> k) & 1
        if rf.service_in_scope(needing, n, par.formation_scope_quorum):
            pi[PI.scope, p] |= np.int64(1) << np.int64(k)
    for m in range(n):  # the scope is known only now
        i = members[p, m]
        af[AF.covered_value_share, i] = covered_share(s, i, p)
    pf[PF.depth_offered, p] = pf[PF.sum_depth, p] / n
    assign_facilitator(s, p)
    pf[PF.governance, p] = rf.governance_quality(
        par.projects_governance_base,
        s.modes[pi[PI.mode, p]].governance_bonus,
        collaboration(s, p),
        pi[PI.facilitated, p] == 1,
        par.projects_facilitator_governance_bonus,
        draw(s, p, rng.P_PROJECT_GOVERNANCE),
        par.projects_governance_noise,
    )
    s.cnt[C.new_projects] += 1.0
    if not par.mechanisms_formation_phases:
        start_running(s, p)


@helper
def _initiation_boost(s, i):
    """Sum of the initiation boosts of active pioneer rewards ``i`` could still receive."""
    boost = 0.0
    for k in range(len(s.pol)):
        q = s.pol[k]
        if q.kind == K.pioneer_reward and active(s, k):
            if s.elig[k, i] and affordable(s, k, q.pioneer_reward_reward_eur):
                boost += q.pioneer_reward_initiation_boost
    return boost


@njit(cache=True)
def initiate_projects(s):
    """Phase 3: pioneer candidates, then founding in priority order."""
    par, af, ai = s.par[0], s.af, s.ai
    n = af.shape[1]
    pioneers = np.empty(n, np.int64)
    n_pioneers = 0
    for i in range(n):
        if not (ai[AI.seeking, i] == 1 and free(s, i)):
            continue
        boost = _initiation_boost(s, i)
        hazard = ri.initiation_probability(
            af[AF.leadership, i], par.behaviour_pioneer_rate, boost, DT
        )
        if draw(s, i, rng.P_INITIATE) < hazard:
            pioneers[n_pioneers] = i
            n_pioneers += 1
    for o in priority_order(s, pioneers[:n_pioneers]):
        i = pioneers[o]
        if ai[AI.project, i] >= 0:
            continue
        if s.n_projects[0] >= int(par.projects_max_projects):
            s.cnt[C.initiations_failed] += 1.0
            continue
        core = recruit_core(s, i)
        if len(core) < int(par.behaviour_core_min_partners):
            s.cnt[C.initiations_failed] += 1.0
            log_event(s, i, EV.initiation_failed, -1, float(len(core)))
            continue
        found_project(s, i, core)
