"""The generated populations match their sourced facts and their networks are well formed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import mutusim
from mutusim.catalogue import MODES, PROVINCES, SERVICE_NAMES, STATUS_RUNNING
from mutusim.config import config_dir
from mutusim.config.schema import PopulationConfig
from mutusim.contract.fields import AI, PF, PI
from mutusim.docking import _population
from mutusim.phases import new_run_state, scenario_inputs
from mutusim.phases.state import EVENT_COLUMNS, TRACE_ALL
from mutusim.population import generate_population

SEED = 11


def _population_raw(name: str) -> dict[str, Any]:
    path = config_dir() / "populations" / f"{name}.yaml"
    return yaml.safe_load(path.read_text())


def _population_config(name: str) -> PopulationConfig:
    return PopulationConfig.model_validate(_population_raw(name))


def _wallonia_with(**changes: Any):
    """The Walloon population (seed SEED) with dotted fields changed, e.g.
    ``_wallonia_with(**{"network.federation_ties": 0})``."""
    raw = _population_raw("wallonia")
    for dotted, value in changes.items():
        *parents, leaf = dotted.split(".")
        node = raw
        for key in parents:
            node = node[key]
        node[leaf] = value
    return generate_population(PopulationConfig.model_validate(raw), seed=SEED, run=0)


def _two_sectors(n: int, first: dict[str, Any], probability: float = 0.3):
    """``n`` EES of one size (10 workers) in two sectors of equal share, every service needed
    with ``probability`` unless the first sector's fields ``first`` change it."""
    raw = _population(n)
    raw["sectors"] = [{"name": "a", "share": 0.5, **first}, {"name": "b", "share": 0.5}]
    raw["needs"] = {"service_probability": dict.fromkeys(SERVICE_NAMES, probability)}
    return generate_population(PopulationConfig.model_validate(raw), seed=SEED, run=0)


def _binomial_tolerance(target: float, n: int) -> float:
    """Four binomial standard errors of a share over ``n`` draws."""
    return 4 * np.sqrt(target * (1 - target) / n)


