"""From an experiment to its cells: one scenario config per comparison arm or design point
(per design point and arm when a sensitivity analysis studies an answer), and per member when
the experiment runs over an ensemble (``mutusim.experiments.ensemble``).

Before any cell is built, ``base_scenario`` validates the base, ``resolve_parameters`` turns
``parameters: plausible`` into every parameter with a plausible range, ``check_parameters``
resolves every swept parameter against the base, ``check_ensemble`` reads and checks the
ensemble and draws its members, and ``count_cells`` says how many cells the design has
(without drawing it), so sizes can be checked first (``mutusim.sizing``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import qmc

from mutusim.config import ConfigError, ScenarioConfig, config_dir, load_config
from mutusim.experiments.ensemble import Member, draw_members, read_ensemble, resolve_path
from mutusim.experiments.schema import (
    Comparison,
    Factorial,
    Range,
    Replication,
    ScenarioSpec,
    Sensitivity,
    Sweep,
)


@dataclass
class Cell:
    """One scenario of an experiment: its partition name (``scenario``: the arm of a
    comparison or of a design point, or the design point), the values its design point sets,
    its config, the design ``point`` it belongs to (default: its index), the ensemble
    ``member`` whose values it carries and the index of its first run (members of an ensemble
    run distinct run indices, the same in every arm)."""

    index: int
    scenario: str
    values: dict[str, Any]
    config: ScenarioConfig
    extra: dict[str, Any] = field(default_factory=dict)
    point: int | None = None
    member: Member | None = None
    first_run: int = 0
    label: str = ""
    """Unique name of the cell (the manifest's key; default: ``scenario``)."""

    def __post_init__(self) -> None:
        if self.point is None:
            self.point = self.index
        if not self.label:
            self.label = self.scenario


def _current(config: ScenarioConfig, dotted: str) -> Any:
    node: Any = config
    for part in dotted.split("."):
        node = node[int(part)] if isinstance(node, list) else getattr(node, part, None)
        if node is None:
            return None
    return node


def load_checked(base, overrides: dict[str, Any], where: str) -> ScenarioConfig:
    """``load_config(base, overrides)``, its errors prefixed with ``where``."""
    try:
        return load_config(base, overrides)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _typed(
    base_config: ScenarioConfig, values: dict[str, Any], ranges: dict[str, Range]
) -> dict[str, Any]:
    """A design point's values as plain Python: draws from a ``min``/``max`` range are rounded
    for integer parameters (designs draw floats); explicit ``values`` are kept as given, so
    validation sees exactly what the file says."""
    out = {}
    for key, value in values.items():
        if isinstance(value, np.generic):
            value = value.item()
        current = _current(base_config, key)
        drawn = ranges[key].values is None
        if drawn and type(current) is int and isinstance(value, float) and math.isfinite(value):
            value = round(value)
        out[key] = value
    return out


def arm_overrides(common: dict[str, Any], arm: ScenarioSpec) -> dict[str, Any]:
    """The overrides of one arm on top of the base: the common ``set``, then the arm's
    policies and budget, then its own ``set`` (which may then reach into its policies,
    ``policies.0.eligibility.size_max: 9``)."""
    overrides = dict(common)
    if arm.policies:
        overrides["policies"] = arm.policies
    if arm.budget_eur is not None:
        overrides["budget_eur"] = arm.budget_eur
    overrides.update(arm.set)
    return overrides


def problem(parameters: dict[str, Range]) -> dict[str, Any]:
    """The SALib problem of continuous parameters."""
    return {
        "num_vars": len(parameters),
        "names": list(parameters),
        "bounds": [[r.min, r.max] for r in parameters.values()],
    }


def design_points(exp: Sweep | Sensitivity) -> np.ndarray | list[dict[str, Any]]:
    """Parameter values of each design point, as dicts."""
    names = list(exp.parameters)
    if isinstance(exp, Sensitivity):
        from SALib.sample import morris, sobol

        prob = problem(exp.parameters)
        if exp.method == "sobol":
            x = sobol.sample(prob, exp.samples, calc_second_order=False, seed=exp.seed)
        else:
            x = morris.sample(prob, exp.samples, seed=exp.seed)
        return [dict(zip(names, row, strict=True)) for row in x]
    if exp.design == "grid":
        axes = [
            r.values if r.values is not None else list(np.linspace(r.min, r.max, exp.levels))
            for r in exp.parameters.values()
        ]
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]
    unit = qmc.LatinHypercube(d=len(names), seed=exp.seed).random(exp.points)
    points = []
    for row in unit:
        point = {}
        for u, (name, r) in zip(row, exp.parameters.items(), strict=True):
            if r.values is not None:
                point[name] = r.values[min(int(u * len(r.values)), len(r.values) - 1)]
            else:
                point[name] = r.min + u * (r.max - r.min)
        points.append(point)
    return points


