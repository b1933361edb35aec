"""``mutusim calibrate``: check a targets file and the options, run (or resume) history
matching or ABC-SMC, and write the ensemble, its record and its figures.

Everything is checked before the folder is touched: the targets file against the model
(``targets.load_problem``), the budget, the memory one batch needs and the ``--out`` folder.
Then, holding the folder's lock, it resumes what the folder holds of the same calibration (the
same targets, scenarios, method, budget, runs and seed) and refuses anything else.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mutusim import atomic, sizing
from mutusim import manifest as manifests
from mutusim.calibration import abc as abc_method
from mutusim.calibration import history, store
from mutusim.calibration.simulator import POINTS_PER_CALL, Simulator
from mutusim.calibration.targets import Problem, load_problem
from mutusim.errors import ConfigError, InterruptError, signal_of
from mutusim.experiments import cluster
from mutusim.lock import folder_lock
from mutusim.results import git_commit, package_versions, source_sha256

METHODS = ("history", "abc")
DEFAULT_SIMULATIONS = {"history": 1500, "abc": 2000}
"""Parameter sets simulated when ``--max-simulations`` is not given."""

INTERVAL = (0.05, 0.95)
"""Quantiles of the posterior intervals reported (90 %)."""


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: tuple[float, ...]):
    """Quantiles of a weighted sample (the inverse of its weighted CDF, interpolated)."""
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return [float(np.interp(q, cdf, v)) for q in qs]


def _check_budget(method: str, budget: int, runs: int, waves: int, problem: Problem) -> None:
    d = len(problem.parameters)
    if method == "history":
        if runs < 2:
            raise ConfigError(
                "--runs-per-point: expected at least 2 with --method history (the emulators "
                f"need the run-to-run spread); found {runs}"
            )
        if budget < waves * 4 * (d + 1):
            raise ConfigError(
                f"--max-simulations: expected at least {waves * 4 * (d + 1)} for {waves} waves "
                f"of {d} parameters (4 × (parameters + 1) points a wave); found {budget}"
            )
    elif budget < 2 * abc_method.population_size(budget):
        raise ConfigError(
            f"--max-simulations: expected at least {2 * abc_method.population_size(budget)} "
            f"with --method abc (two generations); found {budget}"
        )


def prior_summary(problem: Problem) -> dict[str, Any]:
    """Each prior as written and its 90 % interval."""
    out = {}
    for p in problem.parameters:
        frozen = p.prior.frozen()
        out[p.name] = {
            **p.prior.model_dump(exclude_none=True),
            "interval_90": [float(frozen.ppf(q)) for q in INTERVAL],
        }
    return out


def posterior_summary(problem: Problem, ensemble: pd.DataFrame) -> dict[str, Any]:
    """Weighted mean, median and 90 % interval of each parameter, and the interval's width
    as a share of the prior's."""
    weights = ensemble["weight"].to_numpy()
    out = {}
    for p in problem.parameters:
        values = ensemble[p.name].to_numpy(dtype=float)
        low, median, high = weighted_quantiles(values, weights, (INTERVAL[0], 0.5, INTERVAL[1]))
        frozen = p.prior.frozen()
        prior_width = float(frozen.ppf(INTERVAL[1]) - frozen.ppf(INTERVAL[0]))
        out[p.name] = {
            "mean": float(np.sum(values * weights)),
            "median": median,
            "interval_90": [low, high],
            "width_share_of_prior": (high - low) / prior_width if prior_width > 0 else None,
        }
    return out


def predictive_summary(
    problem: Problem, outputs: np.ndarray, weights: np.ndarray
) -> list[dict[str, Any]]:
    """Per target: the observation and the ensemble's weighted mean and 90 % interval."""
    rows = []
    for k, target in enumerate(problem.targets):
        values = outputs[:, k]
        low, high = weighted_quantiles(values, weights, INTERVAL)
        rows.append(
            {
                "target": target.label,
                "observed": target.centre,
                "sd": target.sigma,
                "ensemble_mean": float(np.sum(values * weights)),
                "ensemble_interval_90": [low, high],
            }
        )
    return rows


