"""Summary tables in the format a reader opens: Parquet (the default of ``mutusim run``), CSV
(the default of ``mutusim experiment``: ``summary.csv`` is always written, reports read it) or
an Excel workbook (openpyxl), with one sheet per table and an ``about`` sheet saying what
produced them.

The results store itself (``runs``, ``timeseries``, ``projects`` Parquet tables) is not
touched: these files are its human-sized summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from mutusim import atomic
from mutusim.config import ConfigError

FORMATS = ("parquet", "csv", "xlsx")
EXCEL_SHEET_ROWS = 1_048_575
"""Rows an Excel sheet holds below its header."""
EXACT_IN_EXCEL = 2**53
"""Largest integer an Excel cell (a double) holds exactly."""


def table_writers(
    tables: Mapping[str, pd.DataFrame],
    fmt: str,
    about: Mapping[str, object] | None = None,
    workbook: str = "summary",
) -> dict[str, Callable[[Path], object]]:
    """File name → function writing it, for each table as ``NAME.parquet`` or ``NAME.csv``, or
    for all of them as sheets of ``WORKBOOK.xlsx`` (plus an ``about`` sheet of ``about``'s
    items). A table longer than an Excel sheet is a ``ConfigError`` (the CLI prints one line)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    if fmt == "xlsx":
        for name, frame in tables.items():
            if len(frame) > EXCEL_SHEET_ROWS:
                raise ConfigError(
                    f"table {name!r} has {len(frame)} rows, more than an Excel sheet holds; "
                    "use --format csv or parquet"
                )

        def workbook_writer(path: Path) -> None:
            with pd.ExcelWriter(path, engine="openpyxl") as writer:
                for name, frame in tables.items():
                    excel_safe(frame).to_excel(writer, sheet_name=name[:31], index=False)
                if about:
                    pd.DataFrame(
                        {"item": list(about), "value": [str(v) for v in about.values()]}
                    ).to_excel(writer, sheet_name="about", index=False)

        return {f"{workbook}.xlsx": workbook_writer}
    if fmt == "csv":
        return {
            f"{n}.csv": (lambda path, f=f: f.to_csv(path, index=False)) for n, f in tables.items()
        }
    return {
        f"{n}.parquet": (lambda path, f=f: f.to_parquet(path, index=False))
        for n, f in tables.items()
    }


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    folder: str | Path,
    fmt: str,
    about: Mapping[str, object] | None = None,
    workbook: str = "summary",
) -> list[Path]:
    """Write ``table_writers``'s files into ``folder``, each atomically (``mutusim.atomic``);
    return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    writers = table_writers(tables, fmt, about, workbook)
    for name, write in writers.items():
        atomic.write_atomic(folder / name, write)
    return [folder / name for name in writers]


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with integers too large for Excel's doubles (run seeds) written as text, so a
    spreadsheet shows them exactly."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_integer_dtype(values) and values.abs().max() > EXACT_IN_EXCEL:
            out[column] = values.astype(str)
    return out


def monthly_quantiles(
    timeseries: pd.DataFrame,
    columns: tuple[str, ...] = ("adoption_share", "active_projects", "cumulative_public_spend"),
) -> pd.DataFrame:
    """Per month: the median and the 5 % and 95 % quantiles over runs of ``columns`` (what a
    spreadsheet user plots)."""
    grouped = timeseries.groupby("step")
    out = pd.DataFrame({"month": sorted(timeseries["step"].unique())})
    for column in columns:
        q = grouped[column].quantile([0.05, 0.5, 0.95]).unstack()
        out[f"{column}_median"] = q[0.5].to_numpy()
        out[f"{column}_p05"] = q[0.05].to_numpy()
        out[f"{column}_p95"] = q[0.95].to_numpy()
    return out


__all__ = ["FORMATS", "monthly_quantiles", "table_writers", "write_tables"]
