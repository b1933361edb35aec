"""Each compiled phase on a small hand-built state: its effect against a hand-computed
expectation, its random draws included (``rng.uniform`` of the same key)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import mutusim
from mutusim import rng
from mutusim.catalogue import DT, STATUS_DISSOLVED, STATUS_FAILED, STATUS_FORMING, STATUS_RUNNING
from mutusim.contract.fields import AF, AI, AU, EV, PA, PF, PI, C
from mutusim.contract.outputs import O
from mutusim.docking import _population
from mutusim.phases import new_run_state, scenario_inputs
from mutusim.phases.advance_formation import advance_formation
from mutusim.phases.apply_policies import apply_policies
from mutusim.phases.assess_demand import assess_demand
from mutusim.phases.collect import collect
from mutusim.phases.grow_circles import grow_circles
from mutusim.phases.initiate_projects import initiate_projects
from mutusim.phases.reassess_commitment import reassess_commitment
from mutusim.phases.shared import enrol
from mutusim.phases.state import EVENT_COLUMNS, TRACE_ALL
from mutusim.rules import formation as rf

SEED, RUN, MONTH = 3, 1, 5
NO_SHOCK = {"probability": 0.0, "loss": 0.0}


def config(n: int, **sections) -> mutusim.ScenarioConfig:
    """A homogeneous, tie-less population with the given sections."""
    return mutusim.load_config(
        {"name": "phase-test", "population": _population(n), "horizon_months": 12, **sections}
    )


def state(cfg, ties: dict[int, list[int]] | None = None, rivals=None):
    """A run's state at month ``MONTH`` with the given undirected ties and rivals."""
    inputs = scenario_inputs(cfg)
    events = np.zeros((1000, EVENT_COLUMNS))
    s = new_run_state(
        SEED,
        RUN,
        inputs.par,
        inputs.modes,
        inputs.policies,
        inputs.population,
        inputs.initial_projects,
        inputs.n_sectors,
        TRACE_ALL,
        events,
    )
    n = inputs.n_agents
    ptr, idx = _csr(n, ties or {})
    rptr, ridx = _csr(n, rivals or {})
    s = s._replace(tie_ptr=ptr, tie_idx=idx, rival_ptr=rptr, rival_idx=ridx)
    s.clock[0] = MONTH
    s.key[0] = rng.step_key(SEED, RUN, MONTH)
    return s


