"""Each compiled phase on a small hand-built state: its effect against a hand-computed
expectation, its random draws included (``rng.uniform`` of the same key)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import mutusim
from mutusim import catalogue, rng
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


def config(n: int, population: dict | None = None, **sections) -> mutusim.ScenarioConfig:
    """A homogeneous, tie-less population of pioneers (``population``: fields changed) with the
    given sections; conviction does not drift unless a test sets its rates."""
    sections.setdefault("demand", {"conviction_gain": 0.0, "conviction_fade": 0.0})
    return mutusim.load_config(
        {
            "name": "phase-test",
            "population": {**_population(n), "pioneer_share": 1.0, **(population or {})},
            "horizon_months": 12,
            **sections,
        }
    )


FOLLOWERS = {"pioneer_share": 0.0}
"""A population without pioneers: latent demand waits for an activation."""


def phases(months: float = 1.0, failure: float = 0.0, **weights) -> dict:
    """The formation table with every phase alike (no cause acting unless given)."""
    return {name: {"months": months, "failure": failure, **weights} for name in catalogue.PHASES}


def state(cfg, ties: dict[int, list[int]] | None = None, rivals=None):
    """A run's state at month ``MONTH`` with the given undirected ties and rivals."""
    inputs = scenario_inputs(cfg)
    events = np.zeros((1000, EVENT_COLUMNS))
    s = new_run_state(SEED, RUN, inputs.run_arrays, inputs.shared, TRACE_ALL, events)
    n = inputs.n_agents
    ptr, idx = _csr(n, ties or {})
    rptr, ridx = _csr(n, rivals or {})
    s = s._replace(tie_ptr=ptr, tie_idx=idx, rival_ptr=rptr, rival_idx=ridx)
    s.clock[0] = MONTH
    s.key[0] = rng.step_key(SEED, RUN, MONTH)
    return s


def _running(s, members, value=1.0):
    """A running project of ``members`` (ring 0) with demonstrated value ``value``."""
    p = s.n_projects[0]
    s.n_projects[0] += 1
    s.pi[PI.status, p] = STATUS_RUNNING
    s.pi[PI.scope, p] = 1
    s.pf[PF.demonstrated_value, p] = value
    for i in members:
        enrol(s, i, p, 0, EV.core)
    return p


def _events(s, code):
    """(EES, value) of the logged events ``code``."""
    ev = s.events[: s.n_events[0]]
    rows = ev[ev[:, 1] == code]
    return [(int(r[4]), float(r[3])) for r in rows]


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
    s = state(config(3, behaviour={"autonomy_preference": 1.0}))
    # EES 0: convinced, all 14 services, maturity 0.2, pressure 0.5, tension 0.9
    # gap = 1 * 0.8 * (1 + 0.5) / 2 = 0.6; capacity = 0.1 * (0.5 + 0.1) = 0.06 -> latent
    s.af[AF.maturity, :] = 0.2
    s.af[AF.financial_tension, :] = 0.9
    s.ai[AI.convinced, :] = [1, 0, 1]
    s.af[AF.individual_support, 2] = 0.7  # capacity 0.76 > 0.6: goes alone
    assess_demand(s)
    assert s.ai[AI.latent].tolist() == [1, 0, 0]
    assert s.ai[AI.seeking].tolist() == [1, 0, 0]  # all pioneers: they act on latent demand


def test_latent_demand_waits_for_an_activation():
    """§4.2: without pioneers, ties in projects or facilitators, latent demand stays latent;
    with ``mechanisms.activation`` off it is active at once."""
    s = state(config(4, FOLLOWERS))
    assess_demand(s)
    assert s.ai[AI.latent].tolist() == [1] * 4 and s.ai[AI.seeking].tolist() == [0] * 4
    s = state(config(4, FOLLOWERS, mechanisms={"activation": False}))
    assess_demand(s)
    assert s.ai[AI.seeking].tolist() == [1] * 4


def test_a_running_project_among_ties_activates_latent_demand():
    """R48: each waiting EES tied to a member of a running project of value 1 is activated
    with probability 1 - exp(-rate * 1 * DT) on its draw; a value of 0 shows nothing."""
    rate = 6.0
    cfg = config(
        32,
        FOLLOWERS,
        demand={"demonstration_rate": rate, "conviction_gain": 0.0, "conviction_fade": 0.0},
    )
    ties = {0: list(range(2, 17)), 1: list(range(17, 32))}
    s = state(cfg, ties=ties)
    _running(s, [0], value=1.0)
    _running(s, [1], value=0.0)
    assess_demand(s)
    p = 1 - math.exp(-rate * DT)
    expected = [int(u(i, rng.P_DEMONSTRATION) < p) for i in range(2, 17)]
    assert s.ai[AI.seeking, 2:17].tolist() == expected and 0 < sum(expected) < 15
    assert s.ai[AI.seeking, 17:].tolist() == [0] * 15
    assert _events(s, EV.activated) == [(i, 1.0) for i in range(2, 17) if expected[i - 2]]
    assert s.cnt[C.activations] == sum(expected)


