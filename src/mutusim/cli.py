"""Command line: ``mutusim run`` (one scenario), ``mutusim experiment`` (comparisons, sweeps,
sensitivity, replication), ``mutusim calibrate`` (parameters to observed targets), ``mutusim
show`` (the resolved scenario), ``mutusim params`` (every parameter), ``validate``, ``report``
and ``dashboard``; ``mutusim --version``.

Every input is checked before anything is written. A bad input, an unusable folder, a cluster
fault, a full disk or an interruption ends with one line, ``mutusim: error: ...`` (file,
field, expected, found), and status 2 (130 after Ctrl-C, 143 after SIGTERM); ``main`` is the
one place that turns the errors of ``mutusim.errors`` into that line.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import sys
import textwrap
import threading
import warnings
from pathlib import Path
from typing import NoReturn

from mutusim import atomic
from mutusim.config import ConfigError, config_dir, load_config
from mutusim.config.schema import SEED_LIMIT
from mutusim.errors import MutusimError, one_line, signal_of, terminate_as_interrupt
from mutusim.export import FORMATS
from mutusim.i18n import t


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (no usage block) and status 2."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("mutusim").strip()
        where = f"{command}: " if command else ""
        self.exit(2, f"mutusim: error: {where}{one_line(message)}\n")


def _whole(low: int, high: int | None = None, what: str = "a whole number") -> type:
    """An argparse type: a whole number in [low, high]."""

    def parse(text: str) -> int:
        bound = f"from {low:,} to {high:,}" if high is not None else f"of at least {low:,}"
        try:
            value = int(text, 10)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"expected {what} {bound}; found {text!r}")
        return value

    parse.__name__ = what  # argparse names the type in its own messages
    return parse  # type: ignore[return-value]


def _seconds(text: str) -> float:
    """An argparse type: a finite, positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0; found {text!r}")
    return value


SEED = _whole(0, SEED_LIMIT - 1, "a seed")
COUNT = _whole(1)
PORT = _whole(1, 65535, "a port")


def _add_set(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE", help=what
    )


def _config_path(name: str | None) -> str | None:
    """A scenario given on the command line: a path, else a file of ``configs/`` (with or
    without ``.yaml``: ``sector``, ``scenarios/pooled_subsidy``), so any folder works."""
    if name is None or Path(name).is_file():
        return name
    for candidate in (config_dir() / name, config_dir() / f"{name}.yaml"):
        if candidate.is_file():
            return str(candidate)
    return name  # the loader names the missing file


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mutusim",
        description="Agent-based simulation of digital-project pooling among Walloon EES.",
    )
    parser.add_argument("--version", action="version", version=version_text())
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="simulate a scenario and write its results")
    run.add_argument("config", nargs="?", help="scenario YAML (default: configs/baseline.yaml)")
    run.add_argument("--runs", type=COUNT, default=1, help="number of runs (default 1)")
    run.add_argument(
        "--seed", type=SEED, default=0, help="seed of the random streams, 0 to 2^63-1 (default 0)"
    )
    run.add_argument("--out", help="output folder (default results/<scenario name>)")
    run.add_argument(
        "--lang", choices=["fr", "en"], default="fr", help="language of the summary and chart"
    )
    _add_output_options(run, default_format="parquet")
    run.add_argument(
        "--engine",
        choices=["mesa", "numba"],
        default=None,
        help="mesa (agent-level model) or numba (batch engine, same results); "
        "default: mesa for one run, numba for more",
    )
    run.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value, e.g. --set behaviour.pioneer_rate=0.3 (repeatable)",
    )
    exp = sub.add_parser("experiment", help="run (or resume) an experiment file and analyse it")
    exp.add_argument("file", help="experiment YAML (see experiments/)")
    exp.add_argument("--out", help="results folder (default results/<experiment name>)")
    exp.add_argument("--runs", type=COUNT, help="runs per scenario or design point (preview)")
    exp.add_argument(
        "--lang", choices=["fr", "en"], default="fr", help="language of the summary (default fr)"
    )
    exp.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        help="summary table: csv (summary.csv, always written), parquet or xlsx as well",
    )
    exp.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a field of the experiment file, e.g. --set seed=3 (repeatable)",
    )
    exp.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="dask.distributed scheduler, e.g. tcp://127.0.0.1:8786 (default: local cores)",
    )
    exp.add_argument(
        "--worker-timeout",
        type=_seconds,
        default=120.0,
        metavar="SECONDS",
        help="with --scheduler: stop (keeping the chunks done) after this long without any "
        "worker (default 120)",
    )
    val = sub.add_parser("validate", help="pattern-oriented validation and docking tables")
    val.add_argument(
        "--out", help="folder of the tables (default: docs/validation of the repository)"
    )
    val.add_argument("--runs", type=_whole(2), default=200, help="runs per arm (default 200)")
    val.add_argument(
        "--agents", type=_whole(1, 1_000_000), default=6785, help="EES per run (default 6785)"
    )
    rep = sub.add_parser("report", help="write the scenario report: one self-contained HTML file")
    rep.add_argument(
        "results_dir", help="a folder written by `mutusim run` or `mutusim experiment`"
    )
    rep.add_argument("--lang", choices=["fr", "en"], default="fr", help="language (default fr)")
    rep.add_argument("--out", help="HTML file (default RESULTS_DIR/report-<lang>.html)")
    rep.add_argument(
        "--target-runs",
        type=_whole(0),
        default=None,
        help="runs re-simulated agent by agent to judge each targeted policy on its own group "
        "(default 10; 0 skips it)",
    )
    dash = sub.add_parser("dashboard", help="serve the interactive dashboard (offline, FR/EN)")
    dash.add_argument("--port", type=PORT, default=8765, help="port on localhost (default 8765)")
    dash.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    _add_params(sub)
    _add_show(sub)
    _add_match(sub)
    _add_calibrate(sub)
    _add_prior_ensemble(sub)
    return parser


