"""Candidate core circles: a beam search over partners ranked by the model's partner score.

Every EES that needs a service (of ``--scope``, if given) is tried as the pioneer. As in the
model's initiation (R05–R08), its possible partners are its social ties whose partner score
(R07: overlapping needs R05, similar size and maturity R06, cooperative posture, rivalry
aversion) reaches ``behaviour.min_partner_score``. Circles grow one partner at a time; each
size keeps the ``beam`` best circles by their *promise*: the chance to pass the seven §8.2
phases that the formation rules give the circle as it is (R09 heterogeneity, R44 rivals, R46
posture, R53 needs coherence into R11's hazard, R12's pace, R13's race between failing and
advancing), times the mean partner score. The work grows as pioneers × beam × partners × size
(partners: a pioneer's best ties, at most ``PARTNER_POOL × max_size``), not as the number of
subsets. The promise only prunes: the proposals are ranked by simulation
(``mutusim.match.estimate``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from mutusim.catalogue import N_SERVICES
from mutusim.contract.fields import AF, AI
from mutusim.rules import formation as rf
from mutusim.rules import initiation as ri

PARTNER_POOL = 3
"""A pioneer's partners are its ``PARTNER_POOL × max_size`` best ties by partner score: the
model's pioneer also invites its ties best score first until its core is full (R07, R08), and
this bounds the work for a pioneer with hundreds of ties (a large federation)."""


@dataclass(frozen=True)
class Candidate:
    """A core circle (EES indices, pioneer first), its promise and its static risk factors."""

    members: tuple[int, ...]
    promise: float
    scope: int
    factors: dict[str, float]


@dataclass
class _View:
    """What the search reads of one population and the scenario's parameters."""

    af: np.ndarray
    ai: np.ndarray
    tie_ptr: np.ndarray
    tie_idx: np.ndarray
    rival_ptr: np.ndarray
    rival_idx: np.ndarray
    par: np.void
    phases: np.ndarray

    def ties(self, i: int) -> np.ndarray:
        return self.tie_idx[self.tie_ptr[i] : self.tie_ptr[i + 1]]

    def rival(self, i: int, j: int) -> bool:
        return bool(np.any(self.rival_idx[self.rival_ptr[i] : self.rival_ptr[i + 1]] == j))


def partner_score(v: _View, pioneer: int, j: int) -> float:
    """R07 of partner ``j`` for ``pioneer``, as the model's initiation computes it."""
    p, af, ai = v.par, v.af, v.ai
    return ri.partner_score(
        ri.needs_overlap(int(ai[AI.perimeter, pioneer]), int(ai[AI.perimeter, j])),
        ri.similarity(
            af[AF.log10_size, pioneer], af[AF.log10_size, j], p["behaviour_size_similarity_scale"]
        ),
        ri.similarity(
            af[AF.maturity, pioneer], af[AF.maturity, j], p["behaviour_maturity_similarity_scale"]
        ),
        af[AF.cooperative_posture, j],
        bool(p["mechanisms_competition"]) and v.rival(pioneer, j),
        p["behaviour_rivalry_aversion"],
    )


FACTORS = ("size", "maturity", "depth", "rivals", "posture", "scope", "needs")
"""What ``circle_factors`` returns, in order: the spreads of log size, maturity and depth
(R09's parts, R10), the rival share (R44), the mean posture (R46), the shared base (R14, a bit
mask) and the needs factor (R53)."""


@njit(cache=True)
def _bits(mask):
    count = 0
    while mask:
        count += mask & 1
        mask >>= 1
    return count


@njit(cache=True)
def circle_factors(members, af, ai, rival_ptr, rival_idx, quorum, coherence_weight, competition):
    """The circle's ``FACTORS`` (compiled: the search evaluates many circles)."""
    n = len(members)
    out = np.zeros(len(FACTORS))
    for slot, field in enumerate((AF.log10_size, AF.maturity, AF.depth)):
        total = 0.0
        total_sq = 0.0
        for i in members:
            total += af[field, i]
            total_sq += af[field, i] * af[field, i]
        out[slot] = rf.spread(total, total_sq, n)
    ends = 0
    for i in members:
        for k in range(rival_ptr[i], rival_ptr[i + 1]):
            for j in members:
                ends += rival_idx[k] == j
    out[3] = rf.rival_share(ends, n) if competition else 0.0
    posture = 0.0
    for i in members:
        posture += af[AF.cooperative_posture, i]
    out[4] = posture / n
    scope = 0
    anyone = 0
    for k in range(N_SERVICES):
        needing = 0
        for i in members:
            needing += (ai[AI.perimeter, i] >> k) & 1
        if needing:
            anyone |= 1 << k
        if rf.service_in_scope(needing, n, quorum):
            scope |= 1 << k
    out[5] = scope
    out[6] = rf.needs_factor(_bits(scope), _bits(anyone), coherence_weight)
    return out