def _targets_record(problem: Problem) -> list[dict[str, Any]]:
    return [
        {"name": t.label, **t.model_dump(exclude_none=True), "sd_used": t.sigma}
        for t in problem.targets
    ]


def calibrate(
    path: str | Path,
    out: str | Path | None = None,
    method: str = "history",
    max_simulations: int | None = None,
    runs_per_point: int = 5,
    scheduler: str | None = None,
    seed: int | None = None,
    waves: int = 3,
    progress: bool = True,
    figures: bool = True,
    lang: str = "fr",
) -> dict[str, Any]:
    """Calibrate the targets file ``path``; return the record written to
    ``OUT/calibration.json`` (with ``out``: the folder). ``max_simulations``: parameter sets
    simulated in all (each ``runs_per_point`` runs of every scenario the targets need)."""
    if method not in METHODS:
        raise ConfigError(f"--method: expected one of {', '.join(METHODS)}; found {method!r}")
    if scheduler:
        cluster.check_address(scheduler)
        if method != "abc":
            raise ConfigError(
                "--scheduler: expected with --method abc (pyabc's dask sampler); history "
                "matching runs its waves on this machine's cores"
            )
    problem = load_problem(path, seed)
    budget = max_simulations or DEFAULT_SIMULATIONS[method]
    _check_budget(method, budget, runs_per_point, waves, problem)
    for name, config in problem.scenarios.items():
        sizing.check_run(
            config, min(64, POINTS_PER_CALL * runs_per_point), "numba", f"{path}: scenario {name!r}"
        )
    folder = Path(out) if out else Path("results") / f"calibration-{problem.spec.name}"
    atomic.check_output_folder(folder)
    settings = {
        "method": method,
        "max_simulations": budget,
        "runs_per_point": runs_per_point,
        "waves": waves if method == "history" else None,
    }
    sha = _sha(problem, settings)
    command = ["mutusim", "calibrate", str(path), "--out", str(folder), "--method", method]
    command += ["--max-simulations", str(budget), "--runs-per-point", str(runs_per_point)]
    command += ["--seed", str(problem.spec.seed)]
    client = cluster.connect(scheduler) if scheduler else None
    try:
        with folder_lock(folder):
            return _run(
                problem, folder, sha, settings, shlex.join(command), client, progress, figures, lang
            )
    finally:
        if client is not None:
            with cluster.quiet_logs():
                client.close()


def _sha(problem: Problem, settings: dict[str, Any]) -> str:
    """SHA-256 of the targets, their scenarios and the settings: what a folder resumes."""
    digest = hashlib.sha256(problem.sha256().encode())
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()


@dataclass
class Fit:
    """What either method returns: the ensemble, its members' mean outputs (members x
    targets) with their weights, the parameter sets simulated, the acceptance rate and the
    method's own details."""

    ensemble: pd.DataFrame
    outputs: np.ndarray
    output_weights: np.ndarray
    simulations: int
    acceptance_rate: float
    details: dict[str, Any]


def _history(problem, simulator, folder, manifest, settings, progress) -> Fit:
    resumed = len(manifest["blocks"])
    budget, runs = settings["max_simulations"], settings["runs_per_point"]
    waves = history.run_waves(
        problem, simulator, folder, manifest, budget, runs, settings["waves"], progress
    )
    ensemble, outputs, wave = history.ensemble_of(problem, waves)
    return Fit(
        ensemble,
        outputs.mean(axis=1),
        ensemble["weight"].to_numpy(),
        sum(len(u) for u in waves.u),
        len(ensemble) / len(waves.u[wave]),
        {
            "waves": waves.info,
            "ensemble_wave": wave,
            "implausibility_cut": history.emulator.CUT,
            "seconds_simulation": waves.timing.simulation,
            "seconds_emulation": waves.timing.emulation,
            "blocks_resumed": resumed,
        },
    )


