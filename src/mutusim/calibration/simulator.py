"""The model as a calibration sees it: parameter points in, the targets' outputs of each run
out, many points per call of the batch engine (``mutusim.engine.run_points``).

A point's runs are the run indices ``run_ids`` of the problem's seed, the same in every
scenario (paired), so a point's outputs depend only on (seed, values, runs): the order or the
company in which points are simulated changes nothing.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Sequence

import numpy as np

from mutusim.calibration.targets import Problem
from mutusim.config import load_config
from mutusim.engine.batch import run_points
from mutusim.phases.inputs import ScenarioInputs, scenario_inputs

POINTS_PER_CALL = 64
"""Parameter points simulated in one call of the batch engine (bounds its memory)."""


def point_runs(values: Sequence[float], runs: int) -> np.ndarray:
    """Run indices of a point drawn by a sampler (ABC): derived from its values, so that the
    same point always gets the same runs and different points independent ones."""
    digest = hashlib.sha256(struct.pack(f"<{len(values)}d", *values)).digest()
    start = int.from_bytes(digest[:5], "little") * runs
    return np.arange(start, start + runs, dtype=np.int64)


def _shared_key(inputs: ScenarioInputs) -> bytes:
    """What must be equal for two points to share one batch call (population, projects)."""
    parts = [*inputs.population, inputs.initial_projects, inputs.existing]
    return b"".join(np.ascontiguousarray(p).tobytes() for p in parts)


class Simulator:
    """Simulates parameter points of a ``Problem`` and reads its targets' values."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.columns: dict[str, list[str]] = {}
        for name, config in problem.scenarios.items():
            self.columns[name] = list(scenario_inputs(config).columns)

    def _inputs(self, scenario: str, point: dict[str, float]) -> ScenarioInputs:
        config = load_config(self.problem.scenarios[scenario], self.problem.typed(point))
        return scenario_inputs(config)

    def simulate(
        self,
        points: Sequence[dict[str, float]],
        run_ids: Sequence[np.ndarray],
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Outputs of every target, shape (points, runs, targets): point ``i`` runs the run
        indices ``run_ids[i]`` (same count for all). ``progress`` gets the points done."""
        runs = len(run_ids[0]) if len(run_ids) else 0
        targets = self.problem.targets
        result = np.zeros((len(points), runs, len(targets)))
        for start in range(0, len(points), POINTS_PER_CALL):
            chunk = range(start, min(start + POINTS_PER_CALL, len(points)))
            for scenario in self.problem.scenarios:
                self._simulate_chunk(scenario, points, run_ids, chunk, result)
            if progress is not None:
                progress(len(chunk))
        return result

    def _simulate_chunk(self, scenario, points, run_ids, chunk, result) -> None:
        columns = self.columns[scenario]
        wanted = [(k, t) for k, t in enumerate(self.problem.targets) if t.scenario == scenario]
        groups: dict[bytes, list[tuple[int, ScenarioInputs]]] = {}
        for i in chunk:
            inputs = self._inputs(scenario, points[i])
            groups.setdefault(_shared_key(inputs), []).append((i, inputs))
        seed = self.problem.spec.seed
        for members in groups.values():
            runs = np.concatenate([run_ids[i] for i, _ in members])
            which = np.repeat(np.arange(len(members)), [len(run_ids[i]) for i, _ in members])
            batch = run_points([inputs for _, inputs in members], seed, runs, which)
            per_point = batch.out.reshape(len(members), -1, *batch.out.shape[1:])
            for (i, _), out in zip(members, per_point, strict=True):
                for k, target in wanted:
                    column = out[:, :, columns.index(target.output)]
                    if isinstance(target.month, list):
                        first, last = target.month
                        result[i, :, k] = column[:, first : last + 1].sum(axis=1)
                    else:
                        result[i, :, k] = column[:, target.month]
