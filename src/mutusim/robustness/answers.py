"""The robustness of a comparison run over an ensemble: scores member by member, the summary
columns ``p_best``, ``p_beats_baseline`` and ``regret``, and the PRIM boxes where the top
answer flips. ``experiments.analysis.analyse`` adds the columns to a comparison's summary; the
runner writes ``members.csv`` and ``flips.json``; the report words it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from mutusim.robustness.discovery import Discovery, discover_flips
from mutusim.robustness.ranking import best, member_scores, robustness_table


@dataclass
class EnsembleAnswer:
    """How robust a comparison's answer is over the members of its ensemble."""

    criterion: str
    scores: pd.DataFrame
    """Score of each scenario (columns) for each member (rows)."""
    weights: pd.Series
    values: pd.DataFrame
    """Parameter values of each member."""
    table: pd.DataFrame
    """Per scenario: p_best, p_beats_baseline, regret, score quantiles."""
    discovery: Discovery

    def members_table(self) -> pd.DataFrame:
        """One row per member: weight, parameter values, score of each scenario, best one."""
        frame = self.values.copy()
        frame.insert(0, "weight", self.weights)
        for name in self.scores.columns:
            frame[f"score.{name}"] = self.scores[name]
        frame["best"] = best(self.scores)
        return frame.reset_index()

    def flips_record(self) -> dict[str, Any]:
        """The PRIM result as JSON."""
        return {"criterion": self.criterion, **asdict(self.discovery)}


def ensemble_answer(exp: Any, runs: pd.DataFrame) -> EnsembleAnswer:
    """Scores, robustness columns and flips of a comparison over an ensemble."""
    names = [s.name for s in exp.scenarios]
    table, weights, values = member_scores(runs, names, exp.criterion)
    summary = robustness_table(table, weights)
    top = str(summary.sort_values("p_best", ascending=False)["scenario"].iloc[0])
    discovery = discover_flips(values, best(table), top)
    summary.insert(1, "criterion", exp.criterion)
    return EnsembleAnswer(exp.criterion, table, weights, values, summary, discovery)
