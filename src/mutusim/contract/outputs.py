"""The outputs of a run (BRIEF §2.3): timeseries columns and the projects table.

The timeseries has one row per month (step 0 = the initial state). Its columns are the core
outputs below (``O.<name>`` is the position of each), then blocks that depend on the
vocabularies: public spending by policy kind, adoption share by size class, by province and by
sector (the population's sectors), members by circle, and the accounts of each policy slot (the
scenario's k-th policy, ``MAX_POLICIES`` slots): money its schedule has committed so far, money
spent so far, and whether its allocation has run out. ``output_names`` lists them all in
order; ``blocks`` gives where each block starts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from mutusim.catalogue import PROVINCES, SIZE_CLASSES
from mutusim.config.schema import MAX_POLICIES, POLICY_TYPES


@dataclass(frozen=True)
class Output:
    """One timeseries column."""

    name: str
    unit: str
    meaning: str


CORE_OUTPUTS: tuple[Output, ...] = (
    Output("adoption_share", "share", "EES in at least one running pooled project"),
    Output("adopters", "EES", "EES in a running pooled project"),
    Output("seeking_share", "share", "EES with active demand (seeking a pooled solution)"),
    Output("latent_share", "share", "EES with latent demand (convinced, need beyond capacity)"),
    Output("convinced_share", "share", "EES whose leader is convinced of digital"),
    Output("mean_maturity", "[0, 1]", "mean digital maturity"),
    Output("mean_commitment", "[0, 1]", "mean commitment of members of running projects"),
    Output("forming_projects", "projects", "projects in their §8.2 formation phases"),
    Output("active_projects", "projects", "running projects"),
    Output("projects_started", "projects", "projects founded so far"),
    Output("projects_failed", "projects", "formations failed so far"),
    Output("projects_dissolved", "projects", "running projects dissolved so far"),
    Output("initiations_failed", "pioneers", "initiations without enough partners so far"),
    Output("joins", "EES", "joins this month"),
    Output("members_exited", "EES", "members who left this month"),
    Output("members_released", "EES", "members released by dissolutions this month"),
    Output("joins_refused_full", "EES", "joins refused this month: project full"),
    Output("cumulative_exits", "EES", "members who left so far"),
    Output("savings_eur", "EUR", "members' savings versus going alone this month"),
    Output("cumulative_savings_eur", "EUR", "members' savings so far"),
    Output("public_spend", "EUR", "public money spent this month"),
    Output("cumulative_public_spend", "EUR", "public money spent so far"),
    Output("standardisation", "[0, 1]", "level of standardised practices"),
    Output("activations", "EES", "latent demands activated this month"),
    Output("awareness_contacts", "EES", "EES reached by awareness campaigns this month"),
    Output("conversions", "EES", "leaders converted by awareness campaigns this month"),
    Output("facilitator_contacts", "EES", "EES contacted by facilitators this month"),
    Output("projects_brokered", "projects", "cores brokered by facilitators so far"),
    Output("plan_declines", "EES", "members who left at the financial plan so far"),
)

O = enum.IntEnum("O", [(o.name, k) for k, o in enumerate(CORE_OUTPUTS)], module=__name__)  # noqa: E741
N_CORE = len(CORE_OUTPUTS)

MAX_RING = 4
"""Circles at or beyond this are reported together (``members_ring_4plus``)."""
RING_NAMES = tuple(f"{r}plus" if r == MAX_RING else str(r) for r in range(MAX_RING + 1))
POLICY_SLOTS = tuple(str(k) for k in range(MAX_POLICIES))
"""Names of the policy slots: the scenario's policies in order (0 is the first)."""

BLOCKS: tuple[tuple[str, str, str], ...] = (
    ("spend_", "EUR", "public money spent this month on policies of this kind"),
    ("adoption_share_size_", "share", "adoption share within the size class"),
    ("adoption_share_province_", "share", "adoption share within the province"),
    ("adoption_share_sector_", "share", "adoption share within the sector"),
    ("members_ring_", "EES", "members of running projects in this circle"),
    (
        "committed_policy_",
        "EUR",
        "allocation the k-th policy's schedule has released so far (R59; unlimited: its spending)",
    ),
    ("spent_policy_", "EUR", "public money the k-th policy has spent so far"),
    ("ran_out_policy_", "0/1", "1 once the k-th policy's allocation has refused a payment"),
)
"""Blocks after the core outputs: (column prefix, unit, meaning)."""


@dataclass(frozen=True)
class Blocks:
    """First column of each block, for a population with ``n_sectors`` sectors."""

    spend: int
    size: int
    province: int
    sector: int
    ring: int
    committed: int
    spent: int
    ran_out: int
    width: int


def blocks(n_sectors: int) -> Blocks:
    """Where each block starts in a row of outputs."""
    spend = N_CORE
    size = spend + len(POLICY_TYPES)
    province = size + len(SIZE_CLASSES)
    sector = province + len(PROVINCES)
    ring = sector + n_sectors
    committed = ring + len(RING_NAMES)
    spent = committed + MAX_POLICIES
    ran_out = spent + MAX_POLICIES
    return Blocks(
        spend, size, province, sector, ring, committed, spent, ran_out, ran_out + MAX_POLICIES
    )


def output_names(sector_names: tuple[str, ...]) -> list[str]:
    """All timeseries columns, in order, for a population with these sectors."""
    vocabularies = (
        POLICY_TYPES,
        SIZE_CLASSES,
        PROVINCES,
        sector_names,
        RING_NAMES,
        POLICY_SLOTS,
        POLICY_SLOTS,
        POLICY_SLOTS,
    )
    return [
        *(o.name for o in CORE_OUTPUTS),
        *(
            f"{prefix}{name}"
            for (prefix, _, _), vocabulary in zip(BLOCKS, vocabularies, strict=True)
            for name in vocabulary
        ),
    ]


PROJECT_OUTPUTS: tuple[Output, ...] = (
    Output("status", "name", "forming, running, dissolved or failed at the end of the run"),
    Output("mode", "name", "pooling mode (§7)"),
    Output("leader", "index", "the pioneer EES (-1: none)"),
    Output("created_at", "month", "month of founding"),
    Output("running_since", "month", "month it started running (-1: never)"),
    Output("ended_at", "month", "month it failed or dissolved (-1: still there)"),
    Output("members_end", "EES", "members at the end if running, else 0"),
    Output("max_members", "EES", "largest membership reached"),
    Output("facilitated", "bool", "accompanied by a funded facilitator"),
    Output("governance", "[0, 1]", "governance quality"),
    Output("anchored", "bool", "backed by a public body"),
)
"""Fields of a project in the projects table (after ``run`` and ``project``)."""
PROJECT_COLUMNS = tuple(o.name for o in PROJECT_OUTPUTS)

EXPORT_ROWS = 1000
"""Projects a batch keeps per run, at least (more for large populations): a run that creates
more is run again alone for its projects table."""


def projects_kept(max_projects: int, n_agents: int) -> int:
    """Rows of the projects table a batch keeps per run (before initial projects)."""
    return min(max_projects, max(EXPORT_ROWS, n_agents // 10))


PO = enum.IntEnum("PO", list(PROJECT_COLUMNS), start=0, module=__name__)
