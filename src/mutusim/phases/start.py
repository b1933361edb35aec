"""How a run starts: its population, eligibility and initial projects (``new_run_state``)."""

from __future__ import annotations

import numpy as np
from numba import njit

from mutusim import rng
from mutusim.catalogue import PROVINCES, SIZE_CLASS_EDGES, STATUS_RUNNING
from mutusim.contract.fields import (
    AF,
    AI,
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
from mutusim.phases.state import RunState
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
def new_run_state(seed, run, par, modes, pol, pop, initial_projects, n_sectors, trace, events):
    """Run ``run`` of seed ``seed`` at month 0: its population and networks (drawn from the
    run's streams), each EES's standalone cost (R16), size class and eligibility (R36), and
    the initial projects (their members enrolled as pioneer cores, EES 0.. in order)."""
    p = par[0]
    n = int(pop.scalars[0].n_agents)
    af, ai = new_agent_arrays(n)
    draw_attributes(seed, run, pop, af, ai)
    tie_ptr, tie_idx, rival_ptr, rival_idx = draw_networks(seed, run, ai, n_sectors, pop.scalars)
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
    max_projects = int(p.projects_max_projects) + len(initial_projects)
    capacity = max(int(p.projects_max_members), int(p.behaviour_core_max_partners) + 1)
    for k in range(len(initial_projects)):
        capacity = max(capacity, initial_projects[k].members)
    pf, pi = _project_arrays(max_projects)
    s = RunState(
        seed,
        run,
        np.zeros(1, np.int64),
        np.full(1, rng.step_key(seed, run, 0)),
        par,
        modes,
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
    _open_initial_projects(s, initial_projects)
    return s


@njit(cache=True)
def _open_initial_projects(s, initial_projects):
    pf, pi = s.pf, s.pi
    first = 0
    for k in range(len(initial_projects)):
        spec = initial_projects[k]
        p = s.n_projects[0]
        s.n_projects[0] += 1
        pi[PI.mode, p] = spec.mode
        pi[PI.scope, p] = spec.scope
        pi[PI.anchored, p] = spec.anchored
        pf[PF.governance, p] = spec.governance
        pi[PI.status, p] = STATUS_RUNNING
        pi[PI.phase, p] = rf.PHASE_RUNNING
        pi[PI.running_since, p] = 0
        pf[PF.demonstrated_value, p] = 1.0
        for i in range(first, first + spec.members):
            enrol(s, i, p, 0)
        first += spec.members
        m = pi[PI.n_members, p]
        pf[PF.depth_offered, p] = pf[PF.sum_depth, p] / m if m else 0.5
        if m > 0:
            pi[PI.leader, p] = s.members[p, 0]
