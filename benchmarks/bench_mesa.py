"""Benchmark of the Mesa model: agent-steps per second and peak memory on the full Walloon
population (6,785 EES, 120 months, one run). Compilation is paid before timing (a one-month
warm-up run). Prints a table and writes benchmarks/bench_mesa.json.

agent-steps = EES x months x runs.

Usage: python benchmarks/bench_mesa.py [--months 120] [--seed 0] [--out FILE]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from common import finish, peak_rss_mib

import mutusim
from mutusim.model import MutualisationModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(Path(__file__).with_name("bench_mesa.json")))
    args = parser.parse_args()

    config = mutusim.load_config(None, [f"horizon_months={args.months}"])
    warm = MutualisationModel(mutusim.load_config(None, ["horizon_months=1"]), seed=args.seed)
    warm.run()  # compiles or loads every rule before timing
    rss_before = peak_rss_mib()

    start = time.perf_counter()
    model = MutualisationModel(config, seed=args.seed, run=0)
    built = time.perf_counter()
    model.run()
    done = time.perf_counter()

    n_agents = len(model.ees)
    agent_steps = n_agents * args.months
    result = {
        "benchmark": "mesa_model_one_run",
        "population": config.population.name,
        "n_agents": n_agents,
        "months": args.months,
        "runs": 1,
        "agent_steps": agent_steps,
        "setup_seconds": built - start,
        "run_seconds": done - built,
        "agent_steps_per_second": agent_steps / (done - built),
        "peak_rss_mib": peak_rss_mib(),
        "peak_rss_before_run_mib": rss_before,
        "final_adoption_share": model.outputs["adoption_share"],
    }
    rows = [
        ("engine", "mesa (1 run)"),
        ("population", f"{config.population.name}, {n_agents} EES, {args.months} months"),
        ("set-up (population, networks, agents)", f"{result['setup_seconds']:.2f} s"),
        ("run time", f"{result['run_seconds']:.2f} s"),
        ("agent-steps per second", f"{result['agent_steps_per_second']:,.0f}"),
        ("peak memory (RSS)", f"{result['peak_rss_mib']:.0f} MiB"),
    ]
    finish(result, rows, args.out)


if __name__ == "__main__":
    main()
