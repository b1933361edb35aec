"""The parameter table (``mutusim params``): every model and policy parameter has a unit, a
description and a source; validity bounds are numbers; plausible ranges lie inside them and
around the default; docs/ODD.md section 8 shows the same ranges; the text form fits 100
columns and survives a reader that stops early; SALib's problem comes from the same table."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mutusim.config import load_config
from mutusim.parameter_table import (
    COLUMNS,
    odd_with_plausible,
    parameter_table,
    plausible_text,
    salib_problem,
)

ROOT = Path(__file__).resolve().parents[1]
MODEL = parameter_table()
POLICIES = parameter_table(policies=True)
ALL = MODEL + POLICIES


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mutusim.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_every_parameter_has_unit_description_and_source():
    assert len(MODEL) > 100 and len(POLICIES) > 50
    for row in ALL:
        assert list(row)[: len(COLUMNS)] == list(COLUMNS), row["name"]
        assert row["unit"].strip(), row["name"]
        assert row["description"].strip(), row["name"]
        assert row["source"].strip(), row["name"]
    names = [row["name"] for row in ALL]
    assert len(names) == len(set(names))
    for expected in (
        "behaviour.pioneer_rate",
        "projects.modes.co_ownership.fixed_cost_eur_month",
        "population.leadership.mean",
        "pooled_subsidy.rate",
        "training.eligibility.size_max",
        "commitment.management.loss",
    ):
        assert expected in names


def test_bounds_are_numbers_and_plausible_ranges_lie_inside():
    with_range = 0
    for row in ALL:
        for key in ("min", "max"):
            assert row[key] is None or isinstance(row[key], int | float), row
        if row["plausible"] is None:
            continue
        with_range += 1
        low, high = row["plausible"]
        assert low < high, row["name"]
        if row["min"] is not None:
            assert low > row["min"] if row["min_exclusive"] else low >= row["min"], row["name"]
        if row["max"] is not None:
            assert high < row["max"] if row["max_exclusive"] else high <= row["max"], row["name"]
        assert low <= row["default"] <= high, (row["name"], row["default"], row["plausible"])
    assert with_range > 70


def test_a_scenario_gives_its_own_values_and_policy_keys():
    config = load_config("configs/scenarios/training.yaml", ["population=federation"])
    rows = {r["name"]: r for r in parameter_table(config)}
    assert rows["population.n_agents"]["default"] == 60
    assert rows["population.leadership.mean"]["default"] == pytest.approx(0.3)
    assert rows["population.maturity.mean"]["source"].startswith("federation.yaml: ")
    policy = {r["name"]: r for r in parameter_table(config, policies=True)}
    assert policy["policies.0.eligibility.size_max"]["default"] == 49
    assert policy["policies.0.maturity_gain"]["plausible"] == [0.05, 0.2]


def test_json_output_is_the_table():
    proc = _cli("params", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == json.loads(json.dumps(MODEL))
    proc = _cli("params", "--json", "--policies")
    assert json.loads(proc.stdout) == json.loads(json.dumps(POLICIES))


def test_text_output_fits_100_columns_and_stops_quietly():
    proc = _cli("params")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "behaviour.pioneer_rate = 2.0 per year" in proc.stdout
    assert "plausible 0.05–0.5" in proc.stdout
    piped = subprocess.run(
        f"{sys.executable} -m mutusim.cli params | head -n 3",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert piped.returncode == 0 and len(piped.stdout.splitlines()) == 3
    assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr, piped.stderr


def test_odd_section_8_shows_the_plausible_ranges():
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert odd_with_plausible(odd) == odd, (
        "docs/ODD.md section 8 is stale: run `python -m mutusim.parameter_table --update-odd`"
    )
    section = odd[odd.index("## 8. Parameters") : odd.index("## 9. ")]
    shown: dict[str, str] = {}
    for block in re.split(r"\n(?=\| parameter \|)", section):
        header = block.splitlines()[0]
        if not header.startswith("| parameter |") or "plausible" not in header:
            continue
        column = [c.strip() for c in header.strip("|").split("|")].index("plausible")
        for line in block.splitlines()[2:]:
            if not line.startswith("| `"):
                break
            cells = [c.strip() for c in line.strip("|").split("|")]
            shown[re.match(r"`([^`]+)`", cells[0])[1]] = cells[column]
    rows = {r["name"]: r for r in ALL}
    for name, row in rows.items():
        if row["plausible"] is not None:
            assert shown.get(name) == plausible_text(row), name
    for name, text in shown.items():
        expected = plausible_text(rows[name]) if name in rows else "—"
        assert text == expected, name


def test_salib_problem_uses_the_plausible_ranges():
    problem = salib_problem(["behaviour.pioneer_rate", "commitment.erosion"])
    assert problem == {
        "num_vars": 2,
        "names": ["behaviour.pioneer_rate", "commitment.erosion"],
        "bounds": [[0.5, 5.0], [0.0, 0.03]],
    }
    everything = salib_problem()
    assert "projects.quality_gain" in everything["names"]
    assert not any(n.startswith("pooled_subsidy.") for n in everything["names"])
    with pytest.raises(ValueError, match="no plausible range"):
        salib_problem(["projects.max_projects"])


def test_every_unit_is_translated():
    from mutusim.i18n import catalogue

    missing = sorted({r["unit"] for r in ALL} - {k[5:] for k in catalogue() if k[:5] == "unit."})
    assert not missing, missing
