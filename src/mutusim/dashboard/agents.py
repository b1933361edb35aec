"""The agent-level view: one run of the Mesa model on a small population, recorded month by
month, so the page can show the circles of each project growing (core, circle 1, 2, ...).

The whole run is recorded once (60 EES over 120 months take well under a second), so the page
can move back and forth in time without re-running the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from mutusim.catalogue import STATUS_RUNNING
from mutusim.dashboard.scenario import Levers, scenario_config

AGENT_POPULATION = "federation"
"""The population of the agent view: the 60-member federation (readable as a network)."""


@dataclass(frozen=True, eq=False)
class AgentRun:
    """One recorded run. Arrays are indexed ``[month, ees]`` (month 0 = initial state).
    Compared by identity (the page redraws when a new run arrives)."""

    seed: int
    run: int
    n_agents: int
    horizon_months: int
    edges: np.ndarray  # (n_edges, 2) ties between EES
    positions: np.ndarray  # (n_agents, 2) fixed layout of the tie network
    project: np.ndarray  # project index of each EES (-1: none)
    ring: np.ndarray  # circle of each member (0 = core; -1: none)
    running: np.ndarray  # bool: the EES's project is running (False: forming, or none)

    def members_by_ring(self, month: int, rings: int = 4) -> list[int]:
        """Members of running projects by circle at ``month``: core, 1, ..., ``rings-1``+."""
        ring = self.ring[month][self.running[month]]
        counts = [int(np.sum(ring == r)) for r in range(rings - 1)]
        counts.append(int(np.sum(ring >= rings - 1)))
        return counts

    def projects_running(self, month: int) -> int:
        """Number of running projects at ``month``."""
        return len(np.unique(self.project[month][self.running[month]]))


def record_run(levers: Levers, seed: int = 0, run: int = 0) -> AgentRun:
    """Run the Mesa model of ``levers``'s policies on the federation and record every month."""
    from mutusim.model import MutualisationModel

    config = scenario_config(levers, population=AGENT_POPULATION)
    model = MutualisationModel(config, seed=seed, run=run)
    n, horizon = len(model.ees), config.horizon_months
    project = np.full((horizon + 1, n), -1, dtype=np.int64)
    ring = np.full((horizon + 1, n), -1, dtype=np.int64)
    running = np.zeros((horizon + 1, n), dtype=bool)

    def snapshot(month: int) -> None:
        for agent in model.ees:
            if agent.project is not None:
                project[month, agent.index] = agent.project.index
                ring[month, agent.index] = agent.ring
                running[month, agent.index] = agent.project.status == STATUS_RUNNING

    snapshot(0)
    for month in range(1, horizon + 1):
        model.step()
        snapshot(month)

    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    ptr, idx = model.population.tie_ptr, model.population.tie_idx
    for i in range(n):
        graph.add_edges_from((i, int(j)) for j in idx[ptr[i] : ptr[i + 1]] if int(j) > i)
    layout = nx.spring_layout(graph, seed=seed + 1, iterations=100)
    positions = np.array([layout[i] for i in range(n)], dtype=float)
    edges = np.array(list(graph.edges()), dtype=np.int64).reshape(-1, 2)
    return AgentRun(seed, run, n, horizon, edges, positions, project, ring, running)
