"""The batch engine: the month step of ``mutusim.phases`` looped over months and runs in
compiled code, many runs in parallel (``prange`` over runs). It imports no Mesa, no networkx
and nothing of ``mutusim.model``: a dask worker needs only numba and numpy."""

from mutusim.engine.batch import BatchOutput, run_points, run_runs, story

__all__ = ["BatchOutput", "run_points", "run_runs", "story"]
