"""Counter-based draws: deterministic, sensitive to every key component, uniform."""

from __future__ import annotations

import math

import numpy as np

from mutusim import rng


def test_same_key_same_draw_and_range():
    a = rng.uniform(7, 3, 12, 45, rng.P_JOIN)
    assert a == rng.uniform(7, 3, 12, 45, rng.P_JOIN)
    assert 0.0 <= a < 1.0


def test_each_key_component_changes_the_draw():
    base = (7, 3, 12, 45, rng.P_JOIN)
    ref = rng.uniform(*base)
    for pos in range(5):
        key = list(base)
        key[pos] += 1
        assert rng.uniform(*key) != ref, f"component {pos} is ignored"


def test_uniform_moments_and_independence_of_neighbouring_keys():
    u = np.array([rng.uniform(1, 0, s, a, rng.P_SHOCK) for s in range(50) for a in range(400)])
    n = len(u)
    # mean 1/2 and variance 1/12, within 4 standard errors
    assert abs(u.mean() - 0.5) < 4 * math.sqrt(1 / 12 / n)
    assert abs(u.var() - 1 / 12) < 4 * math.sqrt(1 / 180 / n)
    # consecutive agents are uncorrelated
    r = np.corrcoef(u[:-1], u[1:])[0, 1]
    assert abs(r) < 4 / math.sqrt(n)
    # each decile holds about a tenth (chi-square, 9 dof, 0.1 % critical value 27.9)
    counts = np.bincount((u * 10).astype(int), minlength=10)
    chi2 = ((counts - n / 10) ** 2 / (n / 10)).sum()
    assert chi2 < 27.9


def test_normal_moments():
    z = np.array([rng.normal(2, 1, rng.POPULATION_STEP, a, rng.P_SIZE) for a in range(20000)])
    assert abs(z.mean()) < 4 / math.sqrt(len(z))
    assert abs(z.std() - 1.0) < 4 * math.sqrt(0.5 / len(z))


def test_categorical():
    cum = np.array([0.2, 0.5, 1.0])
    assert [rng.categorical(u, cum) for u in (0.0, 0.19, 0.2, 0.49, 0.5, 0.999)] == [
        0,
        0,
        1,
        1,
        2,
        2,
    ]


def test_run_seed_is_positive_and_distinct():
    seeds = {rng.run_seed(0, r) for r in range(100)}
    assert len(seeds) == 100
    assert all(0 <= s < 2**63 for s in seeds)
