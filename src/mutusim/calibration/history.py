"""History matching in waves (Vernon et al. 2010): simulate a design, emulate each target
with Gaussian processes (``emulator``), rule out the parameter space whose implausibility
exceeds 3, and draw the next wave's design from what is left ("not ruled out yet", NROY).

Wave 0 is a Latin hypercube over the priors; wave ``w`` a uniform draw, in the priors' unit
cube, of the points that every earlier wave's emulators keep. The ensemble is the last wave's
points whose *simulated* implausibility is below 3, equally weighted. Each block of points is
stored as soon as it is simulated: a resumed calibration re-fits the same emulators from the
same blocks (seeded), hence draws the same designs, and simulates only what is missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from mutusim.calibration import emulator, store
from mutusim.calibration.simulator import Simulator
from mutusim.calibration.targets import Problem
from mutusim.errors import MutusimError

BLOCK_POINTS = 250
"""Points simulated, then stored, together (the unit of resuming)."""

CANDIDATES_PER_CALL = 5000
"""Prior points tested at once against the emulators when drawing a wave."""

MAX_TRIED_FACTOR = 40
"""A wave's design is drawn from at most this many prior points per design point (and at
least 20,000): when fewer are kept, the wave is smaller."""


def to_values(problem: Problem, u: np.ndarray) -> np.ndarray:
    """Points of the priors' unit cube as parameter values (each prior's quantile function)."""
    return np.column_stack(
        [p.prior.frozen().ppf(u[:, j]) for j, p in enumerate(problem.parameters)]
    )


def block_frame(
    wave: int, first: int, u: np.ndarray, values: np.ndarray, runs: np.ndarray, out: np.ndarray
) -> pd.DataFrame:
    """A block as a table: one row per (point, run), with the point's unit coordinates and
    values and each target's output."""
    n, r, k = out.shape
    frame = {"wave": np.full(n * r, wave), "point": np.repeat(np.arange(first, first + n), r)}
    frame["run"] = runs.reshape(-1)
    for j in range(u.shape[1]):
        frame[f"u{j}"] = np.repeat(u[:, j], r)
        frame[f"x{j}"] = np.repeat(values[:, j], r)
    for t in range(k):
        frame[f"y{t}"] = out[:, :, t].reshape(-1)
    return pd.DataFrame(frame)


def _block_outputs(frame: pd.DataFrame, runs: int, k: int) -> np.ndarray:
    return np.stack([frame[f"y{t}"].to_numpy().reshape(-1, runs) for t in range(k)], axis=2)


@dataclass
class Timing:
    """Seconds spent simulating and emulating (fitting and testing candidates)."""

    simulation: float = 0.0
    emulation: float = 0.0


@dataclass
class Waves:
    """The waves of a history match, as they were run."""

    u: list[np.ndarray] = field(default_factory=list)
    outputs: list[np.ndarray] = field(default_factory=list)
    info: list[dict[str, Any]] = field(default_factory=list)
    timing: Timing = field(default_factory=Timing)


def _observed(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.array([t.centre for t in problem.targets]),
        np.array([t.sigma**2 for t in problem.targets]),
    )


def _draw_wave(
    problem: Problem, fitted: list[list[emulator.TargetEmulator]], n: int, rng
) -> tuple[np.ndarray, int]:
    """Up to ``n`` points of the unit cube kept by every wave's emulators, and the share of
    the prior points tried that they keep."""
    observed, obs_var = _observed(problem)
    d = len(problem.parameters)
    kept: list[np.ndarray] = []
    tried = 0
    limit = max(MAX_TRIED_FACTOR * n, 20_000)
    while sum(len(k) for k in kept) < n and tried < limit:
        candidates = rng.random((CANDIDATES_PER_CALL, d))
        tried += len(candidates)
        for wave in fitted:  # earlier cuts first: later emulators see only their survivors
            if len(candidates) == 0:
                break
            score = emulator.implausibility(wave, candidates, observed, obs_var)
            candidates = candidates[score < emulator.CUT]
        kept.append(candidates)
    everything = np.concatenate(kept)
    return everything[:n], len(everything) / tried


