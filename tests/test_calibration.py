"""Calibration: targets files refused before any simulation, the `mutusim calibrate` command
end to end with both methods, resuming, and the recovery of known parameter values."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from mutusim.calibration import calibrate, load_problem
from mutusim.calibration.simulator import Simulator
from mutusim.cli import main
from mutusim.config import ConfigError, config_dir
from mutusim.errors import InterruptError

SMALL = {"population.n_agents": 300}
"""A population that runs a 24-month point in milliseconds."""


def _write(tmp_path: Path, doc: dict, name: str = "targets.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _doc(**changes) -> dict:
    doc = {
        "name": "tiny",
        "base": str(config_dir() / "baseline.yaml"),
        "set": dict(SMALL),
        "parameters": {
            "demand.conviction_gain": {"uniform": [0.0, 0.2]},
            "behaviour.pioneer_rate": {"loguniform": [0.5, 5.0]},
        },
        "targets": [
            {"output": "convinced_share", "month": 24, "value": 0.52, "sd": 0.01, "source": "test"},
            {
                "output": "initiations_failed",
                "month": 24,
                "value": 1.0,
                "sd": 0.5,
                "source": "test",
            },
        ],
    }
    doc.update(changes)
    return doc


def test_shipped_targets_load_and_cite_their_sources():
    path = config_dir() / "targets" / "wallonia.yaml"
    problem = load_problem(path)
    assert problem.scenarios["base"].horizon_months == 24  # cut to the last month read
    assert "digitalees" in problem.scenarios
    for target in problem.targets:
        assert (
            "assumption" in target.source
            or "barometer" in target.source
            or ("digitalees" in target.source.lower())
        )
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():  # every prior line says it is an assumption
        if "uniform" in line:
            assert "assumption" in line


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"targets": [{"output": "nonsense", "month": 3, "value": 1, "sd": 1, "source": "s"}]},
            "field 'targets.0.output': expected a timeseries column",
        ),
        (
            {
                "targets": [
                    {"output": "adoption_share", "month": 500, "value": 1, "sd": 1, "source": "s"}
                ]
            },
            "field 'targets.0.month': expected a month within the horizon",
        ),
        (
            {
                "targets": [
                    {"output": "adoption_share", "month": 3, "value": 1, "sd": 0, "source": "s"}
                ]
            },
            "an sd above 0",
        ),
        (
            {
                "targets": [
                    {"output": "adoption_share", "month": 3, "value": 1, "sd": -1, "source": "s"}
                ]
            },
            "an sd above 0",
        ),
        (
            {
                "targets": [
                    {
                        "output": "adoption_share",
                        "month": [1, 12],
                        "value": 1,
                        "sd": 1,
                        "source": "s",
                    }
                ]
            },
            "expected one month for 'adoption_share', which is a level",
        ),
        (
            {"parameters": {"behaviour.no_such": {"uniform": [0, 1]}}},
            "field 'parameters.behaviour.no_such': expected a parameter of the model",
        ),
        (
            {"parameters": {"demand.conviction_gain": {"uniform": [-0.1, 0.2]}}},
            "expected a prior within the parameter's valid range",
        ),
        (
            {
                "parameters": {
                    "behaviour.rivalry_aversion": {"normal": [0.5, 0.2], "bounds": [0.0, 1.5]}
                }
            },
            "expected a prior within the parameter's valid range",
        ),
        (
            {"parameters": {"demand.conviction_gain": {"uniform": [0.2, 0.1]}}},
            "the second number must exceed the first",
        ),
        ({"parameters": {"demand.conviction_gain": {"normal": [0.1, 0.05]}}}, "bounds"),
        (
            {
                "targets": [
                    {
                        "output": "adoption_share",
                        "month": 3,
                        "value": 1,
                        "sd": 1,
                        "source": "s",
                        "scenario": "elsewhere",
                    }
                ]
            },
            "field 'targets.0.scenario': expected 'base' or a name of 'scenarios'",
        ),
    ],
)
def test_bad_targets_are_refused_in_one_line_before_any_simulation(
    tmp_path, monkeypatch, change, message
):
    def no_simulation(*args, **kwargs):
        raise AssertionError("simulated before the targets file was checked")

    monkeypatch.setattr(Simulator, "simulate", no_simulation)
    path = _write(tmp_path, _doc(**change))
    with pytest.raises(ConfigError) as caught:
        calibrate(path, out=tmp_path / "out", max_simulations=60, progress=False)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_cli_refuses_a_bad_file_with_one_line(tmp_path, capsys):
    path = _write(tmp_path, _doc(parameters={"behaviour.nope": {"uniform": [0, 1]}}))
    assert main(["calibrate", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("mutusim: error: ")


def _check_folder(out: Path, names: list[str]) -> dict:
    ensemble = pd.read_parquet(out / "ensemble.parquet")
    assert list(ensemble.columns) == [*names, "weight"]
    assert len(ensemble) >= 1
    assert ensemble["weight"].sum() == pytest.approx(1.0)
    record = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    for key in (
        "targets",
        "priors",
        "method",
        "simulations",
        "acceptance_rate",
        "effective_sample_size",
        "seed",
        "versions",
        "git_commit",
    ):
        assert key in record
    assert (out / "figures" / "marginals.png").stat().st_size > 0
    assert (out / "figures" / "predictive.png").stat().st_size > 0
    return record


@pytest.mark.parametrize("method", ["history", "abc"])
def test_cli_end_to_end_and_resume(tmp_path, capsys, method):
    path = _write(tmp_path, _doc())
    out = tmp_path / "cal"
    args = [
        "calibrate",
        str(path),
        "--out",
        str(out),
        "--method",
        method,
        "--max-simulations",
        "60",
        "--runs-per-point",
        "2",
        "--seed",
        "3",
        "--lang",
        "en",
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "convinced_share@24" in printed
    record = _check_folder(out, ["demand.conviction_gain", "behaviour.pioneer_rate"])
    assert record["method"] == method and record["seed"] == 3
    first = pd.read_parquet(out / "ensemble.parquet")
    # the same command again resumes: nothing new is simulated, the same ensemble comes out
    assert main(args) == 0
    again = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert again["simulations"] == record["simulations"]
    pd.testing.assert_frame_equal(pd.read_parquet(out / "ensemble.parquet"), first)
    # another calibration is refused in the same folder
    assert main([*args[:-4], "--seed", "4", "--lang", "en"]) == 2


def test_a_scenario_per_target(tmp_path):
    doc = _doc(
        scenarios=[
            {
                "name": "facilitated",
                "policies": ["facilitator"],
                "set": {"policies.0.end_month": 12, "policies.0.budget_eur": 1e5},
            }
        ],
        targets=[
            {"output": "convinced_share", "month": 12, "value": 0.5, "sd": 0.02, "source": "t"},
            {
                "output": "facilitator_contacts",
                "month": [1, 12],
                "value": 100,
                "sd": 20,
                "source": "t",
                "scenario": "facilitated",
            },
        ],
    )
    problem = load_problem(_write(tmp_path, doc))
    assert {n: c.horizon_months for n, c in problem.scenarios.items()} == {
        "base": 12,
        "facilitated": 12,
    }
    out = Simulator(problem).simulate(
        [{"demand.conviction_gain": 0.05, "behaviour.pioneer_rate": 2.0}], [np.arange(3)]
    )
    assert out.shape == (1, 3, 2)
    assert out[0, :, 1].min() > 0  # facilitators contact EES only in their own scenario


def test_recovery_of_known_values(tmp_path):
    """Targets generated by the model at known values are calibrated back: the values lie in
    the 90 % posterior intervals, which are clearly narrower than the prior's."""
    truth = {"demand.conviction_gain": 0.12, "behaviour.autonomy_preference": 0.8}
    doc = _doc(
        set={"population.n_agents": 2000},
        parameters={
            "demand.conviction_gain": {"uniform": [0.0, 0.2]},
            "behaviour.autonomy_preference": {"uniform": [0.4, 1.2]},
        },
        targets=[
            {"output": "convinced_share", "month": 24, "value": 0, "sd": 1, "source": "-"},
            {"output": "latent_share", "month": 24, "value": 0, "sd": 1, "source": "-"},
        ],
    )
    probe = load_problem(_write(tmp_path, doc, "probe.yaml"))
    runs = 40
    generated = Simulator(probe).simulate([truth], [np.arange(10_000, 10_000 + runs)])[0]
    targets = []
    for k, target in enumerate(doc["targets"]):
        targets.append(
            {
                **target,
                "value": float(generated[:, k].mean()),
                "sd": float(generated[:, k].std(ddof=1) / np.sqrt(runs)) + 1e-3,
                "source": "generated by the model at known values",
            }
        )
    path = _write(tmp_path, {**doc, "targets": targets})
    record = calibrate(
        path,
        out=tmp_path / "rec",
        max_simulations=300,
        runs_per_point=4,
        progress=False,
        figures=False,
    )
    for name, value in truth.items():
        low, high = record["posterior"][name]["interval_90"]
        assert low <= value <= high, (name, value, low, high)
        assert record["posterior"][name]["width_share_of_prior"] < 0.7, record["posterior"]
    assert record["accepted"] >= 10


