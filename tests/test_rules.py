"""Every rule on hand-built inputs, its random draw included (expected values worked out by
hand in the comments). A test at the end checks that no registered rule is left untested."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutusim.catalogue import MODE_MATURITY_LEAN, MODES, SERVICE_VALUE
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

PROPERTY = settings(derandomize=True, database=None, deadline=None, max_examples=150)
"""Property tests draw their examples from a fixed seed: the suite stays reproducible."""

probability = st.floats(0.0, 1.0)
rate = st.floats(0.0, 50.0)
dt = st.floats(1e-3, 1.0)


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


@covers("R48")
def test_demonstration_activation_is_a_hazard_of_the_pressure_shown():
    # rate 5 per year, pressure 0.4 (e.g. 2 of 5 ties in a project of value 1), one month:
    # 1 - exp(-5 * 0.4 / 12) = 1 - exp(-1/6) = 0.15352
    assert rd.demonstration_activation(0.4, 5.0, 1 / 12) == approx(0.153518, abs=1e-6)
    assert rd.demonstration_activation(0.0, 5.0, 1 / 12) == 0.0  # no project shown among ties
    assert rd.demonstration_activation(1.0, 0.0, 1 / 12) == 0.0
    assert rd.demonstration_activation(1.0, 1e6, 1 / 12) == 1.0
    # grows with the share of ties inside and with their projects' demonstrated value
    p = [rd.demonstration_activation(x, 5.0, 1 / 12) for x in (0.1, 0.2, 0.5, 1.0)]
    assert p == sorted(p) and len(set(p)) == 4


@PROPERTY
@given(pressure=probability, rate=rate, dt=dt)
def test_demonstration_activation_is_a_constant_hazard(pressure, rate, dt):
    p = rd.demonstration_activation(pressure, rate, dt)
    assert 0.0 <= p <= 1.0
    # a constant hazard: surviving two half steps is surviving the whole step
    half = rd.demonstration_activation(pressure, rate, dt / 2)
    assert 1 - (1 - half) ** 2 == approx(p, abs=1e-12)


@covers("R49")
def test_demand_fades_with_the_monthly_probability_of_its_rate():
    # fading rate 0.5 per year: monthly probability 1 - exp(-0.5/12) = 0.040811 (R58)
    p = rp.monthly_probability(0.5, 1 / 12)
    assert p == approx(0.040811, abs=1e-6)
    assert rd.demand_fades(0.04, p)
    assert not rd.demand_fades(0.041, p)
    assert not rd.demand_fades(p, p)  # strict: the draw partitions [0, 1) into p and 1 - p
    assert not rd.demand_fades(0.0, 0.0)  # rate 0: active demand never fades
    assert rd.demand_fades(0.999999, 1.0)
    # over evenly spread draws, the share that fades is the probability
    grid = (np.arange(10_000) + 0.5) / 10_000
    assert np.mean([rd.demand_fades(u, p) for u in grid]) == approx(p, abs=1e-4)


@covers("R50")
def test_conviction_comes_and_goes():
    # unconvinced: converted when u < p_gain; convinced: lost when u < p_fade
    assert rd.conviction_changes(0.05, False, 0.1, 0.02)
    assert not rd.conviction_changes(0.15, False, 0.1, 0.02)
    assert not rd.conviction_changes(0.01, True, 0.1, 0.02)
    assert rd.conviction_changes(0.05, True, 0.1, 0.02)  # 0.05 >= p_fade: stays convinced
    assert not rd.conviction_changes(0.0, False, 0.0, 0.0)  # no hazard: nothing changes
    assert rd.conviction_changes(0.0, True, 0.0, 0.0)


def test_conviction_reaches_the_steady_share_gain_over_gain_plus_fade():
    # monthly p_gain 0.2, p_fade 0.08: a two-state chain with steady share 0.2 / 0.28 = 0.714,
    # reached within a few 1 / (0.2 + 0.08) = 3.6 months; 2000 leaders, none convinced at
    # first, after 120 months: binomial SE sqrt(0.714 * 0.286 / 2000) = 0.010, 4 SE = 0.04
    draws = np.random.default_rng(7).random((120, 2000))
    convinced = [False] * 2000
    for row in draws:
        convinced = [
            rd.conviction_changes(u, c, 0.2, 0.08) for u, c in zip(row, convinced, strict=True)
        ]
    assert np.mean(convinced) == approx(0.2 / 0.28, abs=0.04)


@covers("R51")
def test_contact_probability_shares_the_capacity():
    # 300 contacts a month among 1200 candidates: each has 1 chance in 4
    assert rd.contact_probability(300.0, 1200) == approx(0.25)
    assert rd.contact_probability(300.0, 200) == 1.0  # capacity beyond the candidates: capped
    assert rd.contact_probability(300.0, 0) == 0.0  # nobody to contact
    assert rd.contact_probability(0.0, 50) == 0.0


@PROPERTY
@given(capacity=st.floats(0.0, 1e5), candidates=st.integers(1, 10**6))
def test_contact_probability_never_exceeds_the_capacity(capacity, candidates):
    p = rd.contact_probability(capacity, candidates)
    assert 0.0 <= p <= 1.0
    # the expected number of contacts is the capacity, or every candidate when fewer
    assert p * candidates == approx(min(capacity, candidates), rel=1e-12)
    assert rd.contact_probability(capacity, candidates + 1) <= p  # more candidates, less each


@covers("R52")
def test_conversion_probability_has_diminishing_returns():
    # first contact 0.1, each earlier contact halves it: third contact 0.1 * 0.5**2 = 0.025
    assert rd.conversion_probability(0.1, 0.5, 0) == approx(0.1)
    assert rd.conversion_probability(0.1, 0.5, 2) == approx(0.025)
    assert rd.conversion_probability(0.1, 1.0, 5) == approx(0.1)  # no repeat effect
    assert rd.conversion_probability(0.1, 0.0, 1) == 0.0  # only the first contact counts
    assert rd.conversion_probability(0.1, 0.0, 0) == approx(0.1)


@PROPERTY
@given(first=probability, repeat=probability, earlier=st.integers(0, 60))
def test_each_earlier_contact_lowers_the_next_conversion(first, repeat, earlier):
    p = rd.conversion_probability(first, repeat, earlier)
    assert 0.0 <= p <= first
    assert rd.conversion_probability(first, repeat, earlier + 1) <= p


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
    # base 0.03, cause 1.5, heterogeneity 0.5 (weight 1), posture 0.7 (weight 1), rivals 0.2
    # (weight 1): 0.03 * 1.5 * (1 + 0.5) * (1 + 0.2) * (1 - (0.7 - 0.5)) = 0.03 * 1.5 * 1.5 *
    # 1.2 * 0.8 = 0.0648; a facilitator with effect 0.5 halves it: 0.0324
    args = (0.5, 1.0, 0.7, 1.0, 0.2, 1.0)
    assert rf.phase_failure_probability(0.03, 1.5, *args, False, 0.5) == approx(0.0648)
    assert rf.phase_failure_probability(0.03, 1.5, *args, True, 0.5) == approx(0.0324)
    # cause 1 (a phase without its own cause): 0.03 * 1.5 * 1.2 * 0.8 = 0.0432
    assert rf.phase_failure_probability(0.03, 1.0, *args, False, 0.5) == approx(0.0432)
    # cause 0: no failure whatever the rest
    assert rf.phase_failure_probability(0.03, 0.0, *args, False, 0.5) == 0.0
    # clipped to 1: 0.9 * 3 * (1 + 1) * 2 * 1.5 = 16.2
    assert rf.phase_failure_probability(0.9, 3.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, False, 0.0) == 1.0
    # clipped to 0: posture 1 with weight 3 gives a factor 1 - 1.5 < 0; a facilitator effect
    # above 1 gives a negative product
    assert rf.phase_failure_probability(0.03, 1.5, 0.5, 1.0, 1.0, 3.0, 0.2, 1.0, False, 0.0) == 0.0
    assert rf.phase_failure_probability(0.03, 1.5, *args, True, 1.5) == 0.0


@PROPERTY
@given(
    base=probability,
    causes=st.lists(st.floats(0.0, 5.0), min_size=2, max_size=2),
    heterogeneity=st.floats(0.0, 3.0),
    posture=probability,
    rivals=probability,
    facilitated=st.booleans(),
)
def test_phase_failure_rises_with_its_cause(
    base, causes, heterogeneity, posture, rivals, facilitated
):
    low, high = sorted(causes)
    rest = (heterogeneity, 1.0, posture, 1.0, rivals, 1.0, facilitated, 0.5)
    p_low = rf.phase_failure_probability(base, low, *rest)
    p_high = rf.phase_failure_probability(base, high, *rest)
    assert 0.0 <= p_low <= p_high <= 1.0
    # cooperative posture and a facilitator lower the risk
    assert (
        rf.phase_failure_probability(
            base, high, heterogeneity, 1.0, 1.0, 1.0, rivals, 1.0, facilitated, 0.5
        )
        <= p_high
    )
    assert rf.phase_failure_probability(base, high, *rest[:-2], True, 0.5) <= p_high


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


@covers("R59")
def test_released_allocation_follows_its_schedule():
    # 1,200 EUR over months 0..11: even 100 a month; front-loaded 1 - (1 - f)^2
    assert rp.released_allocation(1200.0, rp.SPEND_AS_DEMAND, 0, 12, 0) == 1200.0
    assert rp.released_allocation(1200.0, rp.SPEND_EVEN, 0, 12, 2) == approx(300.0)
    assert rp.released_allocation(1200.0, rp.SPEND_FRONT_LOADED, 0, 12, 5) == approx(900.0)
    assert rp.released_allocation(1200.0, rp.SPEND_EVEN, 3, 12, 2) == 0.0  # not started
    assert rp.released_allocation(1200.0, rp.SPEND_EVEN, 0, 12, 30) == approx(1200.0)


@PROPERTY
@given(
    allocation=st.floats(0.0, 1e8),
    schedule=st.sampled_from([rp.SPEND_AS_DEMAND, rp.SPEND_EVEN, rp.SPEND_FRONT_LOADED]),
    start=st.integers(0, 100),
    length=st.integers(1, 200),
    month=st.integers(0, 400),
)
def test_released_allocation_rises_to_the_allocation(allocation, schedule, start, length, month):
    end = start + length
    now = rp.released_allocation(allocation, schedule, start, end, month)
    later = rp.released_allocation(allocation, schedule, start, end, month + 1)
    assert 0.0 <= now <= later <= allocation * (1 + 1e-12)
    assert rp.released_allocation(allocation, schedule, start, end, end - 1) == approx(allocation)


@covers("R38")
def test_monthly_event():
    p = 1 - math.exp(-0.3 / 12)
    assert rp.monthly_event(p * 0.99, 0.3, 1 / 12)
    assert not rp.monthly_event(p * 1.01, 0.3, 1 / 12)


@covers("R58")
def test_monthly_probability():
    # rate 0.3 per year over a month: 1 - exp(-0.025) = 0.024690
    assert rp.monthly_probability(0.3, 1 / 12) == approx(0.0246901, abs=1e-7)
    assert rp.monthly_probability(0.0, 1 / 12) == 0.0
    assert rp.monthly_probability(1e6, 1 / 12) == 1.0
    # twelve monthly chances of a yearly rate make the yearly probability 1 - exp(-rate)
    p = rp.monthly_probability(0.3, 1 / 12)
    assert 1 - (1 - p) ** 12 == approx(1 - math.exp(-0.3))


@PROPERTY
@given(rate=rate, dt=dt, u=st.floats(0.0, 1.0, exclude_max=True))
def test_monthly_probability_is_the_threshold_of_a_monthly_event(rate, dt, u):
    p = rp.monthly_probability(rate, dt)
    assert 0.0 <= p <= 1.0
    assert rp.monthly_probability(rate * 1.5, dt) >= p  # a higher rate is likelier
    assert rp.monthly_event(u, rate, dt) == (u < p)  # R38 and R58 agree


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


@covers("R53")
def test_needs_factor_grows_with_incoherent_needs():
    # 3 of the 6 services anyone needs are shared by a quorum, weight 1: 1 + (1 - 3/6) = 1.5
    assert rf.needs_factor(3, 6, 1.0) == approx(1.5)
    assert rf.needs_factor(6, 6, 2.0) == 1.0  # coherent needs: no extra risk
    assert rf.needs_factor(0, 6, 2.0) == approx(3.0)  # nothing shared: the full weight
    assert rf.needs_factor(0, 0, 2.0) == 1.0  # no needs at all: nothing to reconcile
    assert rf.needs_factor(1, 6, 0.0) == 1.0  # weight 0 switches the cause off
    factors = [rf.needs_factor(k, 6, 1.0) for k in range(7)]
    assert factors == sorted(factors, reverse=True) and len(set(factors)) == 7


@PROPERTY
@given(data=st.data(), any_services=st.integers(1, 14), weight=st.floats(0.0, 5.0))
def test_needs_factor_lies_between_one_and_one_plus_weight(data, any_services, weight):
    shared = data.draw(st.integers(0, any_services))
    f = rf.needs_factor(shared, any_services, weight)
    assert 1.0 <= f <= 1.0 + weight + 1e-12


@covers("R54")
def test_market_factor_rises_only_with_expected_losses():
    # mean expected utility -0.25, weight 2: 1 + 2 * 0.25 = 1.5
    assert rf.market_factor(-0.25, 2.0) == approx(1.5)
    assert rf.market_factor(0.0, 2.0) == 1.0
    assert rf.market_factor(0.8, 2.0) == 1.0  # expected gains do not lower the risk below base
    assert rf.market_factor(-0.25, 0.0) == 1.0
    factors = [rf.market_factor(x, 2.0) for x in (-1.0, -0.5, -0.1, 0.0, 0.5)]
    assert factors == sorted(factors, reverse=True)


@covers("R55")
def test_mode_score():
    # suitability 0.6, maturity fit +0.2 with weight 0.5, draw 0.75 with noise 0.2:
    # 0.6 + 0.5 * 0.2 + 0.2 * (0.75 - 0.5) = 0.75
    assert rf.mode_score(0.6, 0.2, 0.5, 0.75, 0.2) == approx(0.75)
    assert rf.mode_score(0.6, 0.2, 0.5, 0.5, 0.2) == approx(0.7)  # the middle draw adds nothing
    assert rf.mode_score(0.6, 0.2, 0.0, 0.9, 0.0) == approx(0.6)  # scope alone
    # the random part stays within +- noise / 2
    assert rf.mode_score(0.6, 0.0, 0.5, 0.0, 0.2) == approx(0.5)
    assert rf.mode_score(0.6, 0.0, 0.5, 1.0, 0.2) == approx(0.7)


def test_mode_leans_to_co_ownership_when_mature_and_shared_personnel_when_not():
    # equal suitability, no noise: the group's maturity (mean - 0.5, the lean of each mode in
    # the catalogue) decides; a group at maturity 0.5 is indifferent
    def best(maturity_fit: float, suitability=(0.5, 0.5, 0.5)) -> str:
        scores = [
            rf.mode_score(suitability[m], maturity_fit * MODE_MATURITY_LEAN[m], 0.5, 0.5, 0.0)
            for m in range(len(MODES))
        ]
        return MODES[int(np.argmax(scores))]

    assert best(0.3) == "co_ownership"
    assert best(-0.3) == "shared_personnel"
    # the scope comes first: a clear suitability gap outweighs a small maturity lean
    assert best(0.1, suitability=(0.2, 0.9, 0.3)) == "joint_purchases"


@covers("R56")
def test_tiers_chosen_only_when_they_serve_the_members_better():
    assert rf.tiers_chosen(1.3, 1.1)
    assert not rf.tiers_chosen(0.9, 1.1)  # their extra cost outweighs the better fit
    assert not rf.tiers_chosen(1.1, 1.1)  # a tie keeps the common denominator
    assert rf.tiers_chosen(-0.2, -0.5)  # the lesser loss


@covers("R57")
def test_accepts_plan():
    assert rf.accepts_plan(0.0)
    assert rf.accepts_plan(0.2)
    assert not rf.accepts_plan(-1e-9)


@PROPERTY
@given(utilities=st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=20))
def test_a_plan_every_member_signs_passes_the_summed_test(utilities):
    # R57 per member is at least as demanding as R47 on the sum
    if all(rf.accepts_plan(u) for u in utilities):
        assert rf.financial_plan_accepted(sum(utilities))
    if not rf.financial_plan_accepted(sum(utilities)):
        assert not all(rf.accepts_plan(u) for u in utilities)


def test_every_rule_is_tested_and_documented():
    assert set(RULES) == TESTED
    for info in RULES.values():
        assert info.statement and info.source
        assert info.function.__doc__
