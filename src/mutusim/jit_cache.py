"""numba's on-disk cache, keyed by the compiled sources.

numba checks a cached function against its own source file only: when a rule, the schema or a
phase that a cached kernel calls changes, the kernel's stale machine code would still be
loaded, and results would silently come from the old code. So the cache lives in a folder
named by a hash of every source file compiled code depends on; any change there starts a new
folder (one recompilation, about a minute), and the last few folders are kept.

The folder is ``$MUTUSIM_CACHE_DIR`` (default ``~/.cache/mutusim``, or under
``$XDG_CACHE_HOME``), or ``$NUMBA_CACHE_DIR`` when the user set it, plus ``numba-<hash>``.
``configure()`` runs when ``mutusim`` is imported, before any compiled function is defined.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
COMPILED_SOURCES = (
    "catalogue.py",
    "rng.py",
    "config/schema.py",
    "contract",
    "rules",
    "population",
    "phases",
    "engine",
)
"""Files and folders (relative to the package) whose code is compiled, or shapes it."""
KEEP = 12
OURS = "MUTUSIM_NUMBA_CACHE_DIR"


def source_hash() -> str:
    """SHA-256 (first 16 hex digits) of the compiled sources."""
    digest = hashlib.sha256()
    for entry in COMPILED_SOURCES:
        path = PACKAGE / entry
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(PACKAGE)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def _base() -> Path:
    if os.environ.get("MUTUSIM_CACHE_DIR"):
        return Path(os.environ["MUTUSIM_CACHE_DIR"])
    numba_dir = os.environ.get("NUMBA_CACHE_DIR")
    if numba_dir and numba_dir != os.environ.get(OURS):
        return Path(numba_dir)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "mutusim"


def _prune(base: Path, current: Path) -> None:
    """Keep the ``KEEP`` most recently used cache folders."""
    folders = sorted(
        (p for p in base.glob("numba-*") if p.is_dir() and p != current),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in folders[KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def configure() -> None:
    """Point numba's cache at the folder of the current sources (no-op if it cannot be made)."""
    base = _base()
    folder = base / f"numba-{source_hash()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        os.utime(folder)
        _prune(base, folder)
    except OSError:
        return  # numba then caches next to the sources, or not at all
    os.environ["NUMBA_CACHE_DIR"] = os.environ[OURS] = str(folder)
    from numba.core import config

    config.reload_config()
