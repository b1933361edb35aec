"""The results store of an experiment: Parquet parts that say what they are, a sealed manifest
that records each of them, and checks that trust nothing unverified.

Layout of ``OUT``::

    .mutusim.lock                      held by the one command writing here (mutusim.lock)
    manifest.json                      experiment, its SHA-256, seed, versions, chunk status,
                                       one record per part, the summary's SHA-256; sealed
    runs/experiment=E/scenario=S/part-<cell>-<first run>-<runs>.parquet       one row per run
    timeseries/experiment=E/scenario=S/part-<cell>-<first run>-<runs>.parquet one row per month
    summary.csv

A chunk is runs ``first .. first + runs - 1`` of one cell (scenario or design point). Its
identity (``ChunkId``: experiment SHA-256, cell, scenario, first run, runs, seed, config
SHA-256, chunk size, and the SHA-256 of the mutusim sources that computed it) is written into
each of its parts' Parquet metadata and, with the SHA-256 of each part's bytes, into the
manifest. Parts are written atomically (``mutusim.atomic``).

``survey`` tells, for a resumed experiment, which chunks are done (both parts present, of this
chunk, and matching their recorded SHA-256), which are missing, damaged or stale (computed by
other mutusim sources; all three are recomputed), and refuses a folder holding parts of
anything else (``StoreError``). ``read_table`` reads only
recorded parts, each checked against its SHA-256, so a result is never built on a part that
was changed, truncated or slipped in.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from mutusim import atomic
from mutusim import manifest as manifests
from mutusim.errors import StoreError
from mutusim.lock import LOCK_NAME

STORE_FORMAT = 2
"""Version of this layout (1: mutusim 0.5, no part records)."""

TABLES = ("timeseries", "runs")
"""A chunk's tables, in the order they are written."""

IDENTITY_KEY = b"mutusim.chunk"
"""Parquet metadata key holding a part's ``ChunkId`` (JSON)."""


@dataclass(frozen=True)
class ChunkId:
    """What a chunk is: runs ``first_run .. first_run + runs - 1`` of one cell of one
    experiment, with the seed, the cell's config hash, the chunk size and the SHA-256 of the
    mutusim sources that compute it."""

    experiment_sha256: str
    cell: int
    scenario: str
    first_run: int
    runs: int
    seed: int
    config_sha256: str
    chunk_runs: int
    source_sha256: str

    @property
    def key(self) -> str:
        """Name of the chunk (and of its parts)."""
        return f"{self.cell:05d}-{self.first_run:07d}-{self.runs:05d}"

    def describe(self) -> str:
        """The chunk in words, for messages."""
        return (
            f"runs {self.first_run}–{self.first_run + self.runs - 1} of scenario "
            f"{self.scenario!r} (seed {self.seed}, chunks of {self.chunk_runs}, config "
            f"{self.config_sha256[:12]}…, experiment {self.experiment_sha256[:12]}…)"
        )


class State(enum.IntEnum):
    """What ``survey`` found of a chunk, from best to worst (a chunk is its worst part)."""

    DONE = 0
    MISSING = 1  # absent, or written after the last save of the manifest
    STALE = 2  # computed by other mutusim sources
    DAMAGED = 3  # recorded, but its bytes changed


def part_path(out: Path, table: str, experiment: str, chunk: ChunkId) -> Path:
    """Where one chunk's part of ``table`` lives."""
    return (
        out
        / table
        / f"experiment={experiment}"
        / f"scenario={chunk.scenario}"
        / f"part-{chunk.key}.parquet"
    )


def write_part(
    out: Path, table: str, experiment: str, chunk: ChunkId, frame: pd.DataFrame
) -> dict[str, Any]:
    """Write one part (atomically, its identity in its metadata); return its record."""
    data = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = {**(data.schema.metadata or {}), IDENTITY_KEY: _identity_bytes(chunk)}
    data = data.replace_schema_metadata(metadata)
    path = part_path(out, table, experiment, chunk)
    written = atomic.write_atomic(path, lambda tmp: pq.write_table(data, tmp))
    return {"path": path.relative_to(out).as_posix(), "rows": len(frame), **written.record()}


def _identity_bytes(chunk: ChunkId) -> bytes:
    return json.dumps(asdict(chunk), sort_keys=True).encode()


def _identity_of(data: bytes) -> dict[str, Any] | None:
    """The ``ChunkId`` fields in a part's metadata (None: not a readable mutusim part)."""
    try:
        metadata = pq.read_schema(pa.BufferReader(data)).metadata or {}
        return json.loads(metadata[IDENTITY_KEY])
    except (pa.ArrowException, KeyError, ValueError, OSError):
        return None


