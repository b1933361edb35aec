"""The Solara page of ``mutusim dashboard`` (``Page``): policy levers, a background run of the
numba engine compared with the baseline, and a month-by-month view of one Mesa run.

Every text comes from the catalogue (``mutusim/i18n/dashboard.yaml``); the language toggle
redraws the page and its figures. State (``solara.reactive``) is per browser session.
Elements the browser test looks for carry ``mutusim-*`` CSS classes.
"""

# Solara components are named like classes (Page, KeyFigure): N802 does not apply here.
# ruff: noqa: N802

from __future__ import annotations

import dataclasses
from functools import cache

import solara
import solara.lab

from mutusim.catalogue import PROVINCES
from mutusim.config import load_config
from mutusim.dashboard import figures
from mutusim.dashboard.agents import AGENT_POPULATION, AgentRun, record_run
from mutusim.dashboard.match import DASHBOARD_RUNS, match_upload
from mutusim.dashboard.scenario import (
    POPULATIONS,
    SIZE_NO_LIMIT,
    Comparison,
    Levers,
    Targeting,
    population_sectors,
    run_comparison,
    shipped_policy,
)
from mutusim.dashboard.text import describe_policies, euros, number, percent, points
from mutusim.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from mutusim.i18n.words import cost_per_extra
from mutusim.plotting.style import category_label, scenario_label

RUN_CHOICES = [20, 50, 100, 200]
CSS = """
.mutusim-keyfigure .v-card__title { word-break: normal; font-size: 1.05rem; line-height: 1.4; }
.mutusim-lever .v-input__slot { margin-bottom: 0; }
"""

lang = solara.reactive(DEFAULT_LANGUAGE)
population = solara.reactive("wallonia")
subsidy_pct = solara.reactive(50)
facilitators = solara.reactive(4)
pioneer_reward_eur = solara.reactive(0)
awareness_contacts = solara.reactive(0)
training = solara.reactive(False)
standardisation = solara.reactive(False)
budget_m_eur = solara.reactive(2.0)
runs = solara.reactive(100)
seed = solara.reactive(0)
agent_month = solara.reactive(24)
targeting = solara.reactive({})
"""Per policy name: the ``Targeting`` set on the page (absent: the policy file's)."""
targeted_policy = solara.reactive("pooled_subsidy")


@cache
def population_size(name: str) -> int:
    """Number of EES of a shipped population."""
    return load_config(None, {"population": name}).population.n_agents


def current_levers() -> Levers:
    """The levers as set on the page."""
    return Levers(
        population=population.value,
        subsidy_rate=subsidy_pct.value / 100.0,
        facilitators=int(facilitators.value),
        pioneer_reward_eur=float(pioneer_reward_eur.value),
        awareness_contacts=int(awareness_contacts.value),
        training=bool(training.value),
        standardisation=bool(standardisation.value),
        budget_eur=float(budget_m_eur.value) * 1e6,
        targeting=tuple(sorted(targeting.value.items())),
    )


def current_seed() -> int:
    """The seed as set on the page (negative values read as their absolute value)."""
    return abs(int(seed.value or 0))


@solara.lab.task(prefer_threaded=True)
def comparison_task(levers: Levers, n_runs: int, run_seed: int) -> Comparison:
    """Baseline and scenario, ``n_runs`` paired runs each, in a background thread."""

    def progress(share: float) -> None:
        comparison_task.progress = 100.0 * share

    comparison_task.progress = 0.0
    return run_comparison(levers, runs=n_runs, seed=run_seed, progress=progress)


def _population_label(name: str, language: str) -> str:
    return t(f"dashboard_population_{name}", language, n=number(population_size(name), language))


def heading(text: str, level: int = 2, classes: tuple[str, ...] = ()):
    """A plain HTML heading (``h2``, ``h3``)."""
    return solara.v.Html(tag=f"h{level}", children=[text], class_=" ".join(classes))


@solara.component
def LanguageToggle():
    """French / English switch."""
    solara.ToggleButtonsSingle(
        value=lang,
        children=[
            solara.Button(
                t(f"dashboard_language_{code}", lang.value),
                value=code,
                classes=[f"mutusim-lang-{code}"],
            )
            for code in LANGUAGES
        ],
        classes=["mutusim-lang"],
    )