def _csr(n, edges):
    rows = [set() for _ in range(n)]
    for i, js in edges.items():
        for j in js:
            rows[i].add(j)
            rows[j].add(i)
    ptr = np.zeros(n + 1, np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    idx = np.array([j for r in rows for j in sorted(r)], dtype=np.int64)
    return ptr, idx


def u(agent: int, purpose: int) -> float:
    """The draw a phase uses at month MONTH."""
    return rng.uniform(SEED, RUN, MONTH, agent, purpose)


def test_assess_demand_needs_conviction_and_a_gap_beyond_capacity():
    s = state(config(3))
    # EES 0: convinced, all 14 services, maturity 0.2, pressure 0.5, tension 0.9
    # gap = 1 * 0.8 * (1 + 0.5) / 2 = 0.6; capacity = 0.1 * (0.5 + 0.1) = 0.06 -> seeks
    s.af[AF.maturity, :] = 0.2
    s.af[AF.financial_tension, :] = 0.9
    s.ai[AI.convinced, :] = [1, 0, 1]
    s.af[AF.individual_support, 2] = 0.7  # capacity 0.76 > 0.6: goes alone
    assess_demand(s)
    assert s.ai[AI.seeking].tolist() == [1, 0, 0]


def test_awareness_converts_on_its_draw_and_pays_its_month():
    rate = 6.0
    cfg = config(
        40,
        budget_eur=1000.0,
        policies=[
            {
                "name": "campaign",
                "type": "awareness",
                "conversion_rate": rate,
                "cost_eur_per_month": 400.0,
            }
        ],
    )
    s = state(cfg)
    s.ai[AI.convinced, :] = 0
    apply_policies(s)
    p = 1 - math.exp(-rate * DT)
    expected = [int(u(i, rng.P_AWARENESS) < p) for i in range(40)]
    assert s.ai[AI.convinced].tolist() == expected and 0 < sum(expected) < 40
    assert s.au[AU.spent_total] == 400.0 == s.au_policy[PA.spent, 0]
    apply_policies(s)
    apply_policies(s)  # the third month cannot be paid: nothing happens
    assert s.au[AU.spent_total] == 800.0


def _pioneer_config(**behaviour):
    return config(
        6,
        mechanisms={"demand": False},
        behaviour={
            "pioneer_rate": 1e6,
            "core_min_partners": 2,
            "core_max_partners": 2,
            "rivalry_aversion": 1.0,
            **behaviour,
        },
    )


def test_a_pioneer_recruits_its_best_scored_ties_and_shuns_rivals():
    s = state(_pioneer_config(), ties={0: [1, 2, 3, 4]}, rivals={0: [1]})
    s.ai[AI.seeking, :] = 1
    s.af[AF.leadership, :] = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]  # only EES 0 may initiate
    s.af[AF.cooperative_posture, :] = 1.0
    s.af[AF.cooperative_posture, 4] = 0.5  # scored below EES 2 and 3
    initiate_projects(s)
    assert s.n_projects[0] == 1
    members = sorted(s.members[0, : s.pi[PI.n_members, 0]].tolist())
    assert members == [0, 2, 3]  # the rival scores 0, EES 4 comes after the room is full
    assert s.pi[PI.leader, 0] == 0 and s.pi[PI.status, 0] == STATUS_FORMING
    assert all(s.ai[AI.ring, i] == 0 for i in members)
    shares = np.cumsum([0.3, 0.5, 0.2])
    assert s.pi[PI.mode, 0] == rng.categorical(u(0, rng.P_PROJECT_MODE), shares)
    assert s.pi[PI.scope, 0] == (1 << 14) - 1  # everyone needs everything
    assert s.cnt[C.new_projects] == 1.0


def test_a_pioneer_without_enough_partners_founds_nothing():
    s = state(_pioneer_config(), ties={0: [1]})
    s.ai[AI.seeking, :] = 1
    s.af[AF.leadership, :] = [1.0, 0, 0, 0, 0, 0]
    initiate_projects(s)
    assert s.n_projects[0] == 0 and s.cnt[C.initiations_failed] == 1.0
    assert s.events[0, 1] == EV.initiation_failed and s.events[0, 4] == 0  # of EES 0


def _forming(s, members, phase):
    p = s.n_projects[0]
    s.n_projects[0] += 1
    s.pi[PI.status, p] = STATUS_FORMING
    s.pi[PI.phase, p] = phase
    s.pi[PI.scope, p] = 1
    for i in members:
        enrol(s, i, p, 0)
    return p


def test_formation_advances_or_fails_on_its_draw():
    base_failure = 0.5
    cfg = config(8, formation={"base_failure": base_failure, "phase_months": 1.0})
    s = state(cfg)
    a = _forming(s, [0, 1, 2], 2)
    b = _forming(s, [3, 4, 5], 2)
    advance_formation(s)
    for p in (a, b):
        # identical members: heterogeneity 0, posture 0.5, no rival, no facilitator
        failed = u(p, rng.P_PHASE) < base_failure
        assert s.pi[PI.status, p] == (STATUS_FAILED if failed else STATUS_FORMING)
        assert s.pi[PI.phase, p] == (2 if failed else 3)
    assert s.cnt[C.formations_failed] == sum(s.pi[PI.status, p] == STATUS_FAILED for p in (a, b))


def test_the_financial_plan_fails_when_members_lose():
    cfg = config(4, formation={"base_failure": 0.0, "phase_months": 1.0})
    s = state(cfg)
    p = _forming(s, [0, 1, 2], rf.PHASE_FINANCIAL_PLAN)
    s.pf[PF.demonstrated_value, p] = 0.0
    s.af[AF.standalone_cost, :] = 1.0  # pooling costs far more than going alone
    advance_formation(s)
    assert s.pi[PI.status, p] == STATUS_FAILED
    assert all(s.ai[AI.project, i] == -1 for i in (0, 1, 2))
    assert all(s.ai[AI.cooldown_until, i] == MONTH + 1 + 24 for i in (0, 1, 2))


