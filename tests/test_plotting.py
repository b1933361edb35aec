"""Figures: each function on small results tables gives the expected panels, every panel has
data, labels come in the chosen language, numbers are written the language's way, and the
input tables are left untouched. Kaplan–Meier is checked against a hand computation."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

import mutusim
from mutusim import plotting
from mutusim.experiments import run_experiment
from mutusim.i18n import t
from mutusim.model import MutualisationModel
from mutusim.plotting import style
from mutusim.plotting.survival import durations

LANGS = ("fr", "en")


@pytest.fixture(scope="module")
def two_scenarios(sector_config):
    """Timeseries and projects of the federation without policy and with awareness, 6 runs
    each (numba), with a ``scenario`` column."""
    aware = mutusim.load_config(
        sector_config, ["policies=[awareness]", "policies.0.budget_eur=5e5"]
    )
    series, projects = [], []
    for name, config in (("baseline", sector_config), ("awareness", aware)):
        result = mutusim.simulate(config, runs=6, seed=0, engine="numba")
        series.append(result.timeseries.assign(scenario=name))
        projects.append(result.projects.assign(scenario=name))
    return pd.concat(series, ignore_index=True), pd.concat(projects, ignore_index=True)


@pytest.fixture(scope="module")
def experiments(tmp_path_factory):
    """Summaries of a small comparison, grid sweep and Sobol analysis."""
    root = tmp_path_factory.mktemp("plotting")
    texts = {
        "cmp": """
name: plot_cmp
kind: comparison
base: baseline.yaml
set: {population: federation}
runs: 6
chunk_runs: 6
scenarios:
  - name: baseline
  - {name: facilitator, policies: [facilitator], set: {policies.0.budget_eur: 500000}}
  - {name: awareness, policies: [awareness], set: {policies.0.budget_eur: 500000}}
""",
        "sweep": """
name: plot_sweep
kind: sweep
base: baseline.yaml
set: {population: federation}
design: grid
levels: 3
runs: 2
parameters:
  behaviour.pioneer_rate: {min: 0.1, max: 0.6}
  commitment.erosion: {min: 0.0, max: 0.03}
""",
        "sobol": """
name: plot_sobol
kind: sensitivity
base: baseline.yaml
set: {population: federation, horizon_months: 48}
samples: 8
runs: 1
chunk_runs: 8
parameters:
  behaviour.pioneer_rate: {min: 0.05, max: 0.5}
  behaviour.autonomy_preference: {min: 0.5, max: 1.5}
