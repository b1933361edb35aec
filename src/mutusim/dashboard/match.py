"""The dashboard's matchmaking card (``mutusim match`` in the page): a survey dropped on the
page is checked and matched on this machine, in a temporary folder removed afterwards; the
page shows the bad cells or the proposals. Nothing is kept and nothing leaves the machine."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mutusim.errors import ConfigError
from mutusim.match import proposals as mp
from mutusim.match.survey import SurveyError

DASHBOARD_RUNS = 100
"""Simulations per candidate in the page (the command line's default is 200)."""


@dataclass
class PageMatch:
    """What the page shows: the problems of a bad survey, or the proposals and what was
    drawn."""

    problems: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    drawn: str = ""


def match_upload(name: str, data: bytes, lang: str, runs: int = DASHBOARD_RUNS) -> PageMatch:
    """Check and match an uploaded survey (``.csv`` or ``.xlsx``) with the default options."""
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="mutusim-match-") as folder:
        path = Path(folder) / f"survey{suffix}"
        path.write_bytes(data)
        try:
            prep = mp.prepare(path, mp.MatchSettings(runs=runs, lang=lang))
        except SurveyError as exc:
            return PageMatch(problems=[p.replace(str(path), name) for p in exc.problems])
        except ConfigError as exc:
            return PageMatch(problems=[str(exc).replace(str(path), name)])
        result = mp.propose(prep, mp.search(prep))
        table = mp.circles_table(result, lang)
        return PageMatch(table=table, drawn=mp.drawn_text(prep, lang))
