"""Shared pieces of the benchmark scripts: peak memory, machine description, JSON output."""

from __future__ import annotations

import json
import platform
import resource
from pathlib import Path
from typing import Any

from mutusim.results import git_commit, package_versions


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (MiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def finish(report: dict[str, Any], rows: list[tuple[str, str]], out: str | Path) -> None:
    """Add provenance to ``report``, print ``rows`` as a table and write the JSON."""
    report["machine"] = {
        "platform": platform.platform(),
        "processor": platform.processor(),
        "python": platform.python_version(),
    }
    report["versions"] = package_versions()
    report["git_commit"] = git_commit()
    width = max(len(key) for key, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    Path(out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"written to {out}")
