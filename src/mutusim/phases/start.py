"""How a run starts: its population, eligibility and initial projects (``new_run_state``)."""

from __future__ import annotations

import numpy as np
from numba import njit

from mutusim import rng
from mutusim.catalogue import PROVINCES, SIZE_CLASS_EDGES, STATUS_RUNNING
from mutusim.contract.fields import (
    AF,
    AI,
    EV,
    INT,
    N_AU,
    N_C,
    N_PA,
    PF,
    PI,
    PROJECT_FLOAT_INITIAL,
    PROJECT_INT_INITIAL,
)
from mutusim.contract.policy_layout import N_KINDS
from mutusim.phases.shared import enrol
from mutusim.phases.state import RunState, helper
from mutusim.population.generator import draw_attributes, draw_networks, new_agent_arrays
from mutusim.rules import economics as re
from mutusim.rules import formation as rf
from mutusim.rules import policies as rp

SIZE_EDGES = np.array(SIZE_CLASS_EDGES)


@njit(cache=True)
def _project_arrays(n_projects):
    pf = np.empty((len(PROJECT_FLOAT_INITIAL), n_projects))
    pi = np.empty((len(PROJECT_INT_INITIAL), n_projects), INT)
    for c in range(len(PROJECT_FLOAT_INITIAL)):
        pf[c, :] = PROJECT_FLOAT_INITIAL[c]
    for c in range(len(PROJECT_INT_INITIAL)):
        pi[c, :] = PROJECT_INT_INITIAL[c]
    return pf, pi


@njit(cache=True)
def draw_population(seed, run, pop, n_sectors):
    """Run ``run`` of seed ``seed``'s EES (field-major ``af``, ``ai``) and networks (CSR)."""
    af, ai = new_agent_arrays(int(pop.scalars[0].n_agents))
    draw_attributes(seed, run, pop, af, ai)
    tie_ptr, tie_idx, rival_ptr, rival_idx = draw_networks(
        seed, run, af, ai, n_sectors, pop.scalars
    )
    return af, ai, tie_ptr, tie_idx, rival_ptr, rival_idx


@njit(cache=True)
def new_run_state(seed, run, arrays, shared, trace, events):
    """Run ``run`` of seed ``seed`` at month 0 (``inputs.RunArrays``, ``inputs.SharedArrays``),
    its population drawn from the run's streams."""
    people = draw_population(seed, run, shared.pop, shared.n_sectors)
    return start_run(seed, run, arrays, shared, people, trace, events)


@njit(cache=True)
def start_run(seed, run, arrays, shared, people, trace, events):
    """A run at month 0 on a given population ``people`` = (af, ai, tie_ptr, tie_idx,
    rival_ptr, rival_idx), whose arrays are used, not copied: each EES's standalone cost
    (R16), size class and eligibility (R36), the initial projects (members 0.. in order, as
    pioneer cores) and the projects already running (``shared.existing``, members drawn)."""
    af, ai, tie_ptr, tie_idx, rival_ptr, rival_idx = people
    par, pol, initial, existing, n_sectors = (
        arrays.par,
        arrays.pol,
        shared.initial,
        shared.existing,
        shared.n_sectors,
    )
    p = par[0]
    n = af.shape[1]
    n_by_class = np.zeros(len(SIZE_EDGES) + 1)
    n_by_province = np.zeros(len(PROVINCES))
    n_by_sector = np.zeros(n_sectors)
    for i in range(n):
        af[AF.standalone_cost, i] = re.standalone_cost(
            ai[AI.n_needed, i], af[AF.depth, i], p.projects_service_cost_eur_month
        )
        ai[AI.size_class, i] = np.searchsorted(SIZE_EDGES, af[AF.size, i], side="right")
        n_by_class[ai[AI.size_class, i]] += 1
        n_by_province[ai[AI.province, i]] += 1
        n_by_sector[ai[AI.sector, i]] += 1
    elig = np.zeros((len(pol), n), np.bool_)
    for k in range(len(pol)):
        q = pol[k]
        for i in range(n):
            elig[k, i] = rp.eligible(
                af[AF.size, i],
                ai[AI.sector, i],
                ai[AI.province, i],
                ai[AI.legal_form, i],
                q.size_min,
                q.size_max,
                q.sector_mask,
                q.province_mask,
                q.legal_form_mask,
            )
    max_projects = int(p.projects_max_projects) + len(initial)
    capacity = max(int(p.projects_max_members), int(p.behaviour_core_max_partners) + 1)
    capacity = max(capacity, int(p.formation_partner_target))
    for k in range(len(initial)):
        capacity = max(capacity, initial[k].members)
    for k in range(len(existing)):
        max_projects += existing[k].count
        capacity = max(capacity, existing[k].largest)
    pf, pi = _project_arrays(max_projects)
    s = RunState(
        seed,
        run,
        np.zeros(1, np.int64),
        np.full(1, rng.step_key(seed, run, 0)),
        par,
        arrays.modes,
        arrays.phases,
        pol,
        elig,
        af,
        ai,
        pf,
        pi,
        np.empty((max_projects, capacity), INT),
        np.zeros(1, np.int64),
        np.zeros(N_AU),
        np.zeros(N_KINDS),
        np.zeros((N_PA, len(pol))),
        np.zeros(N_C),
        np.zeros(N_C),
        tie_ptr,
        tie_idx,
        rival_ptr,
        rival_idx,
        n_by_class,
        n_by_province,
        n_by_sector,
        events,
        np.zeros(1, np.int64),
        np.full(1, trace),
    )
    _open_initial_projects(s, initial)
    _open_existing_projects(s, existing)
    return s


