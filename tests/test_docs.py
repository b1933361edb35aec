"""The documentation keeps up with the code: every rule and parameter in docs/ODD.md, and the
README's commands are the ones the Makefile and CI run."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from pydantic import BaseModel

from mutusim.config import schema
from mutusim.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
ODD = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _model_class(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def dotted_fields(model: type[BaseModel], prefix: str) -> list[str]:
    """Every leaf field of a config model as the dotted name ``--set`` takes."""
    names = []
    for name, field in model.model_fields.items():
        inner = _model_class(field.annotation)
        if inner is not None:
            names.extend(dotted_fields(inner, f"{prefix}{name}."))
        else:
            names.append(f"{prefix}{name}")
    return names


def test_every_rule_has_its_odd_entry():
    for info in RULES.values():
        assert f"### {info.rule_id} `{info.name}`" in ODD, info.rule_id


def test_every_parameter_is_documented():
    skip = {"population", "policies", "initial_projects", "name", "description"}
    names = [n for n in dotted_fields(schema.ScenarioConfig, "") if n.split(".")[0] not in skip]
    names += dotted_fields(schema.PopulationConfig, "population.")
    names += [
        f"projects.modes.{m}.{f}"
        for m in typing.get_args(schema.Mode)
        for f in schema.ModeSpec.model_fields
    ]
    for cls in typing.get_args(typing.get_args(schema.Policy)[0]):
        kind = typing.get_args(cls.model_fields["type"].annotation)[0]
        names += [f"{kind}.{f}" for f in cls.model_fields if f not in {"type", "eligibility"}]
    missing = [n for n in names if f"`{n}`" not in ODD]
    assert not missing, missing


def test_readme_commands_are_the_makefile_and_ci_ones():
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    first = blocks[0]
    assert "make run" in first and "make test" in first
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, flags=re.M) and re.search(r"^test:", makefile, flags=re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_odd_state_and_output_tables_are_generated_from_the_schema():
    from mutusim.contract.tables import render_into, tables

    assert render_into(ODD) == ODD, "run: python -m mutusim.contract.tables docs/ODD.md"
    for name in tables():
        assert f"<!-- schema:{name} -->" in ODD, name


def test_experiments_reference_is_generated_from_the_schema():
    from mutusim.experiments.reference import DOC, reference_text

    assert DOC.read_text(encoding="utf-8") == reference_text(), (
        "docs/EXPERIMENTS.md is stale: run `python -m mutusim.experiments.reference`"
    )
    from mutusim.experiments.schema import ExperimentBase, Range, ScenarioSpec, Sensitivity

    for model in (ExperimentBase, ScenarioSpec, Range, Sensitivity):
        for name in model.model_fields:
            assert f"| `{name}` |" in reference_text(), name


def test_every_worked_example_is_a_valid_experiment(tmp_path):
    import yaml

    from mutusim.experiments.design import cells
    from mutusim.experiments.reference import EXAMPLES
    from mutusim.experiments.runner import load_experiment

    for kind, text in EXAMPLES.items():
        path = tmp_path / f"{kind}.yaml"
        path.write_text(text, encoding="utf-8")
        exp = load_experiment(path)
        assert exp.kind == kind == yaml.safe_load(text)["kind"]
        assert cells(exp, str(ROOT / "experiments" / path.name))  # every scenario resolves
    targeted = load_experiment(tmp_path / "comparison.yaml")
    arm = cells(targeted, str(ROOT / "experiments" / "comparison.yaml"))[1].config.policies[0]
    assert arm.eligibility.size_max == 9 and arm.eligibility.provinces == ["hainaut"]
    assert (arm.rate, arm.start_month, arm.end_month, arm.budget_eur) == (0.4, 12, 72, 1e6)