@njit(cache=True)
def formation_promise(f, phases, phase_content):
    """Chance to pass the seven §8.2 phases that R11–R13 give a circle of factors ``f``, with
    no facilitator and no standardisation yet (the market and the plan's own causes, R54 and
    R57, are left to the simulation)."""
    het = rf.heterogeneity(f[0], f[1], f[2], 0.0)
    chance = 1.0
    for k in range(len(phases)):
        spec = phases[k]
        cause = f[6] if k + 1 == rf.PHASE_NEEDS and phase_content else 1.0
        fail = rf.phase_failure_probability(
            spec.failure,
            cause,
            het,
            spec.heterogeneity,
            f[4],
            spec.posture,
            f[3],
            spec.rivalry,
            False,
            0.0,
        )
        advance = rf.phase_advance_probability(spec.months, False, 0.0)
        step = (1.0 - fail) * advance
        chance *= step / (fail + step) if fail + step > 0 else 0.0
    return chance


def candidate_circles(
    people: tuple,
    par: np.ndarray,
    phases: np.ndarray,
    scope_mask: int,
    min_size: int,
    max_size: int,
    beam: int = 8,
) -> list[Candidate]:
    """Every circle of ``min_size``–``max_size`` EES the beam search keeps, best promise first;
    a set of EES appears once (with its best pioneer); circles whose shared base (R14) lacks
    a service of ``scope_mask`` are left out."""
    v = _View(*people, par=par[0], phases=phases)
    n = v.af.shape[1]

    def wanted(i: int) -> bool:
        perimeter = int(v.ai[AI.perimeter, i])
        return perimeter != 0 and (scope_mask == 0 or perimeter & scope_mask != 0)

    best: dict[frozenset[int], Candidate] = {}
    min_score = v.par["behaviour_min_partner_score"]
    fixed = (
        v.af,
        v.ai,
        v.rival_ptr,
        v.rival_idx,
        float(v.par["formation_scope_quorum"]),
        float(v.par["formation_coherence_weight"]),
        bool(v.par["mechanisms_competition"]),
    )
    phase_content = bool(v.par["mechanisms_phase_content"])
    for pioneer in range(n):
        if not wanted(pioneer):
            continue
        score = {
            int(j): partner_score(v, pioneer, int(j)) for j in v.ties(pioneer) if wanted(int(j))
        }
        partners = sorted((j for j, s in score.items() if s >= min_score), key=lambda j: -score[j])
        partners = partners[: PARTNER_POOL * max_size]
        level: list[tuple[int, ...]] = [(pioneer,)]
        for size in range(2, max_size + 1):
            grown: dict[frozenset[int], tuple[float, tuple[int, ...], dict[str, float]]] = {}
            for circle in level:
                for j in partners:
                    if j in circle:
                        continue
                    members = (*circle, j)
                    key = frozenset(members)
                    if key in grown:
                        continue
                    f = circle_factors(np.array(members), *fixed)
                    mean_score = sum(score[m] for m in members[1:]) / (size - 1)
                    promise = formation_promise(f, phases, phase_content) * mean_score
                    grown[key] = (promise, members, f)
            kept = sorted(grown.values(), key=lambda g: -g[0])[:beam]
            level = [members for _, members, _ in kept]
            if size < min_size:
                continue
            for promise, members, f in kept:
                scope = int(f[FACTORS.index("scope")])
                if scope & scope_mask != scope_mask:
                    continue
                key = frozenset(members)
                if key not in best or promise > best[key].promise:
                    named = dict(zip(FACTORS, map(float, f), strict=True))
                    best[key] = Candidate(members, promise, scope, named)
    return sorted(best.values(), key=lambda c: (-c.promise, c.members))
