"""A mutualisation project: a collective of EES with a leader, a scope, a mode, a phase and
circles of members (§2, §7, §8.2, §8.4). Projects hold no behaviour of their own: the model
applies the rules to them. Member statistics are kept as running sums, updated in join/exit
order, so any engine that follows the same order gets the same numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mutusim.catalogue import STATUS_FORMING, STATUS_RUNNING
from mutusim.rules.formation import heterogeneity, spread

if TYPE_CHECKING:
    from mutusim.model.ees import EES


class Project:
    """State of one pooled project."""

    def __init__(
        self, index: int, leader: EES | None, mode: int, created_at: int, anchored: bool
    ) -> None:
        self.index = index
        self.leader = leader
        self.mode = mode
        self.created_at = created_at
        self.anchored = anchored
        self.status = STATUS_FORMING
        self.phase = 1
        self.scope = 0
        self.depth_offered = 0.0
        self.governance = 0.0
        self.facilitated = False
        self.facilitator_policy = -1
        self.demonstrated_value = 0.0
        self.running_since = -1
        self.ended_at = -1
        self.max_members_reached = 0
        self.members: list[EES] = []
        self.sum_size = 0.0
        self.sum_log10_size = 0.0
        self.sum_log10_size_sq = 0.0
        self.sum_maturity = 0.0
        self.sum_maturity_sq = 0.0
        self.sum_depth = 0.0
        self.sum_depth_sq = 0.0
        self.sum_posture = 0.0

    @property
    def n(self) -> int:
        """Number of members."""
        return len(self.members)

    @property
    def running(self) -> bool:
        """Whether the project is running (members count as pooled)."""
        return self.status == STATUS_RUNNING

    def add(self, ees: EES) -> None:
        """Add a member and its contribution to the running sums."""
        self.members.append(ees)
        self.sum_size += ees.size
        self.sum_log10_size += ees.log10_size
        self.sum_log10_size_sq += ees.log10_size * ees.log10_size
        self.sum_maturity += ees.maturity_at_join
        self.sum_maturity_sq += ees.maturity_at_join * ees.maturity_at_join
        self.sum_depth += ees.depth
        self.sum_depth_sq += ees.depth * ees.depth
        self.sum_posture += ees.cooperative_posture
        self.max_members_reached = max(self.max_members_reached, self.n)

    def remove(self, ees: EES) -> None:
        """Remove a member and subtract its contribution."""
        self.members.remove(ees)
        self.sum_size -= ees.size
        self.sum_log10_size -= ees.log10_size
        self.sum_log10_size_sq -= ees.log10_size * ees.log10_size
        self.sum_maturity -= ees.maturity_at_join
        self.sum_maturity_sq -= ees.maturity_at_join * ees.maturity_at_join
        self.sum_depth -= ees.depth
        self.sum_depth_sq -= ees.depth * ees.depth
        self.sum_posture -= ees.cooperative_posture

    def heterogeneity(self, standardisation: float) -> float:
        """R09 over the current members (maturity taken at joining)."""
        n = self.n
        return heterogeneity(
            spread(self.sum_log10_size, self.sum_log10_size_sq, n),
            spread(self.sum_maturity, self.sum_maturity_sq, n),
            spread(self.sum_depth, self.sum_depth_sq, n),
            standardisation,
        )

    def mean_posture(self) -> float:
        """Mean cooperative posture of members: the project's collaboration intensity (§4.6)."""
        return self.sum_posture / self.n if self.n else 0.0
