"""Phase 3 — initiation (R04–R08, R38, R51): pioneers, and facilitators, start projects with a
core circle (§4.2, §8.1, §8.2, §9).

Pioneers (a leadership trait, §8.1) that seek and are free become candidates with their hazard
(R04), visited in ascending index; candidates then act in ascending priority draw (ties:
index). One recruited meanwhile by an earlier pioneer does not initiate. A pioneer invites its
free ties with latent demand by descending partner score (R05–R07; ties: index) until the core
is full: each invitation activates the invitee's demand, and the invitee accepts on its own
draw (R08). A core below the minimum size means no project. Then each paid facilitator policy,
for each free accompaniment slot, brokers a core with probability R38: it picks a seeking,
free, eligible EES at random and recruits a core of its ties the same way; the project is
accompanied by that policy from the start. A founded project starts in the needs phase (§8.2
step 1) with its core's mean depth as the depth offered; without formation phases it settles
its shared base (R14, R43, R55, R15) and runs at once. Founding is sequential: a later pioneer
sees earlier cores.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from mutusim import rng
from mutusim.catalogue import DT, STATUS_FORMING
from mutusim.contract.fields import AF, AI, EV, PA, PF, PI, C
from mutusim.contract.policy_layout import K
from mutusim.phases.assess_demand import INVITED, activate
from mutusim.phases.shared import (
    active,
    affordable,
    draw,
    enrol,
    free,
    is_rival,
    priority_order,
    settle_shared_base,
    start_running,
)
from mutusim.phases.state import helper, log_event
from mutusim.rules import formation as rf
from mutusim.rules import initiation as ri
from mutusim.rules import policies as rp


@helper
def recruitable(s, j):
    """Pioneers invite free ties with latent demand (all free ties when the demand mechanism is
    off): they show the way to those not yet seeking (§4.2)."""
    if not free(s, j):
        return False
    return not s.par[0].mechanisms_demand or s.ai[AI.latent, j] == 1


@helper
def invite(s, j):
    """An invitation activates the latent demand of ``j`` if it waits (§4.2)."""
    if s.par[0].mechanisms_activation and s.ai[AI.seeking, j] == 0:
        activate(s, j, INVITED)


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
        if not recruitable(s, j):
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
        invite(s, j)
        if ri.accepts_partnership(draw(s, j, rng.P_RECRUIT), -neg_score[o]):
            core[n_core] = j
            n_core += 1
    return core[:n_core]


@helper
def _slots(q):
    """Forming projects a facilitator policy can accompany at once."""
    return q.facilitator_facilitators * q.facilitator_projects_per_facilitator


@helper
def _accompany(s, p, k):
    """Policy ``k``'s facilitators accompany project ``p``."""
    s.au_policy[PA.facilitator_load, k] += 1.0
    s.pi[PI.facilitated, p] = 1
    s.pi[PI.facilitator_policy, p] = k


@helper
def assign_facilitator(s, p):
    """A new project gets a facilitator from the first paid facilitator policy with a free
    slot (facilitators accompany the formation phases only)."""
    if not s.par[0].mechanisms_formation_phases:
        return
    leader = s.pi[PI.leader, p]
    for k in range(len(s.pol)):
        q = s.pol[k]
        if q.kind != K.facilitator or s.au_policy[PA.paid, k] != 1.0 or not s.elig[k, leader]:
            continue
        if s.au_policy[PA.facilitator_load, k] < _slots(q):
            _accompany(s, p, k)
            return


@njit(cache=True)
def found_project(s, leader, core, broker):
    """A new forming project of ``leader`` and its core (ring 0), accompanied by policy
    ``broker`` when a facilitator brokered it (-1: by the first with a free slot)."""
    par, pf, pi = s.par[0], s.pf, s.pi
    p = s.n_projects[0]
    s.n_projects[0] += 1
    pi[PI.leader, p] = leader
    pi[PI.created_at, p] = s.clock[0]
    pi[PI.status, p] = STATUS_FORMING
    pi[PI.phase, p] = rf.PHASE_NEEDS
    enrol(s, leader, p, 0, EV.core)
    for j in core:
        enrol(s, j, p, 0, EV.core)
    pf[PF.depth_offered, p] = pf[PF.sum_depth, p] / pi[PI.n_members, p]
    if broker >= 0:
        pi[PI.brokered, p] = 1
    if broker >= 0 and par.mechanisms_formation_phases:
        _accompany(s, p, broker)  # facilitators accompany the formation phases only
    else:
        assign_facilitator(s, p)
    s.cnt[C.new_projects] += 1.0
    if not par.mechanisms_formation_phases:
        settle_shared_base(s, p)
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
def _try_core(s, leader, broker):
    """Recruit ``leader``'s core and found the project; say whether it was founded."""
    if s.n_projects[0] >= int(s.par[0].projects_max_projects):
        s.cnt[C.initiations_failed] += 1.0
        return False
    core = recruit_core(s, leader)
    if len(core) < int(s.par[0].behaviour_core_min_partners):
        s.cnt[C.initiations_failed] += 1.0
        log_event(s, leader, EV.initiation_failed, -1, float(len(core)))
        return False
    found_project(s, leader, core, broker)
    return True


@njit(cache=True)
def _broker_cores(s):
    """Each paid facilitator policy brokers cores among seeking, free, eligible EES (§9)."""
    ai = s.ai
    n = ai.shape[1]
    seekers = np.empty(n, np.int64)
    n_seekers = -1  # built when first needed
    for k in range(len(s.pol)):
        q = s.pol[k]
        if q.kind != K.facilitator or s.au_policy[PA.paid, k] != 1.0:
            continue
        free_slots = int(_slots(q) - s.au_policy[PA.facilitator_load, k])
        for slot in range(free_slots):
            u = draw(s, k * 1000 + slot, rng.P_BROKER)
            if not rp.monthly_event(u, q.facilitator_brokering_rate, DT):
                continue
            if n_seekers < 0:
                n_seekers = 0
                for i in range(n):
                    if ai[AI.seeking, i] == 1 and free(s, i):
                        seekers[n_seekers] = i
                        n_seekers += 1
            eligible = 0
            for m in range(n_seekers):
                eligible += s.elig[k, seekers[m]]
            if eligible == 0:
                break
            v = draw(s, k * 1000 + slot, rng.P_BROKER + rng.SUB)
            pick = min(eligible - 1, int(v * eligible))
            for m in range(n_seekers):
                i = seekers[m]
                if s.elig[k, i]:
                    if pick == 0:
                        break
                    pick -= 1
            if _try_core(s, i, k):
                s.cnt[C.brokered] += 1.0
                n_seekers = -1  # the core's members are no longer free


@njit(cache=True)
def initiate_projects(s):
    """Phase 3: pioneer candidates, founding in priority order, then brokered cores."""
    par, af, ai = s.par[0], s.af, s.ai
    n = af.shape[1]
    pioneers = np.empty(n, np.int64)
    n_pioneers = 0
    for i in range(n):
        if not (ai[AI.pioneer, i] == 1 and ai[AI.seeking, i] == 1 and free(s, i)):
            continue
        hazard = ri.initiation_probability(
            af[AF.leadership, i], par.behaviour_pioneer_rate, _initiation_boost(s, i), DT
        )
        if draw(s, i, rng.P_INITIATE) < hazard:
            pioneers[n_pioneers] = i
            n_pioneers += 1
    for o in priority_order(s, pioneers[:n_pioneers]):
        i = pioneers[o]
        if ai[AI.project, i] < 0:
            _try_core(s, i, -1)
    _broker_cores(s)
