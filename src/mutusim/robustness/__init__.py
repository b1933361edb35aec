"""How robust a policy answer is to what is not known: over an ensemble of plausible
parameter sets, the probability that each scenario ranks first, that it beats the baseline,
and its regret (``ranking``); the parameter ranges in which the top-ranked scenario stops
being the best (``discovery``, PRIM from EMA Workbench). The sensitivity of answers (effects,
ranks) to each parameter is a kind of experiment (``experiments.analysis.sensitivity``).
"""

from mutusim.robustness.discovery import Box, Discovery, discover_flips
from mutusim.robustness.ranking import member_scores, robustness_table, scores

__all__ = ["Box", "Discovery", "discover_flips", "member_scores", "robustness_table", "scores"]