def labelled(label: str, shown: str, language: str) -> str:
    """``label: value`` with the language's punctuation."""
    return f"{label}\u00a0: {shown}" if language == "fr" else f"{label}: {shown}"


@solara.component
def Lever(
    label: str,
    value: solara.Reactive,
    bounds: tuple[float, float, float],
    shown: str,
    name: str,
):
    """A full-width slider under its label, the current value written after the label.
    ``bounds``: (min, max, step); floats make a float slider."""
    low, high, step = bounds
    with solara.Column(gap="0px", classes=["mutusim-lever", f"mutusim-lever-{name}"]):
        solara.Text(labelled(label, shown, lang.value), style={"font-size": "0.9em"})
        slider = solara.SliderFloat if isinstance(step, float) else solara.SliderInt
        slider("", value=value, min=low, max=high, step=step, thumb_label=False)


@solara.component
def LeverPanel():
    """Population, policy levers, number of runs and the run button."""
    language = lang.value
    with solara.Card(t("dashboard_levers", language), classes=["mutusim-levers"]):
        solara.Div(children=[t("dashboard_population", language)])
        solara.ToggleButtonsSingle(
            value=population,
            children=[
                solara.Button(
                    _population_label(name, language),
                    value=name,
                    classes=[f"mutusim-population-{name}"],
                )
                for name in POPULATIONS
            ],
            classes=["mutusim-population"],
            style={"flex-wrap": "wrap"},
        )
        solara.Div(
            children=[t("dashboard_levers_hint", language)],
            style={"font-size": "0.85em", "margin": "4px 0 8px 0"},
        )
        Lever(
            t("dashboard_subsidy_rate", language),
            subsidy_pct,
            (0, 90, 5),
            percent(subsidy_pct.value / 100, language, 0),
            "subsidy",
        )
        Lever(
            t("dashboard_facilitators", language),
            facilitators,
            (0, 12, 1),
            str(facilitators.value),
            "facilitators",
        )
        Lever(
            t("dashboard_pioneer_reward", language),
            pioneer_reward_eur,
            (0, 30_000, 1_000),
            euros(pioneer_reward_eur.value, language),
            "reward",
        )
        Lever(
            t("dashboard_awareness", language),
            awareness_contacts,
            (0, 1000, 50),
            number(awareness_contacts.value, language),
            "awareness",
        )
        Lever(
            t("dashboard_budget", language),
            budget_m_eur,
            (0.0, 10.0, 0.5),
            number(budget_m_eur.value, language, 1),
            "budget",
        )
        solara.Switch(label=t("dashboard_training", language), value=training)
        solara.Switch(label=t("dashboard_standardisation", language), value=standardisation)
        TargetingPanel()
        solara.Div(children=[t("dashboard_runs", language)], style={"margin-top": "8px"})
        solara.ToggleButtonsSingle(
            value=runs,
            children=[
                solara.Button(str(n), value=n, classes=[f"mutusim-runs-{n}"]) for n in RUN_CHOICES
            ],
            classes=["mutusim-runs"],
        )
        solara.InputInt(t("dashboard_seed", language), value=seed)
        solara.Button(
            t("dashboard_run", language),
            on_click=lambda: comparison_task(current_levers(), runs.value, current_seed()),
            color="primary",
            disabled=comparison_task.pending,
            classes=["mutusim-run"],
            style={"margin-top": "12px"},
        )


def _set_targeting(policy: str, **fields) -> None:
    """Change some targeting fields of ``policy`` (the others keep their current values)."""
    current = targeting.value.get(policy, Targeting())
    targeting.value = {**targeting.value, policy: dataclasses.replace(current, **fields)}


