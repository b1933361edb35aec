"""A picture of one small run: the EES, their social ties, the projects and their circles.

``network_tables`` reads a Mesa model into two tables (nodes, edges); ``network_chart`` draws
them with a seeded force-directed layout (networkx), ties inside a project pulling harder, so
that each project gathers its circles around its core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from mutusim.i18n import t
from mutusim.plotting import style

if TYPE_CHECKING:
    from mutusim.model import MutualisationModel

RING_SIZES = (95.0, 55.0, 35.0, 22.0)
"""Marker areas of the core (ring 0), ring 1, ring 2 and rings 3 and beyond."""
FREE_SIZE = 9.0


def network_tables(model: MutualisationModel) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (``agent``, ``project`` or -1, ``ring`` or -1, ``running``) and social ties
    (``source`` < ``target``) of a Mesa model at its current month."""
    pop = model.population
    nodes = pd.DataFrame(
        {
            "agent": [a.index for a in model.ees],
            "project": [a.project.index if a.project is not None else -1 for a in model.ees],
            "ring": [a.ring if a.project is not None else -1 for a in model.ees],
            "running": [a.project is not None and a.project.running for a in model.ees],
        }
    )
    counts = np.diff(pop.tie_ptr)
    source = np.repeat(np.arange(len(counts)), counts)
    target = np.asarray(pop.tie_idx)
    keep = source < target
    edges = pd.DataFrame({"source": source[keep], "target": target[keep]})
    return nodes, edges


def _layout(nodes: pd.DataFrame, edges: pd.DataFrame, seed: int) -> dict[int, np.ndarray]:
    project = dict(zip(nodes["agent"], nodes["project"], strict=True))
    graph = nx.Graph()
    graph.add_nodes_from(nodes["agent"])
    for s, d in zip(edges["source"], edges["target"], strict=True):
        same = project[s] >= 0 and project[s] == project[d]
        graph.add_edge(s, d, weight=6.0 if same else 1.0)
    # members of one project are also pulled toward their project's centre
    for p in sorted(set(project.values()) - {-1}):
        members = [a for a, q in project.items() if q == p]
        hub = ("project", p)
        graph.add_node(hub)
        graph.add_edges_from(((hub, a) for a in members), weight=3.0)
    pos = nx.spring_layout(graph, seed=seed, weight="weight", iterations=200)
    return {a: pos[a] for a in nodes["agent"]}


@style.styled
def network_chart(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    lang: str = "fr",
    seed: int = 0,
    title: str | None = None,
) -> Figure:
    """EES as points (grey: in no project), coloured by project, sized by circle (core
    largest); hollow points belong to projects still forming. Ties are faint grey, ties inside
    a project in its colour. ``seed`` fixes the layout."""
    if nodes.empty:
        raise ValueError("no nodes to draw")
    pos = _layout(nodes, edges, seed)
    projects = sorted(p for p in nodes["project"].unique() if p >= 0)
    colours = {p: style.colour(i) for i, p in enumerate(projects)}
    project = dict(zip(nodes["agent"], nodes["project"], strict=True))
    fig = style.new_figure(7.0, 7.4)
    ax = fig.add_subplot()
    plain, inside, inside_colours = [], [], []
    for s, d in zip(edges["source"], edges["target"], strict=True):
        segment = (pos[s], pos[d])
        if project[s] >= 0 and project[s] == project[d]:
            inside.append(segment)
            inside_colours.append(colours[project[s]])
        else:
            plain.append(segment)
    ax.add_collection(LineCollection(plain, colors=style.NEUTRAL, linewidths=0.4, alpha=0.5))
    if inside:
        ax.add_collection(LineCollection(inside, colors=inside_colours, linewidths=1.1, alpha=0.8))
    free = nodes[nodes["project"] < 0]
    xy = np.array([pos[a] for a in free["agent"]]).reshape(-1, 2)
    ax.scatter(xy[:, 0], xy[:, 1], s=FREE_SIZE, c=style.NEUTRAL, edgecolors="none", zorder=2)
    members = nodes[nodes["project"] >= 0].sort_values("ring", ascending=False)
    for running, hollow in ((True, False), (False, True)):
        part = members[members["running"] == running]
        if part.empty:
            continue
        xy = np.array([pos[a] for a in part["agent"]]).reshape(-1, 2)
        sizes = [RING_SIZES[min(r, len(RING_SIZES) - 1)] for r in part["ring"]]
        cols = [colours[p] for p in part["project"]]
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=sizes,
            c="white" if hollow else cols,
            edgecolors=cols if hollow else "black",
            linewidths=1.4 if hollow else 0.4,
            zorder=3,
        )
    ax.set_axis_off()
    ax.autoscale_view()
    handles = [
        Line2D([], [], ls="", marker="o", markersize=np.sqrt(size), color="#555555", label=label)
        for size, label in zip(
            (*RING_SIZES, FREE_SIZE),
            (
                t("fig.ring_core", lang),
                t("fig.ring_n", lang, ring=1),
                t("fig.ring_n", lang, ring=2),
                t("fig.ring_3plus", lang),
                t("fig.no_project", lang),
            ),
            strict=True,
        )
    ]
    handles.append(
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            markersize=7,
            markerfacecolor="white",
            markeredgecolor="#555555",
            label=t("fig.forming_project", lang),
        )
    )
    fig.legend(handles=handles, loc="outside lower center", ncols=3)
    running = len({p for p, r in zip(members["project"], members["running"], strict=True) if r})
    ax.set_title(
        title
        or t(
            "fig.network_title",
            lang,
            n=len(nodes),
            projects=style.count(running, "running_projects", lang),
            members=int(members["running"].sum()),
        )
    )
    return fig
