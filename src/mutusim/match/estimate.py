"""Chances of a proposed circle, by simulation with the model itself.

For each candidate core and each run, ``simulate_circles`` builds the run's survey population
(``survey_people``: blanks drawn anew from the run's streams), starts the run with the
simulations' own start code (``phases.start.start_run``: no initial or existing project),
plants the core as a forming project at month 0 with the initiation's own founding
(``phases.initiate_projects.found_project``: needs phase; brokered and accompanied by the
scenario's facilitator policy when it has one with a free slot, ``facilitator_of``),
then runs the month step (``phases.step.run_months``) to month M. Every rule of the model acts:
the §8.2 phases and their failures (R09–R15, R44, R53–R57), growth in circles, commitment
decay and exits, and the other EES of the survey, who may start projects of their own.

Runs are counter-based (``mutusim.rng``): run ``r`` of every candidate shares the same draws
(common random numbers), so two candidates are compared on the same simulated futures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit, prange
from scipy.stats import binomtest

from mutusim.catalogue import MODES, STATUS_DISSOLVED, STATUS_FAILED, STATUS_FORMING, STATUS_RUNNING
from mutusim.contract.fields import PA, PI
from mutusim.contract.policy_layout import K
from mutusim.match.population import SurveyPopulation, survey_people
from mutusim.phases import TRACE_NONE, ScenarioInputs
from mutusim.phases.initiate_projects import _slots as facilitator_slots
from mutusim.phases.initiate_projects import found_project
from mutusim.phases.inputs import RunArrays, SharedArrays
from mutusim.phases.start import start_run
from mutusim.phases.state import EVENT_COLUMNS
from mutusim.phases.step import run_months

OUT_STATUS, OUT_RUNNING_SINCE, OUT_PHASE, OUT_MEMBERS, OUT_MODE = range(5)
N_OUT = 5
"""Per (candidate, run): the planted project's status, month it started running (-1: never),
its phase (where it failed, if it failed), its members at month M, its mode."""


@njit(cache=True)
def facilitator_of(s, leader):
    """The scenario's first facilitator policy that may accompany ``leader``'s circle (eligible,
    a free slot), -1 if none: the tool's user is a facilitator who brokers the circle (§9). If
    that policy is not active or cannot pay at month 0, the policies phase withdraws it, as for
    any accompanied project."""
    for k in range(len(s.pol)):
        q = s.pol[k]
        if q.kind == K.facilitator and s.elig[k, leader]:
            if s.au_policy[PA.facilitator_load, k] < facilitator_slots(q):
                return k
    return -1


@njit(cache=True, parallel=True)
def simulate_circles(
    seed,
    runs,
    par,
    modes,
    phases,
    pol,
    pop,
    initial,
    existing,
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
    cores,
    core_len,
    n_columns,
    result,
):
    """Row ``c * runs + r`` of ``result``: run ``r`` of candidate ``c`` (``cores[c,
    :core_len[c]]``, pioneer first), columns ``OUT_*``. (The scenario's parts come one by one:
    a parallel loop cannot take a tuple of tuples.)"""
    horizon = int(par[0].horizon_months)
    no_events = np.zeros((0, EVENT_COLUMNS))
    for k in prange(cores.shape[0] * runs):
        c = k // runs
        r = k % runs
        people = survey_people(
            seed,
            r,
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
        )
        arrays = RunArrays(par, modes, phases, pol)
        shared = SharedArrays(pop, initial, existing, n_sectors)
        s = start_run(seed, r, arrays, shared, people, TRACE_NONE, no_events)
        core = cores[c, : core_len[c]]
        found_project(s, core[0], core[1:], facilitator_of(s, core[0]))
        out = np.zeros((horizon + 1, n_columns))
        run_months(s, out)
        result[k, OUT_STATUS] = s.pi[PI.status, 0]
        result[k, OUT_RUNNING_SINCE] = s.pi[PI.running_since, 0]
        result[k, OUT_PHASE] = s.pi[PI.phase, 0]
        result[k, OUT_MEMBERS] = s.pi[PI.n_members, 0]
        result[k, OUT_MODE] = s.pi[PI.mode, 0]


@dataclass(frozen=True)
class Chances:
    """What the runs of one candidate say."""

    runs: int
    formed: int
    running: int
    p_formation: float
    p_formation_low: float
    p_formation_high: float
    p_running: float
    p_running_low: float
    p_running_high: float
    expected_members: float
    mode: str
    failed_in_phase: dict[int, int]
    dissolved: int
    still_forming: int


def wilson(successes: int, trials: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion (scipy's ``binomtest``)."""
    ci = binomtest(successes, trials).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def summarise(rows: np.ndarray) -> Chances:
    """The chances of one candidate from its runs' rows (columns ``OUT_*``)."""
    runs = len(rows)
    status = rows[:, OUT_STATUS].astype(np.int64)
    launched = rows[:, OUT_RUNNING_SINCE] >= 0  # its mode was chosen in the shared-base phase
    formed = int(launched.sum())
    running_mask = status == STATUS_RUNNING
    running = int(running_mask.sum())
    members = np.where(running_mask, rows[:, OUT_MEMBERS], 0.0)
    modes = rows[launched, OUT_MODE].astype(np.int64)
    mode = MODES[int(np.bincount(modes, minlength=len(MODES)).argmax())] if len(modes) else ""
    failed = status == STATUS_FAILED
    phases, counts = np.unique(rows[failed, OUT_PHASE].astype(np.int64), return_counts=True)
    f_low, f_high = wilson(formed, runs)
    r_low, r_high = wilson(running, runs)
    return Chances(
        runs=runs,
        formed=formed,
        running=running,
        p_formation=formed / runs,
        p_formation_low=f_low,
        p_formation_high=f_high,
        p_running=running / runs,
        p_running_low=r_low,
        p_running_high=r_high,
        expected_members=float(members.mean()),
        mode=mode,
        failed_in_phase={int(p): int(c) for p, c in zip(phases, counts, strict=True)},
        dissolved=int(np.sum(status == STATUS_DISSOLVED)),
        still_forming=int(np.sum(status == STATUS_FORMING)),
    )