def _edges(ptr: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both ends of every row entry of a CSR network (each undirected tie twice)."""
    return np.repeat(np.arange(len(ptr) - 1), np.diff(ptr)), idx


@pytest.fixture(scope="module")
def wallonia():
    return generate_population(_population_config("wallonia"), seed=SEED, run=0)


def test_wallonia_matches_the_sourced_facts(wallonia):
    pop = wallonia
    n = pop.n
    assert n == 6785

    # binomial standard error of a share over n EES
    def within(share: float, target: float, extra: float = 0.0) -> bool:
        return abs(share - target) <= 4 * np.sqrt(target * (1 - target) / n) + extra

    # size facts (Le Soir 2020 / Observatoire): fitted log-normal; 1-2 points of fit error
    assert within((pop.size < 5).mean(), 0.494, extra=0.02)
    assert within((pop.size < 50).mean(), 0.935, extra=0.02)
    assert 12 <= pop.size.mean() <= 22  # reported mean ≈ 15 FTE
    # barometer 2022: digiscore 31.4/100, half of leaders convinced
    assert abs(pop.maturity.mean() - 0.314) < 0.015
    assert within(pop.convinced.mean(), 0.50)
    # provinces (Q555 2017-18)
    shares = {
        "hainaut": 0.31,
        "liege": 0.31,
        "namur": 0.17,
        "brabant_wallon": 0.12,
        "luxembourg": 0.09,
    }
    for code, name in enumerate(PROVINCES):
        assert within((pop.province == code).mean(), shares[name]), name
    assert within((pop.legal_form == 0).mean(), 0.9522)  # ASBL
    # ETA: ~197 workers each (AViQ 2024)
    eta = pop.sector == pop.sector_names.index("eta_sheltered_work")
    assert 100 <= pop.size[eta].mean() <= 320  # ~52 ETA: a wide sampling spread
    # larger EES are more mature (barometer: strategy 64 % at >= 50 staff vs 19 %)
    assert pop.maturity[pop.size >= 50].mean() > pop.maturity[pop.size < 5].mean()


def test_networks_are_undirected_sorted_and_clustered(wallonia):
    pop = wallonia
    for ptr, idx in ((pop.tie_ptr, pop.tie_idx), (pop.rival_ptr, pop.rival_idx)):
        edges = set()
        for i in range(pop.n):
            row = idx[ptr[i] : ptr[i + 1]]
            assert np.all(np.diff(row) > 0), "rows sorted without duplicates"
            assert i not in row, "no self-ties"
            edges.update((i, int(j)) for j in row)
        assert all((j, i) in edges for i, j in edges), "undirected"
    degree = np.diff(pop.tie_ptr)
    # mean_degree 12, plus federation_ties 4 for each federation member, less duplicates
    # (which only remove ties: the nominal value is an upper bound)
    nominal = 12 + 4 * pop.federation.mean()
    assert nominal - 2 <= degree.mean() <= nominal
    assert 10 <= degree[pop.federation == 0].mean() <= 12.5
    src = np.repeat(np.arange(pop.n), degree)
    same_sector = (pop.sector[src] == pop.sector[pop.tie_idx]).mean()
    expected_random = sum(((pop.sector == s).mean()) ** 2 for s in range(len(pop.sector_names)))
    assert same_sector > expected_random + 0.3, "ties cluster by sector"
    rsrc = np.repeat(np.arange(pop.n), np.diff(pop.rival_ptr))
    assert np.all(pop.sector[rsrc] == pop.sector[pop.rival_idx]), "rivals share an activity"
    assert (pop.province[rsrc] == pop.province[pop.rival_idx]).mean() > 0.75


def test_same_seed_same_population_and_runs_differ():
    cfg = _population_config("federation")
    a = generate_population(cfg, seed=5, run=2)
    b = generate_population(cfg, seed=5, run=2)
    c = generate_population(cfg, seed=5, run=3)
    assert np.array_equal(a.size, b.size) and np.array_equal(a.tie_idx, b.tie_idx)
    assert not np.array_equal(a.maturity, c.maturity)
    assert a.n == 60 and set(a.sector) == {0}


NUMBER = re.compile(r":\s*-?[0-9][0-9_.eE+-]*\s*(#|$)")


@pytest.mark.parametrize("name", ["wallonia", "federation"])
def test_every_figure_has_a_source_or_says_assumption(name):
    path = Path(config_dir()) / "populations" / f"{name}.yaml"
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if NUMBER.search(line):
            comment = line.split("#", 1)[1].lower() if "#" in line else ""
            assert "source" in comment or "assumption" in comment, f"{path.name}:{number}: {line}"


# ----------------------------------------------------------------------------- needs by sector
def test_sector_service_multiplier_shapes_its_need_profile():
    # 4000 EES, ~2000 a sector; probability 0.3 everywhere, except in sector a: training x 2
    # (0.6), backup x 0 (never), messaging x 5 (1.5, capped at 1: always)
    pop = _two_sectors(
        4000, {"service_multiplier": {"training": 2.0, "infra_backup": 0.0, "infra_messaging": 5.0}}
    )
    a, b = pop.sector == 0, pop.sector == 1
    assert abs(a.mean() - 0.5) <= _binomial_tolerance(0.5, pop.n)

    def share(mask: np.ndarray, service: str) -> float:
        return float(((pop.perimeter[mask] >> SERVICE_NAMES.index(service)) & 1).mean())

    assert abs(share(a, "training") - 0.6) <= _binomial_tolerance(0.6, a.sum())
    assert abs(share(b, "training") - 0.3) <= _binomial_tolerance(0.3, b.sum())
    assert share(a, "training") > share(b, "training")
    assert share(a, "infra_backup") == 0.0
    assert share(a, "infra_messaging") == 1.0
    for service in ("support_first_line", "infra_hosting"):  # untouched services alike
        assert abs(share(a, service) - 0.3) <= _binomial_tolerance(0.3, a.sum()), service
    # the count of needed services is the perimeter's
    popcount = [bin(int(m)).count("1") for m in pop.perimeter]
    assert np.array_equal(pop.n_needed, popcount)


def test_wallonia_sectors_need_their_typical_services_more(wallonia):
    # health and social action needs development_integration x 1.6, culture x 0.6; sizes
    # differ (x 1.5 vs x 0.5 median, +15 % per tenfold), but not by enough to close the gap
    pop = wallonia
    k = SERVICE_NAMES.index("development_integration")
    need = (pop.perimeter >> k) & 1
    health = pop.sector == pop.sector_names.index("health_social_action")
    culture = pop.sector == pop.sector_names.index("culture_youth_recreation")
    # ~0.25 * 1.6 = 0.4 vs ~0.25 * 0.6 = 0.15 (n ~2000 and ~1700: SE ~0.011 and ~0.009)
    assert need[health].mean() - need[culture].mean() > 0.15


def test_depth_shift_raises_the_sector_depth_of_need():
    # depth = log10(size) / 3 + shift + 0.1 z, one size for all: log10(size) / 3 + 0.2 in
    # sector a, log10(size) / 3 in b; clipping at 0 and 1 is over 3 sd away; SE of the
    # difference of means 0.1 * sqrt(2 / 2000) = 0.0032, 4 SE = 0.013
    pop = _two_sectors(4000, {"depth_shift": 0.2})
    a, b = pop.sector == 0, pop.sector == 1
    assert np.unique(pop.size).size == 1
    centre = pop.log10_size[0] / 3
    assert pop.depth[b].mean() == pytest.approx(centre, abs=4 * 0.1 / np.sqrt(b.sum()))
    assert pop.depth[a].mean() - pop.depth[b].mean() == pytest.approx(0.2, abs=0.013)
    # a large negative shift leaves the depth at its floor, 0
    pop = _two_sectors(1000, {"depth_shift": -2.0})
    assert np.all(pop.depth[pop.sector == 0] == 0.0)
    assert (pop.depth[pop.sector == 1] > 0.0).mean() > 0.99  # 0 is 3.5 sd below


# ----------------------------------------------------------------------------- tension by size
def _tension_by_size(pop) -> tuple[float, float, float, float]:
    """(correlation of log10 size with logit tension, mean tension of EES under 5 workers
    minus that of 50 and more, four standard errors of that difference, n)."""
    logit = np.log(pop.financial_tension / (1 - pop.financial_tension))
    r = float(np.corrcoef(pop.log10_size, logit)[0, 1])
    small, large = pop.financial_tension[pop.size < 5], pop.financial_tension[pop.size >= 50]
    gap = small.mean() - large.mean()
    se = np.sqrt(small.var() / len(small) + large.var() / len(large))
    return r, float(gap), float(4 * se), pop.n


def test_negative_tension_slope_strains_small_ees_more():
    # slope -0.5 logit per tenfold size, sd(log10 size) ~0.65, residual sd 0.8: expected
    # correlation -0.5 * 0.65 / sqrt(0.33**2 + 0.8**2) ~ -0.38; small (< 5) vs large (>= 50)
    # differ by ~1.1 tenfold, -0.55 logit, ~0.13 in tension
    r, gap, tolerance, n = _tension_by_size(
        _wallonia_with(**{"financial_tension.size_slope": -0.5})
    )
    assert r < -0.25
    assert gap > 0.1 and gap > tolerance
    # slope 0: tension is drawn independently of size: correlation within 4 / sqrt(n) = 0.049,
    # the gap within four standard errors
    r, gap, tolerance, n = _tension_by_size(_wallonia_with(**{"financial_tension.size_slope": 0.0}))
    assert abs(r) < 4 / np.sqrt(n)
    assert abs(gap) < tolerance


# ----------------------------------------------------------------------------- pioneers
@pytest.mark.parametrize("share", [0.05, 0.3])
def test_pioneer_share(share):
    pop = _wallonia_with(pioneer_share=share)
    assert abs(pop.pioneer.mean() - share) <= _binomial_tolerance(share, pop.n)
    # a trait of the leader, not of the EES's kind: alike across sectors (4 SE each)
    for k in range(len(pop.sector_names)):
        in_sector = pop.sector == k
        if in_sector.sum() >= 300:
            tol = _binomial_tolerance(share, in_sector.sum())
            assert abs(pop.pioneer[in_sector].mean() - share) <= tol


def test_pioneer_share_extremes(wallonia):
    assert abs(wallonia.pioneer.mean() - 0.05) <= _binomial_tolerance(0.05, wallonia.n)
    assert _wallonia_with(pioneer_share=0.0).pioneer.sum() == 0
    assert np.all(_wallonia_with(pioneer_share=1.0).pioneer == 1)


# ----------------------------------------------------------------------------- federations
def test_federation_share_gives_members_per_sector(wallonia):
    pop = wallonia
    raw = _population_raw("wallonia")
    for k, sector in enumerate(raw["sectors"]):
        share = sector.get("federation_share", 0.0)
        in_sector = pop.sector == k
        observed = pop.federation[in_sector].mean()
        assert abs(observed - share) <= _binomial_tolerance(share, in_sector.sum()), sector["name"]
    assert pop.federation[pop.sector == pop.sector_names.index("other_services")].sum() == 0
    federation = generate_population(_population_config("federation"), seed=SEED, run=0)
    assert np.all(federation.federation == 1)  # federation_share 1


def test_federation_ties_link_members_of_the_same_federation():
    with_ties = _wallonia_with(**{"network.federation_ties": 4})
    without = _wallonia_with(**{"network.federation_ties": 0})
    assert np.array_equal(with_ties.federation, without.federation)  # same members
    member = with_ties.federation == 1

    def within_federation(pop) -> np.ndarray:
        src, dst = _edges(pop.tie_ptr, pop.tie_idx)
        return member[src] & member[dst] & (pop.sector[src] == pop.sector[dst])

    src, dst = _edges(with_ties.tie_ptr, with_ties.tie_idx)
    same_sector = (with_ties.sector[src] == with_ties.sector[dst]).sum()
    src0, dst0 = _edges(without.tie_ptr, without.tie_idx)
    assert same_sector > (without.sector[src0] == without.sector[dst0]).sum()
    # each member gains about federation_ties ties, all to members of its federation (at most
    # 4 each on average: 2 stubs of its own and 2 received; duplicates only remove ties)
    gain = (within_federation(with_ties).sum() - within_federation(without).sum()) / member.sum()
    assert 0.8 * 4 <= gain <= 4
    degree, degree0 = np.diff(with_ties.tie_ptr), np.diff(without.tie_ptr)
    assert degree[member].mean() - degree0[member].mean() == pytest.approx(gain, abs=0.2)
    assert degree[~member].mean() == pytest.approx(degree0[~member].mean(), abs=0.1)
    # the ties added are federation ties
    added = set(zip(src.tolist(), dst.tolist(), strict=True))
    added -= set(zip(src0.tolist(), dst0.tolist(), strict=True))
    assert added
    assert all(
        member[i] and member[j] and with_ties.sector[i] == with_ties.sector[j] for i, j in added
    )


# ----------------------------------------------------------------------------- rivals by size
def _rival_size_gap(pop) -> tuple[float, float]:
    """Mean |log10 size difference| of competition ties, and of random pairs drawn like them
    (same sector and province when the rival shares the province, same sector otherwise)."""
    src, dst = _edges(pop.rival_ptr, pop.rival_idx)
    gap = np.abs(pop.log10_size[src] - pop.log10_size[dst]).mean()
    rng = np.random.default_rng(0)
    groups: dict[tuple[int, int], np.ndarray] = {}
    random_gaps = []
    for i, j in zip(src.tolist(), dst.tolist(), strict=True):
        province = int(pop.province[i]) if pop.province[j] == pop.province[i] else -1
        key = (int(pop.sector[i]), province)
        if key not in groups:
            same = pop.sector == key[0]
            if province >= 0:
                same &= pop.province == province
            groups[key] = np.flatnonzero(same)
        k = i
        while k == i:
            k = groups[key][rng.integers(len(groups[key]))]
        random_gaps.append(abs(pop.log10_size[i] - pop.log10_size[k]))
    return float(gap), float(np.mean(random_gaps))


def test_rivals_are_of_similar_size_when_rival_size_scale_is_set():
    # ~13,000 tie ends; |log10 size difference| has sd ~0.5: SE of each mean ~0.005-0.01
    scaled = _wallonia_with(**{"network.rival_size_scale": 0.5})
    gap, random_gap = _rival_size_gap(scaled)
    assert gap < 0.7 * random_gap
    unscaled = _wallonia_with(**{"network.rival_size_scale": None})
    gap_none, random_none = _rival_size_gap(unscaled)
    assert gap_none == pytest.approx(random_none, abs=0.05)  # size does not matter
    # a tighter scale, more similar rivals
    tighter, _ = _rival_size_gap(_wallonia_with(**{"network.rival_size_scale": 0.2}))
    assert tighter < gap < gap_none
    # rivals still share the activity
    src, dst = _edges(scaled.rival_ptr, scaled.rival_idx)
    assert np.all(scaled.sector[src] == scaled.sector[dst])


# ----------------------------------------------------------------------------- existing projects
def _month_zero(overrides: list[str] | None = None, seed: int = 0):
    config = mutusim.load_config(
        {"name": "existing", "population": "wallonia", "horizon_months": 1}, overrides
    )
    inputs = scenario_inputs(config)
    events = np.zeros((20_000, EVENT_COLUMNS))
    return config, new_run_state(seed, 0, inputs.run_arrays, inputs.shared, TRACE_ALL, events)


def test_existing_projects_run_at_month_zero_as_configured():
    config, s = _month_zero()
    kinds = config.population.existing_projects
    assert [k.count for k in kinds] == [10, 6]
    n = s.n_projects[0]
    assert n == 16
    first = 0
    taken = []
    for kind in kinds:
        scope = sum(1 << SERVICE_NAMES.index(name) for name in kind.scope)
        for p in range(first, first + kind.count):
            m = s.pi[PI.n_members, p]
            members = s.members[p, :m]
            taken.extend(members.tolist())
            low, high = kind.members
            assert low <= m <= high, (kind.name, m)
            assert s.pi[PI.status, p] == STATUS_RUNNING
            assert s.pi[PI.running_since, p] == 0
            assert s.pi[PI.anchored, p] == kind.anchored
            assert MODES[s.pi[PI.mode, p]] == kind.mode
            assert s.pi[PI.scope, p] == scope
            assert s.pf[PF.governance, p] == pytest.approx(kind.governance)
            assert np.all(s.ai[AI.project, members] == p)
            assert np.all(s.ai[AI.ring, members] == 0)
            assert len(set(s.ai[AI.sector, members].tolist())) == 1
            if kind.same_province:
                assert len(set(s.ai[AI.province, members].tolist())) == 1
            if kind.federation:
                assert np.all(s.ai[AI.federation, members] == 1)
        first += kind.count
    assert len(taken) == len(set(taken))  # nobody in two projects
    assert (s.ai[AI.project] >= 0).sum() == len(taken)
    # employer groupings may dissolve; the federations' tools are anchored (schema)
    assert [bool(k.anchored) for k in kinds] == [False, True]


def test_existing_project_sizes_spread_over_the_configured_range():
    # 300 groupings of 3 to 8 members: a uniform size has mean 5.5 and sd sqrt(35 / 12) = 1.71,
    # SE of the mean over 300: 0.099; every size from 3 to 8 drawn (each ~50 times)
    _, s = _month_zero(["population.existing_projects=[{name: g, count: 300, members: [3, 8]}]"])
    assert s.n_projects[0] == 300
    sizes = s.pi[PI.n_members, :300]
    assert sizes.min() == 3 and sizes.max() == 8
    assert sizes.mean() == pytest.approx(5.5, abs=4 * 0.099)
    assert np.all(s.pi[PI.anchored, :300] == 0)  # anchored defaults to false