def test_an_interrupted_history_match_resumes_to_the_same_ensemble(tmp_path, monkeypatch):
    path = _write(tmp_path, _doc())
    options = {"max_simulations": 60, "runs_per_point": 2, "progress": False, "figures": False}
    whole = calibrate(path, out=tmp_path / "whole", **options)
    calls = {"n": 0}
    simulate = Simulator.simulate

    def interrupted(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # during the second wave
            raise KeyboardInterrupt
        return simulate(self, *args, **kwargs)

    monkeypatch.setattr(Simulator, "simulate", interrupted)
    with pytest.raises(InterruptError, match="to go on, run: mutusim calibrate"):
        calibrate(path, out=tmp_path / "cut", **options)
    manifest = json.loads((tmp_path / "cut" / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["blocks"]) == ["wave00-000000"]
    monkeypatch.setattr(Simulator, "simulate", simulate)
    resumed = calibrate(path, out=tmp_path / "cut", **options)
    assert resumed["details"]["blocks_resumed"] == 1
    pd.testing.assert_frame_equal(resumed["ensemble"], whole["ensemble"])


def test_abc_on_a_dask_cluster(tmp_path):
    from distributed import LocalCluster

    path = _write(tmp_path, _doc())
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        record = calibrate(
            path,
            out=tmp_path / "dask",
            method="abc",
            max_simulations=40,
            runs_per_point=2,
            scheduler=cluster.scheduler_address,
            progress=False,
            figures=False,
        )
    assert record["accepted"] == 20 and record["simulations"] >= 40
    assert pd.read_parquet(tmp_path / "dask" / "ensemble.parquet")["weight"].sum() == (
        pytest.approx(1.0)
    )


def test_scheduler_is_for_abc_only(tmp_path):
    with pytest.raises(ConfigError, match="--scheduler: expected with --method abc"):
        calibrate(_write(tmp_path, _doc()), scheduler="tcp://127.0.0.1:8786")
