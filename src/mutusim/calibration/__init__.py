"""Calibration: targets files (observed facts and priors), history matching with
Gaussian-process emulators and ABC-SMC (pyabc), and the weighted ensemble they produce
(``ensemble.parquet``: one row per accepted parameter set, one column per calibrated
parameter named by its dotted path, and ``weight``). See docs/CALIBRATION.md."""

from mutusim.calibration.runner import calibrate
from mutusim.calibration.targets import load_problem, load_targets

__all__ = ["calibrate", "load_problem", "load_targets"]
