"""The population facts behind a scenario, with their sources.

Every figure in ``configs/populations/*.yaml`` carries a comment saying ``source: ...`` or
``assumption`` (a test checks it). This module reads those comments back: the figures with a
source become the report's list of facts (with the value the run actually used, flagged when a
``--set`` changed it), the others are counted as assumptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mutusim.config import PopulationConfig, config_dir

LINE = re.compile(
    r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[A-Za-z_]\w*):\s*(?P<value>[^#]*?)\s*"
    r"(?:#\s*(?P<comment>.*))?$"
)


@dataclass(frozen=True)
class Fact:
    """One sourced figure of a population file."""

    path: str
    """Dotted field, e.g. ``provinces.hainaut`` or ``sectors.eta_sheltered_work.share``."""
    value: Any
    """The value the scenario used."""
    source: str
    changed: bool
    """Whether the scenario's value differs from the sourced one in the file."""


@dataclass(frozen=True)
class PopulationSources:
    """The sourced facts of one population and how many of its figures are assumptions."""

    name: str
    file: Path | None
    facts: list[Fact]
    assumptions: int
    groups: dict[str, str]
    """Sources stated once for a whole group (``provinces``, ``legal_forms``, ...)."""


def _scan(text: str) -> tuple[list[tuple[str, str, str]], int, dict[str, str]]:
    """(path, value in the file, source) of every sourced line, the count of assumption
    lines, and the sources stated on group lines."""
    stack: list[tuple[int, str]] = []
    facts, assumptions, groups = [], 0, {}
    for line in text.splitlines():
        match = LINE.match(line)
        if not match:
            continue
        indent = len(match["indent"])
        key, value, comment = match["key"], match["value"], (match["comment"] or "").strip()
        if match["dash"]:
            indent += 1  # a list item opens a scope its keys (at indent + 2) sit inside
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if match["dash"] and key == "name":
            stack.append((indent, value))
            continue
        path = ".".join([*(k for _, k in stack), key])
        lowered = comment.lower()
        if value and lowered.startswith("source"):
            cited = re.sub(r"^source\s*:?\s*", "", comment, flags=re.I)
            if "(same)" in cited and facts:  # name the source "same" refers to
                previous = re.findall(r"\(([^()]*)\)\s*$", facts[-1][2])
                cited = cited.replace("(same)", f"({previous[-1] if previous else facts[-1][2]})")
            facts.append((path, value, cited))
        elif value and lowered.startswith("assumption"):
            assumptions += 1
        if not value:
            stack.append((indent, key))
            found = re.search(r"\bsource\s*:\s*(.*)", comment, flags=re.I)
            if found:
                groups[path] = found[1].strip()
    return facts, assumptions, groups


def _lookup(population: dict[str, Any], path: str) -> Any:
    node: Any = population
    for part in path.split("."):
        if isinstance(node, list):
            node = next((item for item in node if item.get("name") == part), None)
        elif isinstance(node, dict):
            node = node.get(part)
        if node is None:
            return None
    return node


def _same(a: Any, b: str) -> bool:
    try:
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
    except (TypeError, ValueError):
        return str(a) == b


def population_sources(
    population: PopulationConfig, folder: Path | None = None
) -> PopulationSources:
    """The sourced facts of ``population`` from ``configs/populations/<name>.yaml`` (or
    ``folder``), with the values the scenario used."""
    file = (folder or config_dir() / "populations") / f"{population.name}.yaml"
    if not file.is_file():
        return PopulationSources(population.name, None, [], 0, {})
    scanned, assumptions, groups = _scan(file.read_text(encoding="utf-8"))
    used = population.model_dump(mode="json")
    facts = []
    for path, written, source in scanned:
        value = _lookup(used, path)
        if value is None:
            continue
        facts.append(Fact(path, value, source, not _same(value, written)))
    return PopulationSources(population.name, file, facts, assumptions, groups)