def test_active_demand_fades_outside_projects_only():
    """R49: an active EES outside any project stops seeking on its draw; members do not."""
    fade = 6.0
    cfg = config(
        30,
        FOLLOWERS,
        demand={"activation_fade": fade, "conviction_gain": 0.0, "conviction_fade": 0.0},
    )
    s = state(cfg)
    s.ai[AI.seeking, :] = 1
    _running(s, [0, 1])
    assess_demand(s)
    p = 1 - math.exp(-fade * DT)
    expected = [1, 1] + [int(u(i, rng.P_DEMAND_FADE) >= p) for i in range(2, 30)]
    assert s.ai[AI.seeking].tolist() == expected and 0 < sum(expected[2:]) < 28
    assert [i for i, _ in _events(s, EV.demand_faded)] == [
        i for i in range(2, 30) if not expected[i]
    ]


def test_conviction_comes_and_goes_outside_projects():
    """R50: unconvinced leaders gain conviction and convinced ones outside projects lose it,
    each on one draw; members keep theirs."""
    rate = 6.0
    cfg = config(40, FOLLOWERS, demand={"conviction_gain": rate, "conviction_fade": rate})
    s = state(cfg)
    s.ai[AI.convinced, :] = [i % 2 for i in range(40)]
    _running(s, [1, 3])
    assess_demand(s)
    p = 1 - math.exp(-rate * DT)
    expected = [
        i % 2 if i in (1, 3) or u(i, rng.P_CONVICTION) >= p else 1 - i % 2 for i in range(40)
    ]
    assert s.ai[AI.convinced].tolist() == expected
    flipped = [i for i in range(40) if expected[i] != i % 2]
    assert flipped and any(i % 2 for i in flipped) and any(i % 2 == 0 for i in flipped)
    # unconvinced leaders have no latent demand (R03)
    assert all(s.ai[AI.latent, i] == 0 for i in range(40) if expected[i] == 0)


def _facilitator(**fields):
    return {
        "name": "coaches",
        "type": "facilitator",
        "facilitators": 1,
        "projects_per_facilitator": 2,
        "contacts_per_facilitator_month": 10.0,
        "brokering_rate": 0.0,
        "cost_eur_per_facilitator_month": 100.0,
        **fields,
    }


def test_facilitators_share_their_contacts_among_waiting_latent_demand():
    """R51: a paid facilitator policy reaches each waiting EES with probability contacts /
    candidates, and the contact activates its demand."""
    cfg = config(40, FOLLOWERS, policies=[_facilitator(budget_eur=1e6)])
    s = state(cfg)
    apply_policies(s)
    assert s.au_policy[PA.paid, 0] == 1.0 and s.au[AU.spent_total] == 100.0
    assess_demand(s)
    reach = 10.0 / 40
    expected = [int(u(i, rng.P_FACILITATOR_CONTACT) < reach) for i in range(40)]
    assert s.ai[AI.seeking].tolist() == expected and 0 < sum(expected) < 40
    assert s.cnt[C.facilitator_contacts] == sum(expected)
    assert {v for _, v in _events(s, EV.activated)} == {2.0}


def test_an_unpaid_facilitator_contacts_nobody():
    cfg = config(40, FOLLOWERS, policies=[_facilitator(budget_eur=50.0)])
    s = state(cfg)
    apply_policies(s)  # 100 EUR salaries do not fit a 50 EUR budget
    assess_demand(s)
    assert s.au_policy[PA.paid, 0] == 0.0 and s.ai[AI.seeking].sum() == 0


