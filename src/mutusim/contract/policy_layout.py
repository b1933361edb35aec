"""Incentive policies as records: the layout the compiled phases read, derived from the
policy types of the config schema.

A scenario's policies become an array of ``POLICY_DTYPE`` records, in the scenario's order (the
order in which they are applied). Every record has the fields all policies share (kind, active
window, own budget, eligibility as bit masks) and one field per parameter of every policy type,
named ``<type>_<field>`` (``pooled_subsidy_rate``, ``awareness_cost_eur_per_month``, …); a
record uses the fields of its own kind. ``K.<type>`` is the code of a kind, in
``POLICY_TYPES`` order. A new policy field is readable in the kernels without any other change.
"""

from __future__ import annotations

import enum
import typing

import numpy as np

from mutusim.catalogue import LEGAL_FORMS, PROVINCES
from mutusim.config.schema import (
    POLICY_TYPES,
    SPENDING_SCHEDULES,
    Policy,
    PolicyBase,
    ScenarioConfig,
)
from mutusim.contract.records import records

K = enum.IntEnum("K", list(POLICY_TYPES), start=0, module=__name__)
N_KINDS = len(K)

POLICY_CLASSES = {
    typing.get_args(cls.model_fields["type"].annotation)[0]: cls
    for cls in typing.get_args(typing.get_args(Policy)[0])
}
"""Each policy type's pydantic class, by type name."""

COMMON = (
    ("kind", "i8"),
    ("start_month", "i8"),
    ("end_month", "i8"),
    ("budget_eur", "f8"),
    ("spending", "i8"),
    ("size_min", "f8"),
    ("size_max", "f8"),
    ("sector_mask", "i8"),
    ("province_mask", "i8"),
    ("legal_form_mask", "i8"),
)
"""Fields every policy record has (the window, allocation and spending schedule of
``PolicyBase``, eligibility). ``end_month`` is cut at the scenario's policy period."""

KIND_PARAMETERS = {
    kind: tuple(
        name
        for name in POLICY_CLASSES[kind].model_fields
        if name not in PolicyBase.model_fields and name != "type"
    )
    for kind in POLICY_TYPES
}
"""Parameters of each policy type (its own fields), in declaration order."""

POLICY_DTYPE = np.dtype(
    [
        *COMMON,
        *((f"{kind}_{name}", "f8") for kind in POLICY_TYPES for name in KIND_PARAMETERS[kind]),
    ],
    align=True,
)

assert set(POLICY_CLASSES) == set(POLICY_TYPES)


def _mask(selected: list[str] | None, vocabulary: tuple[str, ...]) -> int:
    if not selected:
        return (1 << len(vocabulary)) - 1
    return sum(1 << vocabulary.index(name) for name in selected)


def policy_records(config: ScenarioConfig) -> np.ndarray:
    """The scenario's policies as records (none when the policies mechanism is off)."""
    policies = config.policies if config.mechanisms.policies else []
    sectors = tuple(s.name for s in config.population.sectors)
    table = records(len(policies), POLICY_DTYPE)
    for k, policy in enumerate(policies):
        rec = table[k]
        rec["kind"] = K[policy.type]
        rec["start_month"] = policy.start_month
        rec["end_month"] = min(policy.end_month, config.policy_period_months)
        unlimited = config.unlimited or policy.budget_eur is None
        rec["budget_eur"] = np.inf if unlimited else policy.budget_eur
        rec["spending"] = SPENDING_SCHEDULES.index(policy.spending)
        elig = policy.eligibility
        rec["size_min"] = elig.size_min
        rec["size_max"] = np.inf if elig.size_max is None else elig.size_max
        rec["sector_mask"] = _mask(elig.sectors, sectors)
        rec["province_mask"] = _mask(elig.provinces, PROVINCES)
        rec["legal_form_mask"] = _mask(elig.legal_forms, LEGAL_FORMS)
        for name in KIND_PARAMETERS[policy.type]:
            rec[f"{policy.type}_{name}"] = getattr(policy, name)
        if rec["end_month"] <= rec["start_month"]:  # starts after the policy period: never acts
            rec["end_month"] = rec["start_month"]
    return table


def inactive_policies(count: int) -> np.ndarray:
    """Records of policies that never act (empty window, no budget): padding for batches of
    points with fewer policies than others."""
    return records(count, POLICY_DTYPE)
