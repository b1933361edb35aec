"""Every model parameter with its type, default, range and meaning, read from the config
schema (what ``mutusim params`` prints and what SALib or EMA Workbench users need)."""

from __future__ import annotations

from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from mutusim.config import load_config
from mutusim.config.schema import ScenarioConfig

SKIP = {"name", "description", "policies", "initial_projects"}
SOURCE_POPULATION = "sourced figure or assumption: comment next to it in configs/populations/"
SOURCE_MODEL = "assumption unless docs/ODD.md section 8 gives a source"


def _bounds(metadata: list[Any]) -> str:
    lo = hi = None
    lo_open = hi_open = False
    for m in metadata:
        if isinstance(m, Ge):
            lo = m.ge
        elif isinstance(m, Gt):
            lo, lo_open = m.gt, True
        elif isinstance(m, Le):
            hi = m.le
        elif isinstance(m, Lt):
            hi, hi_open = m.lt, True
    if lo is None and hi is None:
        return ""
    left = "(" if lo_open or lo is None else "["
    right = ")" if hi_open or hi is None else "]"
    return f"{left}{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}{right}"


def _walk(model: BaseModel, prefix: str, rows: list[dict[str, Any]]) -> None:
    for name, field in type(model).model_fields.items():
        if name in SKIP:
            continue
        value = getattr(model, name)
        dotted = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            _walk(value, dotted + ".", rows)
        elif (
            isinstance(value, dict)
            and value
            and all(isinstance(v, BaseModel) for v in value.values())
        ):
            for key, sub in value.items():
                _walk(sub, f"{dotted}.{key}.", rows)
        else:
            rows.append(
                {
                    "name": dotted,
                    "type": type(value).__name__,
                    "default": value,
                    "range": _bounds(field.metadata),
                    "description": field.description or "",
                    "source": SOURCE_POPULATION
                    if dotted.startswith("population.")
                    else SOURCE_MODEL,
                }
            )


def parameter_table(config: ScenarioConfig | None = None) -> list[dict[str, Any]]:
    """Rows (name, type, default, range, description) of every parameter of ``config``
    (default: the baseline scenario, Walloon population included). Units and sources are in
    the descriptions and in docs/ODD.md."""
    rows: list[dict[str, Any]] = []
    _walk(config or load_config(), "", rows)
    return rows
