"""Per-step outputs of a run (BRIEF §2.3), computed from the model's state in one pass."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mutusim.catalogue import (
    PROVINCES,
    SIZE_CLASS_EDGES,
    SIZE_CLASSES,
    STATUS_FORMING,
    STATUS_RUNNING,
)
from mutusim.config.schema import POLICY_TYPES

if TYPE_CHECKING:
    from mutusim.model.model import MutualisationModel

MAX_RING = 4
"""Rings at or beyond this are reported together (``members_ring_4plus``)."""


CORE_OUTPUTS = (
    "adoption_share",
    "adopters",
    "seeking_share",
    "convinced_share",
    "mean_maturity",
    "mean_commitment",
    "forming_projects",
    "active_projects",
    "projects_started",
    "projects_failed",
    "projects_dissolved",
    "initiations_failed",
    "joins",
    "members_exited",
    "members_released",
    "joins_refused_full",
    "cumulative_exits",
    "savings_eur",
    "cumulative_savings_eur",
    "public_spend",
    "cumulative_public_spend",
    "standardisation",
)
"""Outputs every population has, in column order (then spending by policy type, adoption by
size class, province and sector, and members by ring)."""


def output_names(sector_names: tuple[str, ...]) -> list[str]:
    """All output columns, in order, for a population with these sectors."""
    rings = [
        f"members_ring_{r}plus" if r == MAX_RING else f"members_ring_{r}"
        for r in range(MAX_RING + 1)
    ]
    return [
        *CORE_OUTPUTS,
        *(f"spend_{kind}" for kind in POLICY_TYPES),
        *(f"adoption_share_size_{name}" for name in SIZE_CLASSES),
        *(f"adoption_share_province_{name}" for name in PROVINCES),
        *(f"adoption_share_sector_{name}" for name in sector_names),
        *rings,
    ]


def size_classes(sizes: np.ndarray) -> np.ndarray:
    """0 micro (< 5 workers), 1 small (5–49), 2 medium or large (>= 50)."""
    return np.searchsorted(SIZE_CLASS_EDGES, sizes, side="right")


def _share(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros(len(num)), where=den > 0)


def collect_outputs(model: MutualisationModel) -> dict[str, float]:
    """Outputs of the current state (after the step's phases) as a flat dict."""
    pop = model.population
    n = len(model.ees)
    n_sectors = len(pop.sector_names)
    adopters = 0
    seeking = convinced = 0
    maturity = 0.0
    commitment = 0.0
    by_class = np.zeros(3)
    by_province = np.zeros(len(PROVINCES))
    by_sector = np.zeros(n_sectors)
    rings = np.zeros(MAX_RING + 1)
    for agent in model.ees:
        seeking += agent.seeking
        convinced += agent.convinced
        maturity += agent.maturity
        project = agent.project
        if project is not None and project.status == STATUS_RUNNING:
            adopters += 1
            commitment += agent.commitment
            by_class[model.size_class[agent.index]] += 1
            by_province[agent.province] += 1
            by_sector[agent.sector] += 1
            rings[min(agent.ring, MAX_RING)] += 1
    forming = sum(1 for p in model.projects if p.status == STATUS_FORMING)
    running = sum(1 for p in model.projects if p.status == STATUS_RUNNING)
    c = model.counters
    totals = model.totals
    for key in (
        "joins",
        "exits",
        "released",
        "new_projects",
        "initiations_failed",
        "formations_failed",
        "dissolved",
        "savings_eur",
    ):
        totals[key] = totals.get(key, 0.0) + c[key]
    auth = model.authority
    out: dict[str, float] = {
        "adoption_share": adopters / n,
        "adopters": float(adopters),
        "seeking_share": seeking / n,
        "convinced_share": convinced / n,
        "mean_maturity": maturity / n,
        "mean_commitment": commitment / adopters if adopters else 0.0,
        "forming_projects": float(forming),
        "active_projects": float(running),
        "projects_started": totals["new_projects"],
        "projects_failed": totals["formations_failed"],
        "projects_dissolved": totals["dissolved"],
        "initiations_failed": totals["initiations_failed"],
        "joins": c["joins"],
        "members_exited": c["exits"],
        "members_released": c["released"],
        "joins_refused_full": c["refused_full"],
        "cumulative_exits": totals["exits"],
        "savings_eur": c["savings_eur"],
        "cumulative_savings_eur": totals["savings_eur"],
        "public_spend": auth.spent_month,
        "cumulative_public_spend": auth.spent_total,
        "standardisation": model.standardisation,
    }
    for code, kind in enumerate(POLICY_TYPES):
        out[f"spend_{kind}"] = float(auth.spent_month_by_kind[code])
    counts_class = np.bincount(model.size_class, minlength=len(SIZE_CLASSES)).astype(float)
    for name, value in zip(SIZE_CLASSES, _share(by_class, counts_class), strict=True):
        out[f"adoption_share_size_{name}"] = float(value)
    counts_prov = np.bincount(pop.province, minlength=len(PROVINCES)).astype(float)
    for name, value in zip(PROVINCES, _share(by_province, counts_prov), strict=True):
        out[f"adoption_share_province_{name}"] = float(value)
    counts_sec = np.bincount(pop.sector, minlength=n_sectors).astype(float)
    for name, value in zip(pop.sector_names, _share(by_sector, counts_sec), strict=True):
        out[f"adoption_share_sector_{name}"] = float(value)
    for r in range(MAX_RING + 1):
        label = f"{r}plus" if r == MAX_RING else str(r)
        out[f"members_ring_{label}"] = float(rings[r])
    return out
