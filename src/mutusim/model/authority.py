"""The public authority: its budget and the incentive policies it applies (§6, §8.5, §9).

Every payment goes through ``pay``, which applies R37: a payment is made only if it fits the
policy's own budget and the authority's total budget, so public money is never overspent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mutusim import rng
from mutusim.policies import (
    AWARENESS,
    FACILITATOR,
    INDIVIDUAL,
    PIONEER_REWARD,
    POOLED_SUBSIDY,
    STANDARDISATION,
    TRAINING,
    compile_policies,
)
from mutusim.rules import policies as rp

if TYPE_CHECKING:
    from mutusim.model.ees import EES
    from mutusim.model.model import MutualisationModel
    from mutusim.model.project import Project

DT = 1.0 / 12.0


class Authority:
    """Holds the budget, the compiled policies and what has been spent."""

    def __init__(self, model: MutualisationModel) -> None:
        self.model = model
        self.policies = compile_policies(model.config)
        self.budget_total = model.config.budget_eur
        self.spent_total = 0.0
        self.spent = np.zeros(self.policies.count)
        self.spent_month = 0.0
        self.spent_month_by_kind = np.zeros(7)
        self.facilitator_load = np.zeros(self.policies.count, dtype=np.int64)

    # ---------------------------------------------------------------- basics
    def eligibility_of(self, agent: EES) -> tuple[bool, ...]:
        """R36 for every policy (attributes are fixed, so this is computed once)."""
        pol = self.policies
        return tuple(
            rp.eligible(
                agent.size,
                agent.sector,
                agent.province,
                agent.legal_form,
                pol.size_min[k],
                pol.size_max[k],
                pol.sector_mask[k],
                pol.province_mask[k],
                pol.form_mask[k],
            )
            for k in range(pol.count)
        )

    def active(self, k: int) -> bool:
        """R35 for policy ``k`` this month."""
        pol = self.policies
        return rp.policy_active(self.model.month, pol.start[k], pol.end[k])

    def affordable(self, k: int, amount: float) -> bool:
        """R37 for a payment of ``amount`` EUR by policy ``k``."""
        return rp.affordable(
            amount, self.spent_total, self.budget_total, self.spent[k], self.policies.budget[k]
        )

    def pay(self, k: int, amount: float) -> bool:
        """Pay ``amount`` EUR under policy ``k`` if affordable; say whether it was paid."""
        if not self.affordable(k, amount):
            return False
        self.spent_total += amount
        self.spent[k] += amount
        self.spent_month += amount
        self.spent_month_by_kind[self.policies.kind[k]] += amount
        return True

    def _of_kind(self, kind: int) -> list[int]:
        pol = self.policies
        return [k for k in range(pol.count) if pol.kind[k] == kind and self.active(k)]

    def start_month(self) -> None:
        """Reset the monthly spending counters."""
        self.spent_month = 0.0
        self.spent_month_by_kind[:] = 0.0

    # ---------------------------------------------------------------- phase 1
    def apply_policies(self) -> None:
        """Awareness, training, standardisation and individual grants, in scenario order."""
        pol = self.policies
        model = self.model
        for k in range(pol.count):
            if not self.active(k):
                continue
            kind = pol.kind[k]
            a, b, c = pol.params[k]
            if kind == AWARENESS:
                if not self.pay(k, b):
                    continue
                for agent in model.ees:
                    if agent.eligible[k] and not agent.convinced:
                        u = agent.draw(rng.P_AWARENESS + rng.SUB * k)
                        if rp.monthly_event(u, a, DT):
                            agent.convinced = True
                            agent.log(model.month, "convinced", -1, 0.0)
            elif kind == TRAINING:
                for agent in model.ees:
                    if not agent.eligible[k]:
                        continue
                    u = agent.draw(rng.P_TRAINING + rng.SUB * k)
                    if rp.monthly_event(u, a, DT) and self.pay(k, c):
                        agent.maturity = rp.trained_maturity(agent.maturity, b)
                        agent.policy_support_eur += c
                        agent.log(model.month, "trained", -1, c)
            elif kind == STANDARDISATION:
                if self.pay(k, b):
                    model.standardisation = rp.standardisation_update(model.standardisation, a)
            elif kind == INDIVIDUAL:
                for agent in model.ees:
                    if not agent.eligible[k] or agent.project is not None or agent.n_needed == 0:
                        continue
                    u = agent.draw(rng.P_INDIVIDUAL_GRANT + rng.SUB * k)
                    if rp.monthly_event(u, a, DT) and self.pay(k, c):
                        agent.individual_support = rp.supported_capacity(
                            agent.individual_support, b
                        )
                        agent.policy_support_eur += c
                        agent.log(model.month, "individual_grant", -1, c)

    # ---------------------------------------------------------------- phases 3–6
    def initiation_boost(self, agent: EES) -> float:
        """Sum of initiation boosts of active pioneer rewards the agent could still receive."""
        pol = self.policies
        return sum(
            pol.params[k, 1]
            for k in self._of_kind(PIONEER_REWARD)
            if agent.eligible[k] and self.affordable(k, pol.params[k, 0])
        )

    def assign_facilitator(self, project: Project) -> None:
        """A new project gets a funded facilitator from the first policy with a free slot that
        can pay its first month (facilitators accompany the formation phases only)."""
        if not self.model.config.mechanisms.formation_phases:
            return
        pol = self.policies
        for k in self._of_kind(FACILITATOR):
            if (
                project.leader.eligible[k]
                and self.facilitator_load[k] < pol.params[k, 0]
                and self.affordable(k, pol.params[k, 1])
            ):
                self.facilitator_load[k] += 1
                project.facilitated = True
                project.facilitator_policy = k
                return

    def pay_facilitator(self, project: Project) -> None:
        """Monthly cost of a forming project's facilitator; unpaid, the facilitator leaves."""
        k = project.facilitator_policy
        if k < 0:
            return
        if self.active(k) and self.pay(k, self.policies.params[k, 1]):
            return
        self.release_facilitator(project)
        project.facilitated = False

    def release_facilitator(self, project: Project) -> None:
        """Free the facilitator slot (the method and follow-up stay with the project)."""
        k = project.facilitator_policy
        if k >= 0:
            self.facilitator_load[k] -= 1
            project.facilitator_policy = -1

    def reward_pioneer(self, project: Project) -> None:
        """Pay active pioneer rewards to the leader of a project that starts running (§8.4)."""
        leader = project.leader
        for k in self._of_kind(PIONEER_REWARD):
            amount = self.policies.params[k, 0]
            if leader.eligible[k] and self.pay(k, amount):
                leader.policy_support_eur += amount
                leader.log(self.model.month, "pioneer_reward", project.index, amount)

    def pooled_subsidy(self, agent: EES, share: float, pay: bool) -> float:
        """R41: subsidy on a member's cost share, paid now (``pay``) or expected."""
        total = 0.0
        pol = self.policies
        for k in self._of_kind(POOLED_SUBSIDY):
            if not agent.eligible[k]:
                continue
            amount = rp.subsidy_amount(share - total, pol.params[k, 0], pol.params[k, 1])
            if amount <= 0.0:
                continue
            if pay:
                if self.pay(k, amount):
                    total += amount
                    agent.policy_support_eur += amount
            elif self.affordable(k, amount):
                total += amount
        return total
