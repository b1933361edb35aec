"""Ensembles of plausible parameter sets, and the members an experiment draws from them.

An ensemble file (``ensemble.parquet``) has one row per parameter set: one column per
parameter, named by its dotted config path (``behaviour.autonomy_preference``, as ``--set``
and ``mutusim params`` name it), and a ``weight`` column summing to 1. ``mutusim calibrate``
writes a calibrated one (the posterior); ``prior_ensemble`` (``mutusim prior-ensemble``) draws
an uncalibrated one from the plausible ranges of the parameters, for examples, tests and
studies made before calibration — its rows say what is *plausible*, not what is observed.

An experiment that names an ensemble and ``members: K`` draws K rows of it, weighted, with
replacement, from a stream of its own seed (``draw_members``): each draw is a ``Member`` of
weight 1/K. Every scenario (or design point) runs over the same K members, each ``runs``
times with the same run indices (``first_run``): arms stay paired, member by member and run
by run. Bad ensembles are refused before any run, with one line naming the file and the
column (``read_ensemble``, ``check_members``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mutusim.config import ConfigError, ScenarioConfig

WEIGHT = "weight"
"""Column of the ensemble holding each row's weight."""
ORIGIN_KEY = b"mutusim.ensemble_origin"
"""Parquet metadata key saying where an ensemble comes from."""
PRIOR = "prior"
"""Origin of an uncalibrated ensemble drawn from plausible ranges."""
WEIGHT_TOLERANCE = 1e-6
"""How far the weights may sum from 1."""
DRAW_STREAM = 0x656E73656D626C65  # "ensemble": keeps the draw apart from any other use of the seed
PRIOR_PARAMETERS = (
    "population.convinced_share",
    "population.pioneer_share",
    "behaviour.autonomy_preference",
    "behaviour.pioneer_rate",
    "behaviour.innovation",
    "behaviour.imitation",
    "demand.demonstration_rate",
    "demand.activation_fade",
    "demand.conviction_gain",
    "formation.facilitation_speedup",
    "projects.quality_gain",
    "commitment.erosion",
)
"""Parameters of the shipped prior ensemble: the behavioural uncertainties that decide how
latent demand is activated, how projects form and how long they last (docs/ROBUSTNESS.md)."""


