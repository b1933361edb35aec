"""Writing files so that a reader never sees half of one, with the modes the umask asks for.

Every file mutusim writes (Parquet parts, manifests, CSV summaries, PNG figures, HTML reports,
``mutusim run`` outputs) goes through ``write_atomic``: it is written to a temporary file in
the same folder (name starting with ``TEMP_PREFIX``, which readers of Parquet datasets skip),
flushed to disk, given the mode ``0o666 & ~umask`` (``mkstemp`` would leave 0600), hashed and
renamed into place. A file is therefore whole or absent, whatever kills the process; what a
killed writer leaves is a temporary, removed by ``remove_temporaries`` when an interrupted
command stops, or the next time a command holds that folder's lock (``mutusim.lock``).

``check_output_folder`` and ``check_output_file`` tell, before any work starts, whether a
``--out`` can be written at all (not a file, not read-only).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mutusim.errors import ConfigError

TEMP_PREFIX = ".mutusim-tmp-"
"""Start of the name of every temporary file or folder mutusim writes."""

STALE_PATTERNS = (f"{TEMP_PREFIX}*", ".part-*.tmp", ".manifest-*.tmp", ".report-*.html.tmp")
"""Names of temporaries a killed writer may leave (the last three: mutusim 0.5 and earlier)."""

_UMASK_LOCK = threading.Lock()
_READ_ONLY = (errno.EACCES, errno.EROFS, errno.EPERM)


@dataclass(frozen=True)
class Written:
    """What was written: the file's SHA-256 and size in bytes (recorded in manifests)."""

    sha256: str
    bytes: int

    def record(self) -> dict[str, Any]:
        """The manifest's record of the file."""
        return {"sha256": self.sha256, "bytes": self.bytes}


def current_umask() -> int:
    """The process's umask (read from /proc where possible, which changes nothing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:  # os.umask can only be read by setting it
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def file_mode() -> int:
    """Mode of a new file under the current umask (what ``open`` would give)."""
    return 0o666 & ~current_umask()


def folder_mode() -> int:
    """Mode of a new folder under the current umask (what ``mkdir`` would give)."""
    return 0o777 & ~current_umask()


def digest(path: Path) -> Written:
    """SHA-256 and size of a file's bytes."""
    sha = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            sha.update(block)
            size += len(block)
    return Written(sha.hexdigest(), size)


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Written:
    """Write ``path`` whole or not at all: ``write(tmp)`` fills a temporary file next to it,
    which is synced, given the umask's mode, hashed and renamed over ``path``. On any error
    (or interruption) the temporary is removed and ``path`` is left as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=path.parent)
        tmp = Path(name)
        os.close(fd)
        write(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, file_mode())
        written = digest(tmp)
        os.replace(tmp, path)
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise
    return written


def write_text(path: str | os.PathLike[str], text: str) -> Written:
    """``write_atomic`` of UTF-8 text."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_json(path: str | os.PathLike[str], data: Any) -> Written:
    """``write_atomic`` of indented, key-sorted JSON."""
    return write_text(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def write_figure(path: str | os.PathLike[str], figure: Any, **savefig: Any) -> Written:
    """``write_atomic`` of a matplotlib figure, in the format of the file's suffix."""
    fmt = Path(path).suffix.lstrip(".") or "png"
    return write_atomic(path, lambda tmp: figure.savefig(tmp, format=fmt, **savefig))


def remove_temporaries(folder: str | os.PathLike[str]) -> int:
    """Delete the temporaries killed writers left anywhere under ``folder``; return how many.
    Call it only while holding the folder's lock (a live writer's temporary would go too)."""
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    stale = {p for pattern in STALE_PATTERNS for p in folder.rglob(pattern)}
    for path in sorted(stale, key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return len(stale)


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return Path.cwd()


def _probe(folder: Path, option: str, target: Path) -> None:
    """Create and drop a file in ``folder``: the one test of writability that holds for root,
    read-only file systems and network mounts alike."""
    try:
        with tempfile.TemporaryFile(prefix=TEMP_PREFIX, dir=folder):
            pass
    except OSError as exc:
        raise ConfigError(
            f"{option} {target}: expected a folder this user can write in; found "
            f"{folder} {'read-only' if exc.errno in _READ_ONLY else 'unusable'} "
            f"({exc.strerror})"
        ) from None


def check_output_folder(path: str | os.PathLike[str], option: str = "--out") -> Path:
    """Refuse, before any work, a ``--out`` folder that is a file, lies under a file, or
    cannot be written; create nothing."""
    path = Path(path)
    base = _nearest_existing(path)
    if not base.is_dir():
        found = "a file" if base == path else f"{base}, a file, on its way"
        raise ConfigError(f"{option} {path}: expected a folder; found {found}")
    _probe(base, option, path)
    return path


def check_output_file(path: str | os.PathLike[str], option: str = "--out") -> Path:
    """Refuse, before any work, an output file name that is a folder or cannot be written."""
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"{option} {path}: expected a file name; found a folder")
    check_output_folder(path.parent, option)
    return path
