"""Every model and policy parameter as one table, read from the declarations of the config
schema (``mutusim.config.schema.param``): name, type, default, validity bounds, plausible range
for uncertainty analysis, unit, description and source.

It is what ``mutusim params`` prints, what docs/ODD.md section 8 is checked against, and what
the SALib and EMA Workbench drivers in ``experiments/`` build their uncertainties from
(``salib_problem``). Nothing here is declared twice: units, ranges and sources live next to each
pydantic field; defaults are the values of the scenario asked for (the baseline by default, so
population fields show the Walloon values), and the sources of population figures are the
comments of their population file.
"""

from __future__ import annotations

import math
import re
import sys
import types
import typing
from pathlib import Path
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from mutusim.config import POLICY_TYPES, ScenarioConfig, load_config
from mutusim.config.schema import ASSUMPTION

COLUMNS = (
    "name",
    "type",
    "default",
    "min",
    "max",
    "min_exclusive",
    "max_exclusive",
    "plausible",
    "unit",
    "description",
    "source",
)
"""Keys of every row, in order (``choices`` is added for fields with a fixed set of values)."""
NOT_PARAMETERS = {"name", "description", "type", "policies", "initial_projects"}
"""Fields that identify or structure a config rather than parametrise it."""


# ----------------------------------------------------------------------------- field types
def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """The base type, its constraint metadata and whether None is allowed."""
    optional = False
    metadata: list[Any] = []
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        annotation = args[0] if len(args) == 1 else annotation
    while typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        for item in extra:
            metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        annotation = base
    return annotation, metadata, optional


def _type_name(annotation: Any) -> tuple[str, list[Any] | None]:
    """A short type name (float, int, bool, choice, list) and the allowed values if fixed."""
    base, _, optional = _unwrap(annotation)
    suffix = " | null" if optional else ""
    if typing.get_origin(base) is typing.Literal:
        return "choice" + suffix, list(typing.get_args(base))
    if typing.get_origin(base) is list:
        (item,) = typing.get_args(base)
        item_base, _, _ = _unwrap(item)
        choices = (
            list(typing.get_args(item_base))
            if typing.get_origin(item_base) is typing.Literal
            else None
        )
        return "list" + suffix, choices
    return getattr(base, "__name__", str(base)) + suffix, None


def _bounds(metadata: list[Any]) -> dict[str, Any]:
    """Validity bounds as numbers (None where unbounded) and whether each is exclusive."""
    out: dict[str, Any] = {"min": None, "max": None, "min_exclusive": False, "max_exclusive": False}
    for m in metadata:
        if isinstance(m, Ge):
            out["min"] = m.ge
        elif isinstance(m, Gt):
            out["min"], out["min_exclusive"] = m.gt, True
        elif isinstance(m, Le):
            out["max"] = m.le
        elif isinstance(m, Lt):
            out["max"], out["max_exclusive"] = m.lt, True
    return out


def _extra(field: FieldInfo) -> dict[str, Any]:
    extra = field.json_schema_extra
    return dict(extra) if isinstance(extra, dict) else {}


def _json_value(value: Any) -> Any:
    """Defaults as JSON values (models as dicts)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


# ----------------------------------------------------------------------------- walking a config
class _Context(typing.NamedTuple):
    """What a parent field passes down to the fields of its sub-model."""

    prefix: str
    description: str = ""
    source: str | None = None
    plausible: dict[str, list[float]] = {}  # noqa: RUF012 (read-only default)


def _row(
    dotted: str, field: FieldInfo, annotation: Any, value: Any, ctx: _Context, local: str
) -> dict[str, Any]:
    extra = _extra(field)
    kind, choices = _type_name(annotation)
    _, metadata, _ = _unwrap(annotation)
    plausible = ctx.plausible.get(local, extra.get("plausible"))
    source = extra.get("source", ASSUMPTION)
    if source == ASSUMPTION and ctx.source:
        source = ctx.source
    description = field.description or ""
    if ctx.description:
        description = f"{ctx.description}: {description}" if description else ctx.description
    row = {
        "name": dotted,
        "type": kind,
        "default": _json_value(value),
        **_bounds([*field.metadata, *metadata]),
        "plausible": list(plausible) if isinstance(plausible, list) else None,
        "unit": extra.get("unit", ""),
        "description": description,
        "source": source,
    }
    if choices is not None:
        row["choices"] = choices
    return row


def _sub_plausible(plausible: Any, key: str) -> dict[str, list[float]]:
    """The part of a parent's plausible mapping that concerns its entry ``key``."""
    if not isinstance(plausible, dict):
        return {}
    start = f"{key}."
    return {k.removeprefix(start): v for k, v in plausible.items() if k.startswith(start)}


