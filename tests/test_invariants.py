"""The invariant checker after every month of several scenarios (both faces run the same step,
so checking the Mesa face's state checks the engine's too), and the checker itself."""

from __future__ import annotations

import pytest

import mutusim
from mutusim import docking
from mutusim.contract.fields import AI, AU, PF
from mutusim.model import MutualisationModel
from mutusim.phases.invariants import check_invariants, violations

SCENARIOS = {
    "all_policies_tight": (
        "configs/scenarios/all_policies.yaml",
        [
            "population.n_agents=1200",
            *(f"policies.{k}.budget_eur=50000" for k in range(6)),
            "projects.max_members=8",
        ],
    ),
    "sector_no_demand": ("configs/sector.yaml", ["mechanisms.demand=false"]),
    "facilitators_few_slots": (
        "configs/scenarios/facilitator.yaml",
        ["population.n_agents=1500", "policies.0.facilitators=1", "policies.0.budget_eur=200000"],
    ),
    "awareness_and_brokering": (
        "configs/scenarios/awareness.yaml",
        [
            "population.n_agents=1500",
            "policies=[awareness,facilitator]",
            "policies.1.brokering_rate=4",
            "policies.0.budget_eur=5e5",
            "policies.1.budget_eur=5e5",
        ],
    ),
    "awareness_own_budget": (
        "configs/scenarios/awareness.yaml",
        ["population.n_agents=800", "policies.0.budget_eur=40000", "budget_eur=1e6"],
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_invariants_hold_after_every_month(name):
    path, overrides = SCENARIOS[name]
    config = mutusim.load_config(path, [*overrides, "horizon_months=72"])
    model = MutualisationModel(config, seed=4, run=1)
    check_invariants(model.state)
    for _ in range(config.horizon_months):
        model.step()
        check_invariants(model.state)
    assert model.state.n_projects[0] > 0, "the scenario exercises projects"


def test_invariants_hold_in_docking_setups():
    for config in (docking.decay_config(0.05, 200, 24), docking.bass_config(0.03, 0.38, 300, 2)):
        model = MutualisationModel(config, seed=2)
        for _ in range(config.horizon_months):
            model.step()
            check_invariants(model.state)


def test_the_checker_finds_broken_states():
    config = mutusim.load_config("configs/sector.yaml", ["mechanisms.demand=false"])
    model = MutualisationModel(config, seed=1)
    for _ in range(24):
        model.step()
    assert violations(model.state) == []
    member = next(a for a in model.ees if a.project is not None)
    model.state.ai[AI.project, member.index] = -1  # leaves without its project knowing
    found = violations(model.state)
    assert any("listed in project" in f for f in found)
    model = MutualisationModel(config, seed=1)
    for _ in range(24):
        model.step()
    model.state.pf[PF.sum_size, 0] += 5.0
    model.state.au[AU.spent_total] = model.state.par[0]["budget_eur"] + 1.0
    found = " ".join(violations(model.state))
    assert "sum_size" in found and "budget" in found


def test_the_checker_finds_broken_demand():
    config = mutusim.load_config("configs/sector.yaml")
    model = MutualisationModel(config, seed=1)
    for _ in range(12):
        model.step()
    assert violations(model.state) == []
    model.state.ai[AI.latent, 0] = 1
    model.state.ai[AI.convinced, 0] = 0
    model.state.ai[AI.times_reached, 1] = -1
    found = " ".join(violations(model.state))
    assert "latent demand without a convinced leader" in found and "awareness contacts" in found
