"""From a survey to ranked proposals: read and check, build the population, search, simulate,
rank. ``prepare`` does every check before any simulation; ``propose`` does the work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mutusim.catalogue import MODES, SERVICE_NAMES
from mutusim.config import load_config
from mutusim.config.schema import ScenarioConfig
from mutusim.errors import ConfigError
from mutusim.i18n import t
from mutusim.match.estimate import Chances, estimate
from mutusim.match.population import SurveyPopulation, people_of, survey_population
from mutusim.match.risk import main_risk, risk_words
from mutusim.match.search import Candidate, candidate_circles
from mutusim.match.survey import Survey, read_survey
from mutusim.phases import ScenarioInputs, scenario_inputs

CIRCLE_COLUMNS = (
    "rank",
    "members",
    "scope",
    "mode",
    "p_formation",
    "p_formation_low",
    "p_formation_high",
    "p_running",
    "p_running_low",
    "p_running_high",
    "expected_members",
    "main_risk",
)
"""The columns of ``circles.csv`` (and ``.xlsx``), in order; ``names`` follows with --names."""


PER_PIONEER = 3
"""Variants of one pioneer's circle among the candidates simulated (keeps the search's best
from crowding out other pioneers)."""

MAX_SHARED = 0.5
"""A proposal shares at most this share of its members with a better-ranked one: the list
offers distinct circles, not variants of one."""


@dataclass(frozen=True)
class MatchSettings:
    """The options of ``mutusim match``."""

    scope: tuple[str, ...] = ()
    min_size: int | None = None
    max_size: int | None = None
    runs: int = 200
    top: int = 5
    months: int = 36
    seed: int = 0
    lang: str = "fr"
    names: bool = False
    candidates: int | None = None
    beam: int = 8
    config: str | None = None


@dataclass
class Prepared:
    """A checked survey and everything needed to simulate it."""

    survey: Survey
    config: ScenarioConfig
    inputs: ScenarioInputs
    survey_pop: SurveyPopulation
    settings: MatchSettings
    min_size: int
    max_size: int
    scope_mask: int


@dataclass
class Proposal:
    """One ranked circle: the candidate, its chances and its main risk."""

    rank: int
    candidate: Candidate
    chances: Chances
    risk_key: str
    risk_share: float


@dataclass
class MatchResult:
    """Ranked proposals and how they were found."""

    prepared: Prepared
    proposals: list[Proposal]
    n_candidates: int
    seconds: dict[str, float] = field(default_factory=dict)


def _scenario(settings: MatchSettings, n: int) -> ScenarioConfig:
    overrides = [f"horizon_months={settings.months}", f"population.n_agents={n}"]
    return load_config(settings.config, overrides)


def prepare(path: str | Path, settings: MatchSettings) -> Prepared:
    """Check the options and the survey (``SurveyError``, ``ConfigError``) and build its
    population; nothing is simulated or written."""
    base = load_config(settings.config)
    sectors = tuple(s.name for s in base.population.sectors)
    unknown = [s for s in settings.scope if s not in SERVICE_NAMES]
    if unknown:
        raise ConfigError(
            f"--scope: expected catalogue services ({', '.join(SERVICE_NAMES)}); "
            f"found {', '.join(unknown)}"
        )
    survey = read_survey(path, sectors)
    config = _scenario(settings, survey.n)
    inputs = scenario_inputs(config)
    par = inputs.par[0]
    min_size = settings.min_size or int(par["behaviour_core_min_partners"]) + 1
    capacity = int(par["projects_max_members"])
    default_max = min(int(par["behaviour_core_max_partners"]) + 1, capacity, survey.n)
    max_size = settings.max_size or max(default_max, min_size)
    if not 2 <= min_size <= max_size <= min(capacity, survey.n):
        raise ConfigError(
            f"--min-size/--max-size: expected 2 <= min <= max <= {min(capacity, survey.n)} "
            f"(the survey's EES and projects.max_members); found {min_size} and {max_size}"
        )
    scope_mask = sum(1 << SERVICE_NAMES.index(s) for s in settings.scope)
    return Prepared(
        survey, config, inputs, survey_population(survey), settings, min_size, max_size, scope_mask
    )


def search(prep: Prepared) -> list[Candidate]:
    """The candidates to simulate: the beam search on run 0's population, best promise first,
    as many as ``settings.candidates`` (default: 4 × top, at least 20)."""
    s = prep.settings
    people = people_of(prep.survey_pop, prep.inputs.population, prep.inputs.n_sectors, s.seed, 0)
    found = candidate_circles(
        people,
        prep.inputs.par,
        prep.inputs.phases,
        prep.scope_mask,
        prep.min_size,
        prep.max_size,
        s.beam,
    )
    keep = s.candidates or max(4 * s.top, 20)
    per_pioneer: dict[int, int] = {}
    chosen = []
    for c in found:  # at most PER_PIONEER variants of one pioneer's circle are simulated
        if per_pioneer.get(c.members[0], 0) < PER_PIONEER:
            per_pioneer[c.members[0]] = per_pioneer.get(c.members[0], 0) + 1
            chosen.append(c)
    return chosen[:keep]


def propose(
    prep: Prepared,
    candidates: list[Candidate],
    progress: Callable[[int], None] | None = None,
) -> MatchResult:
    """Simulate every candidate and rank them: still running at month M first, then forming,
    then expected members; keep ``top``."""
    s = prep.settings
    cores = [c.members for c in candidates]
    chances = estimate(prep.inputs, prep.survey_pop, cores, s.seed, s.runs, progress=progress)
    order = sorted(
        range(len(candidates)),
        key=lambda k: (
            -chances[k].p_running,
            -chances[k].p_formation,
            -chances[k].expected_members,
            candidates[k].members,
        ),
    )
    proposals: list[Proposal] = []
    for k in order:
        if len(proposals) == s.top:
            break
        mine = set(candidates[k].members)
        if any(len(mine & set(p.candidate.members)) > MAX_SHARED * len(mine) for p in proposals):
            continue  # a variant of a better proposal
        key, share = main_risk(chances[k], candidates[k].factors, prep.inputs.phases, s.months)
        proposals.append(Proposal(len(proposals) + 1, candidates[k], chances[k], key, share))
    return MatchResult(prep, proposals, len(candidates))


def services(mask: int) -> list[str]:
    """The catalogue services of a bit mask."""
    return [name for k, name in enumerate(SERVICE_NAMES) if (mask >> k) & 1]


def circles_table(result: MatchResult, lang: str) -> pd.DataFrame:
    """The proposals as the rows of ``circles.csv`` (ids, not names, unless --names)."""
    prep = result.prepared
    ids, names = prep.survey.ids, prep.survey.names
    rows = []
    for p in result.proposals:
        c = p.chances
        row = {
            "rank": p.rank,
            "members": ";".join(ids[i] for i in p.candidate.members),
            "scope": ";".join(services(p.candidate.scope)),
            "mode": c.mode,
            "p_formation": round(c.p_formation, 4),
            "p_formation_low": round(c.p_formation_low, 4),
            "p_formation_high": round(c.p_formation_high, 4),
            "p_running": round(c.p_running, 4),
            "p_running_low": round(c.p_running_low, 4),
            "p_running_high": round(c.p_running_high, 4),
            "expected_members": round(c.expected_members, 2),
            "main_risk": risk_words(
                p.risk_key,
                p.risk_share,
                lang,
                prep.settings.months,
                p.candidate.factors["rivals"] > 0,
            ),
        }
        if prep.settings.names:
            row["names"] = ";".join(names[i] for i in p.candidate.members)
        rows.append(row)
    columns = [*CIRCLE_COLUMNS, *(["names"] if prep.settings.names else [])]
    return pd.DataFrame(rows, columns=columns)


def drawn_text(prep: Prepared, lang: str) -> str:
    """What was drawn because the survey left it blank (one line)."""
    sp = prep.survey_pop
    parts = [t("match.console.cells", lang, column=k, n=v) for k, v in sp.drawn.items()]
    if sp.draw_ties:
        parts.append(t("match.console.drawn_network", lang))
    if sp.draw_rivals:
        parts.append(t("match.console.drawn_rivals", lang))
    if not parts:
        return t("match.console.drawn_none", lang)
    return t("match.console.drawn", lang, what="; ".join(parts))


def mode_words(mode: str, lang: str) -> str:
    """A pooling mode in words ('' when the circle never formed)."""
    return t(f"match.mode.{mode}", lang) if mode in MODES else "–"
