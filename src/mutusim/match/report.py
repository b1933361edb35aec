"""The one-file HTML report of ``mutusim match``: the proposals, a network picture of each
(networkx layout, matplotlib drawing, embedded as PNG: no external reference), what the
probabilities mean, what was drawn, and provenance."""

from __future__ import annotations

import json

import networkx as nx
from matplotlib.figure import Figure

from mutusim.i18n import t
from mutusim.i18n.words import number, percent
from mutusim.match.proposals import (
    MatchResult,
    Proposal,
    drawn_text,
    mode_words,
    services,
)
from mutusim.match.risk import risk_words
from mutusim.report.page import figure, page, paragraphs, section, table


def survey_graph(result: MatchResult) -> nx.Graph:
    """The survey's declared (or run 0's drawn) ties and rivalries as one graph."""
    from mutusim.match.population import people_of

    prep = result.prepared
    _, _, tie_ptr, tie_idx, rival_ptr, rival_idx = people_of(
        prep.survey_pop, prep.inputs.population, prep.inputs.n_sectors, prep.settings.seed, 0
    )
    g = nx.Graph()
    g.add_nodes_from(range(prep.survey.n))
    for i in range(prep.survey.n):
        for j in tie_idx[tie_ptr[i] : tie_ptr[i + 1]]:
            g.add_edge(i, int(j), kind="tie")
        for j in rival_idx[rival_ptr[i] : rival_ptr[i + 1]]:
            g.add_edge(i, int(j), kind="rival")
    return g


def network_figure(g: nx.Graph, proposal: Proposal, labels: list[str]) -> Figure:
    """The proposal's circle and its neighbourhood: members coloured, pioneer ringed."""
    members = list(proposal.candidate.members)
    near = set(members)
    for i in members:
        near.update(g.neighbors(i))
    sub = g.subgraph(sorted(near))
    pos = nx.spring_layout(sub, seed=proposal.rank, k=1.2 / max(1, len(sub)) ** 0.5)
    fig = Figure(figsize=(6.4, 4.4))
    ax = fig.add_subplot()
    ax.set_axis_off()
    inside = set(members)
    ties = [e for e in sub.edges if sub.edges[e]["kind"] == "tie"]
    core_ties = [e for e in ties if e[0] in inside and e[1] in inside]
    rivals = [e for e in sub.edges if sub.edges[e]["kind"] == "rival"]
    nx.draw_networkx_edges(sub, pos, edgelist=ties, ax=ax, edge_color="#c3cad2", width=0.6)
    nx.draw_networkx_edges(sub, pos, edgelist=core_ties, ax=ax, edge_color="#1f5f8b", width=2.2)
    nx.draw_networkx_edges(
        sub, pos, edgelist=rivals, ax=ax, edge_color="#d1495b", style="dashed", width=1.4
    )
    others = [i for i in sub.nodes if i not in proposal.candidate.members]
    nx.draw_networkx_nodes(sub, pos, nodelist=others, ax=ax, node_color="#d9dee4", node_size=160)
    nx.draw_networkx_nodes(sub, pos, nodelist=members, ax=ax, node_color="#1f5f8b", node_size=820)
    nx.draw_networkx_nodes(
        sub,
        pos,
        nodelist=members[:1],
        ax=ax,
        node_color="none",
        edgecolors="#f0a202",
        linewidths=3.5,
        node_size=1250,
    )
    nx.draw_networkx_labels(sub, pos, labels={i: labels[i] for i in others}, ax=ax, font_size=7)
    nx.draw_networkx_labels(
        sub,
        pos,
        labels={i: labels[i] for i in members},
        ax=ax,
        font_size=7,
        font_color="white",
        font_weight="bold",
    )
    fig.tight_layout()
    return fig


def _interval(p: float, low: float, high: float, lang: str) -> str:
    return f"{percent(p, lang, 0)} [{percent(low, lang, 0)} – {percent(high, lang, 0)}]"


def report_html(result: MatchResult, provenance: dict, lang: str) -> str:
    """The whole report in ``lang``."""
    prep = result.prepared
    s = prep.settings
    labels = [
        f"{ident}\n{name}" if s.names and name else ident
        for ident, name in zip(prep.survey.ids, prep.survey.names, strict=True)
    ]
    g = survey_graph(result)
    months = s.months
    blocks = [
        section(
            "summary",
            t("match.report.summary", lang),
            paragraphs([t("match.report.summary_text", lang, runs=s.runs)]),
        )
    ]
    if not result.proposals:
        blocks.append(paragraphs([t("match.report.none", lang)], "note"))
    rows = []
    for p in result.proposals:
        c = p.chances
        ids = [prep.survey.ids[i] for i in p.candidate.members]
        risk = risk_words(p.risk_key, p.risk_share, lang, months, p.candidate.factors["rivals"] > 0)
        scope = ", ".join(t(f"match.service.{x}", lang) for x in services(p.candidate.scope))
        facts = t(
            "match.report.facts",
            lang,
            p_formation=percent(c.p_formation, lang, 0),
            low=percent(c.p_formation_low, lang, 0),
            high=percent(c.p_formation_high, lang, 0),
            months=months,
            p_running=percent(c.p_running, lang, 0),
            rlow=percent(c.p_running_low, lang, 0),
            rhigh=percent(c.p_running_high, lang, 0),
            members=number(c.expected_members, lang, 1),
            mode=mode_words(c.mode, lang),
            scope=scope or "–",
        )
        fig = network_figure(g, p, labels)
        blocks.append(
            section(
                f"proposal-{p.rank}",
                f"{t('match.report.proposal', lang, rank=p.rank)} · {' · '.join(ids)}",
                paragraphs([facts, t("match.report.risk", lang, risk=risk)])
                + figure(
                    fig,
                    t("match.report.figure_caption", lang),
                    t("match.report.figure_alt", lang, rank=p.rank),
                ),
            )
        )
        rows.append(
            [
                str(p.rank),
                "; ".join(ids),
                _interval(c.p_formation, c.p_formation_low, c.p_formation_high, lang),
                _interval(c.p_running, c.p_running_low, c.p_running_high, lang),
                number(c.expected_members, lang, 1),
                risk,
            ]
        )
    if rows:
        header = [
            t("match.report.col_rank", lang),
            t("match.report.col_members", lang),
            t("match.report.col_formation", lang),
            t("match.report.col_running", lang, months=months),
            t("match.report.col_members_end", lang),
            t("match.report.col_risk", lang),
        ]
        blocks.append(
            section("all", t("match.report.table", lang), table(header, rows, {0, 2, 3, 4}))
        )
    names = t("match.report.privacy_names", lang) if s.names else ""
    blocks.append(
        section(
            "meaning",
            t("match.report.meaning", lang),
            paragraphs(
                [
                    t("match.report.meaning_text", lang, months=months),
                    t("match.report.privacy", lang, names=names),
                ]
            ),
        )
    )
    blocks.append(
        section("drawn", t("match.report.drawn", lang), paragraphs([drawn_text(prep, lang)]))
    )
    blocks.append(
        section(
            "provenance",
            t("match.report.provenance", lang),
            f"<pre>{_escaped_json(provenance)}</pre>",
        )
    )
    subtitle = t(
        "match.report.subtitle",
        lang,
        survey=prep.survey.path.name,
        n=prep.survey.n,
        runs=s.runs,
        months=months,
        seed=s.seed,
    )
    return page(lang, t("match.report.title", lang), subtitle, blocks)


def _escaped_json(data: dict) -> str:
    from mutusim.report.page import esc

    return esc(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str))
