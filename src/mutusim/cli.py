"""Command line: ``mutusim run [CONFIG] [--runs N] [--seed S] [--out DIR] [--set k=v]``.

A bad configuration exits with status 2 and one message (file, field, expected, found), before
anything is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mutusim.config import ConfigError, load_config


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mutusim",
        description="Agent-based simulation of digital-project pooling among Walloon EES.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="simulate a scenario and write its results")
    run.add_argument("config", nargs="?", help="scenario YAML (default: configs/baseline.yaml)")
    run.add_argument("--runs", type=int, default=1, help="number of runs (default 1)")
    run.add_argument("--seed", type=int, default=0, help="seed of the random streams (default 0)")
    run.add_argument("--out", help="output folder (default results/<scenario name>)")
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
    return parser


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


def cmd_run(args: argparse.Namespace) -> int:
    """Validate, simulate with a progress bar, write results and the adoption chart."""
    from tqdm import tqdm

    from mutusim.plotting import adoption_chart
    from mutusim.simulate import simulate

    if args.runs < 1:
        raise ConfigError(f"--runs: expected a whole number of at least 1; found {args.runs}")
    config = load_config(args.config, args.overrides)
    out = Path(args.out) if args.out else Path("results") / config.name
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out}: expected a folder; found a file")
    total = args.runs * config.horizon_months
    with tqdm(
        total=total, unit="month", desc=f"{config.name}", file=sys.stderr, disable=None
    ) as bar:
        result = simulate(
            config, runs=args.runs, seed=args.seed, engine=args.engine, progress=bar.update
        )
    result.write(out)
    fig = adoption_chart(result.timeseries, title=f"{config.name}: adoption of pooled projects")
    fig.savefig(out / "adoption.png")
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
    """Entry point of the ``mutusim`` command."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return cmd_run(args)
    except ConfigError as exc:
        print(f"mutusim: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