@solara.component
def TargetingPanel():
    """Eligibility (size range, provinces, sectors), period and own budget of one chosen
    policy; unset fields keep the policy file's values."""
    language = lang.value
    chosen = [name for name, _ in current_levers().policies()]
    with (
        solara.Details(summary=t("dashboard_targeting", language), children=[], expand=False),
        solara.Column(classes=["mutusim-targeting"], gap="4px"),
    ):
        if not chosen:
            solara.Text(t("dashboard_targeting_none", language))
            return
        policy = targeted_policy.value if targeted_policy.value in chosen else chosen[0]
        solara.Div(children=[t("dashboard_targeting_policy", language)])
        solara.ToggleButtonsSingle(
            value=policy,
            on_value=targeted_policy.set,
            children=[
                solara.Button(
                    scenario_label(name, language),
                    value=name,
                    classes=[f"mutusim-target-{name}"],
                )
                for name in chosen
            ],
            style={"flex-wrap": "wrap"},
        )
        shipped = shipped_policy(policy)
        rule = current_levers().targeting_of(policy)
        size_min = rule.size_min if rule.size_min is not None else shipped.eligibility.size_min
        size_max = rule.size_max if rule.size_max is not None else shipped.eligibility.size_max
        size = (int(size_min), int(min(size_max or SIZE_NO_LIMIT, SIZE_NO_LIMIT)))
        high = (
            t("dashboard_size_no_limit", language)
            if size[1] >= SIZE_NO_LIMIT
            else number(size[1], language)
        )
        solara.Text(
            labelled(
                t("dashboard_size_range", language),
                t("dashboard_size_shown", language, low=number(size[0], language), high=high),
                language,
            ),
            classes=["mutusim-size-shown"],
        )
        solara.SliderRangeInt(
            "",
            value=size,
            min=0,
            max=SIZE_NO_LIMIT,
            step=1,
            on_value=lambda v: _set_targeting(policy, size_min=v[0], size_max=v[1]),
            thumb_label=False,
        )
        start = rule.start_month if rule.start_month is not None else shipped.start_month
        end = rule.end_month if rule.end_month is not None else shipped.end_month
        solara.Text(
            labelled(
                t("dashboard_window", language),
                t("dashboard_window_shown", language, start=start, end=end),
                language,
            )
        )
        solara.SliderRangeInt(
            "",
            value=(int(start), int(end)),
            min=0,
            max=120,
            step=1,
            on_value=lambda v: _set_targeting(
                policy, start_month=v[0], end_month=max(v[1], v[0] + 1)
            ),
            thumb_label=False,
        )
        own = rule.budget_eur / 1e6 if rule.budget_eur is not None else 0.0
        solara.Text(
            labelled(
                t("dashboard_own_budget", language),
                number(own, language, 2) if own > 0 else t("dashboard_own_budget_total", language),
                language,
            )
        )
        solara.SliderFloat(
            "",
            value=own,
            min=0.0,
            max=10.0,
            step=0.25,
            on_value=lambda v: _set_targeting(policy, budget_eur=v * 1e6 if v > 0 else None),
            thumb_label=False,
        )
        provinces = rule.provinces if rule.provinces is not None else shipped.eligibility.provinces
        solara.Div(children=[t("dashboard_provinces", language)])
        _Ticks("province", PROVINCES, tuple(provinces or ()), policy, "provinces")
        sectors = rule.sectors if rule.sectors is not None else shipped.eligibility.sectors
        solara.Div(children=[t("dashboard_sectors", language)])
        _Ticks(
            "sector", population_sectors(population.value), tuple(sectors or ()), policy, "sectors"
        )


@solara.component
def _Ticks(group: str, names, ticked: tuple[str, ...], policy: str, field: str):
    """One checkbox per category of ``group``; ticking none means every category."""
    language = lang.value

    def toggle(name: str, on: bool) -> None:
        kept = tuple(n for n in names if (n in ticked and n != name) or (n == name and on))
        _set_targeting(policy, **{field: kept})

    with solara.Row(style={"flex-wrap": "wrap"}, gap="0px 12px"):
        for name in names:
            with solara.Div(classes=[f"mutusim-{group}-{name}"]):
                solara.Checkbox(
                    label=category_label(group, name, language),
                    value=name in ticked,
                    on_value=lambda on, name=name: toggle(name, on),
                )


@solara.component
def KeyFigure(title: str, value: str, note: str, name: str, statistic: str):
    """One key figure: a title, the statistic it shows (median, mean, …), a large value and a
    note on its uncertainty."""
    with solara.Card(
        title,
        subtitle=t(f"dashboard_stat_{statistic}", lang.value),
        margin=1,
        classes=["mutusim-keyfigure", f"mutusim-kf-{name}"],
        style={"min-width": "220px", "flex": "1 1 220px"},
    ):
        solara.Div(
            children=[value],
            classes=["mutusim-kf-value"],
            style={"font-size": "1.4em", "font-weight": "bold", "margin-bottom": "4px"},
        )
        solara.Div(children=[note], style={"font-size": "0.85em"})


