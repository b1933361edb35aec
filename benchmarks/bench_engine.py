"""Benchmark of the numba batch engine against the Mesa model, in one process.

Full Walloon population (6,785 EES), 120 months, all mechanisms on: agent-steps per second of
the numba engine (``--runs``, default 200) and of the Mesa model (1 run), their ratio, the time
of 1,000 runs, and peak memory (RSS). Compilation (or loading the cache) is paid first and
reported apart. Prints a table and writes benchmarks/bench_engine.json.

agent-steps = EES x months x runs.

Usage: python benchmarks/bench_engine.py [--runs 200] [--big 1000] [--scenario FILE]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numba
from common import finish, peak_rss_mib

import mutusim


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="numba runs for agent-steps/s")
    parser.add_argument("--big", type=int, default=1000, help="runs of the large batch")
    parser.add_argument("--scenario", default=None, help="scenario (default: baseline)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(Path(__file__).with_name("bench_engine.json")))
    args = parser.parse_args()

    config = mutusim.load_config(args.scenario)
    months = config.horizon_months
    n = config.population.n_agents

    t = time.perf_counter()
    mutusim.simulate(config, runs=2, seed=args.seed, engine="numba")  # compile / load cache
    compile_s = time.perf_counter() - t

    t = time.perf_counter()
    mutusim.simulate(config, runs=1, seed=args.seed, engine="mesa", first_run=10**6)
    mesa_s = time.perf_counter() - t
    mesa_rate = n * months / mesa_s

    result = mutusim.simulate(config, runs=args.runs, seed=args.seed, engine="numba")
    numba_s = result.timings["run_seconds"]
    numba_rate = n * months * args.runs / numba_s
    rss_after_runs = peak_rss_mib()

    big = mutusim.simulate(config, runs=args.big, seed=args.seed, engine="numba")
    big_s = big.timings["run_seconds"]
    rss_after_big = peak_rss_mib()

    report = {
        "benchmark": "numba_engine_vs_mesa",
        "scenario": config.name,
        "n_agents": n,
        "months": months,
        "threads": numba.get_num_threads(),
        "compile_or_cache_seconds": compile_s,
        "mesa_run_seconds": mesa_s,
        "mesa_agent_steps_per_second": mesa_rate,
        "numba_runs": args.runs,
        "numba_seconds": numba_s,
        "numba_agent_steps_per_second": numba_rate,
        "speed_ratio": numba_rate / mesa_rate,
        "big_runs": args.big,
        "big_seconds": big_s,
        "big_agent_steps_per_second": n * months * args.big / big_s,
        "peak_rss_mib_after_runs": rss_after_runs,
        "peak_rss_mib_after_big": rss_after_big,
    }
    rows = [
        ("scenario", f"{config.name}: {n} EES x {months} months"),
        ("compile / cache load", f"{compile_s:.2f} s"),
        ("Mesa model, 1 run", f"{mesa_s:.2f} s   {mesa_rate:>14,.0f} agent-steps/s"),
        (
            f"numba engine, {args.runs} runs",
            f"{numba_s:.2f} s   {numba_rate:>14,.0f} agent-steps/s",
        ),
        ("speed ratio numba / Mesa", f"{numba_rate / mesa_rate:,.0f} x"),
        (f"numba engine, {args.big} runs", f"{big_s:.2f} s"),
        ("peak memory (RSS, whole process)", f"{rss_after_big:.0f} MiB"),
        ("numba threads", str(numba.get_num_threads())),
    ]
    finish(report, rows, args.out)


if __name__ == "__main__":
    main()
