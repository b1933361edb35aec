"""The results folder of a calibration: a sealed manifest recording each block of simulated
points (Parquet, with its SHA-256), so that an interrupted calibration resumes where it
stopped, and refuses a folder holding anything else (``experiments.store.claim``).

Layout of ``OUT``::

    manifest.json            the targets' SHA-256, seed, method, status, one record per block
    blocks/<key>.parquet     simulated points: wave, point, run, values, each target's output
    abc.db                   pyabc's history (method abc), resumed by its run id
    ensemble.parquet         the accepted parameter sets and their weights
    calibration.json         what was calibrated, how, and what came out
    figures/*.png            prior vs posterior marginals, posterior predictive
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd

from mutusim import atomic
from mutusim import manifest as manifests
from mutusim.errors import StoreError
from mutusim.experiments import store as experiment_store


def claim(out: Path, sha: str, name: str, fresh: dict[str, Any]) -> dict[str, Any]:
    """The folder's manifest: the one already there for these targets (resuming), else
    ``fresh``; refuses a folder holding anything else. Hold the folder's lock."""
    out.mkdir(parents=True, exist_ok=True)
    atomic.remove_temporaries(out)
    held = experiment_store.claim(out, sha, name)
    manifest = held if held is not None else fresh
    manifest.setdefault("blocks", {})
    return manifest


def new_manifest(sha: str, name: str, seed: int, method: str) -> dict[str, Any]:
    """The manifest of a calibration not yet started."""
    return {
        "store_format": experiment_store.STORE_FORMAT,
        "kind": "calibration",
        "experiment": name,
        "experiment_sha256": sha,
        "seed": seed,
        "method": method,
        "status": "running",
        "blocks": {},
    }


def save_block(out: Path, manifest: dict[str, Any], key: str, frame: pd.DataFrame) -> None:
    """Write a block of simulated points atomically and record it in the manifest."""
    relative = f"blocks/{key}.parquet"
    (out / "blocks").mkdir(exist_ok=True)
    written = atomic.write_atomic(out / relative, lambda tmp: frame.to_parquet(tmp, index=False))
    manifest["blocks"][key] = {"file": relative, **written.record()}
    manifests.write(out, manifest)


def load_block(out: Path, manifest: dict[str, Any], key: str) -> pd.DataFrame | None:
    """A recorded block, checked against its SHA-256; None if it is not recorded (or was
    damaged: it is then simulated again)."""
    record = manifest["blocks"].get(key)
    if record is None:
        return None
    try:
        data = manifests.verified(out, record["file"], record, "it is simulated again")
    except StoreError:
        del manifest["blocks"][key]
        return None
    return pd.read_parquet(io.BytesIO(data))
