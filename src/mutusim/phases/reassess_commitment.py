"""Phase 6 — commitment and benefits (R16–R25, R29–R34, R41, R46).

The collaboration intensity of each running project is fixed at the start of the phase.
Members of running projects, in ascending index, receive their pooled subsidies (paid now, so
the budget runs out in index order), compute their utility and saving, then — from the state
at the start of the phase — update their commitment (mitigation R29, one shock draw R30–R31,
R32) and maturity (R24); an exit decided (R33) is applied later. Every running project then
updates its demonstrated value from its members' mean utility (R25). Exits are applied in
ascending index, then projects below their minimum size dissolve (R34, ascending index) and
release their members.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from mutusim import rng
from mutusim.catalogue import STATUS_DISSOLVED, STATUS_RUNNING
from mutusim.contract.fields import AF, AI, EV, PF, PI, C
from mutusim.phases.shared import collaboration, draw, leave, release_all, utility
from mutusim.phases.state import helper
from mutusim.rules import commitment as rc
from mutusim.rules import economics as re


@helper
def _new_commitment(par, commitment, governance, facilitated, n_members, shock, u, collab):
    """R29–R32 for a member with realised utility ``u`` and shock draw ``shock``."""
    mitigation = rc.erosion_mitigation(
        governance,
        collab,
        par.projects_cost_equity,
        facilitated,
        par.commitment_w_governance,
        par.commitment_w_collaboration,
        par.commitment_w_equity,
        par.commitment_w_facilitation,
    )
    kind = rc.shock_kind(
        shock,
        par.commitment_management_probability,
        par.commitment_reorientation_probability,
        par.commitment_political_probability,
        par.commitment_cost_overrun_probability,
    )
    loss = rc.shock_loss(
        kind,
        par.commitment_management_loss,
        par.commitment_reorientation_loss,
        par.commitment_political_loss,
        par.commitment_cost_overrun_loss,
        n_members,
        par.commitment_risk_sharing,
    )
    return rc.commitment_update(
        commitment,
        par.commitment_erosion,
        mitigation,
        par.commitment_restoration,
        u,
        loss,
    )


@helper
def _members_month(s, collab, utility_sum, leaving):
    """Utility, commitment and maturity of every member of a running project, in ascending
    index; fills ``leaving`` with those whose commitment fell below the exit threshold and
    returns how many. (A loop of its own: compiled apart from the exits, the valuation it
    calls is inlined into it, several times faster than the call per member otherwise.)"""
    par, af, ai, pf, pi = s.par[0], s.af, s.ai, s.pf, s.pi
    n_leaving = 0
    for i in range(af.shape[1]):
        p = ai[AI.project, i]
        if p < 0 or pi[PI.status, p] != STATUS_RUNNING:
            continue
        u = utility(s, i, p, False, True)
        utility_sum[p] += u
        if par.mechanisms_commitment_decay:
            af[AF.commitment, i] = _new_commitment(
                par,
                af[AF.commitment, i],
                pf[PF.governance, p],
                pi[PI.facilitated, p] == 1,
                pi[PI.n_members, p],
                draw(s, i, rng.P_SHOCK),
                u,
                collab[p],
            )
            if rc.leaves(af[AF.commitment, i], par.commitment_exit_threshold):
                leaving[n_leaving] = i
                n_leaving += 1
        if par.mechanisms_maturity_growth:
            af[AF.maturity, i] = re.maturity_gain(
                af[AF.maturity, i], par.benefits_maturity_gain_rate, collab[p]
            )
    return n_leaving


@njit(cache=True)
def reassess_commitment(s):
    """Phase 6 over the members of running projects, then the projects."""
    par, pf, pi = s.par[0], s.pf, s.pi
    n_projects = s.n_projects[0]
    collab = np.zeros(n_projects)
    utility_sum = np.zeros(n_projects)
    for p in range(n_projects):
        if pi[PI.status, p] == STATUS_RUNNING:
            collab[p] = collaboration(s, p)
    leaving = np.empty(s.af.shape[1], np.int64)
    n_leaving = _members_month(s, collab, utility_sum, leaving)
    for p in range(n_projects):
        if pi[PI.status, p] == STATUS_RUNNING and pi[PI.n_members, p] > 0:
            pf[PF.demonstrated_value, p] = re.demonstrated_value_update(
                pf[PF.demonstrated_value, p],
                utility_sum[p] / pi[PI.n_members, p],
                par.projects_value_time_constant,
            )
    for k in range(n_leaving):
        leave(s, leaving[k], EV.exit, s.af[AF.commitment, leaving[k]])
        s.cnt[C.exits] += 1.0
    if not par.mechanisms_dissolution:
        return
    for p in range(n_projects):
        if pi[PI.status, p] == STATUS_RUNNING and rc.dissolves(
            pi[PI.n_members, p], int(par.projects_min_members), pi[PI.anchored, p] == 1
        ):
            pi[PI.status, p] = STATUS_DISSOLVED
            pi[PI.ended_at, p] = s.clock[0]
            s.cnt[C.released] += release_all(s, p, EV.dissolution)
            s.cnt[C.dissolved] += 1.0
