"""Gaussian-process emulators of the targets' outputs (scikit-learn), and the implausibility
of parameter points under them (history matching, Vernon et al. 2010; Andrianakis et al. 2015).

Inputs are a point's coordinates in the unit cube of the priors (each value's prior CDF), so
one length scale fits every parameter's range. Per target, one GP emulates the mean over runs
(the runs' spread over their number is its known noise, ``alpha``) and a second the logarithm
of the run-to-run variance: a single run of the model stands for the one history observed, so
that variance belongs to the distance between model and observation. Hyperparameters are
fitted on at most ``FIT_POINTS`` points, the emulator then conditioned on at most
``TRAIN_POINTS`` (a GP costs the cube of its points: this keeps a 5,000-point wave cheap).

Linear algebra runs on one BLAS thread (``threadpoolctl``): on these shared 2-core machines
scipy's OpenBLAS with two threads took 0.095 s for a 300 × 300 Cholesky factorisation, one
thread 0.002 s (measured), and a fit makes hundreds of them.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
from threadpoolctl import threadpool_limits

CUT = 3.0
"""Implausibility above which a point is ruled out (Pukelsheim's three-sigma rule)."""

FIT_POINTS = 300
"""Most points the hyperparameters are fitted on."""

FIT_ITERATIONS = 100
"""Most L-BFGS-B iterations of a hyperparameter fit (scikit-learn's default is 15,000)."""

TRAIN_POINTS = 2000
"""Most points an emulator is conditioned on."""

PREDICT_CHUNK = 4000
"""Points predicted at once (bounds the memory of the cross-covariance)."""


def _optimizer(objective, theta, bounds):
    """scikit-learn's L-BFGS-B fit of the log marginal likelihood, with fewer iterations."""
    from scipy.optimize import minimize

    found = minimize(
        objective,
        theta,
        method="L-BFGS-B",
        jac=True,
        bounds=bounds,
        options={"maxiter": FIT_ITERATIONS},
    )
    return found.x, found.fun


def _gp(x: np.ndarray, y: np.ndarray, alpha: np.ndarray, rng: np.random.Generator):
    """A GP fitted to (x, y) standardised: hyperparameters on a subset, then conditioned on
    up to ``TRAIN_POINTS`` points with the kernel fixed."""
    d = x.shape[1]
    # length scales below 0.05 of a prior's range would fit the runs' noise, not the model
    kernel = ConstantKernel(1.0, (1e-3, 1e3)) * RBF(np.full(d, 0.5), (0.05, 1e2)) + WhiteKernel(
        1e-2, (1e-6, 1.0)
    )
    fit = rng.permutation(len(x))[:FIT_POINTS]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        tuned = GaussianProcessRegressor(
            kernel, alpha=alpha[fit] + 1e-8, optimizer=_optimizer, random_state=0
        ).fit(x[fit], y[fit])
    train = rng.permutation(len(x))[:TRAIN_POINTS]
    return GaussianProcessRegressor(tuned.kernel_, alpha=alpha[train] + 1e-8, optimizer=None).fit(
        x[train], y[train]
    )


@dataclass
class TargetEmulator:
    """The two GPs of one target, with the scales that undo their standardisation."""

    mean_gp: GaussianProcessRegressor
    var_gp: GaussianProcessRegressor
    centre: float
    scale: float
    log_centre: float
    log_scale: float

    def predict(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Emulated mean, emulator variance and run-to-run variance at points ``u``."""
        means, em_vars, run_vars = [], [], []
        for start in range(0, len(u), PREDICT_CHUNK):
            part = u[start : start + PREDICT_CHUNK]
            m, s = self.mean_gp.predict(part, return_std=True)
            means.append(self.centre + self.scale * m)
            em_vars.append((self.scale * s) ** 2)
            run_vars.append(np.exp(self.log_centre + self.log_scale * self.var_gp.predict(part)))
        return np.concatenate(means), np.concatenate(em_vars), np.concatenate(run_vars)


def _standard(values: np.ndarray) -> tuple[float, float]:
    scale = float(values.std())
    return float(values.mean()), scale if scale > 0 else 1.0


def fit_emulators(u: np.ndarray, outputs: np.ndarray, seed: int) -> list[TargetEmulator]:
    """One ``TargetEmulator`` per target from points ``u`` (n, d) and their outputs
    (n, runs, targets); at least two runs per point."""
    with threadpool_limits(limits=1, user_api="blas"):
        return _fit_emulators(u, outputs, seed)


def _fit_emulators(u: np.ndarray, outputs: np.ndarray, seed: int) -> list[TargetEmulator]:
    rng = np.random.default_rng(seed)
    runs = outputs.shape[1]
    emulators = []
    for k in range(outputs.shape[2]):
        y = outputs[:, :, k]
        mean, var = y.mean(axis=1), y.var(axis=1, ddof=1)
        centre, scale = _standard(mean)
        floor = max(float(var.mean()), 1e-12) * 1e-3  # a run spread of 0 (e.g. capped) stays finite
        log_var = np.log(var + floor)
        log_centre, log_scale = _standard(log_var)
        mean_gp = _gp(u, (mean - centre) / scale, var / runs / scale**2, rng)
        # the log of a sample variance of R runs has variance about 2 / (R - 1)
        log_noise = np.full(len(u), 2.0 / (runs - 1) / log_scale**2)
        var_gp = _gp(u, (log_var - log_centre) / log_scale, log_noise, rng)
        emulators.append(TargetEmulator(mean_gp, var_gp, centre, scale, log_centre, log_scale))
    return emulators


def implausibility(
    emulators: list[TargetEmulator], u: np.ndarray, observed: np.ndarray, obs_var: np.ndarray
) -> np.ndarray:
    """The largest, over targets, of |observed - emulated mean| / sqrt(observation variance +
    emulator variance + run-to-run variance), at each point of ``u``."""
    worst = np.zeros(len(u))
    with threadpool_limits(limits=1, user_api="blas"):
        for k, emulator in enumerate(emulators):
            mean, em_var, run_var = emulator.predict(u)
            z = np.abs(observed[k] - mean) / np.sqrt(obs_var[k] + em_var + run_var)
            worst = np.maximum(worst, z)
    return worst


def simulated_implausibility(
    outputs: np.ndarray, observed: np.ndarray, obs_var: np.ndarray
) -> np.ndarray:
    """The same measure from simulations themselves (n, runs, targets): the mean over runs
    against the observation, with the runs' variance in place of the emulator's terms."""
    mean = outputs.mean(axis=1)
    run_var = outputs.var(axis=1, ddof=1) if outputs.shape[1] > 1 else np.zeros_like(mean)
    runs = outputs.shape[1]
    z = np.abs(observed - mean) / np.sqrt(obs_var + run_var * (1 + 1 / runs))
    return z.max(axis=1)