@solara.component
def KeyFigures(result: Comparison):
    """Adoption at the horizon, effect, projects running, public money, € per extra EES."""
    language = lang.value
    years = number(result.horizon_months / 12.0, language)
    base, scen = result.baseline, result.scenario
    with solara.Row(classes=["mutusim-keyfigures"], style={"flex-wrap": "wrap"}):
        KeyFigure(
            t("dashboard_kf_adoption", language, years=years),
            t(
                "dashboard_kf_vs_baseline",
                language,
                scenario=percent(scen.adoption_median, language),
                baseline=percent(base.adoption_median, language),
            ),
            t(
                "dashboard_kf_adoption_range",
                language,
                low=percent(scen.adoption_low, language),
                high=percent(scen.adoption_high, language),
                base_low=percent(base.adoption_low, language),
                base_high=percent(base.adoption_high, language),
            ),
            "adoption",
            "median",
        )
        KeyFigure(
            t("dashboard_kf_difference", language),
            t("dashboard_kf_points", language, value=points(result.difference_mean, language)),
            t(
                "dashboard_kf_difference_ci",
                language,
                low=points(result.difference_low, language),
                high=points(result.difference_high, language),
                p05=points(result.difference_p05, language),
                p95=points(result.difference_p95, language),
            ),
            "difference",
            "mean",
        )
        KeyFigure(
            t("dashboard_kf_projects", language, years=years),
            t(
                "dashboard_kf_vs_baseline",
                language,
                scenario=number(scen.projects_running, language, 1),
                baseline=number(base.projects_running, language, 1),
            ),
            t("dashboard_kf_mean_over_runs", language),
            "projects",
            "mean",
        )
        KeyFigure(
            t("dashboard_kf_spend", language),
            euros(scen.public_eur, language),
            t("dashboard_kf_spend_note", language, years=years),
            "spend",
            "mean",
        )
        if not result.cost.get("eur_per_extra_pooled_ees_meaningful", False):
            cost, note = (
                t("fmt.not_meaningful", language),
                t("dashboard_kf_cost_none_note", language),
            )
        else:
            cost = cost_per_extra(result.cost, "eur_per_extra_pooled_ees", language)
            note = t(
                "dashboard_kf_cost_note",
                language,
                extra=number(result.additional_adopters, language, 1),
                per_year=cost_per_extra(result.cost, "eur_per_extra_pooled_ees_year", language),
            )
        KeyFigure(t("dashboard_kf_cost", language), cost, note, "cost", "ratio")


@solara.component
def Results():
    """Progress while running; then key figures and the fan chart of the last run."""
    language = lang.value
    with solara.Column(classes=["mutusim-results-panel"]):
        heading(t("dashboard_results", language), 3)
        if comparison_task.pending:
            done = comparison_task.progress or 0.0
            solara.Text(
                t("dashboard_running", language, done=number(done, language)),
                classes=["mutusim-progress"],
            )
            solara.ProgressLinear(value=done)
        if comparison_task.error:
            solara.Error(t("dashboard_error", language, error=str(comparison_task.exception)))
        result = comparison_task.latest
        if result is None:
            if not comparison_task.pending:
                solara.Info(t("dashboard_no_result", language))
            return
        solara.Text(
            t(
                "dashboard_results_for",
                language,
                runs=result.runs,
                seed=result.seed,
                population=_population_label(result.levers.population, language),
                policies=describe_policies(result.levers, language),
            ),
            classes=["mutusim-results-for"],
        )
        if (result.levers, result.runs, result.seed) != (
            current_levers(),
            runs.value,
            current_seed(),
        ):
            solara.Warning(t("dashboard_outdated", language))
        KeyFigures(result)
        FanChart(result)
        SpendChart(result)


@solara.component
def FanChart(result: Comparison):
    """Adoption over time, scenario and baseline."""
    language = lang.value
    fan = solara.use_memo(
        lambda: figures.fan_chart(result, language), dependencies=[result, language]
    )
    with solara.Div(classes=["mutusim-fan"]):
        solara.FigureMatplotlib(fan, dependencies=[result, language])