@helper
def _open_running(s, mode, scope, anchored, governance):
    """A new project slot, running since month 0 with demonstrated value 1."""
    pf, pi = s.pf, s.pi
    p = s.n_projects[0]
    s.n_projects[0] += 1
    pi[PI.mode, p] = mode
    pi[PI.scope, p] = scope
    pi[PI.anchored, p] = anchored
    pf[PF.governance, p] = governance
    pi[PI.status, p] = STATUS_RUNNING
    pi[PI.phase, p] = rf.PHASE_RUNNING
    pi[PI.running_since, p] = 0
    pf[PF.demonstrated_value, p] = 1.0
    return p


@helper
def _settle(s, p):
    """Depth offered (the members' mean, 0.5 if empty) and leader (the first member)."""
    m = s.pi[PI.n_members, p]
    s.pf[PF.depth_offered, p] = s.pf[PF.sum_depth, p] / m if m else 0.5
    if m > 0:
        s.pi[PI.leader, p] = s.members[p, 0]


@njit(cache=True)
def _open_initial_projects(s, initial):
    first = 0
    for k in range(len(initial)):
        spec = initial[k]
        p = _open_running(s, spec.mode, spec.scope, spec.anchored, spec.governance)
        for i in range(first, first + spec.members):
            enrol(s, i, p, 0, EV.core)
        first += spec.members
        _settle(s, p)


@njit(cache=True)
def _open_existing_projects(s, existing):
    """Projects running at month 0: for each, a size in [smallest, largest], a first member
    drawn among the free EES (in its sector's federation if the kind says so), the others
    among the free EES of its sector (and province, federation), all from the draws of
    ``rng.INITIAL_STEP``."""
    ai = s.ai
    n = ai.shape[1]
    key = rng.step_key(s.seed, s.run, rng.INITIAL_STEP)
    candidates = np.empty(n, np.int64)
    order = 0
    for k in range(len(existing)):
        e = existing[k]
        for _ in range(e.count):
            spread = e.largest - e.smallest + 1
            size = e.smallest + int(rng.uniform_from_key(key, order, rng.P_EXISTING) * spread)
            first = -1
            for t in range(64):
                u = rng.uniform_from_key(key, order, rng.P_EXISTING + rng.SUB * (t + 1))
                i = min(n - 1, int(u * n))
                if ai[AI.project, i] < 0 and (e.federation == 0 or ai[AI.federation, i] == 1):
                    first = i
                    break
            if first >= 0:
                m = 0
                for j in range(n):
                    if (
                        j != first
                        and ai[AI.project, j] < 0
                        and ai[AI.sector, j] == ai[AI.sector, first]
                        and (e.same_province == 0 or ai[AI.province, j] == ai[AI.province, first])
                        and (e.federation == 0 or ai[AI.federation, j] == 1)
                    ):
                        candidates[m] = j
                        m += 1
                p = _open_running(s, e.mode, e.scope, e.anchored, e.governance)
                enrol(s, first, p, 0, EV.core)
                for t in range(min(size - 1, m)):  # partial Fisher–Yates on the candidates
                    u = rng.uniform_from_key(key, order, rng.P_EXISTING + rng.SUB * (100 + t))
                    pick = t + min(m - t - 1, int(u * (m - t)))
                    candidates[t], candidates[pick] = candidates[pick], candidates[t]
                    enrol(s, candidates[t], p, 0, EV.core)
                _settle(s, p)
            order += 1
