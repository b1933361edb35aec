"""A survey's EES as the model's population: the survey's values where given, the population
generator's draws where blank.

``SurveyPopulation`` holds what the survey fixes, in the model's fields and units
(``mutusim.contract.fields``): ``known_f`` / ``known_i`` are full field-major blocks with NaN
(floats) or -1 (integers) where the survey is blank, the needs as a mask of the services the
survey answers and their bits, and the declared networks in CSR form. ``survey_people`` builds
one run's population from it in compiled code: it draws a synthetic population of the same
size (``draw_attributes``), puts in the survey's sector, size, legal form and province, draws
the traits again given them (``draw_traits``, the generator's own streams, so a blank cell is
drawn as for a synthetic EES of that sector and size), then puts in every value the survey
gives. Each simulation run draws its blanks anew, so the estimates average over what the survey
does not say.

Mapping of the survey's scales: ``digiscore`` / 100 is the maturity; an answer ``k`` of 1–5
(posture, leadership, financial tension) is the middle of the k-th fifth of [0, 1],
``(k - 0.5) / 5``; a need of depth 1–3 puts the service in the perimeter, and the EES's depth of
need is the mean of its depths / 3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from mutusim.catalogue import LEGAL_FORMS, PROVINCES, SERVICE_NAMES
from mutusim.contract.fields import AF, AI, INT
from mutusim.match.survey import NEED_PREFIX, Survey
from mutusim.population.generator import (
    PopulationInputs,
    draw_attributes,
    draw_networks,
    draw_traits,
    new_agent_arrays,
)

LIKERT = ("posture", "leadership", "financial_tension")
LIKERT_FIELD = {
    "posture": AF.cooperative_posture,
    "leadership": AF.leadership,
    "financial_tension": AF.financial_tension,
}


def likert_share(answer: int) -> float:
    """An answer 1–5 as the middle of its fifth of [0, 1]."""
    return (answer - 0.5) / 5.0


@dataclass(frozen=True)
class SurveyPopulation:
    """What a survey fixes of its population, in the model's fields (see the module)."""

    known_f: np.ndarray
    known_i: np.ndarray
    need_mask: np.ndarray
    need_bits: np.ndarray
    tie_ptr: np.ndarray
    tie_idx: np.ndarray
    rival_ptr: np.ndarray
    rival_idx: np.ndarray
    draw_ties: bool
    draw_rivals: bool
    drawn: dict[str, int]

    @property
    def n(self) -> int:
        """Number of EES."""
        return self.known_f.shape[1]