def test_facilitators_broker_cores_among_activated_ees():
    """R38 per free slot: a brokered core is accompanied by its policy from the start."""
    cfg = config(
        8,
        FOLLOWERS,
        policies=[_facilitator(brokering_rate=1e6, projects_per_facilitator=1, budget_eur=1e6)],
        behaviour={"core_min_partners": 2, "core_max_partners": 3},
    )
    s = state(cfg, ties={i: [j for j in range(8) if j != i] for i in range(8)})
    s.ai[AI.seeking, :] = 1
    s.ai[AI.latent, :] = 1
    apply_policies(s)
    initiate_projects(s)
    assert s.n_projects[0] == 1 and s.cnt[C.brokered] == 1.0  # one slot: one core
    assert s.pi[PI.brokered, 0] == 1 and s.pi[PI.facilitated, 0] == 1
    assert s.pi[PI.facilitator_policy, 0] == 0 and s.au_policy[PA.facilitator_load, 0] == 1.0
    assert 3 <= s.pi[PI.n_members, 0] <= 4


def test_awareness_reaches_at_random_converts_and_pays_per_contact():
    """R51 reach, R52 conversion, R37 payment per contact (EES in ascending index)."""
    cfg = config(
        40,
        policies=[
            {
                "name": "campaign",
                "type": "awareness",
                "budget_eur": 1e6,
                "contacts_per_month": 10.0,
                "cost_eur_per_contact": 20.0,
                "conversion_probability": 0.5,
                "repeat_effect": 0.5,
            }
        ],
    )
    s = state(cfg)
    s.ai[AI.convinced, :] = 0
    s.ai[AI.times_reached, :20] = 1  # reached once before: conversion 0.5 * 0.5
    apply_policies(s)
    reach = 10.0 / 40
    reached = [u(i, rng.P_AWARENESS) < reach for i in range(40)]
    converted = [
        int(reached[i] and u(i, rng.P_AWARENESS_CONVERT) < (0.25 if i < 20 else 0.5))
        for i in range(40)
    ]
    assert s.ai[AI.convinced].tolist() == converted and 0 < sum(converted) < sum(reached)
    assert s.ai[AI.times_reached].tolist() == [int(i < 20) + int(reached[i]) for i in range(40)]
    assert s.au[AU.spent_total] == 20.0 * sum(reached) == s.au_policy[PA.spent, 0]
    assert s.cnt[C.awareness_contacts] == sum(reached) and s.cnt[C.conversions] == sum(converted)


def test_awareness_stops_at_the_contact_its_budget_cannot_pay():
    cfg = config(
        40,
        policies=[
            {
                "name": "campaign",
                "type": "awareness",
                "budget_eur": 60.0,
                "contacts_per_month": 40.0,
                "cost_eur_per_contact": 20.0,
                "conversion_probability": 1.0,
            }
        ],
    )
    s = state(cfg)
    s.ai[AI.convinced, :] = 0
    apply_policies(s)  # every EES is reached (40 contacts, 40 EES); three can be paid
    assert s.ai[AI.convinced].tolist() == [1, 1, 1] + [0] * 37
    assert s.au[AU.spent_total] == 60.0


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
    assert s.pi[PI.phase, 0] == rf.PHASE_NEEDS
    assert all(s.ai[AI.ring, i] == 0 for i in members)
    assert s.cnt[C.new_projects] == 1.0


def test_only_pioneers_initiate():
    """§8.1: pioneering is a trait; a seeking EES without it never initiates."""
    s = state(_pioneer_config(), ties={0: [1, 2, 3, 4]})
    s.ai[AI.seeking, :] = 1
    s.ai[AI.pioneer, :] = 0
    initiate_projects(s)
    assert s.n_projects[0] == 0 and s.cnt[C.initiations_failed] == 0.0


def test_a_pioneer_invitation_activates_latent_demand():
    cfg = config(
        4,
        FOLLOWERS,
        behaviour={"pioneer_rate": 1e6, "core_min_partners": 2, "core_max_partners": 3},
    )
    s = state(cfg, ties={0: [1, 2, 3]})
    s.ai[AI.latent, :] = 1
    s.ai[AI.pioneer, 0] = 1
    s.ai[AI.seeking, 0] = 1
    s.af[AF.cooperative_posture, :] = 1.0  # score 1: every invitee accepts
    initiate_projects(s)
    assert s.ai[AI.seeking].tolist() == [1, 1, 1, 1]
    assert _events(s, EV.activated) == [(1, 3.0), (2, 3.0), (3, 3.0)]
    assert s.pi[PI.n_members, 0] == 4


