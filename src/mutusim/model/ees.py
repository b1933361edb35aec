"""The EES agent: a social-economy enterprise with needs, attitudes, ties and memberships.

Each method states the rule(s) it applies; the arithmetic is in ``mutusim.rules``. Random
draws come from ``model.draw(agent_index, purpose)`` (counter-based), never from
``model.random``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa.discrete_space import FixedAgent

from mutusim import rng
from mutusim.rules.demand import individual_capacity, need_gap, seeks_pooling

if TYPE_CHECKING:
    from mutusim.model.model import MutualisationModel
    from mutusim.model.project import Project


class EES(FixedAgent):
    """An entreprise d'économie sociale (ASBL, cooperative, mutual, foundation, SFS)."""

    def __init__(self, model: MutualisationModel, index: int, **attributes: object) -> None:
        super().__init__(model)
        self.index = index
        for name, value in attributes.items():
            setattr(self, name, value)
        self.individual_support = 0.0
        self.seeking = False
        self.project: Project | None = None
        self.ring = -1
        self.commitment = 0.0
        self.joined_at = -1
        self.maturity_at_join = 0.0
        self.covered_value_share = 0.0
        self.cooldown_until = 0
        self.exits = 0
        self.policy_support_eur = 0.0
        self.ties: list[EES] = []
        self.rivals: set[EES] = set()
        self.eligible: tuple[bool, ...] = ()
        self.standalone_cost = 0.0
        self.events: list[tuple[int, str, int, float]] = []

    def log(self, month: int, event: str, project: int = -1, value: float = 0.0) -> None:
        """Record an event of this EES's story (month, event, project, value)."""
        self.events.append((month, event, project, value))

    def free(self, month: int) -> bool:
        """Outside any project and past its re-entry cooldown."""
        return self.project is None and month >= self.cooldown_until

    def assess_demand(self) -> None:
        """R01–R03: seek pooling only if convinced and the need exceeds what it can do alone."""
        m = self.model
        if not m.config.mechanisms.demand:
            self.seeking = True
            return
        gap = need_gap(
            self.n_needed,
            m.n_services,
            self.maturity,
            self.admin_pressure,
            m.config.behaviour.admin_weight,
        )
        capacity = individual_capacity(
            self.financial_tension, self.maturity, self.individual_support
        )
        self.seeking = seeks_pooling(
            self.convinced, gap, capacity, m.config.behaviour.autonomy_preference
        )

    def draw(self, purpose: int) -> float:
        """This EES's uniform draw for ``purpose`` this month."""
        return self.model.draw(self.index, purpose)

    def rival_count(self, project: Project) -> int:
        """Competition ties of this EES that are members of ``project`` (0 if switched off)."""
        if not self.model.config.mechanisms.competition:
            return 0
        return sum(1 for r in self.rivals if r.project is project)

    def priority(self) -> float:
        """Order key of this EES in this month's conflicts (pioneers, joiners)."""
        return self.draw(rng.P_PRIORITY)