def _csr(n: int, edges: set[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Undirected CSR (rows sorted) of ``edges``."""
    rows: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        rows[a].append(b)
        rows[b].append(a)
    ptr = np.zeros(n + 1, np.int64)
    idx: list[int] = []
    for i, row in enumerate(rows):
        idx.extend(sorted(set(row)))
        ptr[i + 1] = len(idx)
    return ptr, np.array(idx, dtype=INT)


def survey_population(survey: Survey) -> SurveyPopulation:
    """The survey's values in the model's fields, its declared networks, and how many cells of
    each column are blank (to be drawn)."""
    n = survey.n
    known_f = np.full((len(AF), n), np.nan)
    known_i = np.full((len(AI), n), -1, np.int64)
    sector_index = {name: k for k, name in enumerate(survey.sectors)}
    for i in range(n):
        known_i[AI.sector, i] = sector_index[survey.column("sector")[i]]
        workers = float(survey.column("workers")[i])
        known_f[AF.size, i] = workers
        known_f[AF.log10_size, i] = math.log10(workers)
        for name, vocabulary in (("legal_form", LEGAL_FORMS), ("province", PROVINCES)):
            value = survey.column(name)[i]
            if value is not None:
                known_i[getattr(AI, name), i] = vocabulary.index(value)
        if survey.column("digiscore")[i] is not None:
            known_f[AF.maturity, i] = survey.column("digiscore")[i] / 100.0
        if survey.column("convinced")[i] is not None:
            known_i[AI.convinced, i] = int(bool(survey.column("convinced")[i]))
        for name in LIKERT:
            if survey.column(name)[i] is not None:
                known_f[LIKERT_FIELD[name], i] = likert_share(survey.column(name)[i])
    need_mask = np.zeros(n, np.int64)
    need_bits = np.zeros(n, np.int64)
    for i in range(n):
        depths = []
        for k, service in enumerate(SERVICE_NAMES):
            value = survey.column(f"{NEED_PREFIX}{service}")[i]
            if value is None:
                continue
            need_mask[i] |= 1 << k
            if value > 0:
                need_bits[i] |= 1 << k
                depths.append(value / 3.0)
        if depths:
            known_f[AF.depth, i] = sum(depths) / len(depths)
    federations = survey.column("federation")
    if any(f is not None for f in federations):
        for i in range(n):
            known_i[AI.federation, i] = int(federations[i] is not None)
    index = {ident: i for i, ident in enumerate(survey.ids)}
    ties: set[tuple[int, int]] = set()
    for i, listed in enumerate(survey.column("ties")):
        ties.update((i, index[other]) for other in listed or [])
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(federations):
        if name is not None:
            groups.setdefault(str(name).strip().lower(), []).append(i)
    for members in groups.values():
        ties.update((a, b) for x, a in enumerate(members) for b in members[x + 1 :])
    rivals = {
        (i, index[o]) for i, listed in enumerate(survey.column("rivals")) for o in listed or []
    }
    tie_ptr, tie_idx = _csr(n, ties)
    rival_ptr, rival_idx = _csr(n, rivals)
    draw_ties = survey.blank("ties") == n and not groups
    draw_rivals = survey.blank("rivals") == n
    drawn = {
        name: survey.blank(name)
        for name in ("legal_form", "province", "digiscore", "convinced", *LIKERT)
    }
    drawn["need_*"] = int(
        sum(bin(int(m) ^ ((1 << len(SERVICE_NAMES)) - 1)).count("1") for m in need_mask)
    )
    return SurveyPopulation(
        known_f,
        known_i,
        need_mask,
        need_bits,
        tie_ptr,
        tie_idx,
        rival_ptr,
        rival_idx,
        draw_ties,
        draw_rivals,
        {k: v for k, v in drawn.items() if v},
    )


@njit(cache=True)
def _put_known(af, ai, known_f, known_i):
    for c in range(known_f.shape[0]):
        for i in range(known_f.shape[1]):
            if not np.isnan(known_f[c, i]):
                af[c, i] = known_f[c, i]
    for c in range(known_i.shape[0]):
        for i in range(known_i.shape[1]):
            if known_i[c, i] >= 0:
                ai[c, i] = known_i[c, i]


@njit(cache=True)
def survey_people(
    seed,
    run,
    pop,
    n_sectors,
    known_f,
    known_i,
    need_mask,
    need_bits,
    tie_ptr,
    tie_idx,
    rival_ptr,
    rival_idx,
    draw_ties,
    draw_rivals,
):
    """Run ``run``'s population of a survey: ``(af, ai, tie_ptr, tie_idx, rival_ptr,
    rival_idx)`` as ``phases.start.start_run`` takes it (see the module)."""
    n = known_f.shape[1]
    af, ai = new_agent_arrays(n)
    draw_attributes(seed, run, pop, af, ai)
    _put_known(af, ai, known_f, known_i)
    draw_traits(seed, run, pop, af, ai)
    _put_known(af, ai, known_f, known_i)
    for i in range(n):
        perimeter = (ai[AI.perimeter, i] & ~need_mask[i]) | need_bits[i]
        ai[AI.perimeter, i] = perimeter
        count = 0
        while perimeter:
            count += perimeter & 1
            perimeter >>= 1
        ai[AI.n_needed, i] = count
    if draw_ties or draw_rivals:
        d_tie_ptr, d_tie_idx, d_rival_ptr, d_rival_idx = draw_networks(
            seed, run, af, ai, n_sectors, pop.scalars
        )
        if draw_ties:
            tie_ptr, tie_idx = d_tie_ptr, d_tie_idx
        if draw_rivals:
            rival_ptr, rival_idx = d_rival_ptr, d_rival_idx
    return af, ai, tie_ptr, tie_idx, rival_ptr, rival_idx


def people_of(
    survey_pop: SurveyPopulation, pop: PopulationInputs, n_sectors: int, seed: int, run: int
):
    """One run's population of the survey, from Python (the search's view of it)."""
    return survey_people(
        seed,
        run,
        pop,
        n_sectors,
        survey_pop.known_f,
        survey_pop.known_i,
        survey_pop.need_mask,
        survey_pop.need_bits,
        survey_pop.tie_ptr,
        survey_pop.tie_idx,
        survey_pop.rival_ptr,
        survey_pop.rival_idx,
        survey_pop.draw_ties,
        survey_pop.draw_rivals,
    )
