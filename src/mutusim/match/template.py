"""The blank survey a federation fills in: ``FILE.xlsx`` (a sheet to fill, a second sheet that
explains each column in French and English) or ``FILE.csv`` (with ``FILE.README.txt`` beside
it)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from mutusim import atomic
from mutusim.errors import ConfigError
from mutusim.i18n import t
from mutusim.match.survey import Column, columns


def column_rows(cols: tuple[Column, ...]) -> list[list[str]]:
    """One row per column: name, required (fr/en), expected values (fr/en), meaning (fr/en)."""
    rows = []
    for col in cols:
        req = "match.yes" if col.required else "match.no"
        rows.append(
            [
                col.name,
                f"{t(req, 'fr')} / {t(req, 'en')}",
                col.expected("fr"),
                col.expected("en"),
                col.explanation("fr"),
                col.explanation("en"),
            ]
        )
    return rows


def _header() -> list[str]:
    return [
        f"{t('match.head.column', 'fr')} / {t('match.head.column', 'en')}",
        f"{t('match.head.required', 'fr')} / {t('match.head.required', 'en')}",
        f"{t('match.head.expected', 'fr')} (fr)",
        f"{t('match.head.expected', 'en')} (en)",
        f"{t('match.head.meaning', 'fr')} (fr)",
        f"{t('match.head.meaning', 'en')} (en)",
    ]


def readme_path(csv_path: Path) -> Path:
    """Where the README of a csv template goes."""
    return csv_path.with_suffix(".README.txt")


def write_template(path: str | Path, sectors: tuple[str, ...]) -> list[Path]:
    """Write the blank survey (and its explanations); returns the files written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ConfigError(f"--template {path}: expected a .xlsx or .csv file name; found {suffix}")
    atomic.check_output_file(path, "--template")
    cols = columns(sectors)
    names = [c.name for c in cols]
    if suffix == ".csv":
        lines = [
            f"{t('match.col.sector', 'fr')}\n{t('match.col.sector', 'en')}",
            "sectors: " + ", ".join(sectors),
            "",
        ]
        for row in column_rows(cols):
            lines.append(f"{row[0]} — {row[1]}")
            lines.append(f"  fr: {row[4]} ({row[2]})")
            lines.append(f"  en: {row[5]} ({row[3]})")
        readme = readme_path(path)
        atomic.write_text(path, ",".join(names) + "\n")
        atomic.write_text(readme, "\n".join(lines) + "\n")
        return [path, readme]
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    info = book.create_sheet(f"{t('match.sheet.columns', 'fr')} - {t('match.sheet.columns', 'en')}")
    info.append(_header())
    for cell in info[1]:
        cell.font = Font(bold=True)
    for row in column_rows(cols):
        info.append(row)
    info.append([])
    info.append(["sector", "", ", ".join(sectors)])
    for letter, width in zip("ABCDEF", (30, 14, 34, 34, 70, 70), strict=True):
        info.column_dimensions[letter].width = width
    atomic.write_atomic(path, book.save)
    return [path]
