"""Experiments: policy comparisons, sweeps, sensitivity analyses and replication studies,
stored chunk by chunk (``store``), run locally or on a dask.distributed cluster (``runner``),
analysed (``analysis``) and summarised for the terminal (``console``)."""

from mutusim.experiments.console import summary_text
from mutusim.experiments.runner import load_experiment, run_experiment

__all__ = ["load_experiment", "run_experiment", "summary_text"]
