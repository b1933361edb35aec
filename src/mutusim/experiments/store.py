"""The results store of an experiment: Parquet parts written atomically, partitioned by
experiment and scenario, and a manifest of what the folder holds.

Layout of ``OUT``::

    manifest.json                      experiment, its SHA-256, seeds, versions, chunk status
    runs/experiment=E/scenario=S/part-<chunk>.parquet        one row per run (outcomes)
    timeseries/experiment=E/scenario=S/part-<chunk>.parquet  one row per run and month

A chunk's timeseries part is written first, its runs part last; each through a temporary file
renamed into place, so a part is either whole or absent, and a chunk counts as done exactly
when its runs part exists. A killed experiment resumes by computing the chunks that are not done.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from mutusim.config import ConfigError


def part_path(out: Path, table: str, experiment: str, scenario: str, chunk: str) -> Path:
    """Where one chunk's part of ``table`` lives."""
    return (
        out / table / f"experiment={experiment}" / f"scenario={scenario}" / f"part-{chunk}.parquet"
    )


def write_atomic(frame: pd.DataFrame, path: Path) -> None:
    """Write a Parquet file through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".part-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_json_atomic(data: dict[str, Any], path: Path) -> None:
    """Write JSON through a temporary file, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".manifest-", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True, default=str)
    os.replace(tmp, path)


def claim(out: Path, experiment_sha: str, name: str) -> dict[str, Any] | None:
    """The existing manifest if ``out`` holds this experiment; refuse a different one."""
    manifest = out / "manifest.json"
    if not out.exists():
        return None
    if not manifest.is_file():
        if any(out.iterdir()):
            raise ConfigError(
                f"--out {out}: the folder is not empty and holds no experiment; "
                "choose another folder"
            )
        return None
    held = json.loads(manifest.read_text(encoding="utf-8"))
    if held.get("experiment_sha256") != experiment_sha:
        raise ConfigError(
            f"--out {out}: holds a different experiment ({held.get('experiment')!r}, "
            f"sha256 {str(held.get('experiment_sha256'))[:12]}…), expected {name!r} "
            f"(sha256 {experiment_sha[:12]}…); choose another folder"
        )
    return held


def remove_stale_temporaries(out: Path) -> None:
    """Delete temporary files a killed run left behind (never read: their names start
    with a dot, which Parquet readers skip)."""
    if out.exists():
        for tmp in out.rglob(".*.tmp"):
            tmp.unlink(missing_ok=True)


def read_table(out: Path, table: str) -> pd.DataFrame:
    """All parts of ``table``, with the partition columns ``experiment`` and ``scenario``."""
    frame = pd.read_parquet(out / table)
    for column in ("experiment", "scenario"):
        frame[column] = frame[column].astype(str)
    return frame
