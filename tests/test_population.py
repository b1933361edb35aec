"""The generated populations match their sourced facts and their networks are well formed."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from mutusim.catalogue import PROVINCES
from mutusim.config import config_dir
from mutusim.config.schema import PopulationConfig
from mutusim.population import generate_population


def _population_config(name: str) -> PopulationConfig:
    path = config_dir() / "populations" / f"{name}.yaml"
    return PopulationConfig.model_validate(yaml.safe_load(path.read_text()))


@pytest.fixture(scope="module")
def wallonia():
    return generate_population(_population_config("wallonia"), seed=11, run=0)


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
    assert 10 <= degree.mean() <= 13  # mean_degree 12 less duplicates
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
