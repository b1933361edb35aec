"""The EES agent and the project, as views of one run's state.

An ``EES`` is a ``mesa.Agent`` whose attributes (``maturity``, ``commitment``, ``convinced``,
``ring``, …: every field of ``AGENT_FIELDS``) read and write the run's arrays; ``project``,
``ties`` and ``rivals`` return the objects they refer to. A ``Project`` views one row of the
project arrays likewise. Behaviour lives in the compiled phases, not here: the model's
``step()`` runs them for every agent at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from mutusim.catalogue import STATUS_RUNNING
from mutusim.contract.fields import AF, AGENT_FIELDS, AI, PF, PI, PROJECT_FIELDS
from mutusim.model.views import state_views

if TYPE_CHECKING:
    from mutusim.model.model import MutualisationModel


@state_views(AGENT_FIELDS, ("af", AF), ("ai", AI))
class EES(mesa.Agent):
    """An entreprise d'économie sociale (ASBL, cooperative, mutual, foundation, SFS)."""

    model: MutualisationModel

    def __init__(self, model: MutualisationModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.events: list[tuple[int, str, int, float]] = []

    @property
    def project_index(self) -> int:
        """Index of its project (-1: none)."""
        return int(self.model.state.ai[AI.project, self.index])

    @property
    def project(self) -> Project | None:
        """The project it belongs to, if any."""
        index = self.project_index
        return None if index < 0 else self.model.projects[index]

    @property
    def ties(self) -> list[EES]:
        """Its social ties (federations, networks of directors, §2)."""
        return [self.model.ees[j] for j in self.model.population.ties(self.index)]

    @property
    def rivals(self) -> set[EES]:
        """Its competition ties (same activity and territory, §4.3)."""
        return {self.model.ees[j] for j in self.model.population.rivals(self.index)}

    @property
    def pooled(self) -> bool:
        """Member of a running project."""
        project = self.project
        return project is not None and project.running


@state_views(PROJECT_FIELDS, ("pf", PF), ("pi", PI))
class Project:
    """A mutualisation project: a collective of EES with a leader, a scope, a mode, a phase and
    circles of members (§2, §7, §8.2, §8.4)."""

    def __init__(self, model: MutualisationModel, index: int) -> None:
        self.model = model
        self.index = index

    def __repr__(self) -> str:
        return f"Project({self.index}, status={self.status}, members={self.n})"

    @property
    def n(self) -> int:
        """Number of members."""
        return int(self.model.state.pi[PI.n_members, self.index])

    @property
    def running(self) -> bool:
        """Whether the project is running (members count as pooled)."""
        return self.status == STATUS_RUNNING

    @property
    def leader(self) -> EES | None:
        """The pioneer who started it (None for projects present at month 0 without one)."""
        index = int(self.model.state.pi[PI.leader, self.index])
        return None if index < 0 else self.model.ees[index]

    @property
    def members(self) -> list[EES]:
        """Its members, in joining order."""
        row = self.model.state.members[self.index, : self.n]
        return [self.model.ees[i] for i in row]
