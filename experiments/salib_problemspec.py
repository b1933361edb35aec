"""Drive mutusim from SALib's ProblemSpec: sample, evaluate ``mutusim.outcomes``, analyse.

The uncertain parameters' bounds are their plausible ranges as declared in the config schema
(``mutusim params``, docs/ODD.md section 8), through ``mutusim.parameter_table.salib_problem``:
no range is typed twice.

Usage: python experiments/salib_problemspec.py [N] [RUNS]   (defaults 32 base samples, 4 runs)
Prints first- and total-order Sobol indices of adoption at 10 years on the federation scenario.
"""

from __future__ import annotations

import sys

import numpy as np
from SALib import ProblemSpec

import mutusim
from mutusim.config import config_dir
from mutusim.parameter_table import salib_problem

BASE = str(config_dir() / "sector.yaml")
PARAMETERS = ("behaviour.pioneer_rate", "behaviour.autonomy_preference", "commitment.erosion")


def model(x: np.ndarray, names: list[str], runs: int) -> np.ndarray:
    """Adoption at the horizon for each row of parameter values."""
    out = np.empty(len(x))
    for i, row in enumerate(x):
        config = mutusim.load_config(BASE, dict(zip(names, row.tolist(), strict=True)))
        out[i] = mutusim.outcomes(config, runs=runs, seed=0)["adoption_share"]
    return out


def problem_spec() -> ProblemSpec:
    """The SALib problem over the plausible ranges of ``PARAMETERS``."""
    problem = salib_problem(PARAMETERS)
    return ProblemSpec({**problem, "outputs": ["adoption_share"]})


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 32
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    spec = problem_spec()
    spec.sample_sobol(n, calc_second_order=False, seed=1)
    spec.evaluate(model, list(spec["names"]), runs)
    spec.analyze_sobol(calc_second_order=False, seed=1)
    print(spec)


if __name__ == "__main__":
    main()