""",
    }
    out = {}
    for name, text in texts.items():
        path = root / f"{name}.yaml"
        path.write_text(text)
        out[name] = run_experiment(path, out=root / name, progress=False)["table"]
    return out


def texts(fig: Figure) -> list[str]:
    """Every text drawn in the figure (after a render, so tick labels exist)."""
    fig.savefig(io.BytesIO(), format="png")
    return [a.get_text() for a in fig.findobj(Text) if a.get_text()]


def check_panels(fig: Figure, n: int) -> None:
    """``n`` axes (colour bars excluded), none of them empty."""
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(axes) == n
    for ax in axes:
        assert ax.has_data(), ax.get_title()


@pytest.mark.parametrize("lang", LANGS)
def test_fan_chart_one_panel_per_scenario(two_scenarios, lang):
    ts, _ = two_scenarios
    before = ts.copy()
    fig = plotting.fan_chart(ts, lang=lang)
    check_panels(fig, 2)
    assert [ax.get_title() for ax in fig.axes] == [
        style.scenario_label("baseline", lang),
        style.scenario_label("awareness", lang),
    ]
    assert fig.axes[0].get_xlabel() == t("years", lang)
    assert fig.axes[0].get_ylabel() == t("adoption_share", lang)
    drawn = texts(fig)
    assert t("fig.band_50", lang) in drawn and t("fig.band_90", lang) in drawn
    assert t("fig.baseline_median", lang) in drawn
    # the 90 % band of the awareness panel holds its median: 5 % quantile <= median <= 95 %
    median = fig.axes[1].lines[0].get_ydata()
    wide = ts[ts["scenario"] == "awareness"].pivot(
        index="step", columns="run", values="adoption_share"
    )
    assert np.allclose(median, wide.median(axis=1) * 100)
    pd.testing.assert_frame_equal(ts, before)


def test_fan_chart_labels_differ_by_language(two_scenarios):
    ts, _ = two_scenarios
    fr, en = (plotting.fan_chart(ts, lang=lang) for lang in LANGS)
    assert fr.axes[1].get_title() == "Sensibilisation"
    assert en.axes[1].get_title() == "Awareness campaign"
    assert fr.axes[0].get_xlabel() == "années" and en.axes[0].get_xlabel() == "years"
    assert fr.axes[0].get_ylabel() == "EES dans un projet mutualisé actif (%)"
    assert en.axes[0].get_ylabel() == "EES in a running pooled project (%)"


def test_fan_chart_refuses_an_unknown_scenario_and_language(two_scenarios):
    ts, _ = two_scenarios
    with pytest.raises(ValueError, match="no rows"):
        plotting.fan_chart(ts, scenarios=["baseline", "missing"])
    with pytest.raises(ValueError, match="language"):
        plotting.fan_chart(ts, lang="de")


@pytest.mark.parametrize("lang", LANGS)
def test_comparison_chart(experiments, lang):
    summary = experiments["cmp"]
    fig = plotting.comparison_chart(summary, lang=lang, horizon_years=10)
    arms = summary.iloc[1:]
    has_cost = arms["eur_per_extra_pooled_ees"].notna().any()
    check_panels(fig, 2 if has_cost else 1)
    effect = fig.axes[0]
    assert effect.get_xlabel() == t("fig.adoption_diff_axis", lang)
    labels = [tick.get_text() for tick in effect.get_yticklabels()]
    assert labels == [style.scenario_label(s, lang) for s in arms["scenario"]]
    # bars are the mean differences, in points, in scenario order (top to bottom)
    widths = [bar.get_width() for bar in effect.patches]
    assert np.allclose(widths, arms["adoption_diff"].to_numpy() * 100)
    assert t("fig.comparison_title", lang, years="10") in texts(fig)


def test_comparison_chart_in_french_writes_euros_the_french_way(experiments):
    # a planted, meaningful cost on the first arm: the small experiment may have none
    summary = experiments["cmp"].copy()
    arm = summary.index[1]
    summary.loc[arm, ["eur_per_extra_pooled_ees", "eur_per_extra_pooled_ees_low"]] = [15600, 12000]
    summary.loc[arm, "eur_per_extra_pooled_ees_high"] = 19800
    summary.loc[arm, "eur_per_extra_pooled_ees_meaningful"] = True
    cost = summary["eur_per_extra_pooled_ees"].dropna()
    fr = texts(plotting.comparison_chart(summary, lang="fr"))
    en = texts(plotting.comparison_chart(summary, lang="en"))
    assert style.money(cost.iloc[0], "fr") in fr and style.money(cost.iloc[0], "fr").endswith("€")
    assert style.money(cost.iloc[0], "en") in en and style.money(cost.iloc[0], "en").startswith("€")


def test_kaplan_meier_matches_a_hand_computation():
    km = plotting.kaplan_meier(np.array([1, 2, 2, 3, 4]), np.array([1, 1, 0, 1, 0]))
    assert list(km["time"]) == [0, 1, 2, 3, 4]
    assert np.allclose(km["survival"], [1.0, 0.8, 0.6, 0.3, 0.3])
    assert list(km["at_risk"]) == [5, 5, 4, 2, 1]
    assert (km["lo"] <= km["survival"] + 1e-12).all() and (km["hi"] >= km["survival"] - 1e-12).all()


def test_durations_from_projects():
    projects = pd.DataFrame(
        {
            "running_since": [10, 20, -1, 30],
            "ended_at": [50, -1, 40, 30],
            "status": ["dissolved", "running", "failed", "dissolved"],
        }
    )
    table = durations(projects, horizon_months=120)
    assert list(table["duration"]) == [40, 100, 0]
    assert list(table["event"]) == [True, False, True]


@pytest.mark.parametrize("lang", LANGS)
def test_survival_chart(two_scenarios, lang):
    _, projects = two_scenarios
    fig = plotting.survival_chart(projects, 120, lang=lang)
    check_panels(fig, 1)
    ax = fig.axes[0]
    assert ax.get_ylabel() == t("fig.survival_axis", lang)
    assert ax.get_xlabel() == t("fig.years_running", lang)
    assert len(ax.lines) == projects["scenario"].nunique()
    ran = (projects["running_since"] >= 0).groupby(projects["scenario"]).sum()
    legend = [x.get_text() for x in ax.get_legend().get_texts()]
    assert (
        t(
            "fig.survival_label",
            lang,
            scenario=style.scenario_label("baseline", lang),
            n=int(ran["baseline"]),
        )
        in legend
    )


@pytest.mark.parametrize("lang", LANGS)
def test_rings_chart(two_scenarios, lang):
    ts, _ = two_scenarios
    fig = plotting.rings_chart(ts, lang=lang)
    check_panels(fig, 2)
    drawn = texts(fig)
    assert t("fig.ring_core", lang) in drawn and t("fig.ring_n", lang, ring=1) in drawn
    assert fig.axes[0].get_ylabel() == t("fig.members_mean", lang)
    # the stacked layers sum to the mean number of adopters
    stack = fig.axes[1].collections
    top = stack[-1].get_paths()[0].vertices[:, 1].max()
    adopters = ts[ts["scenario"] == "awareness"].groupby("step")["adopters"].mean().max()
    assert top == pytest.approx(adopters)
    with pytest.raises(ValueError, match="members_ring"):
        plotting.rings_chart(ts.drop(columns=["members_ring_0"]))


@pytest.mark.parametrize("lang", LANGS)
def test_benefits_chart(two_scenarios, lang):
    ts, _ = two_scenarios
    fig = plotting.benefits_chart(ts, lang=lang)
    check_panels(fig, 3)  # size, sector, province
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [t(f"fig.benefits_{g}", lang) for g in ("size", "sector", "province")]
    ticks = [x.get_text() for x in fig.axes[2].get_yticklabels()]
    assert ("Brabant wallon" if lang == "fr" else "Walloon Brabant") in ticks
    # bars are final adoption shares (mean over runs), in percent
    final = ts[ts["step"] == ts["step"].max()]
    expected = final[final["scenario"] == "baseline"]["adoption_share_province_liege"].mean() * 100
    assert any(bar.get_width() == pytest.approx(expected) for bar in fig.axes[2].patches)
    # each bar has its 95 % interval over runs
    table = plotting.benefit_table(ts, "province")
    assert (table["lo"] <= table["mean"]).all() and (table["mean"] <= table["hi"]).all()
    assert (table["runs"] == 6).all()
    assert len(fig.axes[2].collections) == 2  # one error-bar set per scenario


def test_benefits_chart_shows_the_groups_asked_for(two_scenarios):
    ts, _ = two_scenarios
    fig = plotting.benefits_chart(ts, lang="en", groups=["province"])
    check_panels(fig, 1)
    assert fig.axes[0].get_title() == t("fig.benefits_province", "en")
    with pytest.raises(ValueError, match="groups must be among"):
        plotting.benefits_chart(ts, groups=["age"])


@pytest.mark.parametrize("lang", LANGS)
def test_sweep_heatmap(experiments, lang):
    summary = experiments["sweep"]
    fig = plotting.sweep_heatmap(
        summary, "behaviour.pioneer_rate", "commitment.erosion", "adoption_share", lang=lang
    )
    check_panels(fig, 1)
    ax = fig.axes[0]
    assert ax.get_xlabel() == style.parameter_label("behaviour.pioneer_rate", lang)  # has its unit
    unit = "engagement par mois" if lang == "fr" else "commitment per month"
    assert ax.get_ylabel() == f"{style.parameter_label('commitment.erosion', lang)} ({unit})"
    grid = ax.images[0].get_array()
    assert grid.shape == (3, 3) and not np.ma.is_masked(grid)
    ticks = [x.get_text() for x in ax.get_xticklabels()]
    assert ticks == (["0,10", "0,35", "0,60"] if lang == "fr" else ["0.10", "0.35", "0.60"])
    expected = summary.groupby(["param.commitment.erosion", "param.behaviour.pioneer_rate"])[
        "adoption_share"
    ].mean()
    assert np.allclose(np.sort(grid.ravel()), np.sort(expected.to_numpy() * 100))


def test_sweep_heatmap_bins_a_latin_hypercube():
    rng = np.random.default_rng(0)
    summary = pd.DataFrame(
        {"param.a": rng.uniform(0, 1, 200), "param.b": rng.uniform(0, 1, 200)}
    ).assign(adoption_share=lambda d: d["param.a"] * 0.5)
    fig = plotting.sweep_heatmap(summary, "a", "b", lang="en", bins=4)
    grid = fig.axes[0].images[0].get_array()
    assert grid.shape == (4, 4)
    assert (np.diff(grid.mean(axis=0)) > 0).all()  # rises with a, column by column


@pytest.mark.parametrize("lang", LANGS)
def test_sensitivity_chart(experiments, lang):
    indices = experiments["sobol"]
    fig = plotting.sensitivity_chart(indices, lang=lang)
    check_panels(fig, 1)
    ax = fig.axes[0]
    assert ax.get_xlabel() == t("fig.sobol_axis", lang)
    labels = {x.get_text() for x in ax.get_yticklabels()}
    assert labels == {style.parameter_label(p, lang) for p in indices["parameter"]}
    legend = [x.get_text() for x in ax.get_legend().get_texts()]
    assert legend == [t("fig.sobol_first", lang), t("fig.sobol_total", lang)]
    assert len(ax.patches) == 2 * len(indices)


@pytest.mark.parametrize("lang", LANGS)
def test_network_chart(sector_config, lang):
    config = mutusim.load_config(sector_config, ["horizon_months=60"])
    model = MutualisationModel(config, seed=0)
    for _ in range(config.horizon_months):
        model.step()
    nodes, edges = plotting.network_tables(model)
    assert len(nodes) == 60
    assert len(edges) == len(model.population.tie_idx) // 2
    members = [a for a in model.ees if a.project is not None]
    assert (nodes["project"] >= 0).sum() == len(members)
    assert (
        dict(zip(nodes["agent"], nodes["ring"], strict=True))[members[0].index] == members[0].ring
    )
    fig = plotting.network_chart(nodes, edges, lang=lang, seed=1)
    check_panels(fig, 1)
    drawn = texts(fig)
    assert t("fig.ring_core", lang) in drawn and t("fig.no_project", lang) in drawn
    running = nodes.loc[nodes["running"], "project"].nunique()
    assert fig.axes[0].get_title() == t(
        "fig.network_title",
        lang,
        n=60,
        projects=style.count(running, "running_projects", lang),
        members=int(nodes["running"].sum()),
    )


def test_network_layout_is_seeded(sector_config):
    model = MutualisationModel(sector_config, seed=0)
    nodes, edges = plotting.network_tables(model)
    offsets = [
        plotting.network_chart(nodes, edges, seed=3).axes[0].collections[-1].get_offsets()
        for _ in range(2)
    ]
    assert np.array_equal(offsets[0], offsets[1])


def test_adoption_chart_keeps_its_signature(two_scenarios):
    ts, _ = two_scenarios
    one = ts[ts["scenario"] == "baseline"].drop(columns="scenario")
    fig = plotting.adoption_chart(one, "mon titre")
    check_panels(fig, 1)
    assert fig.axes[0].get_title() == "mon titre"
    assert fig.axes[0].get_xlabel() == "années"
    assert plotting.adoption_chart(one, lang="en").axes[0].get_xlabel() == "years"


def test_counts_agree_in_number():
    assert style.count(1, "runs", "fr") == "1 simulation"
    assert style.count(1, "runs", "en") == "1 run"
    assert style.count(0, "running_projects", "fr") == "0 projet actif"
    assert style.count(0, "running_projects", "en") == "0 running projects"
    assert style.count(1200, "runs", "fr") == "1\u202f200 simulations"


def test_number_formats():
    assert style.percent(0.065, "fr") == "6,5 %"
    assert style.percent(0.065, "en") == "6.5%"
    assert style.money(2_000_000, "fr") == "2 M€" and style.money(2_000_000, "en") == "€2M"
    assert style.money(15_597, "fr") == "15\u202f600 €" and style.money(15_597, "en") == "€15,600"
    assert style.points(0.019, "fr") == "+1,9 point" and style.points(-0.025, "en") == "−2.5 points"
