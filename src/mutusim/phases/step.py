"""The month step: the phases in schedule order (see ``mutusim.phases``), and the export of a
run's projects. Both faces call these: the batch engine inside its compiled loop over months
and runs, the Mesa model once per ``step()``."""

from __future__ import annotations

from numba import njit

from mutusim import rng
from mutusim.catalogue import STATUS_RUNNING
from mutusim.contract.fields import AU, PF, PI
from mutusim.contract.outputs import PO
from mutusim.phases.advance_formation import advance_formation
from mutusim.phases.apply_policies import apply_policies
from mutusim.phases.assess_demand import assess_demand
from mutusim.phases.collect import collect
from mutusim.phases.grow_circles import grow_circles
from mutusim.phases.initiate_projects import initiate_projects
from mutusim.phases.reassess_commitment import reassess_commitment


@njit(cache=True)
def month_step(s, month, out):
    """Simulate ``month`` (0-based) of the run ``s`` and write its outputs into the row
    ``out``: reset the month's counters and spending, then phases 1–7."""
    par = s.par[0]
    s.clock[0] = month
    s.key[0] = rng.step_key(s.seed, s.run, month)
    s.cnt[:] = 0.0
    s.au[AU.spent_month] = 0.0
    s.au_kind[:] = 0.0
    apply_policies(s)
    assess_demand(s)
    if par.mechanisms_pioneers:
        initiate_projects(s)
    advance_formation(s)
    if par.mechanisms_growth:
        grow_circles(s)
    reassess_commitment(s)
    collect(s, out)


@njit(cache=True)
def run_months(s, out):
    """Outputs of the initial state in ``out[0]``, then every month of the horizon."""
    collect(s, out[0])
    for month in range(out.shape[0] - 1):
        month_step(s, month, out[month + 1])


@njit(cache=True)
def export_projects(s, table):
    """The run's projects as rows of ``table`` (columns ``PROJECT_COLUMNS``), as many as fit;
    returns how many projects the run created."""
    pf, pi = s.pf, s.pi
    for p in range(min(s.n_projects[0], table.shape[0])):
        row = table[p]
        running = pi[PI.status, p] == STATUS_RUNNING
        row[PO.status] = pi[PI.status, p]
        row[PO.mode] = pi[PI.mode, p]
        row[PO.leader] = pi[PI.leader, p]
        row[PO.created_at] = pi[PI.created_at, p]
        row[PO.running_since] = pi[PI.running_since, p]
        row[PO.ended_at] = pi[PI.ended_at, p]
        row[PO.members_end] = pi[PI.n_members, p] if running else 0
        row[PO.max_members] = pi[PI.max_members_reached, p]
        row[PO.facilitated] = pi[PI.facilitated, p]
        row[PO.governance] = pf[PF.governance, p]
        row[PO.anchored] = pi[PI.anchored, p]
    return s.n_projects[0]
