"""The files of ``mutusim match``: ``circles.csv`` and ``circles.xlsx`` (the proposals),
``report-fr.html`` and ``report-en.html`` (the xlsx has a second sheet explaining each column in
French and English), and a sealed ``manifest.json`` with provenance
(seed, options, the survey's SHA-256 — never its content —, the scenario's, versions, commit)
and the SHA-256 of each file. Everything is prepared first, then each file is written whole
(``mutusim.atomic``)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from mutusim import __version__, atomic, manifest
from mutusim.config import config_hash
from mutusim.errors import StoreError
from mutusim.i18n import t
from mutusim.match.proposals import MatchResult, circles_table
from mutusim.match.report import report_html
from mutusim.results import git_commit, package_versions

FILES = ("circles.csv", "circles.xlsx", "report-fr.html", "report-en.html", "manifest.json")


def provenance(result: MatchResult) -> dict:
    """What the proposals come from."""
    prep = result.prepared
    s = prep.settings
    return {
        "command": "mutusim match",
        "mutusim": __version__,
        "survey_sha256": hashlib.sha256(prep.survey.path.read_bytes()).hexdigest(),
        "survey_rows": prep.survey.n,
        "scenario": prep.config.name,
        "config_sha256": config_hash(prep.config),
        "seed": s.seed,
        "runs": s.runs,
        "months": s.months,
        "scope": list(s.scope),
        "min_size": prep.min_size,
        "max_size": prep.max_size,
        "top": s.top,
        "candidates_simulated": result.n_candidates,
        "beam": s.beam,
        "names": s.names,
        "drawn_cells": prep.survey_pop.drawn,
        "drawn_ties": prep.survey_pop.draw_ties,
        "drawn_rivals": prep.survey_pop.draw_rivals,
        "versions": package_versions(),
        "git_commit": git_commit(),
    }


def check_out(out: Path) -> None:
    """Refuse, before any work, a folder that holds another command's results (its manifest
    would be replaced); a previous ``mutusim match`` folder is replaced."""
    atomic.check_output_folder(out)
    if (out / manifest.NAME).is_file():
        try:
            command = manifest.read(out).get("command")
        except StoreError:
            command = None
        if command != "mutusim match":
            raise StoreError(
                f"--out {out}: expected a new folder or one written by mutusim match; found "
                "another command's results (choose another folder)"
            )


def write_outputs(result: MatchResult, out: Path) -> list[Path]:
    """Write every file of the proposals into ``out``; returns them."""
    lang = result.prepared.settings.lang
    about = provenance(result)
    frame = circles_table(result, lang)
    pages = {f"report-{x}.html": report_html(result, about, x) for x in ("fr", "en")}
    written = {}
    written["circles.csv"] = atomic.write_atomic(
        out / "circles.csv", lambda tmp: frame.to_csv(tmp, index=False)
    )
    explained = pd.DataFrame(
        [[c, t(f"match.out.{c}", "fr"), t(f"match.out.{c}", "en")] for c in frame.columns],
        columns=["column", "fr", "en"],
    )

    def excel(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as book:
            frame.to_excel(book, index=False, sheet_name="circles")
            explained.to_excel(book, index=False, sheet_name="columns")

    written["circles.xlsx"] = atomic.write_atomic(out / "circles.xlsx", excel)
    for name, text in pages.items():
        written[name] = atomic.write_text(out / name, text)
    files = {name: {"sha256": w.sha256, "bytes": w.bytes} for name, w in written.items()}
    manifest.write(out, {**about, "files": files})
    return [out / name for name in FILES]
