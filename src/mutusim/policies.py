"""Incentive policies compiled from their YAML documents into arrays (kinds, windows,
eligibility masks, parameters, budgets), so that every engine reads one interpretation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mutusim.catalogue import LEGAL_FORMS, PROVINCES
from mutusim.config.schema import POLICY_TYPES, ScenarioConfig

POOLED_SUBSIDY, FACILITATOR, PIONEER_REWARD, AWARENESS, TRAINING, STANDARDISATION, INDIVIDUAL = (
    range(7)
)
KIND_CODE = {name: code for code, name in enumerate(POLICY_TYPES)}
N_PARAMS = 3


@dataclass(frozen=True)
class CompiledPolicies:
    """Policies as arrays, in the scenario's order (the order in which they are applied).

    ``params[k]`` by kind: pooled_subsidy (rate, cap EUR/member/month, -); facilitator (slots,
    EUR per project-month, -); pioneer_reward (reward EUR, initiation boost, -); awareness
    (conversion rate /yr, EUR/month, -); training (participation /yr, maturity gain, EUR per
    trainee); standardisation (monthly rate, EUR/month, -); individual_subsidy (uptake /yr,
    capacity boost, EUR per grant).
    """

    names: tuple[str, ...]
    kind: np.ndarray
    start: np.ndarray
    end: np.ndarray
    params: np.ndarray
    budget: np.ndarray
    size_min: np.ndarray
    size_max: np.ndarray
    sector_mask: np.ndarray
    province_mask: np.ndarray
    form_mask: np.ndarray

    @property
    def count(self) -> int:
        """Number of policies."""
        return len(self.names)


def _mask(selected: list[str] | None, vocabulary: tuple[str, ...]) -> int:
    if not selected:
        return (1 << len(vocabulary)) - 1
    return sum(1 << vocabulary.index(name) for name in selected)


def compile_policies(config: ScenarioConfig) -> CompiledPolicies:
    """Arrays of the scenario's policies (empty when the policies mechanism is off)."""
    policies = config.policies if config.mechanisms.policies else []
    sectors = tuple(s.name for s in config.population.sectors)
    n = len(policies)
    params = np.zeros((n, N_PARAMS))
    for k, p in enumerate(policies):
        match p.type:
            case "pooled_subsidy":
                params[k, :2] = (p.rate, p.cap_eur_per_member_month)
            case "facilitator":
                params[k, :2] = (
                    p.facilitators * p.projects_per_facilitator,
                    p.cost_eur_per_project_month,
                )
            case "pioneer_reward":
                params[k, :2] = (p.reward_eur, p.initiation_boost)
            case "awareness":
                params[k, :2] = (p.conversion_rate, p.cost_eur_per_month)
            case "training":
                params[k] = (p.participation_rate, p.maturity_gain, p.cost_eur_per_trainee)
            case "standardisation":
                params[k, :2] = (p.rate, p.cost_eur_per_month)
            case "individual_subsidy":
                params[k] = (p.uptake_rate, p.capacity_boost, p.grant_eur)
    return CompiledPolicies(
        names=tuple(p.name for p in policies),
        kind=np.array([KIND_CODE[p.type] for p in policies], dtype=np.int64),
        start=np.array([p.start_month for p in policies], dtype=np.int64),
        end=np.array([p.end_month for p in policies], dtype=np.int64),
        params=params,
        budget=np.array(
            [np.inf if p.budget_eur is None else p.budget_eur for p in policies], dtype=np.float64
        ),
        size_min=np.array([p.eligibility.size_min for p in policies], dtype=np.float64),
        size_max=np.array(
            [
                np.inf if p.eligibility.size_max is None else p.eligibility.size_max
                for p in policies
            ],
            dtype=np.float64,
        ),
        sector_mask=np.array(
            [_mask(p.eligibility.sectors, sectors) for p in policies], dtype=np.int64
        ),
        province_mask=np.array(
            [_mask(p.eligibility.provinces, PROVINCES) for p in policies], dtype=np.int64
        ),
        form_mask=np.array(
            [_mask(p.eligibility.legal_forms, LEGAL_FORMS) for p in policies], dtype=np.int64
        ),
    )