def estimate(
    inputs: ScenarioInputs,
    survey_pop: SurveyPopulation,
    cores: Sequence[Sequence[int]],
    seed: int,
    runs: int,
    chunk: int = 8,
    progress: Callable[[int], None] | None = None,
) -> list[Chances]:
    """The chances of each core (EES indices, pioneer first) over ``runs`` runs of
    ``inputs.horizon`` months; ``progress`` is told the runs done, chunk by chunk."""
    chances: list[Chances] = []
    no_initial = inputs.initial_projects[:0]
    no_existing = inputs.existing[:0]
    sp = survey_pop
    for start in range(0, len(cores), chunk):
        part = cores[start : start + chunk]
        width = max(len(core) for core in part)
        table = np.zeros((len(part), width), np.int64)
        length = np.zeros(len(part), np.int64)
        for c, core in enumerate(part):
            table[c, : len(core)] = core
            length[c] = len(core)
        result = np.zeros((len(part) * runs, N_OUT))
        simulate_circles(
            seed,
            runs,
            inputs.par,
            inputs.modes,
            inputs.phases,
            inputs.policies,
            inputs.population,
            no_initial,
            no_existing,
            inputs.n_sectors,
            sp.known_f,
            sp.known_i,
            sp.need_mask,
            sp.need_bits,
            sp.tie_ptr,
            sp.tie_idx,
            sp.rival_ptr,
            sp.rival_idx,
            sp.draw_ties,
            sp.draw_rivals,
            table,
            length,
            len(inputs.columns),
            result,
        )
        for c in range(len(part)):
            chances.append(summarise(result[c * runs : (c + 1) * runs]))
        if progress is not None:
            progress(len(part) * runs)
    return chances
