"""The facilitator's survey: its columns, how a file is read and checked, and what it says.

One row per EES (social-economy enterprise) of a federation. The columns are fixed (the
template, the command line and the tests rely on them); ``COLUMNS`` declares each once with its
kind, whether it may be left blank and its explanation in French and English, which the
template's second sheet (or README) prints. A blank optional cell is drawn as the population
generator would draw it (``mutusim.match.population``), and the command says how many were.

``read_survey`` checks every cell before any work starts and raises ``SurveyError`` with one
line per bad cell (row, column, what was expected, what was found).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mutusim.catalogue import LEGAL_FORMS, PROVINCES, SERVICE_NAMES
from mutusim.errors import ConfigError
from mutusim.i18n import t


@dataclass(frozen=True)
class Column:
    """One survey column: its kind (``id``, ``text``, ``choice``, ``whole``, ``yesno``,
    ``ids``), bounds or choices, and whether it may be blank."""

    name: str
    kind: str
    required: bool = False
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()

    def explanation(self, lang: str) -> str:
        """What the column holds, in ``lang``."""
        if self.name.startswith("need_"):
            return t("match.col.need", lang, service=t(f"match.service.{self.service}", lang))
        return t(f"match.col.{self.name}", lang)

    @property
    def service(self) -> str:
        """The catalogue service of a ``need_`` column."""
        return self.name.removeprefix("need_")

    def expected(self, lang: str = "en") -> str:
        """What a valid cell looks like (for error lines and the template)."""
        if self.kind == "choice":
            return t("match.expect.choice", lang, choices=" | ".join(self.choices))
        if self.kind == "whole":
            if self.high is None:
                return t("match.expect.whole_min", lang, low=self.low)
            return t("match.expect.whole", lang, low=self.low, high=self.high)
        return t(f"match.expect.{self.kind}", lang)


NEED_PREFIX = "need_"
YES = ("yes", "oui", "y", "o", "1", "true", "vrai")
NO = ("no", "non", "n", "0", "false", "faux")


def columns(sectors: Sequence[str]) -> tuple[Column, ...]:
    """The survey's columns, in template order, for a population with these sector names."""
    return (
        Column("id", "id", required=True),
        Column("name", "text"),
        Column("legal_form", "choice", choices=LEGAL_FORMS),
        Column("sector", "choice", required=True, choices=tuple(sectors)),
        Column("province", "choice", choices=PROVINCES),
        Column("workers", "whole", required=True, low=1),
        Column("digiscore", "whole", low=0, high=100),
        Column("convinced", "yesno"),
        Column("posture", "whole", low=1, high=5),
        Column("leadership", "whole", low=1, high=5),
        Column("financial_tension", "whole", low=1, high=5),
        *(Column(f"{NEED_PREFIX}{s}", "whole", low=0, high=3) for s in SERVICE_NAMES),
        Column("federation", "text"),
        Column("ties", "ids"),
        Column("rivals", "ids"),
    )


class SurveyError(ConfigError):
    """A survey that cannot be used: ``problems`` holds one line per bad cell or column."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(problems[0] if len(problems) == 1 else f"{len(problems)} problems")
        self.problems = list(problems)


@dataclass
class Survey:
    """A checked survey: one entry per row, each value parsed (``None`` where blank)."""

    path: Path
    ids: list[str]
    values: dict[str, list[object]]
    sectors: tuple[str, ...]
    names: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Number of EES."""
        return len(self.ids)

    def column(self, name: str) -> list[object]:
        """The parsed values of one column (``None`` where blank)."""
        return self.values[name]

    def blank(self, name: str) -> int:
        """How many cells of a column are blank."""
        return sum(v is None for v in self.values[name])


def _load_table(path: Path) -> pd.DataFrame:
    """The first sheet (xlsx) or the file (csv) as text cells, blanks as ''."""
    if not path.is_file():
        raise ConfigError(f"{path}: expected a survey file (.csv or .xlsx); found no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
        elif suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python")
        else:
            raise ConfigError(f"{path}: expected a .csv or .xlsx survey; found {suffix or 'none'}")
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise ConfigError(f"{path}: expected a readable survey table; found {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.map(_cell_text)


def _cell_text(value: object) -> str:
    """A cell as trimmed text; a whole float from a spreadsheet (12.0) as '12'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse(col: Column, text: str) -> tuple[object, bool]:
    """(value, ok) of one non-blank cell."""
    if col.kind in ("id", "text"):
        return text, True
    if col.kind == "choice":
        lowered = text.lower()
        return lowered, lowered in col.choices
    if col.kind == "yesno":
        lowered = text.lower()
        if lowered in YES:
            return True, True
        return False, lowered in NO
    if col.kind == "whole":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None, False
        if not number.is_integer():
            return None, False
        value = int(number)
        ok = value >= (col.low or 0) and (col.high is None or value <= col.high)
        return value, ok
    if col.kind == "ids":
        return [part.strip() for part in text.split(";") if part.strip()], True
    raise ValueError(col.kind)


def read_survey(path: str | Path, sectors: Sequence[str]) -> Survey:
    """Read and check a survey; ``SurveyError`` lists every bad cell (nothing is written)."""
    path = Path(path)
    frame = _load_table(path)
    cols = columns(sectors)
    known = {c.name for c in cols}
    problems: list[str] = []
    for name in frame.columns:
        if name not in known:
            problems.append(
                f"{path}: column {name!r}: expected one of the template's columns "
                f"(mutusim match --template); found an unknown column"
            )
    for col in cols:
        if col.required and col.name not in frame.columns:
            problems.append(f"{path}: column {col.name!r}: expected it (required); found none")
    if frame.empty:
        problems.append(f"{path}: expected one row per EES; found no rows")
    if problems:
        raise SurveyError(problems)
    values: dict[str, list[object]] = {}
    for col in cols:
        cells = frame[col.name] if col.name in frame.columns else [""] * len(frame)
        parsed: list[object] = []
        for r, text in enumerate(cells):
            row = r + 2  # spreadsheet row: the header is row 1
            if text == "":
                if col.required:
                    problems.append(
                        f"{path}: row {row}, column {col.name}: expected {col.expected()}; "
                        "found a blank cell (required)"
                    )
                parsed.append(None)
                continue
            value, ok = _parse(col, text)
            if not ok:
                problems.append(
                    f"{path}: row {row}, column {col.name}: expected {col.expected()}; "
                    f"found {text!r}"
                )
            parsed.append(value if ok else None)
        values[col.name] = parsed
    ids = [str(v) if v is not None else "" for v in values["id"]]
    seen: dict[str, int] = {}
    for r, ident in enumerate(ids):
        if ident and ident in seen:
            problems.append(
                f"{path}: row {r + 2}, column id: expected a unique id; found {ident!r} "
                f"again (first on row {seen[ident] + 2})"
            )
        seen.setdefault(ident, r)
    for name in ("ties", "rivals"):
        for r, listed in enumerate(values[name]):
            for other in listed or []:
                if other not in seen or other == ids[r]:
                    what = "itself" if other == ids[r] else "an id not in the survey"
                    problems.append(
                        f"{path}: row {r + 2}, column {name}: expected ids of other rows "
                        f"separated by ';'; found {other!r} ({what})"
                    )
    if problems:
        raise SurveyError(problems)
    names = [str(v) if v is not None else "" for v in values["name"]]
    return Survey(path, ids, values, tuple(sectors), names)
