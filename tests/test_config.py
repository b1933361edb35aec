"""Config loading, overrides, and every kind of bad config: status 2, one clear message naming
file, field, expected and found; no traceback and no output folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import mutusim
from mutusim.config import ConfigError, config_hash, load_config


def test_baseline_is_the_default_and_resolves_references():
    cfg = load_config()
    assert cfg.name == "baseline"
    assert cfg.population.name == "wallonia" and cfg.population.n_agents == 6785
    scen = load_config("configs/scenarios/all_policies.yaml")
    assert [p.type for p in scen.policies] == [
        "pooled_subsidy",
        "facilitator",
        "pioneer_reward",
        "awareness",
        "training",
        "standardisation",
    ]
    assert scen.population == cfg.population  # inherited through 'extends'


def test_overrides_reach_any_value_and_change_the_hash():
    base = load_config()
    cfg = load_config(
        None,
        [
            "behaviour.pioneer_rate=0.4",
            "population.network.mean_degree=8",
            "population=federation",
            "mechanisms.demand=false",
        ],
    )
    assert cfg.behaviour.pioneer_rate == 0.4
    assert cfg.population.name == "federation"
    assert cfg.mechanisms.demand is False
    assert config_hash(cfg) != config_hash(base)
    assert config_hash(load_config()) == config_hash(base)
    nested = load_config(
        None,
        {
            "population.n_agents": 300,
            "policies": ["awareness"],
            "policies.0.conversion_probability": 0.9,
        },
    )
    assert nested.population.n_agents == 300
    assert nested.policies[0].conversion_probability == 0.9


def _bad(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    return path


BASE = "extends: baseline.yaml\nname: bad\n"
CASES = {
    # case: (yaml text or None, overrides, words the message must contain)
    "unknown key": (
        BASE + "behaviour:\n  pioneer_rat: 0.2\n",
        [],
        ["bad.yaml", "behaviour.pioneer_rat", "unknown", "pioneer_rat"],
    ),
    "wrong type": (
        BASE + "horizon_months: ten\n",
        [],
        ["bad.yaml", "horizon_months", "integer", "'ten'"],
    ),
    "probability out of range": (
        BASE + "commitment:\n  exit_threshold: 1.5\n",
        [],
        ["bad.yaml", "commitment.exit_threshold", "less than or equal to 1", "1.5"],
    ),
    "negative budget": (
        BASE + "budget_eur: -5\n",
        [],
        ["bad.yaml", "budget_eur", "greater than or equal to 0", "-5"],
    ),
    "missing file": (None, [], ["does-not-exist.yaml", "not found"]),
    "unknown policy type": (
        BASE + "policies:\n  - {name: x, type: lottery}\n",
        [],
        ["bad.yaml", "policies.0", "pooled_subsidy", "'lottery'"],
    ),
    "unknown policy file": (
        BASE + "policies: [lottery]\n",
        [],
        ["bad.yaml", "lottery", "awareness"],
    ),
    "malformed yaml": (BASE + "behaviour: [unclosed\n", [], ["bad.yaml", "malformed YAML", "line"]),
    "bad override": (BASE, ["commitment.initial=2"], ["--set commitment.initial", "2"]),
    "bad population value": (
        BASE,
        ["population.size.sigma=-1"],
        ["population.size.sigma", "greater than or equal to 0", "-1"],
    ),
    "shares not summing to one": (
        BASE,
        ["population.provinces.namur=0.5"],
        ["population", "provinces shares must sum to 1"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_config_gives_one_clear_error(case, tmp_path):
    text, overrides, words = CASES[case]
    path = tmp_path / "does-not-exist.yaml" if text is None else _bad(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, overrides)
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"
    assert "\n" not in message


@pytest.mark.parametrize(
    "case",
    ["unknown key", "negative budget", "malformed yaml", "unknown policy type", "missing file"],
)
def test_cli_exits_2_without_traceback_or_output(case, tmp_path):
    text, overrides, words = CASES[case]
    path = tmp_path / "does-not-exist.yaml" if text is None else _bad(tmp_path, text)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "mutusim.cli", "run", str(path), "--out", str(out)]
    for o in overrides:
        cmd += ["--set", o]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("mutusim: error: ")
    assert words[0] in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_api_rejects_bad_arguments():
    with pytest.raises(ValueError, match="engine"):
        mutusim.simulate("configs/sector.yaml", engine="gpu")
    with pytest.raises(ValueError, match="runs"):
        mutusim.simulate("configs/sector.yaml", runs=0)
