"""The scenario report: one self-contained HTML file for a results folder.

``write_report(results_dir, lang="fr")`` reads what ``mutusim run`` or ``mutusim experiment``
wrote and writes ``RESULTS_DIR/report-<lang>.html``: the question, the scenarios and their
policies in plain words, key figures with their uncertainty ("dans 9 simulations sur 10, entre …
et …"), the figures (embedded PNG), the assumptions and their sources, and how to reproduce it
(exact commands, manifest hash). The file makes no external request: no script, font, image or
stylesheet is fetched, and no ``http://`` or ``https://`` appears in it. French is the default;
every text comes from the translation catalogue (``mutusim/i18n/report.yaml``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from mutusim import atomic
from mutusim.config import ConfigError
from mutusim.i18n import DEFAULT_LANGUAGE, LANGUAGES
from mutusim.report import page, robustness, sections
from mutusim.report.figures import figures
from mutusim.report.load import SAMPLE_RUNS, TARGET_RUNS, Results, load_results


def render(results: Results, lang: str = DEFAULT_LANGUAGE) -> tuple[str, int]:
    """The report's HTML and its number of figures."""
    shown = figures(results, lang)
    head, sub = sections.title(results, lang)
    html = page.page(
        lang,
        head,
        sub,
        [
            sections.question(results, lang),
            sections.scenarios(results, lang),
            sections.key_figures(results, lang),
            robustness.section(results, lang),
            sections.figures(shown, results, lang),
            sections.assumptions(results, lang),
            sections.reproduce(results, lang),
        ],
    )
    return html, len(shown)


def write_report(
    results_dir: str | Path,
    lang: str = DEFAULT_LANGUAGE,
    out: str | Path | None = None,
    sample_runs: int = SAMPLE_RUNS,
    target_runs: int = TARGET_RUNS,
) -> Path:
    """Write the report of ``results_dir`` in ``lang`` ("fr" or "en") to ``out`` (default
    ``results_dir/report-<lang>.html``) and return its path. ``sample_runs``: runs per
    scenario re-simulated for the figures an experiment does not store (survival, circles,
    who benefits); ``target_runs``: runs re-simulated agent by agent (Mesa model) to judge
    each targeted policy on its own group (0: skip). Raises ``ConfigError`` for a folder that
    holds no complete results."""
    if lang not in LANGUAGES:
        raise ConfigError(f"--lang: expected one of {', '.join(LANGUAGES)}; found {lang!r}")
    path = Path(out) if out is not None else Path(results_dir) / f"report-{lang}.html"
    atomic.check_output_file(path)
    results = load_results(results_dir, sample_runs=sample_runs, target_runs=target_runs)
    html, _ = render(results, lang)
    atomic.write_text(path, html)
    return path


def report_command(
    results_dir: str,
    lang: str = DEFAULT_LANGUAGE,
    out: str | None = None,
    target_runs: int = TARGET_RUNS,
) -> int:
    """``mutusim report RESULTS_DIR [--lang fr|en] [--out FILE.html]``: write the report,
    print where. Errors are ``ConfigError`` (the CLI prints them and exits with status 2)."""
    if target_runs < 0:
        raise ConfigError(f"--target-runs: expected 0 or more; found {target_runs}")
    path = write_report(results_dir, lang=lang, out=out, target_runs=target_runs)
    print(f"report written to {path}", file=sys.stdout)
    return 0


__all__ = ["load_results", "render", "report_command", "write_report"]
