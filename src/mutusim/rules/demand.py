"""Need is not demand (§3, §4.2): when an EES seeks a pooled solution."""

from __future__ import annotations

from mutusim.rules.registry import rule


@rule(
    "R01",
    "Unmet need grows with the share of catalogue services needed, low maturity and "
    "administrative pressure.",
    "§4.1, §9.1",
)
def need_gap(
    n_needed: int, n_services: int, maturity: float, admin_pressure: float, admin_weight: float
) -> float:
    """Unmet digital need in [0, 1]."""
    if n_services <= 0:
        return 0.0
    breadth = n_needed / n_services
    pressure = (1.0 + admin_weight * admin_pressure) / (1.0 + admin_weight)
    return breadth * (1.0 - maturity) * pressure


@rule(
    "R02",
    "What an EES can do alone grows with its financial slack, its maturity and individual "
    "support it receives.",
    "§3, §9.1",
)
def individual_capacity(financial_tension: float, maturity: float, support: float) -> float:
    """Capacity to meet needs alone, in [0, 1]."""
    capacity = (1.0 - financial_tension) * (0.5 + 0.5 * maturity) + support
    return min(1.0, capacity)


@rule(
    "R03",
    "An EES seeks pooling only if its leader is convinced and its unmet need exceeds what it "
    "can do alone.",
    "§3, §4.2",
)
def seeks_pooling(convinced: bool, gap: float, capacity: float, autonomy_preference: float) -> bool:
    """Demand for pooling: pooling is a second choice, taken when going alone is out of reach."""
    return convinced and gap > autonomy_preference * capacity