def _foreign(path: Path, found: dict[str, Any] | None, chunk: ChunkId | None) -> StoreError:
    """The refusal of a part that belongs to no chunk of this plan."""
    try:
        what = ChunkId(**found).describe()  # type: ignore[arg-type]
    except TypeError:
        what = "no chunk of a mutusim experiment"
    expected = chunk.describe() if chunk is not None else "no file there"
    return StoreError(
        f"{path}: expected {expected}; found {what}: the folder mixes results of different "
        "experiments or seeds; choose another folder (or delete this one)"
    )


def survey(
    out: Path, experiment: str, chunks: list[ChunkId], parts: dict[str, Any]
) -> dict[str, State]:
    """The state of every planned chunk, after checking its parts against their identity and
    the manifest's records (``parts``, by chunk key). Raises ``StoreError`` for a part of
    another chunk, seed or experiment, or a file that no chunk of the plan writes."""
    planned = {part_path(out, t, experiment, c) for c in chunks for t in TABLES}
    for table in TABLES:
        root = out / table
        if not root.exists():
            continue
        for path in sorted(p for p in root.rglob("*") if not p.is_dir()):
            if path.name.startswith(atomic.TEMP_PREFIX) or path in planned:
                continue
            raise _foreign(path, _identity_of(_read_bytes(path)), None)
    states = {}
    for chunk in chunks:
        records = parts.get(chunk.key, {}).get("files", {})
        states[chunk.key] = max(
            _part_state(part_path(out, table, experiment, chunk), chunk, records.get(table))
            for table in TABLES
        )
    return states


def _part_state(path: Path, chunk: ChunkId, record: dict[str, Any] | None) -> State:
    if not path.is_file():
        return State.MISSING
    data = _read_bytes(path)
    found = _identity_of(data)
    if found is None:  # not a readable part: truncated, or overwritten
        return State.DAMAGED if record else State.MISSING
    expected = asdict(chunk)
    if found != expected:
        if {**found, "source_sha256": chunk.source_sha256} == expected:
            return State.STALE
        raise _foreign(path, found, chunk)
    if record is None:
        return State.MISSING
    return State.DONE if hashlib.sha256(data).hexdigest() == record["sha256"] else State.DAMAGED


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from None


def read_table(out: Path, manifest: dict[str, Any], table: str, hint: str) -> pd.DataFrame:
    """Every recorded part of ``table``, each checked against its SHA-256, with the columns
    ``experiment`` and ``scenario``. ``hint``: how to recompute a damaged part (messages)."""
    frames = []
    for _, part in sorted(manifest.get("parts", {}).items()):
        record = part["files"][table]
        data = manifests.verified(out, record["path"], record, hint)
        frame = pq.read_table(pa.BufferReader(data)).to_pandas()
        frames.append(
            frame.assign(experiment=str(manifest["experiment"]), scenario=str(part["scenario"]))
        )
    if not frames:
        raise StoreError(f"{out}: expected stored runs; found none ({hint})")
    return pd.concat(frames, ignore_index=True)


def claim(out: Path, experiment_sha: str, name: str) -> dict[str, Any] | None:
    """The manifest if ``out`` holds this experiment, None if ``out`` is empty; refuse a
    folder holding anything else. Call it while holding ``out``'s lock (``mutusim.lock``)."""
    if not (out / manifests.NAME).is_file():
        others = [p for p in out.iterdir() if p.name != LOCK_NAME]
        if others:
            raise StoreError(
                f"--out {out}: expected an empty folder or one of this experiment; found a "
                f"folder holding {others[0].name!r} and no manifest; choose another folder"
            )
        return None
    held = manifests.read(out)
    if held.get("store_format") != STORE_FORMAT or "experiment_sha256" not in held:
        kind = "a `mutusim run` folder" if "scenario" in held else "an older results store"
        raise StoreError(
            f"--out {out}: expected a folder of this experiment; found {kind}; choose another "
            "folder"
        )
    if held["experiment_sha256"] != experiment_sha:
        raise StoreError(
            f"--out {out}: holds a different experiment ({held.get('experiment')!r}, "
            f"sha256 {str(held.get('experiment_sha256'))[:12]}…), expected {name!r} "
            f"(sha256 {experiment_sha[:12]}…); choose another folder"
        )
    return held
