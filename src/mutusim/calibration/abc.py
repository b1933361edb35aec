"""Approximate Bayesian computation by sequential Monte Carlo (pyabc's ``ABCSMC``).

pyabc calls the model once per parameter set; ``AbcModel`` answers with the mean, over
``runs`` runs of the batch engine (every scenario the targets need, paired), of each target's
output. The distance is the Euclidean one of the differences in observation sds; tolerances
are pyabc's median of the last generation's distances. It stops at the first of: the
simulation budget, an acceptance rate below ``MIN_ACCEPTANCE``, ``MAX_GENERATIONS``.

pyabc keeps its history in ``OUT/abc.db`` (SQLite); the manifest records the run's id, and a
resumed calibration loads that history and goes on from its last generation (pyabc counts the
simulations already spent against the budget).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mutusim.calibration.simulator import Simulator, point_runs
from mutusim.calibration.targets import Problem

MIN_ACCEPTANCE = 0.01
"""pyabc stops when fewer than this share of a generation's simulations are accepted."""

MAX_GENERATIONS = 30

DB_NAME = "abc.db"


def population_size(budget: int) -> int:
    """Particles per generation: a tenth of the budget, between 20 and 500 (several
    generations fit in the budget, and each still describes the posterior)."""
    return int(min(500, max(20, budget // 10)))


def _key(j: int) -> str:
    return f"p{j}"  # pyabc stores parameters by name: plain keys, mapped back to dotted ones


@dataclass
class AbcModel:
    """The model as pyabc calls it: a parameter set in, the targets' mean outputs out."""

    simulator: Simulator
    runs: int
    progress: Callable[[int], None] | None = None

    def __call__(self, parameter: dict[str, float]) -> dict[str, float]:
        names = self.simulator.problem.names
        values = [float(parameter[_key(j)]) for j in range(len(names))]
        outputs = self.simulator.simulate(
            [dict(zip(names, values, strict=True))], [point_runs(values, self.runs)]
        )
        if self.progress is not None:
            self.progress(1)
        return {f"t{k}": float(v) for k, v in enumerate(outputs[0].mean(axis=0))}

    def __getstate__(self) -> dict[str, Any]:  # a dask worker gets no progress bar
        return {**self.__dict__, "progress": None}


def _abcsmc(problem: Problem, model: AbcModel, budget: int, client: Any):
    import pyabc

    prior = pyabc.Distribution(**{_key(j): _rv(p) for j, p in enumerate(problem.parameters)})
    weights = {f"t{k}": 1.0 / t.sigma for k, t in enumerate(problem.targets)}
    sampler = (
        pyabc.sampler.DaskDistributedSampler(dask_client=client, batch_size=1)
        if client is not None
        else pyabc.sampler.SingleCoreSampler()
    )
    return pyabc.ABCSMC(
        model,
        prior,
        pyabc.PNormDistance(p=2, fixed_weights=weights),
        population_size=population_size(budget),
        sampler=sampler,
    )


def _rv(parameter) -> Any:
    import pyabc

    prior = parameter.prior
    low, high = prior.support
    if prior.kind == "uniform":
        return pyabc.RV("uniform", low, high - low)
    if prior.kind == "loguniform":
        return pyabc.RV("loguniform", low, high)
    mean, sd = prior.normal
    return pyabc.RV("truncnorm", (low - mean) / sd, (high - mean) / sd, loc=mean, scale=sd)


@dataclass
class AbcResult:
    """The last generation: its weighted particles, their outputs (with their weights, in
    pyabc's order), and counts."""

    ensemble: pd.DataFrame
    outputs: np.ndarray
    output_weights: np.ndarray
    simulations: int
    generations: list[dict[str, Any]]
    run_id: int


def run_abc(
    problem: Problem,
    simulator: Simulator,
    out: Path,
    manifest: dict[str, Any],
    budget: int,
    runs: int,
    progress: Callable[[int], None],
    client: Any = None,
) -> AbcResult:
    """Run (or resume) ABC-SMC within ``budget`` parameter sets of ``runs`` runs each."""
    import logging

    for name in ("ABC", "Sampler", "Epsilon", "Distance", "Acceptor", "History"):
        logging.getLogger(f"ABC.{name}").setLevel(logging.WARNING)
    logging.getLogger("ABC").setLevel(logging.WARNING)
    model = AbcModel(simulator, runs, progress if client is None else None)
    abc = _abcsmc(problem, model, budget, client)
    db = f"sqlite:///{(out / DB_NAME).resolve()}"
    run_id = manifest.get("abc_run_id")
    observed = {f"t{k}": t.centre for k, t in enumerate(problem.targets)}
    if run_id is not None and (out / DB_NAME).is_file():
        history = abc.load(db, run_id)
    else:
        (out / DB_NAME).unlink(missing_ok=True)
        history = abc.new(db, observed)
        manifest["abc_run_id"] = history.id
    if not manifest.get("abc_finished"):  # a finished run would add a generation
        history = abc.run(
            max_total_nr_simulations=budget,
            min_acceptance_rate=MIN_ACCEPTANCE,
            max_nr_populations=MAX_GENERATIONS,
        )
        manifest["abc_finished"] = True
    return _result(problem, history)


def _result(problem: Problem, history: Any) -> AbcResult:
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    ensemble = pd.DataFrame(
        {p.name: frame[_key(j)].to_numpy() for j, p in enumerate(problem.parameters)}
    )
    for p in problem.parameters:
        if p.integer:
            ensemble[p.name] = ensemble[p.name].round().astype(np.int64)
    ensemble["weight"] = np.asarray(weights) / np.sum(weights)
    stat_weights, stats = history.get_weighted_sum_stats_for_model(m=0, t=history.max_t)
    outputs = np.array([[s[f"t{k}"] for k in range(len(problem.targets))] for s in stats])
    populations = history.get_all_populations()
    generations = [
        {
            "generation": int(row.t),
            "epsilon": float(row.epsilon),
            "simulations": int(row.samples),
            "particles": int(row.particles),
            "acceptance_rate": float(row.particles / row.samples) if row.samples else None,
        }
        for row in populations[populations.t >= 0].itertuples()
    ]
    return AbcResult(
        ensemble,
        outputs[:, None, :],
        np.asarray(stat_weights) / np.sum(stat_weights),
        int(history.total_nr_simulations),
        generations,
        history.id,
    )
