"""Manifests of results folders: written sealed, read back only when whole and unedited.

A folder written by ``mutusim run`` or ``mutusim experiment`` holds a ``manifest.json`` that
says what the folder contains and records the SHA-256 of each data file. ``write`` adds a seal,
``manifest_sha256``: the SHA-256 of the manifest's own canonical JSON. ``read`` refuses a
manifest that is missing, is not JSON, lacks its seal or no longer matches it (damaged, or
edited by hand), so every check that follows starts from records that are what was written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from mutusim import atomic
from mutusim.errors import StoreError

NAME = "manifest.json"
SEAL = "manifest_sha256"


def _canonical(data: dict[str, Any]) -> str:
    body = {k: v for k, v in data.items() if k != SEAL}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str, allow_nan=True)


def sealed(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (made JSON-plain) with its seal."""
    plain = json.loads(json.dumps(data, default=str))
    plain[SEAL] = hashlib.sha256(_canonical(plain).encode()).hexdigest()
    return plain


def write(folder: Path, data: dict[str, Any]) -> None:
    """Write ``folder/manifest.json`` atomically, sealed."""
    atomic.write_json(folder / NAME, sealed(data))


def verified(folder: Path, relative: str, record: dict[str, Any], hint: str) -> bytes:
    """The bytes of ``folder/relative`` if they match their ``record`` (SHA-256) in the
    manifest; ``StoreError`` naming the file, with ``hint`` (how to recompute it), otherwise."""
    path = folder / relative
    if not path.is_file():
        raise StoreError(f"{path}: expected a file the manifest records; found none ({hint})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from None
    if hashlib.sha256(data).hexdigest() != record.get("sha256"):
        raise StoreError(
            f"{path}: expected the file the manifest records; found it damaged or changed "
            f"(its SHA-256 differs) ({hint})"
        )
    return data


def read(folder: Path) -> dict[str, Any]:
    """The manifest of ``folder``, checked against its seal; ``StoreError`` otherwise."""
    path = folder / NAME
    if not path.is_file():
        raise StoreError(f"{folder}: expected a results folder; found no {NAME} in it")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise StoreError(
            f"{path}: expected the folder's manifest (JSON); found a damaged file ({exc})"
        ) from None
    if not isinstance(data, dict):
        raise StoreError(f"{path}: expected a JSON object; found {type(data).__name__}")
    seal = data.get(SEAL)
    if seal is None:
        raise StoreError(
            f"{path}: expected a sealed manifest; found one written by mutusim 0.5 or earlier, "
            "which records no checksums: run the command again into a new folder"
        )
    if seal != hashlib.sha256(_canonical(data).encode()).hexdigest():
        raise StoreError(
            f"{path}: expected the manifest as written; found it damaged or edited (its seal "
            "does not match): run the command again into a new folder"
        )
    return data