def resolve_base(base: str | dict[str, Any], source: str) -> str | dict[str, Any]:
    """A base scenario path is relative to the experiment file, else to ``configs/``."""
    if isinstance(base, dict):
        return base
    near = Path(source).parent / base
    return str(near) if near.is_file() else str(config_dir() / base)


def base_scenario(
    exp: Comparison | Sweep | Sensitivity | Replication, source: str
) -> ScenarioConfig:
    """The experiment's base scenario with its ``set`` overrides, validated."""
    return load_checked(resolve_base(exp.base, source), exp.set, f"{source}: base")


_MISSING = object()


def _lookup(tree: Any, dotted: str) -> Any:
    """The value at ``dotted`` in a dumped config (``_MISSING`` if there is none)."""
    node = tree
    for part in dotted.split("."):
        if isinstance(node, list) and part.isascii() and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return _MISSING
    return node


def check_parameters(exp: Sweep | Sensitivity, base: ScenarioConfig, source: str) -> None:
    """Refuse a swept parameter that the base scenario does not have, or a ``min``/``max``
    range on a parameter that is not a number."""
    tree = base.model_dump()
    for name, r in exp.parameters.items():
        field = f"{source}: field 'parameters.{name}'"
        current = _lookup(tree, name)
        if current is _MISSING:
            raise ConfigError(
                f"{field}: expected a parameter of the scenario (`mutusim params` lists them); "
                f"found {name!r}, an unknown name"
            )
        if r.values is None and (isinstance(current, bool) or not isinstance(current, int | float)):
            raise ConfigError(
                f"{field}: expected a numeric parameter for a min/max range (give values "
                f"instead); found {name} = {current!r}"
            )


def factorial_levels(exp: Factorial) -> list[dict[str, int]]:
    """Every combination of the factors, off (0) or on (1), the first factor slowest."""
    names = list(exp.factors)
    return [
        dict(zip(names, levels, strict=True))
        for levels in itertools.product((0, 1), repeat=len(names))
    ]


def factorial_cell_name(levels: dict[str, int]) -> str:
    """``none`` or the factors on, joined by ``+`` (a results partition)."""
    on = [name for name, level in levels.items() if level]
    return "+".join(on) if on else "none"


def factorial_cells(exp: Factorial, source: str) -> list[Cell]:
    """One cell per combination: the base with the factors on as its policies, each at its
    allocation (``param.<factor>`` = 0 or 1 in the runs)."""
    out = []
    for i, levels in enumerate(factorial_levels(exp)):
        on = [name for name, level in levels.items() if level]
        overrides = dict(exp.set)
        overrides["policies"] = [exp.factors[name].policy for name in on]
        overrides["budget_eur"] = None
        for k, name in enumerate(on):
            factor = exp.factors[name]
            overrides[f"policies.{k}.name"] = name
            overrides[f"policies.{k}.budget_eur"] = factor.budget_eur
            if factor.spending is not None:
                overrides[f"policies.{k}.spending"] = factor.spending
        name = factorial_cell_name(levels)
        config = load_checked(exp.base, overrides, f"{source}: combination {name!r}")
        out.append(Cell(i, name, dict(levels), config.model_copy(update={"name": name})))
    return out


def count_cells(exp: Comparison | Factorial | Sweep | Sensitivity | Replication) -> int:
    """How many cells the experiment has, computed without building them (``parameters:
    plausible`` resolved)."""
    return _count_plain(exp) * (exp.members or 1)


def _count_plain(exp: Comparison | Factorial | Sweep | Sensitivity | Replication) -> int:
    if isinstance(exp, Comparison):
        return len(exp.scenarios)
    if isinstance(exp, Factorial):
        return 2 ** len(exp.factors)
    if isinstance(exp, Replication):
        return 1
    if isinstance(exp, Sensitivity):
        extra = 2 if exp.method == "sobol" else 1  # Saltelli without 2nd order; Morris
        return exp.samples * (len(exp.parameters) + extra) * len(exp.scenarios or [None])
    if exp.design == "latin_hypercube":
        return exp.points
    return math.prod(
        len(r.values) if r.values is not None else exp.levels for r in exp.parameters.values()
    )