def _add_prior_ensemble(sub) -> None:
    prior = sub.add_parser(
        "prior-ensemble",
        help="draw an uncalibrated ensemble (Latin hypercube over plausible ranges) for "
        "experiments' `ensemble:` field",
    )
    prior.add_argument("out", help="Parquet file to write (e.g. ensemble.parquet)")
    prior.add_argument(
        "--parameters",
        default=None,
        help="comma-separated parameters with a plausible range (default: the behavioural "
        "uncertainties listed in docs/ROBUSTNESS.md)",
    )
    prior.add_argument("--size", type=_whole(2), default=256, help="rows (default 256)")
    prior.add_argument("--seed", type=SEED, default=0, help="seed of the design (default 0)")


def cmd_prior_ensemble(args: argparse.Namespace) -> int:
    """Write a prior (uncalibrated) ensemble of equally weighted parameter sets."""
    from mutusim.experiments.ensemble import prior_ensemble, write_ensemble

    names = (
        [n.strip() for n in args.parameters.split(",") if n.strip()] if args.parameters else None
    )
    frame = prior_ensemble(names, size=args.size, seed=args.seed)
    path = write_ensemble(frame, Path(args.out))
    write_stdout(
        f"{path}: prior ensemble (not calibrated) of {len(frame)} equally weighted parameter "
        f"sets over the plausible ranges of {len(frame.columns) - 1} parameters\n"
    )
    return 0