def _abc(problem, simulator, folder, manifest, settings, progress, client) -> Fit:
    budget, runs = settings["max_simulations"], settings["runs_per_point"]
    result = abc_method.run_abc(
        problem, simulator, folder, manifest, budget, runs, progress, client
    )
    manifests.write(folder, manifest)
    last = result.generations[-1] if result.generations else {}
    return Fit(
        result.ensemble,
        result.outputs[:, 0, :],
        result.output_weights,
        result.simulations,
        float(last.get("acceptance_rate") or 0.0),
        {
            "generations": result.generations,
            "abc_run_id": result.run_id,
            "population_size": abc_method.population_size(budget),
        },
    )


def _run(problem, folder, sha, settings, rerun, client, progress, figures, lang):
    from tqdm import tqdm

    manifest = store.claim(
        folder,
        sha,
        problem.spec.name,
        store.new_manifest(sha, problem.spec.name, problem.spec.seed, settings["method"]),
    )
    manifest.update(status="running", resume_command=rerun, settings=settings)
    manifests.write(folder, manifest)
    simulator = Simulator(problem)
    budget, runs = settings["max_simulations"], settings["runs_per_point"]
    start = time.perf_counter()
    bar = tqdm(
        total=budget, unit="point", desc=problem.spec.name, disable=None if progress else True
    )
    try:
        if settings["method"] == "history":
            fit = _history(problem, simulator, folder, manifest, settings, bar.update)
        else:
            fit = _abc(problem, simulator, folder, manifest, settings, bar.update, client)
    except KeyboardInterrupt as exc:
        manifests.write(folder, manifest)
        signum = signal_of(exc)
        name = "Ctrl-C" if signum == signal.SIGINT else "SIGTERM"
        raise InterruptError(
            f"interrupted ({name}): what is simulated is kept in {folder}; to go on, run: {rerun}",
            signum,
        ) from None
    finally:
        bar.close()
    ensemble = fit.ensemble
    weights = ensemble["weight"].to_numpy()
    record = {
        "name": problem.spec.name,
        "targets_file": problem.source,
        "targets_sha256": problem.sha256(),
        "calibration_sha256": sha,
        "scenarios": {
            name: {"horizon_months": c.horizon_months, "n_agents": c.population.n_agents}
            for name, c in problem.scenarios.items()
        },
        "targets": _targets_record(problem),
        "priors": prior_summary(problem),
        "method": settings["method"],
        "settings": settings,
        "seed": problem.spec.seed,
        "simulations": fit.simulations,
        "model_runs": fit.simulations * runs * len(problem.scenarios),
        "accepted": len(ensemble),
        "acceptance_rate": fit.acceptance_rate,
        "effective_sample_size": float(1.0 / np.sum(weights**2)),
        "posterior": posterior_summary(problem, ensemble),
        "predictive": predictive_summary(problem, fit.outputs, fit.output_weights),
        "details": fit.details,
        "seconds": time.perf_counter() - start,
        "versions": package_versions(),
        "git_commit": git_commit(),
        "source_sha256": source_sha256(),
        "command": rerun,
    }
    files = {
        "ensemble.parquet": atomic.write_atomic(
            folder / "ensemble.parquet", lambda tmp: ensemble.to_parquet(tmp, index=False)
        )
    }
    if figures:
        files.update(_figures(problem, ensemble, fit.outputs, fit.output_weights, folder, lang))
    files["calibration.json"] = atomic.write_json(
        folder / "calibration.json", manifests.sealed(record)
    )
    manifest["files"] = {name: written.record() for name, written in files.items()}
    manifest["status"] = "complete"
    manifests.write(folder, manifest)
    return {**record, "out": folder, "ensemble": ensemble}


def _figures(problem, ensemble, outputs, weights, folder, lang) -> dict[str, Any]:
    from mutusim.plotting.calibration import marginals_chart, predictive_chart

    priors = [(p.name, p.prior.frozen()) for p in problem.parameters]
    written = {}
    for name, fig in (
        ("figures/marginals.png", marginals_chart(priors, ensemble, lang=lang)),
        ("figures/predictive.png", predictive_chart(problem.targets, outputs, weights, lang=lang)),
    ):
        written[name] = atomic.write_figure(folder / name, fig)
    return written
