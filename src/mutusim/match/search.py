"""Candidate core circles: a beam search over partners ranked by the model's partner score.

Every EES that needs a service (of ``--scope``, if given) is tried as the pioneer. As in the
model's initiation (R05–R08), its possible partners are its social ties whose partner score
(R07: overlapping needs R05, similar size and maturity R06, cooperative posture, rivalry
aversion) reaches ``behaviour.min_partner_score``. Circles grow one partner at a time; each
size keeps the ``beam`` best circles by their *promise*: the chance to pass the seven §8.2
phases that the formation rules give the circle as it is (R09 heterogeneity, R44 rivals, R46
posture, R53 needs coherence into R11's hazard, R12's pace, R13's race between failing and
advancing), times the mean partner score. The work grows as pioneers × beam × ties × size, not
as the number of subsets. The promise only prunes: the proposals are ranked by simulation
(``mutusim.match.estimate``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mutusim.catalogue import N_SERVICES
from mutusim.contract.fields import AF, AI
from mutusim.rules import formation as rf
from mutusim.rules import initiation as ri


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


def shared_base(v: _View, members: tuple[int, ...]) -> tuple[int, int]:
    """R14's scope of the circle (bit mask) and the services any member needs."""
    quorum = v.par["formation_scope_quorum"]
    scope = 0
    anyone = 0
    for k in range(N_SERVICES):
        needing = sum((int(v.ai[AI.perimeter, i]) >> k) & 1 for i in members)
        if needing:
            anyone |= 1 << k
        if rf.service_in_scope(needing, len(members), quorum):
            scope |= 1 << k
    return scope, anyone


def factors(v: _View, members: tuple[int, ...]) -> dict[str, float]:
    """The circle's heterogeneity parts (R09), rival share (R44), mean posture (R46) and needs
    factor (R53)."""
    n = len(members)
    idx = list(members)

    def sd(field: int) -> float:
        x = v.af[field, idx]
        return rf.spread(float(x.sum()), float((x * x).sum()), n)

    ends = sum(v.rival(i, j) for i in members for j in members if i != j)
    scope, anyone = shared_base(v, members)
    return {
        "size": sd(AF.log10_size),
        "maturity": sd(AF.maturity),
        "depth": sd(AF.depth),
        "rivals": rf.rival_share(ends, n) if v.par["mechanisms_competition"] else 0.0,
        "posture": float(v.af[AF.cooperative_posture, idx].mean()),
        "scope": float(scope),
        "needs": rf.needs_factor(
            bin(scope).count("1"), bin(anyone).count("1"), v.par["formation_coherence_weight"]
        ),
    }


def formation_promise(v: _View, f: dict[str, float]) -> float:
    """Chance to pass the seven §8.2 phases that R11–R13 give a circle of these factors, with
    no facilitator and no standardisation yet (the market and the plan's own causes, R54 and
    R57, are left to the simulation)."""
    het = rf.heterogeneity(f["size"], f["maturity"], f["depth"], 0.0)
    chance = 1.0
    for phase, spec in enumerate(v.phases, start=1):
        cause = f["needs"] if phase == rf.PHASE_NEEDS and v.par["mechanisms_phase_content"] else 1.0
        fail = rf.phase_failure_probability(
            spec["failure"],
            cause,
            het,
            spec["heterogeneity"],
            f["posture"],
            spec["posture"],
            f["rivals"],
            spec["rivalry"],
            False,
            0.0,
        )
        advance = rf.phase_advance_probability(spec["months"], False, 0.0)
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
    for pioneer in range(n):
        if not wanted(pioneer):
            continue
        score = {
            int(j): partner_score(v, pioneer, int(j)) for j in v.ties(pioneer) if wanted(int(j))
        }
        partners = sorted((j for j, s in score.items() if s >= min_score), key=lambda j: -score[j])
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
                    f = factors(v, members)
                    mean_score = sum(score[m] for m in members[1:]) / (size - 1)
                    grown[key] = (formation_promise(v, f) * mean_score, members, f)
            kept = sorted(grown.values(), key=lambda g: -g[0])[:beam]
            level = [members for _, members, _ in kept]
            if size < min_size:
                continue
            for promise, members, f in kept:
                scope, _ = shared_base(v, members)
                if scope & scope_mask != scope_mask:
                    continue
                key = frozenset(members)
                if key not in best or promise > best[key].promise:
                    best[key] = Candidate(members, promise, scope, f)
    return sorted(best.values(), key=lambda c: (-c.promise, c.members))