def test_a_pioneer_without_enough_partners_founds_nothing():
    s = state(_pioneer_config(), ties={0: [1]})
    s.ai[AI.seeking, :] = 1
    s.af[AF.leadership, :] = [1.0, 0, 0, 0, 0, 0]
    initiate_projects(s)
    assert s.n_projects[0] == 0 and s.cnt[C.initiations_failed] == 1.0
    # the one tie (posture 0.5, identical otherwise: score 0.5) may accept, to no avail
    accepted = float(u(1, rng.P_RECRUIT) < 0.5)
    assert _events(s, EV.initiation_failed) == [(0, accepted)]


def _forming(s, members, phase):
    p = s.n_projects[0]
    s.n_projects[0] += 1
    s.pi[PI.status, p] = STATUS_FORMING
    s.pi[PI.phase, p] = phase
    s.pi[PI.scope, p] = (1 << catalogue.N_SERVICES) - 1  # everyone needs everything
    for i in members:
        enrol(s, i, p, 0, EV.core)
    s.pf[PF.depth_offered, p] = s.pf[PF.sum_depth, p] / len(members)
    return p


def test_formation_advances_or_fails_on_its_draw():
    failure = 0.5
    s = state(config(8, formation={"phases": phases(1.0, failure)}))
    a = _forming(s, [0, 1, 2], rf.PHASE_STANDARDS)
    b = _forming(s, [3, 4, 5], rf.PHASE_STANDARDS)
    advance_formation(s)
    for p in (a, b):
        # no cause acts in phase 2 here; advance probability 1 / 1 month
        failed = u(p, rng.P_PHASE) < failure
        assert s.pi[PI.status, p] == (STATUS_FAILED if failed else STATUS_FORMING)
        assert s.pi[PI.phase, p] == (2 if failed else 3)
    assert s.cnt[C.formations_failed] == sum(s.pi[PI.status, p] == STATUS_FAILED for p in (a, b))


def test_incoherent_needs_raise_the_needs_inventory_hazard():
    """R53: three members each needing a service of its own share none (quorum 0.5): the
    hazard of the needs phase is base x (1 + weight x 1); coherent groups keep the base."""
    base, weight = 0.3, 1.0
    cfg = config(60, formation={"phases": phases(1e6, base), "coherence_weight": weight})
    s = state(cfg)
    projects = []
    for g in range(20):
        members = [3 * g, 3 * g + 1, 3 * g + 2]
        for k, i in enumerate(members):
            s.ai[AI.perimeter, i] = 1 << (k if g < 10 else 0)
        projects.append(_forming(s, members, rf.PHASE_NEEDS))
    advance_formation(s)
    hazard = [base * (1 + weight) if g < 10 else base for g in range(20)]
    expected = [u(p, rng.P_PHASE) < hazard[g] for g, p in enumerate(projects)]
    assert [s.pi[PI.status, p] == STATUS_FAILED for p in projects] == expected


def test_the_shared_base_chooses_the_mode_its_scope_suits():
    """R14 then R55 (no maturity lean, no noise): services suited to shared personnel, joint
    purchases or co-ownership (§7 matrix, catalogue.MODE_SUITABILITY) pick that mode."""
    cfg = config(
        9,
        formation={"phases": phases(1.0, 0.0)},
        projects={"mode_noise": 0.0, "mode_maturity_weight": 0.0},
    )
    s = state(cfg)
    service = catalogue.SERVICE_NAMES.index
    wanted = {
        "exchange_good_practices": 0,
        "infra_internet_connection": 1,
        "development_integration": 2,
    }
    projects = []
    for g, name in enumerate(wanted):
        members = [3 * g, 3 * g + 1, 3 * g + 2]
        for i in members:
            s.ai[AI.perimeter, i] = 1 << service(name)
        projects.append(_forming(s, members, rf.PHASE_SHARED_BASE))
    advance_formation(s)
    for p, (name, mode) in zip(projects, wanted.items(), strict=True):
        assert s.pi[PI.scope, p] == 1 << service(name)
        assert catalogue.MODES[s.pi[PI.mode, p]] == catalogue.MODES[mode], name
        assert s.pi[PI.phase, p] == rf.PHASE_MARKET


def test_flexible_tiers_are_chosen_only_when_depths_differ():
    """R56: alike members keep the common denominator (tiers only add cost); members whose
    depths differ widely take the flexible tiers."""
    cfg = config(
        6,
        formation={"phases": phases(1.0, 0.0), "tier_cost": 0.15},
        projects={"depth_mismatch_weight": 5.0},
    )
    s = state(cfg)
    s.af[AF.depth, :] = [0.5, 0.5, 0.5, 0.0, 0.5, 1.0]
    alike = _forming(s, [0, 1, 2], rf.PHASE_CHOICES)
    apart = _forming(s, [3, 4, 5], rf.PHASE_CHOICES)
    advance_formation(s)
    assert s.pi[PI.flexible, alike] == 0 and s.pi[PI.flexible, apart] == 1
    assert s.pf[PF.depth_offered, apart] == pytest.approx(0.5)


