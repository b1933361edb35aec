"""The sections of the scenario report: question, scenarios, key figures, figures,
assumptions and sources, reproduction. Each returns HTML built with ``report.page``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from mutusim.config import ConfigError, config_dir, config_hash, load_config
from mutusim.experiments.schema import text_in
from mutusim.i18n import t
from mutusim.plotting.style import (
    count,
    interval,
    money,
    number,
    parameter_label,
    percent,
    points,
    scenario_label,
    text_or,
)
from mutusim.report import page, words
from mutusim.report.figures import Shown
from mutusim.report.load import Results
from mutusim.report.sources import population_sources


def shown_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def title(results: Results, lang: str) -> tuple[str, str]:
    """Page title and subtitle."""
    name = results.manifest.get("experiment") or results.manifest.get("scenario")
    if results.experiment is not None and results.experiment.label is not None:
        name = text_in(results.experiment.label, lang)
    elif results.kind == "run":
        name = scenario_label(name, lang)
    kind = t(f"report.kind.{results.kind}", lang)
    sub = t(
        "report.subtitle",
        lang,
        kind=kind,
        runs=count(results.runs_per_scenario, "runs", lang),
        years=words.years_text(results.horizon_months, lang),
        folder=shown_path(results.folder),
    )
    return t("report.title", lang, name=name), sub


# ----------------------------------------------------------------------------- question
def question(results: Results, lang: str) -> str:
    """The question the results answer."""
    if results.experiment is not None:
        exp = results.experiment
        text = text_or(
            f"question.{exp.name}",
            lang,
            text_in(exp.description, lang) or t("report.no_question", lang),
        )
    else:
        name = results.scenarios[0]
        config = results.configs.get(name)
        text = t("report.run_question", lang, scenario=scenario_label(name, lang))
        if config is not None and config.description:
            text += " " + config.description
    body = f'<p class="question">{page.esc(text)}</p>'
    config = next(iter(results.configs.values()), None)
    if config is not None:
        body += page.paragraphs(
            [
                t(
                    "report.population_line",
                    lang,
                    name=text_or(
                        f"population.{config.population.name}", lang, config.population.name
                    ),
                    n=number(config.population.n_agents, lang),
                    years=words.years_text(config.horizon_months, lang),
                )
            ],
            "muted",
        )
    return page.section("question", t("report.h_question", lang), body)


# ----------------------------------------------------------------------------- scenarios
def scenarios(results: Results, lang: str) -> str:
    """The scenarios and their policies in plain words (or the parameters a sweep varies)."""
    if results.kind in ("sweep", "sensitivity"):
        return _parameters(results, lang)
    if not results.configs:
        return page.section(
            "scenarios",
            t("report.h_scenarios", lang),
            page.paragraphs([t("report.note_config_changed", lang)], "note"),
        )
    arms = {}
    if results.kind == "comparison":
        arms = {a.name: a for a in results.experiment.scenarios}
    items = []
    for name in results.scenarios:
        config = results.configs.get(name)
        if config is None:
            continue
        head, policies = words.describe_scenario(config, lang)
        changes = words.describe_overrides(arms[name].set, lang) if name in arms else []
        label = scenario_label(name, lang, results.labels(lang))
        about = text_in(arms[name].description, lang) if name in arms else ""
        lead = page.paragraphs([about], "muted") if about else ""
        items.append(
            f"<dt>{page.esc(label)} <code>{page.esc(name)}</code></dt>"
            f"<dd>{lead}{page.esc(head)}{page.bullets(policies + changes)}</dd>"
        )
    body = f'<dl class="scenarios">{"".join(items)}</dl>'
    base = results.experiment.set if results.experiment is not None else {}
    if base:
        body += page.paragraphs([t("report.base_changes", lang)]) + page.bullets(
            words.describe_overrides(base, lang)
        )
    return page.section("scenarios", t("report.h_scenarios", lang), body)


def _parameters(results: Results, lang: str) -> str:
    exp = results.experiment
    lines = []
    for name, r in exp.parameters.items():
        if r.values is not None:
            values = ", ".join(words.plain(v, lang) for v in r.values)
            lines.append(
                t("report.param_values", lang, name=parameter_label(name, lang), values=values)
            )
        else:
            lines.append(
                t(
                    "report.param_range",
                    lang,
                    name=parameter_label(name, lang),
                    lo=words.plain(r.min, lang),
                    hi=words.plain(r.max, lang),
                )
            )
    body = page.paragraphs([words.design_text(results, lang)]) + page.bullets(lines)
    if exp.set:
        body += page.paragraphs([t("report.base_changes", lang)]) + page.bullets(
            words.describe_overrides(exp.set, lang)
        )
    return page.section("scenarios", t("report.h_parameters", lang), body)


# ----------------------------------------------------------------------------- key figures
def key_figures(results: Results, lang: str) -> str:
    """Headline sentences, one paragraph per scenario and a table (comparisons)."""
    if results.kind == "comparison":
        rows = words.comparison_rows(results, lang)
        head = words.comparison_headline(rows, lang, results.horizon_months, results.runs)
        body = f'<div class="headline">{page.paragraphs(head)}</div>'
        for row in rows:
            body += f"<h3>{page.esc(row['label'])}</h3>" + page.paragraphs(row["sentences"])
        body += _comparison_table(rows, lang)
        body += _target_group_table(results, lang)
    elif results.kind == "run":
        body = f'<div class="headline">{page.paragraphs(words.run_sentences(results, lang))}</div>'
    elif results.kind == "factorial":
        body = page.bullets(words.factorial_sentences(results, lang))
    elif results.kind == "sweep":
        body = page.paragraphs(words.sweep_sentences(results, lang))
    elif results.kind == "sensitivity":
        body = page.paragraphs(words.sensitivity_sentences(results, lang))
    else:
        body = page.bullets(words.replication_sentences(results, lang))
    body += page.paragraphs([t("report.read_as_logic", lang)], "muted")
    return page.section("key-figures", t("report.h_key", lang), body)


def _comparison_table(rows: list[dict[str, Any]], lang: str) -> str:
    header = [
        t("report.col_scenario", lang),
        t("report.col_adoption", lang),
        t("report.col_nine", lang),
        t("report.col_diff", lang),
        t("report.col_projects", lang),
        t("report.col_spend", lang),
        t("report.col_cost", lang),
    ]
    body = []
    for r in rows:
        body.append(
            [
                r["label"],
                interval(
                    percent(r["mean"], lang),
                    percent(r["ci"][0], lang),
                    percent(r["ci"][1], lang),
                    lang,
                ),
                f"{percent(r['q'][0], lang)} – {percent(r['q'][1], lang)}",
                interval(
                    points(r["diff"], lang),
                    number(r["diff_ci"][0] * 100, lang, 1, True),
                    number(r["diff_ci"][1] * 100, lang, 1, True),
                    lang,
                ),
                number(r["projects"], lang, 1),
                money(r["spend"], lang),
                r["cost_text"],
            ]
        )
    return page.table(header, body, numeric={1, 2, 3, 4, 5, 6})


def _target_group_table(results: Results, lang: str) -> str:
    """Each targeted policy judged on its own group: adoption inside the group in the baseline
    and the scenario, and the paired differences inside and outside it, with intervals."""
    if not results.target_groups:
        return ""

    def pct(ci: tuple[float, float, float]) -> str:
        return interval(percent(ci[0], lang), percent(ci[1], lang), percent(ci[2], lang), lang)

    def pts(ci: tuple[float, float, float]) -> str:
        return interval(
            points(ci[0], lang),
            number(ci[1] * 100, lang, 1, True),
            number(ci[2] * 100, lang, 1, True),
            lang,
        )

    labels = results.labels(lang)
    rows = [
        [
            scenario_label(name, lang, labels),
            t("report.list_sep", lang).join(words.eligibility_words(effect.group, lang)),
            percent(effect.group_share, lang),
            pct(effect.baseline_inside),
            pct(effect.scenario_inside),
            pts(effect.difference_inside),
            pts(effect.difference_outside),
        ]
        for name, effect in results.target_groups
    ]
    header = [
        t("report.col_scenario", lang),
        t("report.col_group", lang),
        t("report.col_group_share", lang),
        t("report.col_group_baseline", lang),
        t("report.col_group_scenario", lang),
        t("report.col_group_diff", lang),
        t("report.col_outside_diff", lang),
    ]
    intro = t("report.target_groups_intro", lang, runs=count(results.target_runs, "runs", lang))
    return (
        f"<h3>{page.esc(t('report.h_target_groups', lang))}</h3>"
        + page.paragraphs([intro])
        + page.table(header, rows, numeric={2, 3, 4, 5, 6})
    )


# ----------------------------------------------------------------------------- figures
def figures(shown: list[Shown], results: Results, lang: str) -> str:
    """The embedded figures, and notes on those that could not be drawn."""
    body = "".join(page.figure(s.figure, s.caption, s.alt) for s in shown)
    notes = [t(key, lang) for key in dict.fromkeys(results.notes)]
    body += page.paragraphs(notes, "note")
    if not shown:
        body += page.paragraphs([t("report.no_figures", lang)], "muted")
    return page.section("figures", t("report.h_figures", lang), body)


# ----------------------------------------------------------------------------- assumptions
def assumptions(results: Results, lang: str) -> str:
    """Population facts with their sources; what is an assumption."""
    body = ""
    seen = set()
    for config in results.configs.values():
        population = config.population
        if population.name in seen:
            continue
        seen.add(population.name)
        src = population_sources(population)
        shown = text_or(f"population.{population.name}", lang, population.name)
        body += f"<h3>{page.esc(t('report.population_facts', lang, name=shown))}</h3>"
        if not src.facts:
            body += page.paragraphs([t("report.no_sources", lang)], "muted")
            continue
        rows = []
        for fact in src.facts:
            value = words.plain(fact.value, lang)
            if fact.changed:
                value += " " + t("report.changed", lang)
            group = fact.path.split(".")[0]
            rows.append(
                [
                    text_or(f"popfield.{group}", lang, group) + f" ({fact.path})",
                    value,
                    fact.source,
                ]
            )
        body += page.table(
            [t("report.col_fact", lang), t("report.col_value", lang), t("report.col_source", lang)],
            rows,
            numeric={1},
            quoted={2: "en"},  # sources are cited as the population file writes them
        )
        if src.groups:
            body += page.paragraphs([t("report.group_sources", lang)]) + page.bullets(
                (f"{g}: {s}" for g, s in src.groups.items()), lang="en"
            )
        body += page.paragraphs(
            [t("report.population_assumptions", lang, n=src.assumptions, file=shown_path(src.file))]
        )
    body += page.paragraphs(
        [t("report.behaviour_assumptions", lang), t("report.policy_assumptions", lang)]
    )
    return page.section("assumptions", t("report.h_assumptions", lang), body)


# ----------------------------------------------------------------------------- reproduce
def _matching_experiment_file(results: Results) -> Path | None:
    from mutusim.experiments.design import base_scenario, cells, resolve_parameters
    from mutusim.experiments.runner import experiment_hash, load_experiment

    folders = dict.fromkeys([Path.cwd() / "experiments", config_dir().parent / "experiments"])
    for folder in folders:
        for file in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            try:
                exp = load_experiment(file)
                if exp.name != results.experiment.name:
                    continue
                exp = resolve_parameters(exp, base_scenario(exp, str(file)), str(file))
                if (
                    experiment_hash(exp, cells(exp, str(file)))
                    == results.manifest["experiment_sha256"]
                ):
                    return file
            except (ConfigError, OSError):
                continue
    return None


def _matching_config_file(results: Results) -> Path | None:
    folder = config_dir()
    for file in [*sorted(folder.glob("*.yaml")), *sorted((folder / "scenarios").glob("*.yaml"))]:
        try:
            if config_hash(load_config(file)) == results.manifest.get("config_sha256"):
                return file
        except ConfigError:
            continue
    return None


def reproduce(results: Results, lang: str) -> str:
    """The exact commands, the manifest's hash and the versions."""
    m = results.manifest
    folder = shown_path(results.folder)
    extra = ""
    if results.experiment is not None:
        file = _matching_experiment_file(results)
        if file is None:
            definition = yaml.safe_dump(
                m["experiment_definition"], sort_keys=False, allow_unicode=True
            )
            extra = page.paragraphs([t("report.save_experiment", lang)]) + page.details(
                "experiment.yaml", definition
            )
        if file is None:
            folder += "-rerun"  # the folder of these results holds the experiment's own hash
        command = (
            f"mutusim experiment {shown_path(file) if file else 'experiment.yaml'} --out {folder}"
        )
        digest, digest_label = m["experiment_sha256"], t("report.experiment_hash", lang)
    else:
        file = _matching_config_file(results)
        if file is None:
            config = yaml.safe_dump(m["config"], sort_keys=False, allow_unicode=True)
            extra = page.paragraphs([t("report.save_config", lang)]) + page.details(
                "scenario.yaml", config
            )
        command = (
            f"mutusim run {shown_path(file) if file else 'scenario.yaml'} --runs {m['runs']} "
            f"--seed {m['seed']} --engine {m['engine']} --out {folder}"
        )
        digest, digest_label = m["config_sha256"], t("report.config_hash", lang)
    commands = f"{command}\nmutusim report {folder} --lang {lang}"
    rows = [
        [digest_label, digest],
        [t("report.seed", lang), str(results.seed)],
        [t("report.runs_per_scenario", lang), str(results.runs_per_scenario)],
        [t("report.git_commit", lang), str(m.get("git_commit", "unknown"))],
        [
            t("report.versions", lang),
            ", ".join(f"{k} {v}" for k, v in sorted(m.get("versions", {}).items())),
        ],
    ]
    body = (
        page.paragraphs([t("report.reproduce_intro", lang)])
        + f"<pre>{page.esc(commands)}</pre>"
        + extra
        + page.table([t("report.col_item", lang), t("report.col_value", lang)], rows, numeric=set())
    )
    if results.kind not in ("run",) and "scenarios" in m:
        hashes = json.dumps(
            {k: v.get("config_sha256") for k, v in m["scenarios"].items()}, indent=1
        )
        body += page.details(t("report.scenario_hashes", lang), hashes)
    body += page.paragraphs([t("report.same_results", lang)], "muted")
    return page.section("reproduce", t("report.h_reproduce", lang), body)