def resolve_parameters(exp: Any, base: ScenarioConfig, source: str) -> Any:
    """``exp`` with ``parameters: plausible`` replaced by every model parameter of ``base``
    that has a plausible range (``mutusim params``), each over that range; other
    experiments unchanged."""
    if getattr(exp, "parameters", None) != "plausible":
        return exp
    from mutusim.parameter_table import salib_problem

    problem = salib_problem(config=base)
    ranges = {
        name: Range(min=low, max=high)
        for name, (low, high) in zip(problem["names"], problem["bounds"], strict=True)
    }
    return exp.model_copy(update={"parameters": ranges})


def check_ensemble(exp: Any, base: ScenarioConfig, source: str) -> list[Member]:
    """The members the experiment runs over (none without an ensemble): its ensemble file
    read and checked against ``base``, ``members`` rows drawn from it. Refuses an ensemble
    parameter that the experiment also sets (``set``) or varies (``parameters``)."""
    if exp.ensemble is None:
        return []
    frame = read_ensemble(resolve_path(exp.ensemble, source), base, source)
    fixed = set(exp.set) | set(getattr(exp, "parameters", None) or {})
    both = [c for c in frame.columns if c in fixed]
    if both:
        raise ConfigError(
            f"{source}: field 'ensemble': expected parameters that the experiment does not "
            f"also set or vary; found {both[0]!r} in both (remove it from one of them)"
        )
    return draw_members(frame, exp.members, exp.seed, base)


def cells(
    exp: Comparison | Sweep | Sensitivity | Replication,
    source: str,
    base: ScenarioConfig | None = None,
    members: list[Member] | None = None,
) -> list[Cell]:
    """The experiment's scenarios, each validated (errors name the experiment file).
    ``base``: ``base_scenario(exp, source)`` when the caller has it already; ``members``:
    the ensemble's members when the caller has them (``check_ensemble``; a report reads them
    from the manifest)."""
    base = base if base is not None else base_scenario(exp, source)
    exp = resolve_parameters(exp, base, source)
    if members is None:
        members = check_ensemble(exp, base, source)
    plain = _plain_cells(
        exp.model_copy(update={"base": resolve_base(exp.base, source)}), source, base
    )
    if not members:
        return plain
    out = []
    for cell in plain:
        for m in members:
            where = f"{source}: {cell.label!r} with ensemble member {m.member} (row {m.row})"
            config = load_checked(cell.config, {**m.values, **cell.values}, where)
            out.append(
                Cell(
                    cell.index * len(members) + m.member,
                    cell.scenario,
                    cell.values,
                    config,
                    point=cell.point,
                    member=m,
                    first_run=m.member * exp.runs,
                    label=f"{cell.label}/member{m.member:04d}",
                )
            )
    return out


def _plain_cells(exp: Any, source: str, base: ScenarioConfig) -> list[Cell]:
    """The cells of the experiment without its ensemble."""
    if isinstance(exp, Comparison):
        out = []
        for i, arm in enumerate(exp.scenarios):
            overrides = arm_overrides(exp.set, arm)
            config = load_checked(exp.base, overrides, f"{source}: scenario {arm.name!r}")
            config = config.model_copy(update={"name": arm.name})
            out.append(Cell(i, arm.name, {}, config))
        return out
    if isinstance(exp, Factorial):
        return factorial_cells(exp, source)
    if isinstance(exp, Replication):
        return [Cell(0, "base", {}, base)]
    out = []
    arms = getattr(exp, "scenarios", None)
    for i, values in enumerate(design_points(exp)):
        typed = _typed(base, values, exp.parameters)
        point = f"point{i:05d}"
        if not arms:
            config = load_checked(exp.base, {**exp.set, **typed}, f"{source}: design point {i}")
            out.append(Cell(i, point, typed, config))
            continue
        for j, arm in enumerate(arms):
            where = f"{source}: design point {i}, scenario {arm.name!r}"
            config = load_checked(exp.base, {**arm_overrides(exp.set, arm), **typed}, where)
            config = config.model_copy(update={"name": arm.name})
            out.append(
                Cell(
                    i * len(arms) + j, arm.name, typed, config, point=i, label=f"{point}/{arm.name}"
                )
            )
    return out
