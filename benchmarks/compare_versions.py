"""Benchmark the batch engine of this working tree against another commit, side by side.

Checks the other commit out in a temporary git worktree and times both trees' engines in
turn, in fresh processes (each tree imports its own ``src/``, with its own numba cache), on
the same scenario: the baseline at 6,785 EES and at 16 x that population by default. Each
figure is the best of ``--repeat`` interleaved measurements (these machines are shared: quote
the ratios). Prints a table and writes benchmarks/compare_versions.json.

Usage: python benchmarks/compare_versions.py REF [--runs 200] [--scale-runs 16] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import finish

ROOT = Path(__file__).resolve().parents[1]
MEASURE = """
import json, sys, time
import mutusim
n, runs = int(sys.argv[1]), int(sys.argv[2])
config = mutusim.load_config(None, [f"population.n_agents={n}"])
mutusim.simulate(config, runs=2, seed=0, engine="numba")  # compile or load the cache
start = time.perf_counter()
result = mutusim.simulate(config, runs=runs, seed=1, engine="numba")
seconds = result.timings.get("run_seconds", time.perf_counter() - start)
print(json.dumps({"rate": n * config.horizon_months * runs / seconds}))
"""


def measure(tree: Path, n_agents: int, runs: int) -> float:
    """Agent-steps per second of ``tree``'s engine (a fresh process)."""
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(n_agents), str(runs)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["rate"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="the commit to compare with (e.g. a tag or a hash)")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--scale-runs", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(Path(__file__).with_name("compare_versions.json")))
    args = parser.parse_args()
    sizes = ((6785, args.runs), (6785 * 16, args.scale_runs))
    with tempfile.TemporaryDirectory(prefix="mutusim-ref-") as tmp:
        other = Path(tmp) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(other), args.ref],
            check=True,
            capture_output=True,
        )
        try:
            best = {}
            for _ in range(args.repeat):
                for label, tree in (("this tree", ROOT), (args.ref, other)):
                    for n, runs in sizes:
                        rate = measure(tree, n, runs)
                        best[label, n] = max(best.get((label, n), 0.0), rate)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)],
                check=False,
                capture_output=True,
            )
    rows, report = [], {"benchmark": "compare_versions", "ref": args.ref, "figures": {}}
    for n, runs in sizes:
        mine, theirs = best["this tree", n], best[args.ref, n]
        rows.append((f"{n} EES, {runs} runs, this tree", f"{mine:>14,.0f} agent-steps/s"))
        rows.append((f"{n} EES, {runs} runs, {args.ref}", f"{theirs:>14,.0f} agent-steps/s"))
        rows.append((f"{n} EES: this tree / {args.ref}", f"{mine / theirs:.2f} x"))
        report["figures"][str(n)] = {"this_tree": mine, "ref": theirs, "ratio": mine / theirs}
    for label in ("this tree", args.ref):
        ratio = best[label, sizes[1][0]] / best[label, sizes[0][0]]
        rows.append((f"scaling x16, {label}", f"{ratio:.2f} x the 6785-EES figure"))
        report["figures"][f"scaling_{label}"] = ratio
    rows.append(("figures", f"best of {args.repeat}, interleaved, fresh processes"))
    finish(report, rows, args.out)


if __name__ == "__main__":
    main()
