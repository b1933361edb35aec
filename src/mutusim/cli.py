"""Command line: ``mutusim run`` (one scenario), ``mutusim experiment`` (comparisons, sweeps,
sensitivity, replication) and ``mutusim params`` (every parameter).

Every input is checked before anything is written. A bad input, an unusable folder, a cluster
fault, a full disk or an interruption ends with one line, ``mutusim: error: ...`` (file,
field, expected, found), and status 2 (130 after Ctrl-C, 143 after SIGTERM); ``main`` is the
one place that turns the errors of ``mutusim.errors`` into that line.
"""

from __future__ import annotations

import argparse
import math
import re
import signal
import sys
import threading
import warnings
from pathlib import Path
from typing import NoReturn

from mutusim import atomic
from mutusim.config import ConfigError, load_config
from mutusim.config.schema import SEED_LIMIT
from mutusim.errors import MutusimError, one_line, signal_of, terminate_as_interrupt


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


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mutusim",
        description="Agent-based simulation of digital-project pooling among Walloon EES.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="simulate a scenario and write its results")
    run.add_argument("config", nargs="?", help="scenario YAML (default: configs/baseline.yaml)")
    run.add_argument("--runs", type=COUNT, default=1, help="number of runs (default 1)")
    run.add_argument(
        "--seed", type=SEED, default=0, help="seed of the random streams, 0 to 2^63-1 (default 0)"
    )
    run.add_argument("--out", help="output folder (default results/<scenario name>)")
    run.add_argument("--lang", choices=["fr", "en"], default="fr", help="chart language")
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
    val.add_argument("--out", default="docs/validation", help="folder of the tables")
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
    dash = sub.add_parser("dashboard", help="serve the interactive dashboard (offline, FR/EN)")
    dash.add_argument("--port", type=PORT, default=8765, help="port on localhost (default 8765)")
    dash.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    params = sub.add_parser("params", help="list every model parameter")
    params.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def cmd_experiment(args: argparse.Namespace) -> int:
    """Run or resume an experiment, print its summary table."""
    from mutusim.experiments import run_experiment, summary_text

    result = run_experiment(
        args.file,
        out=args.out,
        overrides=args.overrides,
        runs=args.runs,
        scheduler=args.scheduler,
        progress=True,
        worker_timeout=args.worker_timeout,
    )
    print(summary_text(result))
    print(f"results in {result['out']}/ (runs/, timeseries/, summary.csv, manifest.json)")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Run the validation patterns and docking at full size; write CSV and Markdown tables."""
    from mutusim.validation import write_validation

    atomic.check_output_folder(args.out)
    path = write_validation(args.out, runs=args.runs, n_agents=args.agents)
    print(path.read_text(encoding="utf-8"))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the scenario report of a results folder."""
    from mutusim.report import report_command

    return report_command(args.results_dir, lang=args.lang, out=args.out)


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


def cmd_params(args: argparse.Namespace) -> int:
    """Print every parameter with type, default, range, unit and source."""
    import json

    from mutusim.parameters import parameter_table

    table = parameter_table()
    if args.json:
        print(json.dumps(table, indent=2, default=str))
        return 0
    width = max(len(row["name"]) for row in table)
    for row in table:
        default = str(row["default"])
        default = default if len(default) <= 24 else default[:21] + "..."
        print(
            f"{row['name']:<{width}}  {row['type']:<6} {default:<24} {row['range']:<14} "
            f"{row['description']}"
        )
    print("\nUnits and sources: docs/ODD.md section 8; --json gives every field in full.")
    return 0


def _summary(result) -> str:
    runs = result.runs
    q = runs["adoption_share"].quantile([0.05, 0.5, 0.95]) * 100
    lines = [
        f"scenario {result.config.name!r}: {len(runs)} run(s) of "
        f"{int(runs['n_agents'].iloc[0])} EES over {result.config.horizon_months} months",
        f"  EES in a running pooled project at the end: median {q[0.5]:.1f} %"
        + (f" (5–95 % of runs: {q[0.05]:.1f}–{q[0.95]:.1f} %)" if len(runs) > 1 else ""),
        "  projects (medians): running at the end {:.0f}; started {:.0f}, failed in formation "
        "{:.0f}, dissolved {:.0f}".format(
            *(
                runs[c].median()
                for c in (
                    "active_projects",
                    "projects_started",
                    "projects_failed",
                    "projects_dissolved",
                )
            )
        ),
        f"  public money spent: {runs['public_spend'].median():,.0f} EUR (median)",
    ]
    return "\n".join(lines)


def _default_out(name: str, source: str) -> Path:
    """``results/<name>``, for a scenario name that is one plain folder name."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", name) or name in {".", ".."}:
        raise ConfigError(
            f"{source}: field 'name': expected a name usable as the folder results/NAME "
            f"(up to 100 letters, digits, _ . -), or give --out; found {name[:60]!r}"
        )
    return Path("results") / name


def cmd_run(args: argparse.Namespace) -> int:
    """Validate, simulate with a progress bar, write results and the adoption chart."""
    from tqdm import tqdm

    from mutusim import sizing
    from mutusim.plotting import adoption_chart
    from mutusim.results import check_run_folder
    from mutusim.simulate import default_engine, simulate

    config = load_config(args.config, args.overrides)
    engine = args.engine or default_engine(args.runs)
    source = args.config or "configs/baseline.yaml"
    sizing.check_run(config, args.runs, engine, source)
    out = Path(args.out) if args.out else _default_out(config.name, source)
    atomic.check_output_folder(out)
    check_run_folder(out)
    total = args.runs * config.horizon_months
    with tqdm(
        total=total, unit="month", desc=f"{config.name}", file=sys.stderr, disable=None
    ) as bar:
        result = simulate(
            config, runs=args.runs, seed=args.seed, engine=engine, progress=bar.update
        )
    fig = adoption_chart(result.timeseries, title=config.name, lang=args.lang)
    result.write(out, extra={"adoption.png": lambda path: fig.savefig(path, format="png")})
    print(_summary(result))
    t = result.timings
    print(
        f"  engine {result.engine}: compile {t['compile_seconds']:.1f} s, "
        f"run {t['run_seconds']:.1f} s"
    )
    print(
        f"results written to {out}/ (timeseries.parquet, runs.parquet, projects.parquet, "
        f"manifest.json, adoption.png)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``mutusim`` command: run one command; turn what stops it into one
    line on stderr and an exit status."""
    if threading.current_thread() is threading.main_thread():
        terminate_as_interrupt()
    args = _parser().parse_args(argv)
    commands = {
        "run": cmd_run,
        "experiment": cmd_experiment,
        "validate": cmd_validate,
        "report": cmd_report,
        "dashboard": cmd_dashboard,
        "params": cmd_params,
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
