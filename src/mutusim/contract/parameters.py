"""Scalar parameters of a run as one record, derived from the scenario's config schema.

Every leaf of ``ScenarioConfig`` (``mechanisms.*``, ``behaviour.*``, ``formation.*``,
``projects.*``, ``commitment.*``, ``benefits.*``, ``demand.*``, ``horizon_months``,
``budget_eur``) becomes a field of ``PARAM_DTYPE`` named by its dotted path with ``_`` for
``.``: the compiled phases read ``p.behaviour_innovation`` where the YAML says
``behaviour: {innovation: …}``. Booleans stay booleans, integers integers; a ``Literal``
choice becomes the index of the chosen value (``choice_code``). Tables keyed by a fixed
vocabulary become arrays of records, one per key in vocabulary order: the pooling modes
(``projects.modes`` → ``MODE_DTYPE``, ``s.modes[mode].fixed_cost_eur_month``) and the §8.2
phases (``formation.phases`` → ``PHASE_DTYPE``, ``s.phases[phase - 1].months``). The
population, the policies and the initial projects have their own layouts. A new config field
is therefore readable in the kernels without any other change.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from mutusim.catalogue import MODES, PHASES
from mutusim.config.schema import ModeSpec, PhaseSpec, ScenarioConfig
from mutusim.contract.records import records

NOT_SCALAR = {"name", "description", "population", "policies", "initial_projects", "budget"}
"""Top-level config fields with layouts of their own."""
TABLES: dict[str, tuple[tuple[str, ...], type[BaseModel]]] = {
    "projects.modes": (MODES, ModeSpec),
    "formation.phases": (PHASES, PhaseSpec),
}
"""Config tables keyed by a fixed vocabulary, each laid out as one record per key."""


@dataclass(frozen=True)
class ScalarParameter:
    """One scalar parameter: its dotted config path, its record field and its dtype."""

    path: str
    name: str
    dtype: str  # numpy dtype code: "f8", "i8" or "b1"
    choices: tuple[str, ...] = ()  # the Literal's values, for choice parameters


def _dtype(annotation: Any) -> tuple[str, tuple[str, ...]]:
    if typing.get_origin(annotation) is typing.Annotated:
        return _dtype(typing.get_args(annotation)[0])
    optional = [a for a in typing.get_args(annotation) if a is not type(None)]
    if type(None) in typing.get_args(annotation) and len(optional) == 1:
        return _dtype(optional[0])  # null is resolved by DERIVED
    if typing.get_origin(annotation) is typing.Literal:
        return "i8", tuple(typing.get_args(annotation))
    if annotation is bool:
        return "b1", ()
    if annotation is int:
        return "i8", ()
    if annotation is float:
        return "f8", ()
    raise TypeError(f"no scalar layout for a parameter of type {annotation!r}")


def _walk(model: type[BaseModel], prefix: str) -> list[ScalarParameter]:
    found = []
    for name, info in model.model_fields.items():
        path = prefix + name
        if path in NOT_SCALAR or path in TABLES:
            continue
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.extend(_walk(annotation, path + "."))
            continue
        dtype, choices = _dtype(annotation)
        found.append(ScalarParameter(path, path.replace(".", "_"), dtype, choices))
    return found


SCALAR_PARAMETERS: tuple[ScalarParameter, ...] = tuple(_walk(ScenarioConfig, ""))

DERIVED = {
    "projects.max_projects": lambda config: max(2000, config.population.n_agents // 2),
    "budget_eur": lambda config: config.total_budget(),
}
"""Optional parameters and the value a null takes, derived from the scenario (a fixed number
of project slots would bind in large populations: what grows faster than the population)."""
PARAM_DTYPE = np.dtype([(p.name, p.dtype) for p in SCALAR_PARAMETERS], align=True)
BY_PATH = {p.path: p for p in SCALAR_PARAMETERS}


def _table_dtype(spec: type[BaseModel]) -> np.dtype:
    return np.dtype([(name, "f8") for name in spec.model_fields], align=True)


MODE_DTYPE = _table_dtype(ModeSpec)
PHASE_DTYPE = _table_dtype(PhaseSpec)

assert len({p.name for p in SCALAR_PARAMETERS}) == len(SCALAR_PARAMETERS), "names collide"


def choice_code(path: str, value: str) -> int:
    """The code the kernels compare a choice parameter with (``p.<name> == code``)."""
    return BY_PATH[path].choices.index(value)


def _value(config: BaseModel, path: str) -> Any:
    value: Any = config
    for part in path.split("."):
        value = getattr(value, part)
    return value


def parameter_record(config: ScenarioConfig) -> np.ndarray:
    """The scalar parameters of ``config`` as a one-element ``PARAM_DTYPE`` array."""
    record = records(1, PARAM_DTYPE)
    for p in SCALAR_PARAMETERS:
        value = _value(config, p.path)
        if value is None:
            value = DERIVED[p.path](config)
        record[p.name] = p.choices.index(value) if p.choices else value
    return record


def table_records(config: ScenarioConfig, path: str) -> np.ndarray:
    """The config table at ``path`` (``TABLES``) as records, one per key in vocabulary order."""
    keys, spec = TABLES[path]
    values = _value(config, path)
    table = records(len(keys), _table_dtype(spec))
    for k, key in enumerate(keys):
        for name in spec.model_fields:
            table[k][name] = getattr(values[key], name)
    return table