@dataclass(frozen=True)
class Member:
    """One draw of an ensemble: its slot ``member`` (0 .. K-1), the ``row`` of the file it
    copies, its weight in the analysis and its parameter values."""

    member: int
    row: int
    weight: float
    values: dict[str, Any]

    def record(self) -> dict[str, Any]:
        """The member as the manifest stores it."""
        return {
            "member": self.member,
            "row": self.row,
            "weight": self.weight,
            "values": self.values,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Member:
        """The member of a manifest record."""
        return cls(
            int(record["member"]),
            int(record["row"]),
            float(record["weight"]),
            dict(record["values"]),
        )


def resolve_path(path: str, source: str) -> Path:
    """The ensemble file: relative to the experiment file when it lies there, else to the
    working directory."""
    near = Path(source).parent / path
    return near if near.is_file() else Path(path)


def file_sha256(path: Path) -> str:
    """SHA-256 of the ensemble file (provenance)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _lookup(tree: Any, dotted: str) -> Any:
    from mutusim.experiments.design import _MISSING, _lookup

    found = _lookup(tree, dotted)
    return None if found is _MISSING else found


def read_ensemble(path: Path, base: ScenarioConfig, where: str) -> pd.DataFrame:
    """The ensemble at ``path``, checked against the scenario ``base``: a readable Parquet
    table, a ``weight`` column of finite non-negative numbers summing to 1, and at least one
    other column, each a numeric parameter of the scenario with finite values. ``where``: the
    field that names the file (messages). Raises ``ConfigError``."""
    import pyarrow as pa

    field = f"{where}: field 'ensemble'"
    if not path.is_file():
        raise ConfigError(
            f"{field}: expected an ensemble file (`mutusim calibrate` writes DIR/ensemble.parquet, "
            f"`mutusim prior-ensemble` draws one); found no file {str(path)!r}"
        )
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise ConfigError(
            f"{field}: expected a Parquet table; {path} cannot be read ({str(exc).splitlines()[0]})"
        ) from None
    if WEIGHT not in frame.columns:
        raise ConfigError(
            f"{field}: expected a 'weight' column in {path}; found columns {list(frame.columns)}"
        )
    names = [c for c in frame.columns if c != WEIGHT]
    if not names or frame.empty:
        raise ConfigError(
            f"{field}: expected at least one row and one parameter column in {path}; found "
            f"{len(frame)} row(s), columns {list(frame.columns)}"
        )
    tree = base.model_dump()
    for name in [WEIGHT, *names]:
        column = frame[name]
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            raise ConfigError(
                f"{field}: column {name!r} of {path}: expected numbers; found {column.dtype}"
            )
        values = column.to_numpy(dtype=float)
        if not np.isfinite(values).all():
            raise ConfigError(
                f"{field}: column {name!r} of {path}: expected finite numbers; found "
                f"{values[~np.isfinite(values)][0]} in row {int(np.argmin(np.isfinite(values)))}"
            )
        if name == WEIGHT:
            continue
        current = _lookup(tree, name)
        if isinstance(current, bool) or not isinstance(current, int | float):
            what = "an unknown name" if current is None else f"{name} = {current!r}"
            raise ConfigError(
                f"{field}: column {name!r} of {path}: expected a numeric parameter of the "
                f"scenario (`mutusim params` lists them); found {what}"
            )
    weights = frame[WEIGHT].to_numpy(dtype=float)
    if (weights < 0).any() or not math.isclose(weights.sum(), 1.0, abs_tol=WEIGHT_TOLERANCE):
        raise ConfigError(
            f"{field}: column 'weight' of {path}: expected non-negative weights summing to 1; "
            f"found a sum of {weights.sum():.6g}, smallest {weights.min():.6g}"
        )
    return frame.reset_index(drop=True)


def _typed(value: float, current: Any) -> Any:
    """An ensemble value in the type of the parameter it sets (integers are rounded)."""
    return round(value) if type(current) is int else float(value)


def draw_members(
    ensemble: pd.DataFrame, k: int, seed: int, base: ScenarioConfig | None = None
) -> list[Member]:
    """``k`` weighted draws of rows of ``ensemble``, with replacement, from a stream of
    ``seed`` of their own; each member has weight 1/k. ``base``: the scenario whose parameter
    types the values take (integers rounded); without it values stay floats."""
    weights = ensemble[WEIGHT].to_numpy(dtype=float)
    generator = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, DRAW_STREAM])))
    rows = generator.choice(len(ensemble), size=k, replace=True, p=weights / weights.sum())
    names = [c for c in ensemble.columns if c != WEIGHT]
    tree = base.model_dump() if base is not None else {}
    members = []
    for slot, row in enumerate(rows):
        values = {n: _typed(float(ensemble.at[int(row), n]), _lookup(tree, n)) for n in names}
        members.append(Member(slot, int(row), 1.0 / k, values))
    return members


def members_frame(members: Sequence[Member]) -> pd.DataFrame:
    """One row per member: ``member``, ``row``, ``weight`` and one column per parameter."""
    return pd.DataFrame(
        [{"member": m.member, "row": m.row, WEIGHT: m.weight, **m.values} for m in members]
    )


def prior_ensemble(
    names: Sequence[str] | None = None,
    size: int = 256,
    seed: int = 0,
    config: ScenarioConfig | None = None,
) -> pd.DataFrame:
    """An uncalibrated ensemble: ``size`` Latin-hypercube points over the plausible ranges of
    ``names`` (default ``PRIOR_PARAMETERS``; `mutusim params` gives the ranges), integers
    rounded, equal weights. Raises ``ConfigError`` for a name without a plausible range."""
    from scipy.stats import qmc

    from mutusim.parameter_table import salib_problem

    names = list(names or PRIOR_PARAMETERS)
    try:
        problem = salib_problem(names, config)
    except ValueError as exc:
        raise ConfigError(
            f"--parameters: expected parameters with a plausible range; {exc}"
        ) from None
    if size < 2:
        raise ConfigError(f"--size: expected at least 2 rows; found {size}")
    unit = qmc.LatinHypercube(d=len(names), seed=seed).random(size)
    low, high = np.array(problem["bounds"]).T
    frame = pd.DataFrame(low + unit * (high - low), columns=names)
    from mutusim.config import load_config

    tree = (config or load_config()).model_dump()
    for name in names:
        if type(_lookup(tree, name)) is int:
            frame[name] = frame[name].round()
    frame[WEIGHT] = 1.0 / size
    return frame


def write_ensemble(frame: pd.DataFrame, path: Path, origin: str = PRIOR) -> Path:
    """Write an ensemble table atomically (Parquet), saying in its metadata where it comes
    from (``origin``: ``prior`` for an uncalibrated one; ``ensemble_origin`` reads it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from mutusim import atomic

    atomic.check_output_file(path)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = {**(table.schema.metadata or {}), ORIGIN_KEY: origin.encode()}
    table = table.replace_schema_metadata(metadata)
    atomic.write_atomic(path, lambda tmp: pq.write_table(table, tmp))
    return path


def ensemble_origin(path: Path) -> str:
    """Where an ensemble comes from, as its metadata says (``prior``, or ``unknown`` for a
    file that does not say, e.g. one written by ``mutusim calibrate``)."""
    import pyarrow.parquet as pq

    metadata = pq.read_schema(path).metadata or {}
    return metadata.get(ORIGIN_KEY, b"unknown").decode()
