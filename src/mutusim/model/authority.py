"""The public authority as a view of one run's accounts: its budget, the compiled policies and
what has been spent (§6, §8.5, §9). Payments are made by the compiled phases (R37)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mutusim.contract.fields import AU, PA

if TYPE_CHECKING:
    from mutusim.model.model import MutualisationModel


class Authority:
    """Budget, policies (records of ``mutusim.contract.policy_layout``) and spending."""

    def __init__(self, model: MutualisationModel) -> None:
        self.model = model

    @property
    def policies(self) -> np.ndarray:
        """The scenario's policies, in the order they are applied."""
        return self.model.state.pol

    @property
    def budget_total(self) -> float:
        """The authority's total budget (EUR)."""
        return float(self.model.state.par[0]["budget_eur"])

    @property
    def spent_total(self) -> float:
        """Public money spent since month 0 (EUR)."""
        return float(self.model.state.au[AU.spent_total])

    @property
    def spent_month(self) -> float:
        """Public money spent this month (EUR)."""
        return float(self.model.state.au[AU.spent_month])

    @property
    def spent(self) -> np.ndarray:
        """Money spent by each policy (EUR), in the scenario's order."""
        return self.model.state.au_policy[PA.spent]

    @property
    def facilitator_load(self) -> np.ndarray:
        """Forming projects each policy's facilitators accompany now."""
        return self.model.state.au_policy[PA.facilitator_load]

    @property
    def standardisation(self) -> float:
        """Level of standardised institutional practices (R40)."""
        return float(self.model.state.au[AU.standardisation])