def _walk(model: BaseModel, ctx: _Context, rows: list[dict[str, Any]]) -> None:
    for name, field in type(model).model_fields.items():
        if name in NOT_PARAMETERS:
            continue
        value = getattr(model, name)
        dotted = f"{ctx.prefix}{name}"
        extra = _extra(field)
        source = extra.get("source") if extra.get("source") != ASSUMPTION else ctx.source
        if isinstance(value, BaseModel):
            plausible = extra.get("plausible")
            _walk(
                value,
                _Context(
                    f"{dotted}.",
                    field.description if extra else "",
                    source,
                    plausible if isinstance(plausible, dict) else {},
                ),
                rows,
            )
        elif isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
            for i, item in enumerate(value):
                label = getattr(item, "name", str(i))
                _walk(item, _Context(f"{dotted}.{i}.", f"{name} {label}", source), rows)
        elif (
            isinstance(value, dict)
            and value
            and all(isinstance(v, BaseModel) for v in value.values())
        ):
            for key, item in value.items():
                sub = _sub_plausible(extra.get("plausible"), key)
                _walk(item, _Context(f"{dotted}.{key}.", f"{name} {key}", source, sub), rows)
        elif isinstance(value, dict):
            (_, item_type) = typing.get_args(_unwrap(field.annotation)[0])
            for key, item in value.items():
                row = _row(f"{dotted}.{key}", field, item_type, item, ctx, f"{name}.{key}")
                row["description"] = f"{row['description']}: {key}"
                row["plausible"] = None  # entries of one mapping vary together (shares sum to 1)
                rows.append(row)
        else:
            rows.append(_row(dotted, field, field.annotation, value, ctx, name))


def _population_sources(config: ScenarioConfig, rows: list[dict[str, Any]]) -> None:
    """Replace the source of population rows by the comment of their population file."""
    from mutusim.report.sources import population_sources

    found = population_sources(config.population)
    if found.file is None:
        return
    by_path = {fact.path: fact.source for fact in found.facts}
    sectors = {str(i): s.name for i, s in enumerate(config.population.sectors)}
    for row in rows:
        if not row["name"].startswith("population."):
            continue
        parts = row["name"].removeprefix("population.").split(".")
        if parts[0] == "sectors" and len(parts) > 2:
            parts[1] = sectors.get(parts[1], parts[1])
        path = ".".join(parts)
        group = parts[0]
        if path in by_path:
            row["source"] = f"{found.file.name}: {by_path[path]}"
        elif group in found.groups and row["source"] == ASSUMPTION:
            row["source"] = f"{found.file.name}: {found.groups[group]}"
        elif row["source"] == ASSUMPTION:
            row["source"] = f"assumption ({found.file.name})"


# ----------------------------------------------------------------------------- public API
def parameter_table(
    config: ScenarioConfig | None = None, policies: bool = False
) -> list[dict[str, Any]]:
    """Rows of every parameter (see ``COLUMNS``).

    Model parameters of ``config`` (default: the baseline scenario, Walloon population
    included) are named by their ``--set`` key, e.g. ``behaviour.pioneer_rate``. With
    ``policies``: the policy parameters instead, of ``config``'s own policies (named
    ``policies.N.field``) or, without a config or when it has none, of every shipped policy file
    (``configs/policies/TYPE.yaml``, named ``TYPE.field`` as in docs/ODD.md section 8.11).
    """
    rows: list[dict[str, Any]] = []
    if not policies:
        config = config or load_config()
        _walk(config, _Context(""), rows)
        _population_sources(config, rows)
        return rows
    if config is not None and config.policies:
        for i, policy in enumerate(config.policies):
            _walk(policy, _Context(f"policies.{i}.", source=None), rows)
        return rows
    for kind in POLICY_TYPES:
        shipped = load_config(None, {"policies": [kind]}).policies[0]
        _walk(shipped, _Context(f"{kind}."), rows)
    return rows