def test_joiners_decide_on_their_ties_and_a_full_project_refuses():
    p_rate, q_rate = 0.5, 60.0
    cfg = config(
        8,
        mechanisms={"utility": False, "demand": False},
        behaviour={"innovation": p_rate, "imitation": q_rate},
        projects={"max_members": 4, "min_members": 0},
    )
    ties = {5: [0, 1, 6, 7], 6: [0, 2], 7: [0]}
    s = state(cfg, ties=ties)
    s.ai[AI.seeking, :] = 1
    s.pi[PI.status, 0] = STATUS_RUNNING
    s.n_projects[0] = 1
    for i in (0, 1, 2):
        enrol(s, i, 0, 0)
    s.af[AF.adoption_threshold, :] = 0.0
    grow_circles(s)
    influence = {5: 2 / 4, 6: 2 / 3, 7: 1 / 2}
    decided = [
        i
        for i in (5, 6, 7)
        if u(i, rng.P_JOIN) < 1 - math.exp(-(p_rate + q_rate * influence[i]) * DT)
    ]
    assert decided, "the rates make some join"
    first = min(decided, key=lambda i: (u(i, rng.P_PRIORITY), i))
    assert s.ai[AI.project, first] == 0 and s.ai[AI.ring, first] == 1  # room for one only
    assert s.cnt[C.joins] == 1.0 and s.cnt[C.refused_full] == len(decided) - 1


def test_commitment_erodes_less_under_mitigation_and_members_leave_below_threshold():
    erosion = 0.1
    cfg = config(
        6,
        mechanisms={"maturity_growth": False},
        commitment={
            "erosion": erosion,
            "restoration": 0.0,
            "exit_threshold": 0.52,
            "w_governance": 0.5,
            "w_collaboration": 0.0,
            "w_equity": 0.0,
            "management": NO_SHOCK,
            "reorientation": NO_SHOCK,
            "political": NO_SHOCK,
            "cost_overrun": NO_SHOCK,
        },
        projects={"min_members": 3},
    )
    s = state(cfg)
    s.n_projects[0] = 2
    for p, members, governance in ((0, [0, 1, 2], 1.0), (1, [3, 4, 5], 0.0)):
        s.pi[PI.status, p] = STATUS_RUNNING
        s.pf[PF.governance, p] = governance
        for i in members:
            enrol(s, i, p, 0)
    s.af[AF.commitment, :] = 0.6
    reassess_commitment(s)
    # project 0: mitigation 0.5 -> 0.6 - 0.05 = 0.55 (stays); project 1: 0.6 - 0.1 = 0.5 (leaves)
    assert s.af[AF.commitment, :3] == pytest.approx([0.55] * 3)
    assert s.af[AF.commitment, 3:] == pytest.approx([0.5] * 3)
    assert s.pi[PI.n_members, 0] == 3 and s.cnt[C.exits] == 3.0
    assert all(s.ai[AI.project, i] == -1 for i in (3, 4, 5))
    # project 1, emptied by the exits, is below its minimum size and dissolves
    assert s.pi[PI.status, 1] == STATUS_DISSOLVED and s.pi[PI.status, 0] == STATUS_RUNNING
    assert s.cnt[C.dissolved] == 1.0


def test_collect_counts_members_of_running_projects():
    s = state(config(5))
    s.n_projects[0] = 2
    s.pi[PI.status, :2] = [STATUS_RUNNING, STATUS_FORMING]
    enrol(s, 0, 0, 0)
    enrol(s, 1, 0, 1)
    enrol(s, 2, 1, 0)
    out = np.zeros(len(scenario_inputs(config(5)).columns))
    collect(s, out)
    assert out[O.adopters] == 2.0 and out[O.adoption_share] == pytest.approx(0.4)
    assert out[O.active_projects] == 1.0 and out[O.forming_projects] == 1.0
