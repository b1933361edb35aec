"""Shared fixtures: small scenarios that run in seconds with the Mesa model."""

from __future__ import annotations

import pytest

import mutusim


@pytest.fixture(scope="session")
def sector_config() -> mutusim.ScenarioConfig:
    """The federation scenario (60 EES, 120 months)."""
    return mutusim.load_config("configs/sector.yaml")


@pytest.fixture(scope="session")
def small_wallonia() -> mutusim.ScenarioConfig:
    """The Walloon population scaled down to 800 EES, with every policy on, 60 months."""
    return mutusim.load_config(
        "configs/scenarios/all_policies.yaml",
        [
            "population.n_agents=800",
            "horizon_months=60",
            "budget_eur=null",  # the total is the sum of the allocations
            *(f"policies.{k}.budget_eur=66666" for k in range(6)),
        ],
    )
