"""Pattern-oriented validation on the numba engine (fixed seeds, paired arms, effects with
95 % intervals) at test size (3,000 EES, 60 paired runs). Two levels, as docs/VALIDATION.md
reports them: a claim is *reproduced* when its whole interval clears the minimum relevant
effect stated in advance (10 % of the reference arm's mean), *detected* when it only excludes
zero on the claimed side. The claims the model does not reproduce at full size (the two
interactions, heterogeneity lowering formation success below its relevant effect, …) are
reported in docs/validation/RESULTS.md, not asserted here."""

from __future__ import annotations

import pytest

from mutusim import validation

REPRODUCED = {
    "heterogeneity_adoption",  # §4.1, §4.2 (validation)
    "governance",  # §4.4, §4.6, §4.7 (verification)
    "facilitator_survival",  # §4.8 (validation)
    "awareness_needs_activation",  # §4.2, §4.8 (validation)
    "leaders_bottleneck",  # §4.2, Ghorbani et al. 2020 (validation)
    "individual_vs_pooled",  # §6.1 (validation)
    "subsidy_alone_helps_little",  # §6.1 (validation): within ± the relevant effect
}
DETECTED = {
    "heterogeneity_survival",  # §4.1, §4.2: real but below 10 % of the mean duration
    "competition",  # §4.3: −0.3 points, below the relevant effect
    "facilitator_formation",  # §4.8: clears it at full size only just
    "awareness_demand",  # §4.2, AXE 1
}
# tie_clustering (§2, §4.1, §4.3) is detected at full size only (+0.48 points [+0.28, +0.69],
# below its relevant effect); at test size its interval includes zero: reported, not asserted.


@pytest.fixture(scope="module")
def results():
    return {r.pattern: r for r in validation.patterns(runs=60, n_agents=3000, seed=11)}


@pytest.mark.parametrize("name", sorted(REPRODUCED))
def test_claim_is_reproduced(results, name):
    """The whole 95 % interval clears the minimum relevant effect on the claimed side."""
    result = results[name]
    assert result.reproduced, (result.effect, result.ci_low, result.ci_high, result.min_effect)


@pytest.mark.parametrize("name", sorted(DETECTED))
def test_claim_is_detected(results, name):
    """The 95 % interval excludes zero on the claimed side (smaller than relevant, or too
    noisy at this size to clear it)."""
    result = results[name]
    assert result.detected, (result.effect, result.ci_low, result.ci_high)


def test_every_pattern_says_what_it_is(results):
    for r in results.values():
        assert r.kind in (validation.VERIFICATION, validation.VALIDATION)
        assert r.min_effect > 0
        # reproduced implies detected; below-relevant verdicts are detected, not reproduced
        assert not r.reproduced or r.detected
    assert results["facilitator_formation"].kind == validation.VERIFICATION
    assert results["awareness_facilitator_interaction"].kind == validation.VALIDATION


def test_every_pattern_is_reported(results):
    assert REPRODUCED | DETECTED <= set(results)
    table = validation.pattern_table(list(results.values()))
    assert (table["ci_low"] <= table["effect"]).all() and (
        table["effect"] <= table["ci_high"]
    ).all()


def test_circles_fill_outward_from_the_pioneer_core():
    """§8.4: each circle reaches half its final size later than the circle inside it."""
    timing = validation.circle_timing(runs=20, n_agents=1500, seed=11)
    assert list(timing["ring"][:3]) == [0, 1, 2]
    months = timing["half_size_month"].to_numpy()
    assert (months[1:] > months[:-1]).all(), timing


def test_small_low_maturity_members_gain_most():
    """§9.1: among members, micro EES (lowest maturity) gain more maturity than large ones,
    and members gain more than non-members of the same class."""
    # 3,000 EES x 2 runs: the medium/large class needs a few tens of members (at 1,500 x 1 it
    # has about seven, and one of them decides the comparison); full size: docs/validation
    gains = validation.small_ees_gain(runs=2, n_agents=3000, seed=11).set_index(
        ["size_class", "member"]
    )["gain"]
    assert gains[(0, True)] > gains[(2, True)]
    for size_class in (0, 1, 2):
        assert gains[(size_class, True)] > gains[(size_class, False)]
