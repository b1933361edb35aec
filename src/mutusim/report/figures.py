"""Which figures a report shows, drawn from a loaded results folder, each with its caption."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from matplotlib.figure import Figure

from mutusim import plotting
from mutusim.config import ScenarioConfig, load_config
from mutusim.i18n import t
from mutusim.plotting.style import (
    count,
    number,
    parameter_label,
    scenario_colours,
    scenario_label,
)
from mutusim.report import words
from mutusim.report.load import Results

NETWORK_AGENTS = 150
"""The network picture runs the scenario on at most this many EES (legible at page size)."""
BENEFIT_SCENARIOS = 5
"""Who-benefits bars: the baseline and the scenarios with the largest effect, at most this many."""


@dataclass
class Shown:
    """A drawn figure and its caption."""

    figure: Figure
    caption: str
    alt: str


def figures(results: Results, lang: str) -> list[Shown]:
    """The figures of the report, in reading order (kinds without figures give none)."""
    drawers = {
        "comparison": _comparison,
        "run": _run,
        "sweep": _sweep,
        "sensitivity": _sensitivity,
    }
    return drawers.get(results.kind, lambda _r, _l: [])(results, lang)


def _comparison(results: Results, lang: str) -> list[Shown]:
    years = results.horizon_months / 12
    out = [
        Shown(
            plotting.fan_chart(
                results.timeseries,
                lang=lang,
                scenarios=results.scenarios,
                baseline=results.baseline,
                labels=results.labels(lang),
            ),
            t("report.cap_fan", lang, n=number(results.runs_per_scenario, lang)),
            t("report.alt_fan", lang),
        ),
        Shown(
            plotting.comparison_chart(
                results.summary, lang=lang, horizon_years=years, labels=results.labels(lang)
            ),
            t("report.cap_comparison", lang),
            t("report.alt_comparison", lang),
        ),
    ]
    out.extend(_detail_figures(results, lang, _benefit_scenarios(results)))
    out.extend(_network(results, lang))
    return out


def _run(results: Results, lang: str) -> list[Shown]:
    table = results.timeseries.drop(columns="scenario")
    if len(results.runs) > 1:
        first = plotting.fan_chart(table, lang=lang)
        caption = t("report.cap_fan_run", lang, n=number(len(results.runs), lang))
    else:
        first = plotting.adoption_chart(table, lang=lang)
        caption = t("report.cap_adoption_one", lang)
    out = [Shown(first, caption, t("report.alt_fan", lang))]
    out.extend(_detail_figures(results, lang, results.scenarios))
    out.extend(_network(results, lang))
    return out


def _detail_figures(results: Results, lang: str, benefit_scenarios: list[str]) -> list[Shown]:
    """Survival, circles and who benefits, from the runs that have every output."""
    if results.detail is None or results.projects is None:
        return []
    sample = (
        t("report.sample_all", lang, n=results.detail_runs)
        if results.kind == "run"
        else t("report.sample_first", lang, n=results.detail_runs)
    )
    out = []
    colours = scenario_colours(results.scenarios, results.baseline)
    if (results.projects["running_since"] >= 0).any():
        out.append(
            Shown(
                plotting.survival_chart(
                    results.projects,
                    results.horizon_months,
                    lang=lang,
                    scenarios=[s for s in results.scenarios if s],
                    baseline=results.baseline,
                    colours=colours,
                    labels=results.labels(lang),
                ),
                t("report.cap_survival", lang, sample=sample),
                t("report.alt_survival", lang),
            )
        )
    out.append(
        Shown(
            plotting.rings_chart(
                results.detail,
                lang=lang,
                scenarios=results.scenarios,
                labels=results.labels(lang),
            ),
            t("report.cap_rings", lang, sample=sample),
            t("report.alt_rings", lang),
        )
    )
    out.append(
        Shown(
            plotting.benefits_chart(
                results.detail,
                lang=lang,
                scenarios=benefit_scenarios,
                baseline=results.baseline,
                colours=colours,
                labels=results.labels(lang),
                groups=benefit_groups_of(results),
            ),
            t("report.cap_benefits", lang, sample=sample),
            t("report.alt_benefits", lang),
        )
    )
    return out


def benefit_groups_of(results: Results) -> list[str]:
    """The groupings "who benefits" shows: size classes, and the provinces and sectors when a
    policy of the results targets some (its eligibility rules are judged on its own group)."""
    from mutusim.plotting.comparison import benefit_groups

    present = benefit_groups(results.detail)
    wanted = ["size"]
    policies = [p for config in results.configs.values() for p in config.policies]
    if any(p.eligibility.provinces for p in policies) or not policies:
        wanted.append("province")
    if any(p.eligibility.sectors for p in policies) or not policies:
        wanted.append("sector")
    return [g for g in ("size", "sector", "province") if g in wanted and g in present]


def _benefit_scenarios(results: Results) -> list[str]:
    summary = results.summary.set_index("scenario")
    others = [s for s in results.scenarios if s != results.baseline]
    best = sorted(others, key=lambda s: -summary.loc[s, "adoption_diff"])
    chosen = set(best[: BENEFIT_SCENARIOS - 1])
    return [s for s in results.scenarios if s == results.baseline or s in chosen]


def network_scenario(results: Results) -> str | None:
    """The scenario drawn as a network: the one with the highest mean adoption."""
    if not results.configs:
        return None
    if results.kind == "run":
        return results.scenarios[0]
    means = results.runs.groupby("scenario")["adoption_share"].mean()
    return max(results.configs, key=lambda s: means.get(s, -1.0))


def small_config(config: ScenarioConfig, agents: int = NETWORK_AGENTS) -> ScenarioConfig:
    """The scenario on at most ``agents`` EES (same shares, policies and parameters)."""
    if config.population.n_agents <= agents:
        return config
    return load_config(config, {"population.n_agents": agents})


def _network(results: Results, lang: str) -> list[Shown]:
    from mutusim.model import MutualisationModel

    name = network_scenario(results)
    if name is None:
        return []
    config = small_config(results.configs[name])
    scaled = config.population.n_agents < results.configs[name].population.n_agents
    model = MutualisationModel(config, seed=results.seed, run=0)
    for _ in range(config.horizon_months):
        model.step()
    nodes, edges = plotting.network_tables(model)
    return [
        Shown(
            plotting.network_chart(nodes, edges, lang=lang, seed=results.seed),
            t(
                "report.cap_network" if scaled else "report.cap_network_full",
                lang,
                scenario=scenario_label(name, lang, results.labels(lang)),
                n=config.population.n_agents,
                full=results.configs[name].population.n_agents,
            ),
            t("report.alt_network", lang),
        )
    ]


def _sweep(results: Results, lang: str) -> list[Shown]:
    params = [c for c in results.summary.columns if c.startswith("param.")]
    outcome = "adoption_share" if "adoption_share" in results.summary else None
    if outcome is None:
        return []
    out = []
    for x, y in itertools.islice(itertools.combinations(params, 2), 3):
        out.append(
            Shown(
                plotting.sweep_heatmap(results.summary, x, y, outcome, lang=lang),
                words.design_text(results, lang)
                + " "
                + t(
                    "report.cap_sweep_cell"
                    if results.experiment.design == "grid" and len(params) == 2
                    else "report.cap_sweep",
                    lang,
                    x=parameter_label(x, lang),
                    y=parameter_label(y, lang),
                    runs=count(results.runs_per_scenario, "runs", lang),
                ),
                t("report.alt_sweep", lang),
            )
        )
    return out


def _sensitivity(results: Results, lang: str) -> list[Shown]:
    return [
        Shown(
            plotting.sensitivity_chart(results.summary, lang=lang),
            words.design_text(results, lang)
            + " "
            + t("report.cap_sensitivity", lang, runs=count(results.experiment.runs, "runs", lang)),
            t("report.alt_sensitivity", lang),
        )
    ]
