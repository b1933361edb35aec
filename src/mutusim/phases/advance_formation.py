"""Phase 4 — formation (R09–R15, R44, R47): forming projects, in ascending index, pay their
facilitator (unpaid, the facilitator leaves), then one draw decides whether the project fails,
advances one §8.2 phase or stays (R11–R13). Leaving the shared-base phase needs a non-empty
scope; leaving the financial-plan phase needs the plan accepted (R47). A failed project
releases its facilitator and members; one that leaves the last phase starts running."""

from __future__ import annotations

from numba import njit

from mutusim import rng
from mutusim.catalogue import STATUS_FORMING
from mutusim.contract.fields import PI
from mutusim.phases.shared import (
    active,
    collaboration,
    draw,
    fail_formation,
    heterogeneity,
    pay,
    release_facilitator,
    rival_share,
    start_running,
    utility,
)
from mutusim.phases.state import helper
from mutusim.rules import formation as rf


@helper
def _plan_accepted(s, p):
    """R47 over the members' utilities (expected subsidies)."""
    total = 0.0
    for m in range(s.pi[PI.n_members, p]):
        total += utility(s, s.members[p, m], p, False, False)
    return rf.financial_plan_accepted(total)


@njit(cache=True)
def advance_formation(s):
    """Phase 4 over every forming project."""
    par, pi = s.par[0], s.pi
    for p in range(s.n_projects[0]):
        if pi[PI.status, p] != STATUS_FORMING:
            continue
        k = pi[PI.facilitator_policy, p]
        if k >= 0:
            cost = s.pol[k].facilitator_cost_eur_per_project_month
            if not (active(s, k) and pay(s, k, cost)):
                release_facilitator(s, p)
                pi[PI.facilitated, p] = 0
        facilitated = pi[PI.facilitated, p] == 1
        failure = rf.phase_failure_probability(
            par.formation_base_failure,
            heterogeneity(s, p),
            par.formation_heterogeneity_weight,
            collaboration(s, p),
            par.formation_posture_weight,
            rival_share(s, p),
            par.formation_rivalry_weight,
            facilitated,
            par.formation_facilitation_effect,
        )
        advance = rf.phase_advance_probability(
            par.formation_phase_months, facilitated, par.formation_facilitation_speedup
        )
        outcome = rf.phase_transition(draw(s, p, rng.P_PHASE), failure, advance)
        if outcome == rf.ADVANCE:
            if pi[PI.phase, p] == rf.PHASE_SHARED_BASE and pi[PI.scope, p] == 0:
                outcome = rf.FAIL
            elif pi[PI.phase, p] == rf.PHASE_FINANCIAL_PLAN and not _plan_accepted(s, p):
                outcome = rf.FAIL
        if outcome == rf.FAIL:
            fail_formation(s, p)
        elif outcome == rf.ADVANCE:
            pi[PI.phase, p] += 1
            if pi[PI.phase, p] == rf.PHASE_RUNNING:
                start_running(s, p)