@solara.component
def SpendChart(result: Comparison):
    """Public money spent by each policy over time."""
    language = lang.value
    spend = solara.use_memo(
        lambda: figures.spend_figure(result, language), dependencies=[result, language]
    )
    with solara.Div(classes=["mutusim-spend"]):
        solara.FigureMatplotlib(spend, dependencies=[result, language])


@solara.component
def AgentView():
    """One Mesa run on the federation with the page's policies, month by month."""
    language = lang.value
    levers = current_levers()
    run_seed = current_seed()
    task = solara.lab.use_task(
        lambda: record_run(levers, seed=run_seed), dependencies=[levers, run_seed]
    )
    n = population_size(AGENT_POPULATION)
    with solara.Card(t("dashboard_agents_title", language, n=n), classes=["mutusim-agents"]):
        solara.Text(t("dashboard_agents_intro", language))
        run = task.latest
        if task.pending:
            solara.ProgressLinear(True)
        if task.error:
            solara.Error(t("dashboard_error", language, error=str(task.exception)))
        if run is None:
            return
        horizon = run.horizon_months
        month = min(max(agent_month.value, 0), horizon)

        def move(by: int):
            agent_month.value = min(max(agent_month.value + by, 0), horizon)

        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Button(
                t("dashboard_step_back", language),
                on_click=lambda: move(-1),
                classes=["mutusim-step-back"],
            )
            solara.Button(
                t("dashboard_step", language), on_click=lambda: move(1), classes=["mutusim-step"]
            )
            solara.Button(
                t("dashboard_step_year", language),
                on_click=lambda: move(12),
                classes=["mutusim-step-year"],
            )
        Lever(
            t("dashboard_month", language),
            agent_month,
            (0, horizon, 1),
            f"{month} / {horizon}",
            "month",
        )
        AgentFigures(run, month)


@solara.component
def AgentFigures(run: AgentRun, month: int):
    """The network at ``month`` and the members by circle over the run."""
    language = lang.value
    network = solara.use_memo(
        lambda: figures.network_figure(run, month, language), dependencies=[run, month, language]
    )
    rings = solara.use_memo(
        lambda: figures.rings_figure(run, month, language), dependencies=[run, month, language]
    )
    with solara.Columns([1, 1], classes=["mutusim-agent-figures"]):
        with solara.Div(classes=["mutusim-network"]):
            solara.FigureMatplotlib(network, dependencies=[run, month, language])
        with solara.Div(classes=["mutusim-rings"]):
            solara.FigureMatplotlib(rings, dependencies=[run, month, language])


@solara.component
def MatchView():
    """A survey dropped on the page, matched here: its bad cells, or its proposals."""
    language = lang.value
    upload, set_upload = solara.use_state(None)
    task = solara.lab.use_task(
        lambda: match_upload(upload[0], upload[1], language) if upload else None,
        dependencies=[upload, language],
    )
    with solara.Card(t("dashboard_match_title", language), classes=["mutusim-match"]):
        solara.Text(t("dashboard_match_intro", language, runs=DASHBOARD_RUNS))
        solara.FileDrop(
            label=t("dashboard_match_drop", language),
            on_file=lambda info: set_upload((info["name"], info["data"])),
            lazy=False,
        )
        if task.pending:
            solara.ProgressLinear(True)
        if task.error:
            solara.Error(t("dashboard_error", language, error=str(task.exception)))
        found = task.latest
        if found is None or task.pending:
            return
        for line in found.problems:
            solara.Error(line)
        if found.table is not None:
            solara.Text(found.drawn)
            if len(found.table):
                solara.DataFrame(found.table, items_per_page=10)
            else:
                solara.Warning(t("dashboard_match_none", language))


@solara.component
def Page():
    """The whole dashboard."""
    language = lang.value
    solara.Title(t("dashboard_title", language))
    solara.Style(CSS)
    with solara.Column(style={"padding": "12px 20px", "max-width": "1500px"}):
        with solara.Row(style={"align-items": "center", "justify-content": "space-between"}):
            heading(t("dashboard_title", language), 2, ("mutusim-title",))
            LanguageToggle()
        solara.Text(t("dashboard_intro", language))
        with solara.Columns([1, 2]):
            LeverPanel()
            Results()
        AgentView()
        MatchView()
