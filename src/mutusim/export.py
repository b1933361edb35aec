"""Summary tables in the format a reader opens: Parquet (the default of ``mutusim run``), CSV
(the default of ``mutusim experiment``: ``summary.csv`` is always written, reports read it) or
an Excel workbook (openpyxl), with one sheet per table and an ``about`` sheet saying what
produced them.

The results store itself (``runs``, ``timeseries``, ``projects`` Parquet tables) is not
touched: these files are its human-sized summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from mutusim.config import ConfigError

FORMATS = ("parquet", "csv", "xlsx")
EXCEL_SHEET_ROWS = 1_048_575
"""Rows an Excel sheet holds below its header."""
EXACT_IN_EXCEL = 2**53
"""Largest integer an Excel cell (a double) holds exactly."""


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    folder: str | Path,
    fmt: str,
    about: Mapping[str, object] | None = None,
    workbook: str = "summary",
) -> list[Path]:
    """Write each table as ``folder/NAME.parquet`` or ``NAME.csv``, or all of them as sheets of
    ``folder/WORKBOOK.xlsx`` (plus an ``about`` sheet of ``about``'s items); return the paths.
    Each file is written to a temporary name and renamed, so it is whole or absent. A table
    longer than an Excel sheet is a ``ConfigError`` (the CLI prints one line)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        path = folder / f"{workbook}.xlsx"
        tmp = folder / f".{path.name}.tmp"
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, frame in tables.items():
                if len(frame) > EXCEL_SHEET_ROWS:
                    raise ConfigError(
                        f"table {name!r} has {len(frame)} rows, more than an Excel sheet holds; "
                        "use --format csv or parquet"
                    )
                excel_safe(frame).to_excel(writer, sheet_name=name[:31], index=False)
            if about:
                pd.DataFrame(
                    {"item": list(about), "value": [str(v) for v in about.values()]}
                ).to_excel(writer, sheet_name="about", index=False)
        tmp.replace(path)
        return [path]
    paths = []
    for name, frame in tables.items():
        path = folder / f"{name}.{fmt}"
        tmp = folder / f".{path.name}.tmp"
        if fmt == "csv":
            frame.to_csv(tmp, index=False)
        else:
            frame.to_parquet(tmp, index=False)
        tmp.replace(path)
        paths.append(path)
    return paths


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


__all__ = ["FORMATS", "monthly_quantiles", "write_tables"]
