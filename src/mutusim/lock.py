"""One writer per results folder: an exclusive lock held while a command writes there.

``folder_lock(out)`` creates ``out`` if needed and takes an exclusive ``flock`` on
``out/.mutusim.lock`` (the ``filelock`` package) without waiting: a second ``mutusim
experiment``, ``mutusim run`` or ``mutusim report`` on the same folder is refused at once with
one line, never interleaved with the first. The kernel releases the lock when its process ends,
however it ends (SIGKILL included), so a killed run leaves no stale lock behind. Whoever holds
the lock may remove the temporaries killed writers left (``atomic.remove_temporaries``) and
claim the folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import filelock

from mutusim.errors import StoreError

LOCK_NAME = ".mutusim.lock"
"""The lock file inside a results folder (readers of Parquet datasets skip dot files)."""


@contextmanager
def folder_lock(folder: str | os.PathLike[str], option: str = "--out") -> Iterator[Path]:
    """Hold ``folder`` exclusively for the duration of the block (``folder`` is created if
    missing). Raises ``StoreError`` at once when another process holds it."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise StoreError(f"{option} {folder}: expected a folder; found a file") from None
    except OSError as exc:
        raise StoreError(f"{option} {folder}: cannot create the folder ({exc.strerror})") from None
    lock = filelock.FileLock(folder / LOCK_NAME, timeout=0, fallback_to_soft=False)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise StoreError(
            f"{option} {folder}: another mutusim command is writing to this folder; wait until "
            "it ends (then run this command again) or choose another folder"
        ) from None
    except OSError as exc:
        raise StoreError(
            f"{option} {folder}: cannot lock the folder ({exc.strerror}); choose a folder on a "
            "local or lock-capable file system"
        ) from None
    try:
        yield folder
    finally:
        lock.release()