def cmd_experiment(args: argparse.Namespace) -> int:
    """Run or resume an experiment, print its summary table."""
    from mutusim.experiments import run_experiment, summary_text
    from mutusim.export import write_tables

    result = run_experiment(
        args.file,
        out=args.out,
        overrides=args.overrides,
        runs=args.runs,
        scheduler=args.scheduler,
        progress=True,
        worker_timeout=args.worker_timeout,
    )
    files = [
        "runs/",
        "timeseries/",
        "summary.csv",
        *(f"{n}.csv" for n in result["tables"]),
        "manifest.json",
    ]
    if args.format != "csv":
        about = {"experiment": result["experiment"].name, "kind": result["kind"]}
        written = write_tables({"summary": result["table"]}, result["out"], args.format, about)
        files += [p.name for p in written]
    write_stdout(summary_text(result, lang=args.lang))
    write_stdout(
        textwrap.fill(
            t("console.results_in", args.lang, folder=result["out"], files=", ".join(files)), 100
        )
    )
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Run the validation patterns and docking at full size; write CSV and Markdown tables."""
    from mutusim.validation import write_validation

    out = args.out or config_dir().parent / "docs" / "validation"
    atomic.check_output_folder(out)
    path = write_validation(out, runs=args.runs, n_agents=args.agents)
    print(path.read_text(encoding="utf-8"))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the scenario report of a results folder."""
    from mutusim.report import report_command
    from mutusim.report.load import TARGET_RUNS

    target_runs = TARGET_RUNS if args.target_runs is None else args.target_runs
    return report_command(args.results_dir, lang=args.lang, out=args.out, target_runs=target_runs)


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve the dashboard until interrupted."""
    from mutusim.dashboard import serve
    from mutusim.listen import check_listen

    check_listen(args.host, args.port)
    try:
        serve(port=args.port, host=args.host)
    except RuntimeError as exc:
        raise ConfigError(str(exc)) from None
    return 0


def write_stdout(text: str) -> None:
    """Print ``text``; a reader that stops early (``mutusim params | head``) ends it quietly."""
    try:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # Python's advice: point stdout at devnull so that the flush at exit cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _add_params(sub) -> None:
    params = sub.add_parser(
        "params",
        help="list every parameter: type, default, validity, plausible range, unit, source",
    )
    params.add_argument(
        "config", nargs="?", help="scenario whose values are the defaults (default: baseline)"
    )
    params.add_argument("--json", action="store_true", help="machine-readable output")
    params.add_argument(
        "--policies",
        action="store_true",
        help="the policy parameters instead (of CONFIG's policies, else of every shipped policy)",
    )
    _add_set(params, "override a config value before listing (repeatable)")


def params_text(rows: list[dict], width: int = 100) -> str:
    """The parameter table for a terminal: three short lines per parameter, at most ``width``
    columns."""
    from mutusim.parameter_table import plausible_text, validity_text

    out = []
    for row in rows:
        default = json.dumps(row["default"], ensure_ascii=False)
        first = f"{row['name']} = {default} {row['unit']}"
        second = f"valid {validity_text(row)} · plausible {plausible_text(row)} · {row['source']}"
        for line in (first, second, row["description"]):
            out.append(
                textwrap.fill(
                    line,
                    width=width,
                    initial_indent="" if line is first else "    ",
                    subsequent_indent="      ",
                    break_on_hyphens=False,
                )
            )
    return "\n".join(out)


def cmd_params(args: argparse.Namespace) -> int:
    """Print every model (or policy) parameter: type, default, validity bounds, plausible range,
    unit, description and source, as text or JSON."""
    from mutusim.parameter_table import parameter_table

    config = (
        load_config(_config_path(args.config), args.overrides)
        if args.config or args.overrides
        else None
    )
    rows = parameter_table(config, policies=args.policies)
    if args.json:
        write_stdout(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    what = "policy" if args.policies else "model"
    footer = (
        f"{len(rows)} {what} parameters. Plausible ranges are for uncertainty analysis "
        "(docs/ODD.md section 8); --json gives the same table for SALib or EMA Workbench"
        + ("." if args.policies else "; --policies lists the policy parameters.")
    )
    write_stdout(params_text(rows) + "\n\n" + textwrap.fill(footer, width=100))
    return 0


def _add_output_options(parser: argparse.ArgumentParser, default_format: str) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=default_format,
        help="summary tables: parquet (runs.parquet, the default), csv (runs.csv, months.csv) "
        "or xlsx (summary.xlsx); the Parquet results are always written",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace what --out holds even if it is another run's results",
    )


def _check_replaceable(out: Path, manifest: dict, force: bool) -> None:
    """Refuse an output folder holding anything but this very run (same scenario hash, seed,
    runs and engine: its results would be the same), unless ``force``."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out}: expected a folder; found a file")
    if force or not out.is_dir() or not any(out.iterdir()):
        return
    held_path = out / "manifest.json"
    held = {}
    if held_path.is_file():
        try:
            held = json.loads(held_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            held = {}
    same = held.get("mutusim_manifest") and all(
        held.get(k) == manifest[k] for k in ("config_sha256", "seed", "runs", "engine")
    )
    if same:
        return
    if held.get("mutusim_manifest"):
        what = (
            f"another run (scenario {held.get('scenario')!r}, {held.get('runs')} run(s), "
            f"seed {held.get('seed')}, sha256 {str(held.get('config_sha256'))[:12]}…)"
        )
    elif "experiment_sha256" in held:
        what = f"an experiment ({held.get('experiment')!r})"
    else:
        what = "files that are not mutusim results"
    raise ConfigError(
        f"--out {out}: the folder holds {what}; choose another folder or add --force to replace it"
    )


def _default_out(name: str, source: str) -> Path:
    """``results/<name>``, for a scenario name that is one plain folder name."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", name) or name in {".", ".."}:
        raise ConfigError(
            f"{source}: field 'name': expected a name usable as the folder results/NAME "
            f"(up to 100 letters, digits, _ . -), or give --out; found {name[:60]!r}"
        )
    return Path("results") / name


def cmd_run(args: argparse.Namespace) -> int:
    """Validate, simulate with a progress bar, write results, the summary tables in the
    chosen format and the adoption chart; print the summary in ``--lang``."""
    from tqdm import tqdm

    from mutusim import sizing
    from mutusim.config import config_hash
    from mutusim.experiments.console import run_summary_text
    from mutusim.export import monthly_quantiles, table_writers
    from mutusim.i18n.words import number, scenario_label
    from mutusim.plotting import adoption_chart
    from mutusim.simulate import default_engine, simulate

    path = _config_path(args.config)
    config = load_config(path, args.overrides)
    engine = args.engine or default_engine(args.runs)
    source = path or "configs/baseline.yaml"
    sizing.check_run(config, args.runs, engine, source)
    out = Path(args.out) if args.out else _default_out(config.name, source)
    atomic.check_output_folder(out)
    planned = {
        "config_sha256": config_hash(config),
        "seed": args.seed,
        "runs": args.runs,
        "engine": engine,
    }
    _check_replaceable(out, planned, args.force)
    total = args.runs * config.horizon_months
    with tqdm(
        total=total, unit="month", desc=f"{config.name}", file=sys.stderr, disable=None
    ) as bar:
        result = simulate(
            config, runs=args.runs, seed=args.seed, engine=engine, progress=bar.update
        )
    fig = adoption_chart(
        result.timeseries, title=scenario_label(config.name, args.lang), lang=args.lang
    )
    extra = {}
    if args.format != "parquet":
        tables = {"runs": result.runs, "months": monthly_quantiles(result.timeseries)}
        about = {**planned, "scenario": config.name, "mutusim": version_text()}
        extra.update(table_writers(tables, args.format, about))
    extra["adoption.png"] = lambda file: fig.savefig(file, format="png")
    result.write(out, extra=extra)
    files = ["timeseries.parquet", "runs.parquet", "projects.parquet", "manifest.json", *extra]
    write_stdout(run_summary_text(result, args.lang))
    timings = result.timings
    write_stdout(
        t(
            "console.engine",
            args.lang,
            engine=result.engine,
            compile=number(timings["compile_seconds"], args.lang, 1),
            run=number(timings["run_seconds"], args.lang, 1),
        )
    )
    write_stdout(
        textwrap.fill(t("console.results_in", args.lang, folder=out, files=", ".join(files)), 100)
    )
    return 0


def _add_calibrate(sub) -> None:
    cal = sub.add_parser(
        "calibrate",
        help="calibrate parameters to observed targets (history matching or ABC-SMC)",
    )
    cal.add_argument("targets", help="targets YAML (see configs/targets/, docs/CALIBRATION.md)")
    cal.add_argument("--out", help="results folder (default results/calibration-<name>)")
    cal.add_argument(
        "--method",
        choices=["history", "abc"],
        default="history",
        help="history: history matching with Gaussian-process emulators, waves cut at "
        "implausibility 3 (the default, fast); abc: ABC-SMC with pyabc",
    )
    cal.add_argument(
        "--max-simulations",
        type=COUNT,
        metavar="N",
        help="parameter sets simulated in all (default 1500 for history, 2000 for abc)",
    )
    cal.add_argument(
        "--runs-per-point",
        type=COUNT,
        default=5,
        metavar="R",
        help="runs of each scenario per parameter set (default 5)",
    )
    cal.add_argument(
        "--waves", type=COUNT, default=3, help="history matching: number of waves (default 3)"
    )
    cal.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --method abc: dask.distributed scheduler for pyabc's dask sampler",
    )
    cal.add_argument("--seed", type=SEED, help="seed (default: the targets file's, else 0)")
    cal.add_argument(
        "--lang", choices=["fr", "en"], default="fr", help="language of figures and summary"
    )


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Run or resume a calibration; print what it kept and how each target is met."""
    from mutusim.calibration import calibrate
    from mutusim.calibration.console import calibration_text

    record = calibrate(
        args.targets,
        out=args.out,
        method=args.method,
        max_simulations=args.max_simulations,
        runs_per_point=args.runs_per_point,
        scheduler=args.scheduler,
        seed=args.seed,
        waves=args.waves,
        lang=args.lang,
    )
    write_stdout(calibration_text(record, args.lang))
    files = "ensemble.parquet, calibration.json, figures/, manifest.json"
    write_stdout(
        textwrap.fill(t("console.results_in", args.lang, folder=record["out"], files=files), 100)
    )
    return 0


def _add_show(sub) -> None:
    show = sub.add_parser(
        "show", help="print the resolved scenario (YAML): extends, population, policies, --set"
    )
    show.add_argument("config", nargs="?", help="scenario YAML or name (default: baseline)")
    _add_set(show, "override a config value, e.g. --set budget_eur=1e6 (repeatable)")


def cmd_show(args: argparse.Namespace) -> int:
    """Print the scenario as the simulation sees it: every field, references resolved,
    overrides applied, with its SHA-256 (the one in the manifests of its results)."""
    import yaml

    from mutusim.config import config_hash

    path = _config_path(args.config)
    config = load_config(path, args.overrides)
    head = [
        f"# {path or config_dir() / 'baseline.yaml'}"
        + (f" with --set {' --set '.join(args.overrides)}" if args.overrides else ""),
        f"# resolved scenario, sha256 {config_hash(config)}, {version_text()}",
    ]
    body = yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
    write_stdout("\n".join(head) + "\n" + body)
    return 0


def _add_match(sub) -> None:
    match = sub.add_parser(
        "match",
        help="facilitator's tool: from a survey of EES, the core circles most likely to form "
        "and last (or --template FILE: a blank survey)",
    )
    match.add_argument("survey", nargs="?", help="the filled survey (.csv or .xlsx)")
    match.add_argument(
        "--template",
        metavar="FILE",
        help="write a blank survey FILE.xlsx (second sheet explains the columns, fr/en) or "
        "FILE.csv (with FILE.README.txt) and stop",
    )
    match.add_argument(
        "--scope",
        type=lambda text: tuple(x.strip() for x in text.split(",") if x.strip()),
        default=(),
        metavar="SERVICE,...",
        help="services every proposed circle must share (its shared base, R14)",
    )
    match.add_argument("--min-size", type=_whole(2), help="smallest circle (default 3)")
    match.add_argument("--max-size", type=_whole(2), help="largest circle (default 7)")
    match.add_argument(
        "--runs", type=COUNT, default=200, help="simulations per candidate (default 200)"
    )
    match.add_argument("--top", type=COUNT, default=5, help="proposals kept (default 5)")
    match.add_argument(
        "--months", type=_whole(1, 600), default=36, help="horizon M in months (default 36)"
    )
    match.add_argument(
        "--candidates",
        type=COUNT,
        help="candidates of the search simulated (default: 4 x top, at least 20)",
    )
    match.add_argument("--out", help="output folder (default results/match-<survey name>)")
    match.add_argument("--lang", choices=["fr", "en"], default="fr", help="language (default fr)")
    match.add_argument(
        "--seed", type=SEED, default=0, help="seed of the random streams (default 0)"
    )
    match.add_argument(
        "--names", action="store_true", help="show the survey's names next to the ids"
    )
    match.add_argument(
        "--config", help="scenario the model runs (policies, parameters; default: baseline)"
    )


def cmd_match(args: argparse.Namespace) -> int:
    """``mutusim match``: write a blank survey, or check a survey (every bad cell on its own
    line, nothing written), search candidate circles, simulate them with a progress bar and
    write the proposals."""
    from mutusim.match.survey import SurveyError

    try:
        return _match(args)
    except SurveyError as exc:
        for line in exc.problems:
            print(f"mutusim: error: {one_line(line)}", file=sys.stderr)
        return exc.exit_status


def _match(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from mutusim.match import proposals as mp
    from mutusim.match.outputs import check_out, write_outputs
    from mutusim.match.template import write_template

    if args.template:
        config = load_config(_config_path(args.config))
        written = write_template(args.template, tuple(s.name for s in config.population.sectors))
        write_stdout(
            t("match.console.template", args.lang, files=", ".join(str(w) for w in written))
        )
        return 0
    if not args.survey:
        raise ConfigError("mutusim match: expected a survey file (or --template FILE); found none")
    settings = mp.MatchSettings(
        scope=args.scope,
        min_size=args.min_size,
        max_size=args.max_size,
        runs=args.runs,
        top=args.top,
        months=args.months,
        seed=args.seed,
        lang=args.lang,
        names=args.names,
        candidates=args.candidates,
        config=_config_path(args.config),
    )
    out = Path(args.out) if args.out else Path("results") / f"match-{Path(args.survey).stem}"
    check_out(out)
    prep = mp.prepare(args.survey, settings)
    write_stdout(mp.drawn_text(prep, args.lang))
    candidates = mp.search(prep)
    write_stdout(
        t(
            "match.console.search",
            args.lang,
            n=prep.survey.n,
            candidates=len(candidates),
            runs=settings.runs,
            months=settings.months,
        )
    )
    if not candidates:
        write_stdout(t("match.console.none", args.lang, low=prep.min_size, high=prep.max_size))
    with tqdm(
        total=len(candidates) * settings.runs,
        unit="run",
        desc=t("match.console.progress", args.lang),
        file=sys.stderr,
        disable=None,
    ) as bar:
        result = mp.propose(prep, candidates, progress=bar.update)
    files = write_outputs(result, out)
    table = mp.circles_table(result, args.lang)
    if len(table):
        shown = table[["rank", "members", "p_formation", "p_running", "main_risk"]]
        write_stdout(shown.to_string(index=False))
    write_stdout(
        textwrap.fill(
            t(
                "match.console.written",
                args.lang,
                folder=out,
                files=", ".join(f.name for f in files),
            ),
            100,
        )
    )
    return 0


def version_text() -> str:
    """``mutusim X.Y.Z`` and the Python it runs on."""
    from mutusim import __version__

    return f"mutusim {__version__} (Python {sys.version.split()[0]})"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``mutusim`` command: run one command; turn what stops it into one
    line on stderr and an exit status."""
    if threading.current_thread() is threading.main_thread():
        terminate_as_interrupt()
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a one-line usage error already printed
        return exc.code if isinstance(exc.code, int) else 2
    commands = {
        "run": cmd_run,
        "experiment": cmd_experiment,
        "validate": cmd_validate,
        "report": cmd_report,
        "dashboard": cmd_dashboard,
        "params": cmd_params,
        "show": cmd_show,
        "match": cmd_match,
        "calibrate": cmd_calibrate,
        "prior-ensemble": cmd_prior_ensemble,
    }
    with warnings.catch_warnings(record=True) as caught:
        try:
            status = commands[args.command](args)
        except MutusimError as exc:
            return _fail(exc, exc.exit_status)  # the line says it all: warnings are dropped
        except KeyboardInterrupt as exc:
            signum = signal_of(exc)
            name = "Ctrl-C" if signum == signal.SIGINT else "SIGTERM"
            return _fail(
                f"interrupted ({name}) before any result was complete; run the command again",
                128 + signum,
            )
        except MemoryError:
            return _fail(
                "out of memory: this machine cannot hold what the command needs; use fewer "
                "runs or a smaller population",
                2,
            )
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            return _fail(f"{where}{exc.strerror or exc}", 2)
    for warning in caught:  # a command that succeeded shows its warnings
        warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)
    return status


def _fail(message: object, status: int) -> int:
    print(f"mutusim: error: {one_line(message)}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
