"""Every rule on hand-built inputs, its random draw included (expected values worked out by
hand in the comments). A test at the end checks that no registered rule is left untested."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mutusim.catalogue import SERVICE_VALUE
from mutusim.rules import RULES
from mutusim.rules import commitment as rc
from mutusim.rules import demand as rd
from mutusim.rules import economics as re
from mutusim.rules import formation as rf
from mutusim.rules import growth as rg
from mutusim.rules import initiation as ri
from mutusim.rules import policies as rp

TESTED: set[str] = set()


def covers(*ids: str):
    """Mark a test as covering rule ids (checked by test_every_rule_is_tested)."""
    TESTED.update(ids)
    return lambda fn: fn


approx = pytest.approx


@covers("R01")
def test_need_gap():
    # 7 of 14 services, maturity 0.4, pressure 0.5 with weight 1: 0.5 * 0.6 * 1.5/2 = 0.225
    assert rd.need_gap(7, 14, 0.4, 0.5, 1.0) == approx(0.225)
    assert rd.need_gap(14, 14, 0.0, 1.0, 1.0) == approx(1.0)
    assert rd.need_gap(0, 14, 0.0, 1.0, 1.0) == 0.0
    assert rd.need_gap(3, 0, 0.0, 1.0, 1.0) == 0.0


@covers("R02")
def test_individual_capacity():
    # (1 - 0.6) * (0.5 + 0.5 * 0.4) = 0.4 * 0.7 = 0.28, plus support 0.1
    assert rd.individual_capacity(0.6, 0.4, 0.0) == approx(0.28)
    assert rd.individual_capacity(0.6, 0.4, 0.1) == approx(0.38)
    assert rd.individual_capacity(0.0, 1.0, 0.5) == 1.0  # capped


@covers("R03")
def test_seeks_pooling_needs_conviction_and_a_gap_beyond_capacity():
    assert rd.seeks_pooling(True, 0.3, 0.28, 1.0)
    assert not rd.seeks_pooling(False, 0.3, 0.28, 1.0)  # need is not demand
    assert not rd.seeks_pooling(True, 0.25, 0.28, 1.0)
    assert rd.seeks_pooling(True, 0.25, 0.28, 0.5)  # lower autonomy preference


@covers("R04")
def test_initiation_probability():
    # hazard 0.2 * 0.5 * (1 + 0.5) = 0.15 per year, over a month
    assert ri.initiation_probability(0.5, 0.2, 0.5, 1 / 12) == approx(1 - math.exp(-0.15 / 12))
    assert ri.initiation_probability(0.0, 0.2, 0.5, 1 / 12) == 0.0


@covers("R05")
def test_needs_overlap_is_jaccard():
    assert ri.needs_overlap(0b1011, 0b0110) == approx(1 / 4)  # {1} of {0,1,2,3}
    assert ri.needs_overlap(0b111, 0b111) == 1.0
    assert ri.needs_overlap(0, 0) == 0.0
    assert ri.needs_overlap(1 << 13, 1) == 0.0


@covers("R06")
def test_similarity():
    assert ri.similarity(1.0, 1.0, 0.5) == 1.0
    assert ri.similarity(0.2, 0.7, 0.5) == approx(math.exp(-1.0))


@covers("R07")
def test_partner_score():
    # geometric mean of (0.5, 0.8, 0.4) = 0.16 ** (1/3) = 0.5429; times posture 0.6
    base = 0.16 ** (1 / 3) * 0.6
    assert ri.partner_score(0.5, 0.8, 0.4, 0.6, False, 0.8) == approx(base)
    assert ri.partner_score(0.5, 0.8, 0.4, 0.6, True, 0.8) == approx(base * 0.2)
    assert ri.partner_score(0.0, 0.8, 0.4, 0.6, False, 0.8) == 0.0


@covers("R08")
def test_accepts_partnership():
    assert ri.accepts_partnership(0.29, 0.3)
    assert not ri.accepts_partnership(0.3, 0.3)


@covers("R09", "R10")
def test_spread_and_heterogeneity():
    values = np.array([0.2, 0.4, 0.9])
    assert rf.spread(values.sum(), (values**2).sum(), 3) == approx(values.std())
    assert rf.spread(5.0, 25.0, 1) == 0.0
    assert rf.spread(3.0, 3.0 - 1e-16, 3) == 0.0  # rounding below zero gives 0
    assert rf.heterogeneity(0.3, 0.1, 0.2, 0.0) == approx(0.6)
    assert rf.heterogeneity(0.3, 0.1, 0.2, 0.5) == approx(0.5)  # depth part halved


@covers("R11")
def test_phase_failure_probability():
    # 0.03 * (1 + 1 * 0.5) * (1 + 1 * 0.2) * (1 - 1 * (0.7 - 0.5)) = 0.03*1.5*1.2*0.8 = 0.0432
    p = rf.phase_failure_probability(0.03, 0.5, 1.0, 0.7, 1.0, 0.2, 1.0, False, 0.5)
    assert p == approx(0.0432)
    assert rf.phase_failure_probability(0.03, 0.5, 1.0, 0.7, 1.0, 0.2, 1.0, True, 0.5) == approx(
        0.0216
    )
    assert rf.phase_failure_probability(0.9, 9.0, 1.0, 0.0, 1.0, 1.0, 1.0, False, 0.5) == 1.0


@covers("R12")
def test_phase_advance_probability():
    assert rf.phase_advance_probability(2.0, False, 0.5) == approx(0.5)
    assert rf.phase_advance_probability(2.0, True, 0.5) == approx(0.75)
    assert rf.phase_advance_probability(0.5, True, 0.5) == 1.0


@covers("R13")
def test_phase_transition_partitions_the_draw():
    # failure 0.1, advance 0.5: fail below 0.1, advance below 0.1 + 0.9 * 0.5 = 0.55
    assert rf.phase_transition(0.05, 0.1, 0.5) == rf.FAIL
    assert rf.phase_transition(0.54, 0.1, 0.5) == rf.ADVANCE
    assert rf.phase_transition(0.56, 0.1, 0.5) == rf.STAY


@covers("R14")
def test_service_in_scope():
    assert rf.service_in_scope(2, 4, 0.5)
    assert not rf.service_in_scope(1, 4, 0.5)
    assert not rf.service_in_scope(0, 0, 0.5)


@covers("R15")
def test_governance_quality():
    # 0.4 + 0.2 + 0.5 * (0.7 - 0.5) + 0.3 * (0.5 - 0.5) = 0.7; facilitator + 0.2
    assert rf.governance_quality(0.4, 0.2, 0.7, False, 0.2, 0.5, 0.3) == approx(0.7)
    assert rf.governance_quality(0.4, 0.2, 0.7, True, 0.2, 0.5, 0.3) == approx(0.9)
    assert rf.governance_quality(0.9, 0.2, 1.0, True, 0.2, 1.0, 0.3) == 1.0


@covers("R16")
def test_standalone_cost():
    assert re.standalone_cost(6, 0.3, 250.0) == approx(250 * 6 * 0.8)


@covers("R17")
def test_project_cost():
    assert re.project_cost(5, 300.0, 60.0, 60.0, 0.5) == approx(300 + 300 + 150)


@covers("R18")
def test_cost_share_mixes_equal_and_size_splits():
    # total 1000, 4 members, size 30 of 60: 0.5/4 + 0.5 * 0.5 = 0.375
    assert re.cost_share(1000.0, 4, 30.0, 60.0, 0.5) == approx(375.0)
    assert re.cost_share(1000.0, 4, 30.0, 60.0, 0.0) == approx(250.0)
    assert re.cost_share(1000.0, 0, 30.0, 60.0, 0.5) == 0.0


@covers("R19")
def test_bargaining_power():
    assert re.bargaining_power(1, 0.1) == 1.0
    assert re.bargaining_power(10, 0.1) == approx(1 + 0.1 * math.log(10))


@covers("R20")
def test_depth_fit():
    assert re.depth_fit(0.6, 0.4, 2.0, 0.0) == approx(math.exp(-0.4))
    assert re.depth_fit(0.6, 0.4, 2.0, 1.0) == 1.0


@covers("R21")
def test_membership_benefit():
    # 1000 * 0.5 * 1.5 * 0.8 * 1.2 * (0.7 + 0.3 * 0.5) = 720 * 0.85 = 612
    assert re.membership_benefit(1000.0, 0.5, 1.5, 0.8, 1.2, 0.5, 0.7) == approx(612.0)


@covers("R22")
def test_net_utility():
    assert re.net_utility(612.0, 200.0, 1000.0, 0, 0.3) == approx(0.412)
    assert re.net_utility(612.0, 200.0, 1000.0, 2, 0.3) == approx(0.412 - 0.6)
    assert re.net_utility(0.0, 0.0, 0.0, 1, 0.3) == approx(-0.3)


@covers("R23")
def test_monthly_saving():
    assert re.monthly_saving(1000.0, 0.5, 200.0) == approx(300.0)


@covers("R24")
def test_maturity_gain():
    assert re.maturity_gain(0.3, 0.01, 0.5) == approx(0.3 + 0.005 * 0.7)


@covers("R25")
def test_demonstrated_value_update():
    assert re.demonstrated_value_update(0.2, 0.8, 4.0) == approx(0.35)
    assert re.demonstrated_value_update(0.2, -1.0, 4.0) == approx(0.15)  # target clipped at 0
    assert re.demonstrated_value_update(0.2, 3.0, 1.0) == 1.0


@covers("R43")
def test_covered_value_share():
    # needs services 0 (value 3), 3 (2), 10 (1); scope covers 0 and 10: (3 + 1) / (3 * 3)
    perimeter = (1 << 0) | (1 << 3) | (1 << 10)
    scope = (1 << 0) | (1 << 10) | (1 << 5)
    assert re.covered_value_share(scope, perimeter, 3, SERVICE_VALUE) == approx(4 / 9)
    assert re.covered_value_share(scope, 0, 0, SERVICE_VALUE) == 0.0


@covers("R26")
def test_attractiveness():
    assert rg.attractiveness(0.0, 0.2, True) == approx(0.5)
    assert rg.attractiveness(0.2, 0.2, True) == approx(1 / (1 + math.exp(-1)))
    assert rg.attractiveness(-0.2, 0.2, True) == approx(1 - 1 / (1 + math.exp(-1)))
    assert rg.attractiveness(-1000.0, 0.2, True) == 0.0  # no overflow
    assert rg.attractiveness(-5.0, 0.2, False) == 1.0


@covers("R27")
def test_join_probability_is_bass_hazard_behind_a_threshold():
    p = rg.join_probability(0.03, 0.38, 0.25, 1.0, 0.1, 1 / 12)
    assert p == approx(1 - math.exp(-(0.03 + 0.38 * 0.25) / 12))
    assert rg.join_probability(0.03, 0.38, 0.05, 1.0, 0.1, 1 / 12) == 0.0
    assert rg.join_probability(1e6, 0.0, 0.0, 1.0, 0.0, 1 / 12) == 1.0  # certain event


@covers("R28")
def test_joiner_ring():
    assert rg.joiner_ring(0, False) == 1
    assert rg.joiner_ring(2, False) == 3
    assert rg.joiner_ring(2, True) == 1
    assert rg.joiner_ring(-1, False) == 1


@covers("R29")
def test_erosion_mitigation():
    assert rc.erosion_mitigation(0.5, 0.6, 0.5, True, 0.3, 0.3, 0.2, 0.2) == approx(0.63)
    assert rc.erosion_mitigation(1.0, 1.0, 1.0, True, 0.5, 0.5, 0.5, 0.5) == 1.0


@covers("R30")
def test_shock_kind_partitions_the_draw():
    probs = (0.1, 0.2, 0.05, 0.15)
    assert rc.shock_kind(0.05, *probs) == rc.SHOCK_MANAGEMENT
    assert rc.shock_kind(0.25, *probs) == rc.SHOCK_REORIENTATION
    assert rc.shock_kind(0.32, *probs) == rc.SHOCK_POLITICAL
    assert rc.shock_kind(0.45, *probs) == rc.SHOCK_COST_OVERRUN
    assert rc.shock_kind(0.5, *probs) == rc.SHOCK_NONE


@covers("R31")
def test_shock_loss_and_risk_sharing():
    losses = (0.5, 0.4, 0.3, 0.4)
    assert rc.shock_loss(rc.SHOCK_MANAGEMENT, *losses, 10, 0.5) == 0.5
    assert rc.shock_loss(rc.SHOCK_POLITICAL, *losses, 10, 0.5) == 0.3
    # cost overrun shared by 10 members: 0.4 / (1 + 0.5 * 3) = 0.16
    assert rc.shock_loss(rc.SHOCK_COST_OVERRUN, *losses, 10, 0.5) == approx(0.16)
    assert rc.shock_loss(rc.SHOCK_NONE, *losses, 10, 0.5) == 0.0


@covers("R32")
def test_commitment_update():
    # 0.8 - 0.01 * (1 - 0.6) + 0.02 * 0.5 - 0.0 = 0.806
    assert rc.commitment_update(0.8, 0.01, 0.6, 0.02, 0.5, 0.0) == approx(0.806)
    assert rc.commitment_update(0.8, 0.01, 0.6, 0.02, 5.0, 0.0) == approx(0.816)  # clipped
    assert rc.commitment_update(0.3, 0.01, 0.0, 0.02, 0.0, 0.5) == 0.0


@covers("R33")
def test_leaves():
    assert rc.leaves(0.29, 0.3)
    assert not rc.leaves(0.3, 0.3)


@covers("R34")
def test_dissolves():
    assert rc.dissolves(2, 3, False)
    assert not rc.dissolves(3, 3, False)
    assert not rc.dissolves(0, 3, True)


@covers("R35")
def test_policy_active():
    assert rp.policy_active(0, 0, 12)
    assert rp.policy_active(11, 0, 12)
    assert not rp.policy_active(12, 0, 12)


@covers("R36")
def test_eligible():
    args = dict(
        size_min=0.0, size_max=49.0, sector_mask=0b101, province_mask=0b11111, form_mask=0b1
    )
    assert rp.eligible(10.0, 2, 3, 0, **args)
    assert not rp.eligible(50.0, 2, 3, 0, **args)
    assert not rp.eligible(10.0, 1, 3, 0, **args)
    assert not rp.eligible(10.0, 2, 3, 1, **args)


@covers("R37")
def test_affordable_never_overspends():
    assert rp.affordable(100.0, 900.0, 1000.0, 0.0, math.inf)
    assert not rp.affordable(100.01, 900.0, 1000.0, 0.0, math.inf)
    assert not rp.affordable(100.0, 0.0, 1000.0, 450.0, 500.0)


@covers("R38")
def test_monthly_event():
    p = 1 - math.exp(-0.3 / 12)
    assert rp.monthly_event(p * 0.99, 0.3, 1 / 12)
    assert not rp.monthly_event(p * 1.01, 0.3, 1 / 12)


@covers("R39")
def test_trained_maturity():
    assert rp.trained_maturity(0.3, 0.1) == approx(0.37)


@covers("R40")
def test_standardisation_update():
    assert rp.standardisation_update(0.5, 0.1) == approx(0.55)


@covers("R41")
def test_subsidy_amount():
    assert rp.subsidy_amount(400.0, 0.5, 300.0) == approx(200.0)
    assert rp.subsidy_amount(800.0, 0.5, 300.0) == approx(300.0)


@covers("R42")
def test_supported_capacity():
    assert rp.supported_capacity(0.1, 0.2) == approx(0.3)
    assert rp.supported_capacity(0.9, 0.2) == 1.0


@covers("R44")
def test_rival_share_counts_pairs():
    # 4 members, one competition tie counted from both ends: 1 pair of 6
    assert rf.rival_share(2, 4) == approx(1 / 6)
    assert rf.rival_share(12, 4) == approx(1.0)  # every pair
    assert rf.rival_share(0, 1) == 0.0


@covers("R45")
def test_influence_share():
    assert rg.influence_share(3, 12) == approx(0.25)
    assert rg.influence_share(0, 0) == 0.0


@covers("R46")
def test_collaboration_intensity_is_mean_posture():
    assert rf.collaboration_intensity(2.1, 3) == approx(0.7)
    assert rf.collaboration_intensity(0.0, 0) == 0.0


@covers("R47")
def test_financial_plan_accepted_when_summed_utility_is_not_negative():
    assert rf.financial_plan_accepted(0.0)
    assert rf.financial_plan_accepted(0.3)
    assert not rf.financial_plan_accepted(-1e-9)


def test_every_rule_is_tested_and_documented():
    assert set(RULES) == TESTED
    for info in RULES.values():
        assert info.statement and info.source
        assert info.function.__doc__
