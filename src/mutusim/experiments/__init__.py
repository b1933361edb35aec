"""Experiments: policy comparisons, sweeps, sensitivity analyses and replication studies,
stored chunk by chunk (``store``), run locally or on a dask.distributed cluster (``runner``)."""

from mutusim.experiments.runner import load_experiment, run_experiment, summary_text

__all__ = ["load_experiment", "run_experiment", "summary_text"]