def test_the_partner_search_invites_the_best_scored_latent_ties_up_to_the_target():
    """§8.2 step 6: ties with latent demand, best partner score first (here the posture),
    each accepting on its draw, until the group reaches ``partner_target``."""
    cfg = config(8, FOLLOWERS, formation={"phases": phases(1e6, 0.0), "partner_target": 4})
    s = state(cfg, ties={0: [3, 4, 5, 6], 1: [3]})
    s.af[AF.cooperative_posture, :] = [1.0, 1.0, 0.0, 0.6, 1.0, 0.9, 1.0, 1.0]
    s.ai[AI.latent, :] = [1, 1, 1, 1, 1, 1, 0, 1]  # EES 6 has no latent demand
    p = _forming(s, [0, 1], rf.PHASE_PARTNERS)
    advance_formation(s)
    joined = []
    for j, score in ((4, 1.0), (5, 0.9), (3, 0.6)):  # identical fits: score = posture
        if len(joined) < 2 and u(j, rng.P_PARTNER) < score:
            joined.append(j)
    members = sorted(s.members[p, : s.pi[PI.n_members, p]].tolist())
    assert members == sorted([0, 1, *joined]) and 4 in joined
    assert s.ai[AI.project, 6] == -1 and s.ai[AI.seeking, 6] == 0
    assert [i for i, _ in _events(s, EV.partner)] == joined
    assert all(s.ai[AI.ring, j] == 0 for j in joined)


def test_at_the_financial_plan_losing_members_leave_and_a_small_group_fails():
    """R57: members whose expected utility is negative leave; the rest launch if they are at
    least ``projects.min_members``."""
    cfg = config(6, formation={"phases": phases(1.0, 0.0)}, projects={"min_members": 2})
    s = state(cfg)
    kept = _forming(s, [0, 1, 2], rf.PHASE_FINANCIAL_PLAN)
    lost = _forming(s, [3, 4, 5], rf.PHASE_FINANCIAL_PLAN)
    for p in (kept, lost):
        s.pf[PF.demonstrated_value, p] = 1.0
    s.af[AF.standalone_cost, 2] = 1.0  # pooling costs EES 2 far more than going alone
    s.af[AF.standalone_cost, 3:] = 1.0
    advance_formation(s)
    assert s.pi[PI.status, kept] == STATUS_RUNNING and s.pi[PI.n_members, kept] == 2
    assert s.ai[AI.project, 2] == -1 and s.cnt[C.plan_declines] == 4.0
    assert s.pi[PI.status, lost] == STATUS_FAILED
    assert all(s.ai[AI.project, i] == -1 for i in (3, 4, 5))
    assert all(s.ai[AI.cooldown_until, i] == MONTH + 1 + 24 for i in (2, 3, 4, 5))


def test_without_phase_content_the_plan_needs_the_summed_utility():
    cfg = config(4, formation={"phases": phases(1.0, 0.0)}, mechanisms={"phase_content": False})
    s = state(cfg)
    p = _forming(s, [0, 1, 2], rf.PHASE_FINANCIAL_PLAN)
    s.pf[PF.demonstrated_value, p] = 0.0
    s.af[AF.standalone_cost, :] = 1.0  # pooling costs far more than going alone
    advance_formation(s)
    assert s.pi[PI.status, p] == STATUS_FAILED and s.cnt[C.plan_declines] == 0.0
    assert all(s.ai[AI.project, i] == -1 for i in (0, 1, 2))


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
    _running(s, [0, 1, 2])
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
    for governance, members in ((1.0, [0, 1, 2]), (0.0, [3, 4, 5])):
        p = _running(s, members)
        s.pf[PF.governance, p] = governance
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
    enrol(s, 0, 0, 0, EV.core)
    enrol(s, 1, 0, 1, EV.join)
    enrol(s, 2, 1, 0, EV.core)
    out = np.zeros(len(scenario_inputs(config(5)).columns))
    collect(s, out)
    assert out[O.adopters] == 2.0 and out[O.adoption_share] == pytest.approx(0.4)
    assert out[O.active_projects] == 1.0 and out[O.forming_projects] == 1.0
    assert out[O.latent_share] == 0.0  # nothing assessed yet