def run_waves(
    problem: Problem,
    simulator: Simulator,
    out: Path,
    manifest: dict[str, Any],
    points: int,
    runs: int,
    waves: int,
    progress: Callable[[int], None],
) -> Waves:
    """Run (or resume) ``waves`` waves sharing ``points`` design points (``runs`` runs
    each); the designs and outputs of every wave, and what each kept."""
    seed = problem.spec.seed
    d, k = len(problem.parameters), len(problem.targets)
    result = Waves()
    fitted: list[list[emulator.TargetEmulator]] = []
    done_points = 0
    for w in range(waves):
        n = points // waves + (1 if w < points % waves else 0)
        share = 1.0
        t0 = time.perf_counter()
        if w == 0:
            u = qmc.LatinHypercube(d=d, seed=np.random.default_rng([seed, 0])).random(n)
        else:
            u, share = _draw_wave(problem, fitted, n, np.random.default_rng([seed, w]))
        result.timing.emulation += time.perf_counter() - t0
        if len(u) == 0:
            result.info.append({"wave": w, "points": 0, "nroy_share_of_prior": 0.0})
            break
        values = to_values(problem, u)
        outputs = np.zeros((len(u), runs, k))
        t0 = time.perf_counter()
        for first in range(0, len(u), BLOCK_POINTS):
            last = min(first + BLOCK_POINTS, len(u))
            key = f"wave{w:02d}-{first:06d}"
            frame = store.load_block(out, manifest, key)
            if frame is None or len(frame) != (last - first) * runs:
                ids = done_points + np.arange(first, last)
                run_ids = ids[:, None] * runs + np.arange(runs)[None, :]
                block = simulator.simulate(
                    [dict(zip(problem.names, row, strict=True)) for row in values[first:last]],
                    list(run_ids),
                )
                frame = block_frame(w, first, u[first:last], values[first:last], run_ids, block)
                store.save_block(out, manifest, key, frame)
            outputs[first:last] = _block_outputs(frame, runs, k)
            progress(last - first)
        result.timing.simulation += time.perf_counter() - t0
        done_points += len(u)
        result.u.append(u)
        result.outputs.append(outputs)
        observed, obs_var = _observed(problem)
        plausible = emulator.simulated_implausibility(outputs, observed, obs_var) < emulator.CUT
        result.info.append(
            {
                "wave": w,
                "points": len(u),
                "nroy_share_of_prior": share,
                "simulated_plausible": int(plausible.sum()),
            }
        )
        if w < waves - 1:
            t0 = time.perf_counter()
            fitted.append(emulator.fit_emulators(u, outputs, seed + w))
            result.timing.emulation += time.perf_counter() - t0
    return result


def ensemble_of(problem: Problem, waves: Waves) -> tuple[pd.DataFrame, np.ndarray, int]:
    """The accepted points, equally weighted: those of the last wave whose simulated
    implausibility is below 3 (of the latest wave that has any); their outputs (members,
    runs, targets) and the index of their wave."""
    observed, obs_var = _observed(problem)
    for w in reversed(range(len(waves.u))):
        u, outputs = waves.u[w], waves.outputs[w]
        keep = emulator.simulated_implausibility(outputs, observed, obs_var) < emulator.CUT
        if keep.any():
            frame = pd.DataFrame(to_values(problem, u[keep]), columns=problem.names)
            for p in problem.parameters:
                if p.integer:
                    frame[p.name] = frame[p.name].round().astype(np.int64)
            frame["weight"] = 1.0 / len(frame)
            return frame, outputs[keep], w
    raise MutusimError(
        f"{problem.source}: no simulated parameter set reproduces every target within 3 sds "
        "(observation and run-to-run spread): widen the priors, check the targets, or give "
        "more simulations"
    )
