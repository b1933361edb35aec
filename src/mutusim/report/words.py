"""Plain words for decision makers: policies and scenarios described from their resolved
configs, and key figures with their uncertainty ("in 9 runs out of 10, between … and …",
from the 5 % and 95 % quantiles of the runs). Every sentence comes from the catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from mutusim.config import ScenarioConfig
from mutusim.i18n import t
from mutusim.i18n.words import cost_per_extra
from mutusim.plotting.style import (
    category_label,
    count,
    interval,
    money,
    number,
    outcome_label,
    parameter_label,
    percent,
    points,
    scenario_label,
)


def quantiles(values: pd.Series | np.ndarray) -> tuple[float, float, float]:
    """5 %, 50 % and 95 % quantiles of the runs."""
    q = np.quantile(np.asarray(values, dtype=float), [0.05, 0.5, 0.95])
    return float(q[0]), float(q[1]), float(q[2])


def nine_in_ten(lo: str, hi: str, lang: str) -> str:
    """The phrase "in 9 runs out of 10, between LO and HI" in ``lang``."""
    return t("report.nine_in_ten", lang, lo=lo, hi=hi)


def years_text(months: int, lang: str) -> str:
    """A horizon in words: "10 years", or "30 months" when not whole years."""
    if months % 12 == 0:
        return t("report.n_years", lang, n=number(months / 12, lang))
    return t("report.n_months", lang, n=months)


# ----------------------------------------------------------------------------- policies
def _policy_main(p: Any, lang: str) -> str:
    kind = p.type
    if kind == "pooled_subsidy":
        values = {"rate": percent(p.rate, lang, 0), "cap": money(p.cap_eur_per_member_month, lang)}
    elif kind == "facilitator":
        values = {
            "facilitators": count(p.facilitators, "facilitators", lang),
            "k": p.projects_per_facilitator,
            "contacts": number(p.contacts_per_facilitator_month, lang),
            "cost": money(p.cost_eur_per_facilitator_month, lang),
        }
    elif kind == "pioneer_reward":
        values = {
            "reward": money(p.reward_eur, lang),
            "boost": percent(p.initiation_boost, lang, 0),
        }
    elif kind == "awareness":
        values = {
            "contacts": number(p.contacts_per_month, lang),
            "rate": percent(p.conversion_probability, lang, 0),
            "cost": money(p.cost_eur_per_contact, lang),
        }
    elif kind == "training":
        values = {
            "rate": percent(p.participation_rate, lang, 0),
            "gain": percent(p.maturity_gain, lang, 0),
            "cost": money(p.cost_eur_per_trainee, lang),
        }
    elif kind == "standardisation":
        values = {"rate": percent(p.rate, lang, 1), "cost": money(p.cost_eur_per_month, lang)}
    else:
        values = {
            "grant": money(p.grant_eur, lang),
            "rate": percent(p.uptake_rate, lang, 0),
            "boost": percent(p.capacity_boost, lang, 0),
        }
    return t(f"report.policy.{kind}", lang, **values)


def describe_policy(policy: Any, lang: str, policy_months: int) -> str:
    """One sentence: what the policy does, with its intensity, window (when it is not the
    whole policy period of ``policy_months``), own allocation and how it is spent, and
    eligibility (e.g. "Subvention de 50 % des coûts mutualisés …, budget propre 2 M€")."""
    parts = [_policy_main(policy, lang)]
    if policy.start_month > 0 or policy.end_month < policy_months:
        parts.append(
            t("report.policy_window", lang, start=policy.start_month, end=policy.end_month)
        )
    if policy.budget_eur is not None:
        parts.append(t("report.policy_budget", lang, budget=money(policy.budget_eur, lang)))
    if policy.spending != "as_demand":
        parts.append(t(f"report.spending.{policy.spending}", lang))
    parts.extend(eligibility_words(policy.eligibility, lang))
    return t("report.sentence", lang, text=t("report.list_sep", lang).join(parts))


def eligibility_words(rule: Any, lang: str) -> list[str]:
    """Who an eligibility rule (a policy's, or a target group) admits, phrase by phrase
    ("réservée aux EES de 9 travailleurs au plus", "provinces : Hainaut"); none for all."""
    parts = []
    if rule.size_max is not None:
        parts.append(t("report.eligible_size_max", lang, n=number(rule.size_max, lang)))
    if rule.size_min > 0:
        parts.append(t("report.eligible_size_min", lang, n=number(rule.size_min, lang)))
    if rule.sectors:
        names = ", ".join(category_label("sector", s, lang) for s in rule.sectors)
        parts.append(t("report.eligible_sectors", lang, names=names))
    if rule.provinces:
        names = ", ".join(category_label("province", s, lang) for s in rule.provinces)
        parts.append(t("report.eligible_provinces", lang, names=names))
    if rule.legal_forms:
        names = ", ".join(category_label("legal_form", s, lang) for s in rule.legal_forms)
        parts.append(t("report.eligible_legal_forms", lang, names=names))
    return parts


def describe_scenario(config: ScenarioConfig, lang: str) -> tuple[str, list[str]]:
    """The scenario's budget line and one sentence per policy."""
    if not config.policies:
        return t("report.no_policy", lang), []
    period = min(config.policy_period_months, config.horizon_months)
    if config.unlimited:
        head = t("report.scenario_unlimited", lang, years=years_text(period, lang))
    else:
        head = t(
            "report.scenario_budget",
            lang,
            budget=money(config.total_budget(), lang),
            years=years_text(period, lang),
        )
    return head, [describe_policy(p, lang, period) for p in config.policies]


def describe_overrides(overrides: dict[str, Any], lang: str) -> list[str]:
    """``key = value`` lines of what an experiment changed in its base scenario."""
    return [
        t("report.override", lang, name=parameter_label(k, lang), value=plain(v, lang))
        for k, v in overrides.items()
    ]


def plain(value: Any, lang: str) -> str:
    """A parameter value as written in the language: ``0,015``, ``6``, ``federation``."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return str(value)
    if float(value).is_integer():
        return number(float(value), lang, 0)
    return number(float(value), lang, 4).rstrip("0")


# ----------------------------------------------------------------------------- key figures
def interval_digits(ci: tuple[float, float]) -> int:
    """Decimals of percentage points that keep an interval's two ends apart (one, or two
    for an interval narrower than 0.2 point)."""
    low, high = ci
    return 2 if abs(high - low) * 100 < 0.2 else 1


def comparison_rows(results: Any, lang: str) -> list[dict[str, Any]]:
    """Per scenario of a comparison: its numbers and its sentences (baseline first)."""
    summary = results.summary.set_index("scenario")
    runs = results.runs
    base = runs[runs["scenario"] == results.baseline].set_index("run")["adoption_share"]
    years = years_text(results.horizon_months, lang)
    rows = []
    for name in results.scenarios:
        s = summary.loc[name]
        arm = runs[runs["scenario"] == name].set_index("run")["adoption_share"]
        lo, _, hi = quantiles(arm)
        row: dict[str, Any] = {
            "scenario": name,
            "label": scenario_label(name, lang, results.labels(lang)),
            "mean": s["adoption_share"],
            "ci": (s["adoption_share_lo"], s["adoption_share_hi"]),
            "q": (lo, hi),
            "diff": s["adoption_diff"],
            "diff_ci": (s["adoption_diff_lo"], s["adoption_diff_hi"]),
            "projects": s["active_projects"],
            "spend": s["cumulative_public_spend"],
            "cost": s.get("eur_per_extra_pooled_ees", np.nan),
            "cost_text": "–"
            if name == results.baseline
            else cost_per_extra(s.to_dict(), "eur_per_extra_pooled_ees", lang),
            "runs": int(s["runs"]),
        }
        sentences = [
            t(
                "report.kf_adoption",
                lang,
                share=percent(row["mean"], lang),
                years=years,
                n=number(row["runs"], lang),
                range=nine_in_ten(percent(lo, lang), percent(hi, lang), lang),
            )
        ]
        if name != results.baseline:
            paired = (arm - base.reindex(arm.index)).dropna()
            dlo, _, dhi = quantiles(paired)
            row["diff_q"] = (dlo, dhi)
            sentences.append(
                t(
                    "report.kf_diff",
                    lang,
                    diff=points(row["diff"], lang, interval_digits(row["diff_ci"])),
                    lo=points(row["diff_ci"][0], lang, interval_digits(row["diff_ci"])),
                    hi=points(row["diff_ci"][1], lang, interval_digits(row["diff_ci"])),
                    range=nine_in_ten(points(dlo, lang), points(dhi, lang), lang),
                )
            )
            sentences.extend(
                money_sentences(s.to_dict(), lang, results.horizon_months, policy_months(results))
            )
        elif s.get("budget", "") == "unlimited":
            sentences.append(t("report.kf_unlimited", lang))
        row["sentences"] = sentences
        rows.append(row)
    return rows


def policy_months(results: Any) -> int | None:
    """Months of the policy period of the compared scenarios (None when unknown)."""
    periods = {c.policy_period_months for c in results.configs.values()}
    return min(periods) if periods else None


def money_sentences(
    s: Mapping[str, Any], lang: str, horizon_months: int, policy_period: int | None
) -> list[str]:
    """What an arm's money bought, from its summary row: the lasting effect (end of policy
    period, end of follow-up, pooled-EES-years, each with the 5–95 % range of runs), the cost
    per additional pooled EES and pooled-EES-year with their bootstrap intervals (or "not
    meaningful"), and whether its allocation ran out or was left partly unspent."""
    out = []
    if "extra_pooled_ees_policy_end" in s and policy_period is not None:

        def effect(name: str) -> str:
            ci = interval(
                number(s[name], lang, 0),
                number(s[f"{name}_low"], lang, 0),
                number(s[f"{name}_high"], lang, 0),
                lang,
            )
            spread = nine_in_ten(
                number(s[f"{name}_p05"], lang, 0), number(s[f"{name}_p95"], lang, 0), lang
            )
            return f"{ci} ({spread})"

        out.append(
            t(
                "report.kf_durability",
                lang,
                policy_end=effect("extra_pooled_ees_policy_end"),
                end=effect("extra_pooled_ees"),
                ees_years=effect("extra_pooled_ees_years"),
                policy_years=years_text(min(policy_period, horizon_months), lang),
                years=years_text(horizon_months, lang),
            )
        )
    spend = money(s["cumulative_public_spend"], lang)
    if s.get("eur_per_extra_pooled_ees_meaningful", False):
        out.append(
            t(
                "report.kf_spend",
                lang,
                spend=spend,
                cost=cost_per_extra(s, "eur_per_extra_pooled_ees", lang),
                cost_year=cost_per_extra(s, "eur_per_extra_pooled_ees_year", lang),
            )
        )
    else:
        out.append(t("report.kf_spend_no_gain", lang, spend=spend))
    if s.get("budget") == "unlimited":
        out.append(t("report.kf_unlimited", lang))
    if s.get("ran_out_share", 0) > 0:
        out.append(
            t(
                "report.kf_ran_out",
                lang,
                share=percent(s["ran_out_share"], lang, 0),
                month=number(s["ran_out_month_median"], lang, 0),
            )
        )
    if s.get("unspent_flag", False):
        out.append(
            t(
                "report.kf_unspent",
                lang,
                unspent=money(s["unspent_eur"], lang),
                allocated=money(s["allocated_eur"], lang),
                share=percent(s["unspent_share"], lang, 0),
            )
        )
    return out


def comparison_headline(
    rows: list[dict[str, Any]],
    lang: str,
    horizon_months: int,
    runs: pd.DataFrame | None = None,
) -> list[str]:
    """The two or three sentences a decision maker reads first. A scenario is named as the
    largest effect only when the paired difference between it and each runner-up (from
    ``runs``, same run indices) has a 95 % interval above zero; otherwise the scenarios that
    cannot be told apart are named together."""
    base, arms = rows[0], rows[1:]
    out = [
        t(
            "report.head_baseline",
            lang,
            years=years_text(horizon_months, lang),
            share=percent(base["mean"], lang),
            range=nine_in_ten(percent(base["q"][0], lang), percent(base["q"][1], lang), lang),
        )
    ]
    clear = [r for r in arms if r["diff_ci"][0] > 0]
    if not clear:
        out.append(t("report.head_no_effect", lang))
        return out
    best = max(clear, key=lambda r: r["diff"])
    tied = [r for r in clear if r is not best and not _clearly_above(best, r, runs)]
    if tied:
        names = ", ".join(
            f"« {r['label']} »" if lang == "fr" else f"“{r['label']}”" for r in [best, *tied]
        )
        out.append(t("report.head_best_tied", lang, scenarios=names))
    else:
        out.append(
            t("report.head_best", lang, scenario=best["label"], diff=points(best["diff"], lang))
        )
    priced = [r for r in clear if not np.isnan(r["cost"]) and r["spend"] > 0]
    if priced:
        cheap = min(priced, key=lambda r: r["cost"])
        out.append(
            t(
                "report.head_cheapest",
                lang,
                scenario=cheap["label"],
                cost=cheap["cost_text"],
            )
        )
    return out


def _clearly_above(a: dict[str, Any], b: dict[str, Any], runs: pd.DataFrame | None) -> bool:
    """Whether arm ``a`` pools more EES than arm ``b``, beyond the noise: the 95 % interval
    of their paired difference (same runs) lies above zero. Without the runs: whether their
    intervals against the baseline do not overlap."""
    if runs is None:
        return a["diff_ci"][0] > b["diff_ci"][1]
    from mutusim.experiments.analysis import mean_ci

    share = runs.pivot_table(index="run", columns="scenario", values="adoption_share")
    diff = (share[a["scenario"]] - share[b["scenario"]]).dropna().to_numpy()
    _, low, _ = mean_ci(diff, 0.95)
    return bool(low > 0)


def run_sentences(results: Any, lang: str) -> list[str]:
    """Key figures of a ``mutusim run`` folder (one scenario, one or more runs)."""
    runs = results.runs
    years = years_text(results.horizon_months, lang)
    n = len(runs)
    lo, med, hi = quantiles(runs["adoption_share"])
    if n == 1:
        out = [t("report.run_adoption_one", lang, share=percent(med, lang), years=years)]
    else:
        out = [
            t(
                "report.run_adoption",
                lang,
                share=percent(med, lang),
                years=years,
                n=n,
                range=nine_in_ten(percent(lo, lang), percent(hi, lang), lang),
            )
        ]
    plo, pmed, phi = quantiles(runs["active_projects"])
    counts = {
        "projects": number(pmed, lang),
        "started": number(runs["projects_started"].median(), lang),
        "failed": number(runs["projects_failed"].median(), lang),
        "dissolved": number(runs["projects_dissolved"].median(), lang),
    }
    if n == 1:
        out.append(t("report.run_projects_one", lang, **counts))
    else:
        spread = nine_in_ten(number(plo, lang), number(phi, lang), lang)
        out.append(t("report.run_projects", lang, range=spread, **counts))
    spend = runs["public_spend"].median()
    if spend > 0:
        out.append(t("report.run_spend", lang, spend=money(spend, lang)))
    config = next(iter(results.configs.values()), None)
    if config is not None and config.unlimited:
        out.append(t("report.run_unlimited", lang))
    return out


def factorial_sentences(results: Any, lang: str) -> list[str]:
    """One sentence per main effect and interaction of a factorial design, on adoption at the
    horizon: the mean over paired runs, its 95 % interval and the range of 9 runs in 10."""
    table = results.summary
    out = [t("report.factorial_intro", lang, years=years_text(results.horizon_months, lang))]
    for r in table[table["outcome"] == "adoption_share"].to_dict("records"):
        digits = interval_digits((r["effect_lo"], r["effect_hi"]))
        key = (
            "report.factorial_interaction"
            if r["kind"] == "interaction"
            else "report.factorial_main"
        )
        out.append(
            t(
                key,
                lang,
                term=r["term"].replace(" x ", " × "),
                effect=points(r["effect"], lang, digits),
                lo=points(r["effect_lo"], lang, digits),
                hi=points(r["effect_hi"], lang, digits),
                range=nine_in_ten(
                    points(r["effect_p05"], lang), points(r["effect_p95"], lang), lang
                ),
            )
        )
    return out


def design_text(results: Any, lang: str) -> str:
    """The actual design of a sweep or sensitivity analysis in words: "Plan complet sur
    2 facteurs : 3 × 3 (9 points), 10 simulations par point", "Hypercube latin de 40
    points, …", "Plan de Sobol (…), 448 points, …"."""
    exp = results.experiment
    points = results.runs["point"].nunique() if "point" in results.runs else len(results.summary)
    runs = count(exp.runs, "runs", lang)
    if exp.kind == "sweep" and exp.design == "grid":
        sizes = [
            len(r.values) if r.values is not None else exp.levels for r in exp.parameters.values()
        ]
        return t(
            "report.design_grid",
            lang,
            factors=len(sizes),
            sizes=" × ".join(str(n) for n in sizes),
            points=points,
            runs=runs,
        )
    if exp.kind == "sweep":
        return t("report.design_lhs", lang, factors=len(exp.parameters), points=points, runs=runs)
    return t(f"report.design_{exp.method}", lang, samples=exp.samples, points=points, runs=runs)


def sweep_sentences(results: Any, lang: str, outcome: str = "adoption_share") -> list[str]:
    """The outcome's range over the design points with the intervals of the extremes, and
    whether the points can be told apart from the noise of their runs: the highest point is
    named only when its 95 % interval lies above every other point's."""
    table = results.summary.reset_index(drop=True)
    fmt = (
        (lambda v: percent(v, lang))
        if outcome.endswith("share")
        else (lambda v: number(v, lang, 1))
    )
    low, high = table[outcome].idxmin(), table[outcome].idxmax()
    has_ci = f"{outcome}_lo" in table and table[f"{outcome}_lo"].notna().all()

    def shown(i: int) -> str:
        if not has_ci:
            return fmt(table.loc[i, outcome])
        return interval(
            fmt(table.loc[i, outcome]),
            fmt(table.loc[i, f"{outcome}_lo"]),
            fmt(table.loc[i, f"{outcome}_hi"]),
            lang,
        )

    out = [
        t(
            "report.sweep_range",
            lang,
            outcome=outcome_label(outcome, lang),
            lo=shown(low),
            hi=shown(high),
            points=len(table),
            runs=count(results.runs_per_scenario, "runs", lang),
        )
    ]
    if not has_ci:
        out.append(t("report.sweep_no_interval", lang))
        return out
    others = table.drop(index=high)
    overlapping = int((others[f"{outcome}_hi"] >= table.loc[high, f"{outcome}_lo"]).sum())
    params = [c for c in table.columns if c.startswith("param.")]
    where = ", ".join(
        f"{parameter_label(p, lang)} = {plain(table.loc[high, p], lang)}" for p in params
    )
    if table.loc[low, f"{outcome}_hi"] >= table.loc[high, f"{outcome}_lo"]:
        out.append(
            t("report.sweep_noise", lang, runs=count(results.runs_per_scenario, "runs", lang))
        )
    elif overlapping:
        out.append(t("report.sweep_best_within_noise", lang, where=where, n=overlapping))
    else:
        out.append(t("report.sweep_best", lang, where=where))
    return out


def sensitivity_sentences(results: Any, lang: str) -> list[str]:
    """The most influential parameter and how to read the indices."""
    table = results.summary
    output = outcome_label(str(table["output"].iloc[0]), lang)
    if "ST" in table.columns:
        ranked = table.sort_values("ST", ascending=False)
        top = ranked.iloc[0]
        if len(ranked) > 1:
            second = ranked.iloc[1]
            if top["ST"] - abs(top["ST_conf"]) <= second["ST"] + abs(second["ST_conf"]):
                return [
                    t(
                        "report.sobol_tied",
                        lang,
                        first=parameter_label(top["parameter"], lang),
                        second=parameter_label(second["parameter"], lang),
                        outcome=output,
                        st1=interval(
                            number(top["ST"], lang, 2),
                            number(top["ST"] - abs(top["ST_conf"]), lang, 2),
                            number(top["ST"] + abs(top["ST_conf"]), lang, 2),
                            lang,
                        ),
                        st2=interval(
                            number(second["ST"], lang, 2),
                            number(second["ST"] - abs(second["ST_conf"]), lang, 2),
                            number(second["ST"] + abs(second["ST_conf"]), lang, 2),
                            lang,
                        ),
                    ),
                    t("report.sobol_read", lang),
                ]
        return [
            t(
                "report.sobol_top",
                lang,
                parameter=parameter_label(top["parameter"], lang),
                outcome=output,
                st=number(top["ST"], lang, 2),
                conf=number(top["ST_conf"], lang, 2),
                s1=number(top["S1"], lang, 2),
            ),
            t("report.sobol_read", lang),
        ]
    top = table.loc[table["mu_star"].idxmax()]
    return [
        t(
            "report.morris_top",
            lang,
            parameter=parameter_label(top["parameter"], lang),
            outcome=output,
            mu=number(top["mu_star"], lang, 3),
        )
    ]


def replication_sentences(results: Any, lang: str) -> list[str]:
    """Runs needed per output."""
    return [
        t(
            "report.replication_row",
            lang,
            outcome=outcome_label(row["output"], lang),
            needed=plain(row["runs_needed"], lang),
            width=percent(row["relative_half_width"], lang, 0),
            pilot=int(row["pilot_runs"]),
        )
        for _, row in results.summary.iterrows()
    ]
