"""The Mesa face of mutusim: one run as a ``mesa.Model`` whose ``step()`` is the compiled month
step of ``mutusim.phases`` (the schedule is written there, once).

The model holds one run's state (``self.state``, a ``phases.RunState``); its EES are
``mesa.Agent``s and its projects objects whose attributes view that state's arrays, so
``AgentSet`` selection, ``DataCollector`` model and agent reporters, and reading or changing
an agent between steps work as in any Mesa model, while every month runs the same compiled
code as the batch engine, on the same counter-based draws.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from mutusim import rng
from mutusim.config.schema import ScenarioConfig
from mutusim.contract.fields import EVENT_NAMES
from mutusim.model.agents import EES, Project
from mutusim.model.authority import Authority
from mutusim.phases import (
    TRACE_ALL,
    ScenarioInputs,
    export_projects,
    month_step,
    new_run_state,
    scenario_inputs,
)
from mutusim.phases.collect import collect
from mutusim.phases.state import EVENT_COLUMNS
from mutusim.population import Population

EVENTS_PER_EES_MONTH = 6
"""Bound on one EES's events in one month besides those of its policies (core or join, exit or
release, initiation failure, grants): sizes the story buffer drained after each step."""


class MutualisationModel(mesa.Model):
    """Digital-project pooling among EES under public incentive policies (one run)."""

    def __init__(
        self,
        config: ScenarioConfig,
        seed: int = 0,
        run: int = 0,
        agent_reporters: dict[str, Any] | None = None,
        inputs: ScenarioInputs | None = None,
    ) -> None:
        super().__init__(rng=rng.run_seed(seed, run))
        self.config = config
        self.seed = int(seed)
        self.run_index = int(run)
        self.inputs = inputs if inputs is not None else scenario_inputs(config)
        n = self.inputs.n_agents
        per_ees = EVENTS_PER_EES_MONTH + 2 * len(self.inputs.policies)
        self._events = np.zeros((n * per_ees + 16, EVENT_COLUMNS))
        self.state = new_run_state(
            self.seed,
            self.run_index,
            self.inputs.run_arrays,
            self.inputs.shared,
            TRACE_ALL,
            self._events,
        )
        s = self.state
        self.population = Population(
            s.af, s.ai, s.tie_ptr, s.tie_idx, s.rival_ptr, s.rival_idx, self.inputs.sector_names
        )
        self.columns = self.inputs.columns
        self.row = np.zeros(len(self.columns))
        self.ees: list[EES] = [EES(self, i) for i in range(n)]
        self.authority = Authority(self)
        self._projects: list[Project] = []
        self._drain_events()
        reporters = {name: _reporter(k) for k, name in enumerate(self.columns)}
        self.datacollector = mesa.DataCollector(
            model_reporters=reporters, agent_reporters=agent_reporters or {}
        )
        collect(self.state, self.row)
        self.datacollector.collect(self)

    @property
    def month(self) -> int:
        """The month last simulated (0 before the first step)."""
        return int(self.state.clock[0])

    @property
    def projects(self) -> list[Project]:
        """Every project created so far, by index."""
        for index in range(len(self._projects), int(self.state.n_projects[0])):
            self._projects.append(Project(self, index))
        return self._projects

    @property
    def outputs(self) -> dict[str, float]:
        """The outputs of the last step (or of the initial state), by column."""
        return dict(zip(self.columns, self.row.tolist(), strict=True))

    def ees_agents(self) -> mesa.agent.AgentSet:
        """The EES as a Mesa AgentSet, in ascending index (creation order)."""
        return self.agents_by_type[EES]

    def draw(self, agent: int, purpose: int) -> float:
        """The counter-based uniform the phases use for (this month, ``agent``, ``purpose``)."""
        return rng.uniform(self.seed, self.run_index, self.month, agent, purpose)

    def step(self) -> None:
        """One month: the compiled month step (``mutusim.phases``), then the reporters."""
        month_step(self.state, int(self.time) - 1, self.row)
        self._drain_events()
        self.datacollector.collect(self)

    def run(self) -> None:
        """Run the whole horizon."""
        for _ in range(self.config.horizon_months):
            self.step()

    def project_rows(self) -> np.ndarray:
        """The projects as rows of ``contract.outputs.PROJECT_COLUMNS``."""
        from mutusim.contract.outputs import PROJECT_COLUMNS

        table = np.zeros((int(self.state.n_projects[0]), len(PROJECT_COLUMNS)))
        export_projects(self.state, table)
        return table

    def _drain_events(self) -> None:
        """Move the month's story events into each EES's ``events``."""
        count = int(self.state.n_events[0])
        if count > len(self._events):
            raise RuntimeError(f"story buffer overflow: {count} events in one month")
        for month, code, project, value, agent in self._events[:count].tolist():
            self.ees[int(agent)].events.append(
                (int(month), EVENT_NAMES[int(code)], int(project), value)
            )
        self.state.n_events[0] = 0


def _reporter(column: int) -> Any:
    return lambda model: model.row[column]


__all__ = ["MutualisationModel"]