def plausible_text(row: dict[str, Any]) -> str:
    """The plausible range as docs/ODD.md writes it (``0.05–0.5``), or ``—``."""
    if row["plausible"] is None:
        return "—"
    low, high = row["plausible"]
    return f"{_number(low)}–{_number(high)}"


def validity_text(row: dict[str, Any]) -> str:
    """Validity bounds in interval notation (``[0, 1]``, ``(0, ∞)``), or ``any``."""
    if row["min"] is None and row["max"] is None:
        return "any"
    left = "(" if row["min_exclusive"] or row["min"] is None else "["
    right = ")" if row["max_exclusive"] or row["max"] is None else "]"
    low = "−∞" if row["min"] is None else _number(row["min"])
    high = "∞" if row["max"] is None else _number(row["max"])
    return f"{left}{low}, {high}{right}"


def _number(value: float) -> str:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    return f"{value:,}".replace(",", " ") if isinstance(value, int) else f"{value:g}"


def salib_problem(names: typing.Sequence[str] | None = None, config: ScenarioConfig | None = None):
    """A SALib problem dict (``num_vars``, ``names``, ``bounds``) over the plausible ranges of
    ``names`` (default: every model parameter that has one). Raises ValueError for a name that
    is not a parameter or has no plausible range."""
    rows = {r["name"]: r for r in parameter_table(config)}
    rows.update({r["name"]: r for r in parameter_table(config, policies=True)})
    if names is None:
        names = [n for n, r in rows.items() if r["plausible"] is not None and "." in n]
        names = [n for n in names if n.split(".")[0] not in POLICY_TYPES]
    missing = [n for n in names if n not in rows or rows[n]["plausible"] is None]
    if missing:
        raise ValueError(f"no plausible range for {missing} (see `mutusim params`)")
    return {
        "num_vars": len(names),
        "names": list(names),
        "bounds": [list(map(float, rows[n]["plausible"])) for n in names],
    }


# ----------------------------------------------------------------------------- docs/ODD.md
ODD = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"
SECTION_START, SECTION_END = "## 8. Parameters", "## 9. "


def odd_with_plausible(text: str) -> str:
    """``text`` (docs/ODD.md) with the ``plausible`` column of section 8's parameter tables
    filled from the schema (inserted after the third column where a table lacks it; tables of
    three columns, whose entries cannot vary one at a time, have none). Idempotent."""
    rows = {r["name"]: r for r in parameter_table() + parameter_table(policies=True)}
    start, end = text.index(SECTION_START), text.index(SECTION_END)
    out: list[str] = []
    column = width = None  # the plausible column and the number of columns of this table
    for line in text[start:end].split("\n"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| parameter |"):
            column = cells.index("plausible") if "plausible" in cells else None
            if column is None and len(cells) >= 4:
                column = 3
                cells.insert(column, "plausible")
            width = len(cells)
            if column is not None:
                line = "| " + " | ".join(cells) + " |"
        elif line.startswith("|---") and column is not None:
            line = "|" + "---|" * width
        elif line.startswith("| ") and column is not None:
            found = re.match(r"`([^`]+)`", cells[0])
            value = plausible_text(rows[found[1]]) if found and found[1] in rows else "—"
            if len(cells) < width:
                cells.insert(column, value)
            else:
                cells[column] = value
            line = "| " + " | ".join(cells) + " |"
        elif not line.startswith("|"):
            column = None
        out.append(line)
    return text[:start] + "\n".join(out) + text[end:]


def main(argv: typing.Sequence[str] | None = None) -> int:
    """``python -m mutusim.parameter_table --update-odd``: refresh docs/ODD.md section 8's
    plausible column from the schema (after adding or changing a parameter)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args != ["--update-odd"]:
        print("usage: python -m mutusim.parameter_table --update-odd", file=sys.stderr)
        return 2
    ODD.write_text(odd_with_plausible(ODD.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {ODD}")
    return 0


__all__ = [
    "COLUMNS",
    "odd_with_plausible",
    "parameter_table",
    "plausible_text",
    "salib_problem",
    "validity_text",
]

if __name__ == "__main__":
    sys.exit(main())
