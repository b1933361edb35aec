"""When does the answer flip? Scenario discovery with PRIM (EMA Workbench) over the members of
an ensemble.

The top-ranked scenario is the one with the highest ``p_best``. Each member is a case: its
parameter values (x) and whether the top-ranked scenario is *not* its best (y). PRIM (Friedman
and Fisher 1999, as in EMA Workbench's ``prim.Prim``) peels the parameter space towards a box
where such members are dense. Of its peeling trajectory we keep the box that covers most of
them, weighed by how pure it is (highest coverage × density), among those where they are
the majority (density at least ``min_density``) and that restrict at most
``max_restricted`` parameters (a box a reader can hold in mind); then the
members outside it are searched again, for at most ``max_boxes`` boxes. Each box is reported
with the scenario that is best most often inside it, its coverage (share of the flips it holds)
and its density (share of flips among the members inside it). The words are the report's
(``report.robustness``).
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MIN_DENSITY = 0.5
"""A box is a flip only where the top-ranked scenario loses in most of its members."""
MAX_RESTRICTED = 4
"""Most parameters a box may restrict."""
SIGNIFICANCE = 0.05
"""A box's restriction is kept when its quasi-p value (EMA Workbench) is below this."""
MAX_BOXES = 2
"""Most boxes searched."""
MIN_FLIPS = 5
"""Fewest flipped members worth a search."""
MIN_MEMBERS = 20
"""Fewest members worth a search (below, a box would describe a handful of draws)."""


@dataclass
class Box:
    """A region of the parameter space where the answer flips: ``limits`` maps each
    restricted parameter to its (low, high) bounds, None on a side left open (the box reaches
    the ensemble's extreme there)."""

    limits: dict[str, tuple[float | None, float | None]]
    winner: str
    """The scenario best most often among the members inside the box."""
    winner_share: float
    """Share of the members inside the box where ``winner`` is best."""
    coverage: float
    density: float
    members: int


@dataclass
class Discovery:
    """The flips of one ranking: the top scenario, how often it is best, and the boxes."""

    top: str
    p_top: float
    flipped: int
    """Members where the top scenario is not the best."""
    members: int
    searched: bool = False
    """Whether there were enough members and flips to search (``MIN_MEMBERS``, ``MIN_FLIPS``)."""
    boxes: list[Box] = field(default_factory=list)


def discover_flips(
    values: pd.DataFrame,
    best: pd.Series,
    top: str,
    min_density: float = MIN_DENSITY,
    max_restricted: int = MAX_RESTRICTED,
    max_boxes: int = MAX_BOXES,
) -> Discovery:
    """PRIM boxes of the members (rows of ``values``: their parameter values) where ``top`` is
    not the ``best`` scenario. Parameters that do not vary across members are left out."""
    best = best.reindex(values.index)
    flipped = (best != top).to_numpy()
    found = Discovery(top, float(1 - flipped.mean()), int(flipped.sum()), len(values))
    varying = [c for c in values.columns if values[c].nunique() > 1]
    if flipped.sum() < MIN_FLIPS or len(values) < MIN_MEMBERS or not varying:
        return found
    found.searched = True
    x = values[varying].astype(float).reset_index(drop=True)
    with warnings.catch_warnings(), _quiet():
        warnings.simplefilter("ignore")  # EMA Workbench warns of ipyparallel, unused here
        from ema_workbench.analysis import prim

        search = prim.Prim(x, flipped, peel_alpha=0.1, paste_alpha=0.05, mass_min=0.05)
        for _ in range(max_boxes):
            box = search.find_box()
            if box is None:
                break
            chosen = _choose(box.peeling_trajectory, min_density, max_restricted)
            if chosen is None:
                break
            box.select(chosen)
            described = _describe(box, x, search.box_init, best.to_numpy(), top)
            if not described.limits or described.members * described.density < MIN_FLIPS:
                break  # a box of a handful of flips describes draws, not a region
            found.boxes.append(described)
    return found


def _choose(trajectory: pd.DataFrame, min_density: float, max_restricted: int) -> int | None:
    """The step of the trajectory with the highest coverage × density among those dense
    enough and restricting few enough parameters (None if there is none): the box that holds
    most flips without holding many members that do not flip."""
    fit = trajectory[
        (trajectory["density"] >= min_density)
        & (trajectory["res_dim"] <= max_restricted)
        & (trajectory["res_dim"] > 0)
    ]
    if fit.empty:
        return None
    return int((fit["coverage"] * fit["density"]).idxmax())


def _describe(box, x: pd.DataFrame, init: pd.DataFrame, best: np.ndarray, top: str) -> Box:
    """The selected box in words: only the restrictions that are significant (a quasi-p
    value below ``SIGNIFICANCE`` on one side, Bryant and Lempert 2010), with coverage and
    density recomputed over all members for the box so pruned."""
    limits = box.box_lims[box._cur_box]
    p_values = box.p_values[box._cur_box]
    inside = np.ones(len(x), dtype=bool)
    shown: dict[str, tuple[float | None, float | None]] = {}
    for name in x.columns:
        low, high = float(limits[name].iloc[0]), float(limits[name].iloc[1])
        significant = [0 <= q < SIGNIFICANCE for q in p_values.get(name, [-1, -1])]
        low_cut = low > float(init[name].iloc[0]) and significant[0]
        high_cut = high < float(init[name].iloc[1]) and significant[-1]
        if not (low_cut or high_cut):
            continue
        shown[name] = (low if low_cut else None, high if high_cut else None)
        values = x[name].to_numpy()
        inside &= (values >= low if low_cut else True) & (values <= high if high_cut else True)
    flipped = best != top
    winners = pd.Series(best[inside])
    others = winners[winners != top]
    counted = others if not others.empty else winners
    winner = str(counted.value_counts().index[0]) if len(counted) else top
    held = int((flipped & inside).sum())
    return Box(
        limits=shown,
        winner=winner,
        winner_share=float((winners == winner).mean()) if len(winners) else 0.0,
        coverage=held / max(int(flipped.sum()), 1),
        density=held / max(int(inside.sum()), 1),
        members=int(inside.sum()),
    )


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence EMA Workbench's logger while PRIM runs (it logs every box at INFO)."""
    logger = logging.getLogger("EMA")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
