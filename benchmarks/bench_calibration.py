"""Benchmark of the first wave of history matching on the Walloon population.

The first wave of ``mutusim calibrate TARGETS --method history``: a Latin hypercube of
``--points`` parameter sets over the targets' priors (default 5,000), ``--runs`` runs each
(default 5) of every scenario the targets need (configs/targets/wallonia.yaml: the baseline
and the DigitalEES facilitator scenario, cut to 24 months, the last month a target reads), on
the full population (6,785 EES); then the Gaussian-process emulators of every target fitted on
those points, and the draw of the next wave's design from the prior points they do not rule
out. Compilation (or cache loading) is paid first and reported apart.

Reports seconds of simulation and of emulation (wall clock, and CPU time of the whole process:
on a shared machine, CPU time over the cores gives what dedicated cores would take), runs per
second, the share of the prior kept, and peak memory (RSS, whole process). Prints a table and writes
benchmarks/bench_calibration.json. The machines are shared: quote what was measured with the
load of the moment.

Usage: python benchmarks/bench_calibration.py [--points 5000] [--runs 5] [--targets FILE]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numba
import numpy as np
from common import finish, peak_rss_mib
from scipy.stats import qmc

from mutusim.calibration import emulator, history
from mutusim.calibration.simulator import Simulator
from mutusim.calibration.targets import load_problem
from mutusim.config import config_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--targets", default=str(config_dir() / "targets" / "wallonia.yaml"))
    parser.add_argument("--out", default=str(Path(__file__).with_name("bench_calibration.json")))
    args = parser.parse_args()
    problem = load_problem(args.targets)
    simulator = Simulator(problem)
    d = len(problem.parameters)
    t0 = time.perf_counter()
    middle = history.to_values(problem, np.full((1, d), 0.5))[0]  # the priors' medians
    simulator.simulate([dict(zip(problem.names, middle, strict=True))], [np.arange(1)])
    compile_seconds = time.perf_counter() - t0

    u = qmc.LatinHypercube(d=d, seed=np.random.default_rng([problem.spec.seed, 0])).random(
        args.points
    )
    values = history.to_values(problem, u)
    points = [dict(zip(problem.names, row, strict=True)) for row in values]
    run_ids = list(np.arange(args.points)[:, None] * args.runs + np.arange(args.runs)[None, :])
    t0, c0 = time.perf_counter(), time.process_time()
    outputs = simulator.simulate(points, run_ids)
    simulation, simulation_cpu = time.perf_counter() - t0, time.process_time() - c0

    t0, c0 = time.perf_counter(), time.process_time()
    fitted = emulator.fit_emulators(u, outputs, problem.spec.seed)
    fit_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    design, kept_share = history._draw_wave(
        problem, [fitted], args.points, np.random.default_rng([problem.spec.seed, 1])
    )
    draw_seconds = time.perf_counter() - t1
    emulation_cpu = time.process_time() - c0
    observed = np.array([t.centre for t in problem.targets])
    obs_var = np.array([t.sigma**2 for t in problem.targets])
    plausible = emulator.simulated_implausibility(outputs, observed, obs_var) < emulator.CUT

    scenarios = len(problem.scenarios)
    model_runs = args.points * args.runs * scenarios
    horizon = max(c.horizon_months for c in problem.scenarios.values())
    n_agents = problem.scenarios["base"].population.n_agents
    emulation = fit_seconds + draw_seconds
    report = {
        "targets": args.targets,
        "points": args.points,
        "runs_per_point": args.runs,
        "scenarios": scenarios,
        "model_runs": model_runs,
        "n_agents": n_agents,
        "months": horizon,
        "threads": numba.get_num_threads(),
        "compile_seconds": compile_seconds,
        "simulation_seconds": simulation,
        "emulator_fit_seconds": fit_seconds,
        "next_wave_draw_seconds": draw_seconds,
        "emulation_seconds": emulation,
        "simulation_cpu_seconds": simulation_cpu,
        "emulation_cpu_seconds": emulation_cpu,
        "total_seconds": simulation + emulation,
        "runs_per_second": model_runs / simulation,
        "agent_steps_per_second": model_runs * n_agents * horizon / simulation,
        "simulated_plausible_share": float(plausible.mean()),
        "nroy_share_of_prior": kept_share,
        "next_design_points": len(design),
        "peak_rss_mib": peak_rss_mib(),
    }
    rows = [
        ("design", f"{args.points:,} points × {args.runs} runs × {scenarios} scenario(s)"),
        ("population", f"{n_agents:,} EES, {horizon} months, {report['threads']} threads"),
        ("compile / cache load", f"{compile_seconds:.1f} s"),
        ("simulation", f"{simulation:.1f} s ({report['runs_per_second']:.0f} runs/s)"),
        (
            "emulation",
            f"{emulation:.1f} s (fit {fit_seconds:.1f} s, next design {draw_seconds:.1f} s)",
        ),
        ("total", f"{report['total_seconds'] / 60:.1f} min (target: under 15 min on 2 cores)"),
        ("CPU time", f"simulation {simulation_cpu:.0f} s, emulation {emulation_cpu:.0f} s"),
        ("plausible (simulated)", f"{report['simulated_plausible_share']:.1%}"),
        ("prior kept (emulated)", f"{report['nroy_share_of_prior']:.1%}"),
        ("peak memory", f"{report['peak_rss_mib']:.0f} MiB (target: under 2 GB)"),
    ]
    finish(report, rows, args.out)


if __name__ == "__main__":
    main()
