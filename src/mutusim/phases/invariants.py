"""Invariants of a run's state, checked by the test suite after every month (and available to
anyone debugging a change: ``check_invariants(model.state)``).

- Memberships and project rows agree: every member listed once, in the project it points to;
  member counts, running sums and largest membership match the members.
- Projects that failed or dissolved hold nobody; unused project slots are empty.
- Public money is never overspent, in total or per policy, and the accounts add up.
- Facilitator slots in use match the forming projects they accompany, within each policy's
  capacity.
- Commitment, maturity and covered value share lie in [0, 1]; members have a circle, others not.
- Demand (§4.2): latent demand needs a convinced leader; only projects past their choices
  phase offer flexible tiers.
"""

from __future__ import annotations

import numpy as np

from mutusim.catalogue import STATUS_DISSOLVED, STATUS_FAILED, STATUS_FORMING
from mutusim.contract.fields import AF, AI, AU, PA, PF, PI
from mutusim.contract.policy_layout import K
from mutusim.phases.state import RunState
from mutusim.rules.formation import PHASE_CHOICES

TOLERANCE = 1e-6


def violations(s: RunState) -> list[str]:
    """Every invariant the state breaks, in words (empty when all hold)."""
    found: list[str] = []
    n_projects = int(s.n_projects[0])
    project = s.ai[AI.project]
    pi, pf = s.pi, s.pf
    member_of = np.full(s.af.shape[1], -1)
    for p in range(n_projects):
        members = s.members[p, : pi[PI.n_members, p]]
        if len(set(members.tolist())) != len(members):
            found.append(f"project {p} lists a member twice")
        for i in members:
            if project[i] != p:
                found.append(f"EES {i} is listed in project {p} but points to {project[i]}")
            member_of[i] = p
        if pi[PI.status, p] in (STATUS_FAILED, STATUS_DISSOLVED) and len(members):
            found.append(f"project {p} ended but holds {len(members)} members")
        if pi[PI.max_members_reached, p] < len(members):
            found.append(f"project {p}: more members than its largest membership")
        for column, values in (
            (PF.sum_size, s.af[AF.size, members]),
            (PF.sum_log10_size, s.af[AF.log10_size, members]),
            (PF.sum_maturity, s.af[AF.maturity_at_join, members]),
            (PF.sum_depth, s.af[AF.depth, members]),
            (PF.sum_posture, s.af[AF.cooperative_posture, members]),
        ):
            if abs(pf[column, p] - values.sum()) > TOLERANCE * max(1.0, abs(values.sum())):
                found.append(f"project {p}: running sum {column.name} is off")
    stray = np.flatnonzero(member_of != project)
    if len(stray):
        found.append(f"EES {stray[:5].tolist()} point to projects that do not list them")
    if np.any(pi[PI.status, n_projects:] != 0):
        found.append("an unused project slot has a status")
    ring = s.ai[AI.ring]
    if np.any((project >= 0) & (ring < 0)) or np.any((project < 0) & (ring >= 0)):
        found.append("circles and memberships disagree")
    for name in ("commitment", "maturity", "covered_value_share"):
        values = s.af[AF[name]]
        if np.any(values < -TOLERANCE) or np.any(values > 1 + TOLERANCE):
            found.append(f"{name} outside [0, 1]")
    found.extend(_demand_violations(s, n_projects))
    found.extend(_account_violations(s, n_projects))
    return found


def _demand_violations(s: RunState, n_projects: int) -> list[str]:
    found = []
    ai, pi = s.ai, s.pi[:, :n_projects]
    if s.par[0]["mechanisms_demand"] and np.any((ai[AI.latent] == 1) & (ai[AI.convinced] == 0)):
        found.append("latent demand without a convinced leader")
    if np.any(ai[AI.times_reached] < 0):
        found.append("negative count of awareness contacts")
    early = (pi[PI.status] == STATUS_FORMING) & (pi[PI.phase] <= PHASE_CHOICES)
    if np.any(early & (pi[PI.flexible] == 1)):
        found.append("flexible tiers chosen before the choices phase ended")
    return found


def _account_violations(s: RunState, n_projects: int) -> list[str]:
    found = []
    spent = s.au_policy[PA.spent]
    budget = float(s.par[0]["budget_eur"])
    if s.au[AU.spent_total] > budget * (1 + TOLERANCE) + TOLERANCE:
        found.append(f"spent {s.au[AU.spent_total]:.2f} EUR of a {budget:.2f} EUR budget")
    if np.any(spent > s.pol["budget_eur"] * (1 + TOLERANCE) + TOLERANCE):
        found.append("a policy spent beyond its own budget")
    if abs(spent.sum() - s.au[AU.spent_total]) > TOLERANCE * max(1.0, s.au[AU.spent_total]):
        found.append("spending by policy does not add up to the total")
    if abs(s.au_kind.sum() - s.au[AU.spent_month]) > TOLERANCE * max(1.0, s.au[AU.spent_month]):
        found.append("spending by kind does not add up to the month's spending")
    forming = s.pi[PI.status, :n_projects] == STATUS_FORMING
    for k, policy in enumerate(s.pol):
        accompanied = int(np.sum(forming & (s.pi[PI.facilitator_policy, :n_projects] == k)))
        if s.au_policy[PA.facilitator_load, k] != accompanied:
            found.append(f"policy {k}: facilitator load does not match the projects it follows")
        if policy["kind"] == K.facilitator:
            slots = (
                policy["facilitator_facilitators"] * policy["facilitator_projects_per_facilitator"]
            )
            if accompanied > slots:
                found.append(f"policy {k}: more projects accompanied than slots")
    return found


def check_invariants(s: RunState) -> None:
    """Raise ``AssertionError`` listing every invariant the state breaks."""
    found = violations(s)
    if found:
        raise AssertionError("; ".join(found))
