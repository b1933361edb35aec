"""Judging a targeted policy on its own group: adoption inside any group an eligibility rule
names, checked against the engine's own breakdowns (a province, the micro size class), and the
report's table of targeted groups."""

from __future__ import annotations

import numpy as np
import pytest

import mutusim
from mutusim.config.schema import Eligibility
from mutusim.experiments import run_experiment
from mutusim.report import write_report
from mutusim.target_groups import group_adoption, group_effect, policy_groups, targets_someone

RUNS = range(4)


@pytest.fixture(scope="module")
def small():
    return mutusim.load_config(
        "configs/baseline.yaml", ["population.n_agents=300", "horizon_months=48"]
    )


@pytest.fixture(scope="module")
def engine_final(small):
    result = mutusim.simulate(small, runs=len(RUNS), seed=3, engine="numba")
    return result.timeseries[result.timeseries["step"] == 48].set_index("run")


@pytest.mark.parametrize(
    ("group", "column"),
    [
        (Eligibility(provinces=["hainaut"]), "adoption_share_province_hainaut"),
        (Eligibility(size_max=4), "adoption_share_size_micro"),
        (Eligibility(size_min=50), "adoption_share_size_medium_large"),
        (Eligibility(sectors=["titres_services"]), "adoption_share_sector_titres_services"),
    ],
)
def test_group_adoption_agrees_with_the_engines_breakdowns(small, engine_final, group, column):
    table = group_adoption(small, group, seed=3, runs=RUNS).set_index("run")
    np.testing.assert_allclose(table["inside"], engine_final[column], atol=1e-12)
    np.testing.assert_allclose(table["adoption_share"], engine_final["adoption_share"], atol=1e-12)
    assert (table["group_size"] > 0).all() and (table["group_size"] < 300).all()


def test_a_targeted_subsidy_is_judged_on_its_own_group(small):
    scenario = mutusim.load_config(
        small,
        {
            "policies": ["pooled_subsidy"],
            "policies.0.budget_eur": 2e6,
            "policies.0.eligibility.size_max": 9,
            "policies.0.eligibility.provinces": ["hainaut"],
        },
    )
    (group,) = policy_groups(scenario)
    assert targets_someone(group) and not targets_someone(Eligibility())
    effect = group_effect(small, scenario, group, seed=3, runs=RUNS)
    assert effect.runs == 4 and 0 < effect.group_share < 0.31
    for mean, low, high in (effect.difference_inside, effect.difference_outside):
        assert low <= mean <= high
    paired = effect.scenario_runs["inside"] - effect.baseline_runs["inside"]
    assert effect.difference_inside[0] == pytest.approx(paired.mean())


def test_report_has_the_targeted_groups_table(tmp_path):
    path = tmp_path / "targeted.yaml"
    path.write_text(
        """
name: targeted
kind: comparison
base: baseline.yaml
set: {population: federation, horizon_months: 36}
runs: 4
chunk_runs: 4
scenarios:
  - name: baseline
  - name: small_only
    label: {fr: "Petites EES seulement", en: "Small EES only"}
    policies: [pooled_subsidy]
    set: {policies.0.budget_eur: 500000, policies.0.eligibility.size_max: 40}
  - {name: awareness, policies: [awareness], set: {policies.0.budget_eur: 500000}}
""",
        encoding="utf-8",
    )
    run_experiment(path, out=tmp_path / "out", progress=False)
    fr = write_report(tmp_path / "out", lang="fr", sample_runs=4, target_runs=3)
    text = fr.read_text(encoding="utf-8")
    assert "Effet sur les groupes ciblés" in text
    assert "réservée aux EES de 40 travailleurs au plus" in text
    assert "Petites EES seulement" in text and "3 simulations" in text
    # awareness targets everyone: no row for it
    table = text.split("Effet sur les groupes ciblés")[1].split("</table>")[0]
    assert "Sensibilisation" not in table
    en = write_report(tmp_path / "out", lang="en", sample_runs=4, target_runs=0)
    assert "Effect on the targeted groups" not in en.read_text(encoding="utf-8")


def test_in_group_reads_the_eligibility_rule_by_hand():
    from types import SimpleNamespace

    from mutusim.target_groups import in_group

    pop = SimpleNamespace(
        size=np.array([3.0, 9.0, 10.0, 250.0, 9.0]),
        sector=np.array([0, 1, 0, 1, 0]),
        province=np.array([0, 0, 0, 1, 1]),  # hainaut, hainaut, hainaut, liege, liege
        legal_form=np.array([0, 0, 1, 0, 0]),  # asbl, asbl, cooperative, asbl, asbl
    )
    sectors = ["a", "b"]
    small_hainaut = Eligibility(size_max=9, provinces=["hainaut"])
    assert in_group(pop, small_hainaut, sectors).tolist() == [True, True, False, False, False]
    assert in_group(pop, Eligibility(size_min=10), sectors).tolist() == [0, 0, 1, 1, 0]
    assert in_group(pop, Eligibility(sectors=["b"]), sectors).tolist() == [0, 1, 0, 1, 0]
    forms = Eligibility(legal_forms=["cooperative"])
    assert in_group(pop, forms, sectors).tolist() == [0, 0, 1, 0, 0]
    assert in_group(pop, Eligibility(), sectors).all()
