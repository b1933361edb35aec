"""Drive mutusim from SALib's ProblemSpec: sample, evaluate ``mutusim.outcomes``, analyse.

Usage: python experiments/salib_problemspec.py [N] [RUNS]   (defaults 32 base samples, 4 runs)
Prints first- and total-order Sobol indices of adoption at 10 years on the federation scenario.
"""

from __future__ import annotations

import sys

import numpy as np
from SALib import ProblemSpec

import mutusim

BASE = "configs/sector.yaml"
PARAMETERS = {
    "behaviour.pioneer_rate": [0.05, 0.5],
    "behaviour.autonomy_preference": [0.5, 1.5],
    "commitment.erosion": [0.0, 0.03],
}


def model(x: np.ndarray, runs: int) -> np.ndarray:
    """Adoption at the horizon for each row of parameter values."""
    names = list(PARAMETERS)
    out = np.empty(len(x))
    for i, row in enumerate(x):
        config = mutusim.load_config(BASE, dict(zip(names, row.tolist(), strict=True)))
        out[i] = mutusim.outcomes(config, runs=runs, seed=0)["adoption_share"]
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 32
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    spec = ProblemSpec(
        {
            "names": list(PARAMETERS),
            "bounds": list(PARAMETERS.values()),
            "outputs": ["adoption_share"],
        }
    )
    spec.sample_sobol(n, calc_second_order=False, seed=1)
    spec.evaluate(model, runs)
    spec.analyze_sobol(calc_second_order=False, seed=1)
    print(spec)


if __name__ == "__main__":
    main()
