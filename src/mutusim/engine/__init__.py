"""The numba batch engine: the Mesa model's schedule compiled over arrays, many runs in
parallel (``prange`` over runs), the same rules, the same draws, the same outputs."""

from mutusim.engine.batch import compile_scenario, run_points, run_runs, story

__all__ = ["compile_scenario", "run_points", "run_runs", "story"]
