"""Phase 5 — growth (R16–R28, R43, R45): the next circle joins running projects (§8.4).

Decisions are synchronous: every seeking, free EES, in ascending index, evaluates the state at
the start of the phase. With network influence it looks at the running project with room
where most of its ties are members (ties: lowest project index), with influence R45 = those
ties over its ties; with well-mixed influence, at the largest open project (ties: lowest
index), with influence = its members over all EES. It weighs its net utility as the next
member (attractiveness R26) and joins with probability R27. Accepted joins are applied in
ascending priority draw; one that finds the project full is refused. A joiner's circle is R28.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from mutusim import rng
from mutusim.catalogue import DT, STATUS_RUNNING
from mutusim.contract.fields import AF, AI, EV, PI, C
from mutusim.contract.parameters import choice_code
from mutusim.phases.shared import draw, enrol, free, priority_order, utility
from mutusim.phases.state import helper
from mutusim.rules import growth as rg

WELL_MIXED = choice_code("behaviour.influence", "well_mixed")


@helper
def _largest_open(s, cap):
    """The running project with room and the most members (ties: lowest index), or -1."""
    pi = s.pi
    largest = -1
    for p in range(s.n_projects[0]):
        if pi[PI.status, p] == STATUS_RUNNING and pi[PI.n_members, p] < cap:
            if largest < 0 or pi[PI.n_members, p] > pi[PI.n_members, largest]:
                largest = p
    return largest


@njit(cache=True)
def _open_members(s, cap):
    """Whether each EES is a member of a running project with room (a compact map the
    candidates read for each of their ties)."""
    project, status, n_members = s.ai[AI.project], s.pi[PI.status], s.pi[PI.n_members]
    inside = np.zeros(len(project), np.bool_)
    for j in range(len(project)):
        q = project[j]
        inside[j] = q >= 0 and status[q] == STATUS_RUNNING and n_members[q] < cap
    return inside


@helper
def _project_among_ties(s, i, open_member, seen, counts, inner):
    """The running project with room holding most of ``i``'s ties (ties: lowest index), the
    number of those ties and their innermost circle; (-1, 0, -1) if there is none."""
    ai = s.ai
    n_seen = 0
    for k in range(s.tie_ptr[i], s.tie_ptr[i + 1]):
        j = s.tie_idx[k]
        if not open_member[j]:
            continue
        q = ai[AI.project, j]
        found = -1
        for m in range(n_seen):
            if seen[m] == q:
                found = m
                break
        if found < 0:
            seen[n_seen] = q
            counts[n_seen] = 1
            inner[n_seen] = ai[AI.ring, j]
            n_seen += 1
        else:
            counts[found] += 1
            inner[found] = min(inner[found], ai[AI.ring, j])
    if n_seen == 0:
        return -1, 0, -1
    best = 0
    for m in range(1, n_seen):
        if counts[m] > counts[best] or (counts[m] == counts[best] and seen[m] < seen[best]):
            best = m
    return seen[best], counts[best], inner[best]


@njit(cache=True)
def grow_circles(s):
    """Phase 5: synchronous decisions, then joins in priority order."""
    par, af, ai, pi, tie_ptr = s.par[0], s.af, s.ai, s.pi, s.tie_ptr
    well_mixed = par.behaviour_influence == WELL_MIXED
    cap = int(par.projects_max_members)
    use_utility = par.mechanisms_utility
    largest = _largest_open(s, cap)
    if largest < 0:
        return
    n = af.shape[1]
    chosen = np.empty(n, np.int64)
    joiner = np.empty(n, np.int64)
    inner_ring = np.empty(n, np.int64)
    n_decided = 0
    max_degree = np.max(tie_ptr[1:] - tie_ptr[:-1]) if n > 0 else 0
    seen = np.empty(max_degree, np.int64)
    counts = np.empty(max_degree, np.int64)
    inner = np.empty(max_degree, np.int64)
    open_member = _open_members(s, cap)
    for i in range(n):
        if not (ai[AI.seeking, i] == 1 and free(s, i)):
            continue
        if well_mixed:
            p = largest
            influence = rg.influence_share(pi[PI.n_members, p], n)
            ring_in = -1
        else:
            p, ties_in, ring_in = _project_among_ties(s, i, open_member, seen, counts, inner)
            if p < 0:
                continue
            influence = rg.influence_share(ties_in, tie_ptr[i + 1] - tie_ptr[i])
        u = utility(s, i, p, True, False) if use_utility else 0.0
        attract = rg.attractiveness(u, par.behaviour_utility_temperature, use_utility)
        probability = rg.join_probability(
            par.behaviour_innovation,
            par.behaviour_imitation,
            influence,
            attract,
            af[AF.adoption_threshold, i],
            DT,
        )
        if probability > 0.0 and draw(s, i, rng.P_JOIN) < probability:
            joiner[n_decided] = i
            chosen[n_decided] = p
            inner_ring[n_decided] = ring_in
            n_decided += 1
    for o in priority_order(s, joiner[:n_decided]):
        p = chosen[o]
        if pi[PI.n_members, p] >= cap:
            s.cnt[C.refused_full] += 1.0
            continue
        enrol(s, joiner[o], p, rg.joiner_ring(inner_ring[o], well_mixed), EV.join)
        s.cnt[C.joins] += 1.0
