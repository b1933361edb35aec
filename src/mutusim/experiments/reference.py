"""docs/EXPERIMENTS.md, generated from the experiment schemas (``experiments.schema``): every
field of every kind with its type, default and meaning, and one worked example per kind.

``python -m mutusim.experiments.reference`` rewrites the file; a test checks that the committed
file equals ``reference_text()``, so the documentation cannot drift from the schema.
"""

from __future__ import annotations

import json
import sys
import typing
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from mutusim.experiments.schema import (
    Comparison,
    ExperimentBase,
    Factor,
    Factorial,
    Range,
    Replication,
    ScenarioSpec,
    Sensitivity,
    Sweep,
)

DOC = Path(__file__).resolve().parents[3] / "docs" / "EXPERIMENTS.md"
KINDS = (Comparison, Factorial, Sweep, Sensitivity, Replication)

EXAMPLES = {
    "comparison": """\
# A targeted subsidy against the baseline: 40 % of pooled costs for EES under 10 workers in
# Hainaut, years 2 to 6, 1 M EUR of its own, with a facilitator.
name: hainaut_small_ees
kind: comparison
label: {fr: "Cibler les petites EES du Hainaut", en: "Targeting small EES in Hainaut"}
description:
  fr: >-
    Une subvention ciblée sur les EES de moins de 10 travailleurs du Hainaut
    change-t-elle l'adoption ?
  en: Does a subsidy targeted at EES under 10 workers in Hainaut change adoption?
base: baseline.yaml
runs: 200
seed: 0
scenarios:
  - name: baseline
  - name: targeted_subsidy
    label: {fr: "Subvention ciblée + facilitateur", en: "Targeted subsidy + facilitator"}
    description:
      fr: 40 % des coûts, moins de 10 travailleurs, Hainaut, années 2 à 6
      en: 40 % of costs, under 10 workers, Hainaut, years 2 to 6
    policies: [pooled_subsidy, facilitator]
    budget_eur: 1500000
    set:
      policies.0.rate: 0.4
      policies.0.start_month: 12
      policies.0.end_month: 72
      policies.0.budget_eur: 1000000
      policies.0.eligibility.size_max: 9
      policies.0.eligibility.provinces: [hainaut]
      policies.1.facilitators: 1
      policies.1.budget_eur: 500000
""",
    "sweep": """\
# Adoption over the subsidy rate and the pioneers' initiative: a 3 x 3 grid, 20 runs a point.
name: subsidy_rate_sweep
kind: sweep
base: scenarios/pooled_subsidy.yaml
design: grid
levels: 3
runs: 20
parameters:
  policies.0.rate: {min: 0.2, max: 0.6}
  behaviour.pioneer_rate: {values: [0.1, 0.2, 0.4]}
""",
    "factorial": """\
# Do facilitators turn awareness into projects? A 2 x 2 design: each policy on or off, 1 M EUR
# each when on, spent evenly over the policy period; main effects and their interaction.
name: awareness_facilitators
kind: factorial
base: baseline.yaml
runs: 200
seed: 7
factors:
  awareness: {policy: awareness, budget_eur: 1000000, spending: even}
  facilitator: {policy: facilitator, budget_eur: 1000000, spending: even}
""",
    "sensitivity": """\
# Sobol indices of adoption at ten years over three behavioural uncertainties (their plausible
# ranges: mutusim params).
name: sobol_three
kind: sensitivity
base: baseline.yaml
method: sobol
samples: 64
runs: 4
output: adoption_share
parameters:
  behaviour.pioneer_rate: {min: 0.05, max: 0.5}
  commitment.erosion: {min: 0.0, max: 0.03}
  projects.quality_gain: {min: 1.0, max: 2.0}
""",
    "replication": """\
# How many runs does the baseline need for a 95 % interval of +/- 5 % of the mean?
name: runs_needed
kind: replication
base: baseline.yaml
runs: 50
relative_half_width: 0.05
confidence: 0.95
""",
}


def _type(annotation: typing.Any) -> str:
    text = str(annotation).replace("typing.", "")
    for model in (Range, ScenarioSpec, Factor):
        text = text.replace(f"mutusim.experiments.schema.{model.__name__}", model.__name__)
    text = (
        text.replace("<class '", "")
        .replace("'>", "")
        .replace("NoneType", "null")
        .replace("None", "null")
        .replace("dict[Literal['fr', 'en'], str]", "{fr: str, en: str}")
    )
    if text.startswith("Literal["):
        return "one of " + ", ".join(f"`{v}`" for v in text[8:-1].replace("'", "").split(", "))
    return text


def _default(field) -> str:
    if field.default_factory is not None:
        return f"`{json.dumps(field.default_factory())}`"
    if field.default is PydanticUndefined:
        return "required"
    return f"`{json.dumps(field.default, ensure_ascii=False)}`"


def fields_table(model: type[BaseModel], only_own: bool = False) -> str:
    """A Markdown table of a model's fields (``only_own``: those not in ExperimentBase)."""
    lines = ["| field | type | default | meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        if only_own and name in ExperimentBase.model_fields:
            continue
        kind = _type(field.annotation).replace("|", "or")
        meaning = field.description or ("says which kind this file is" if name == "kind" else "")
        lines.append(f"| `{name}` | {kind} | {_default(field)} | {meaning} |")
    return "\n".join(lines)


def reference_text() -> str:
    """The whole of docs/EXPERIMENTS.md."""
    parts = [
        "# Experiment files",
        "<!-- Generated by `python -m mutusim.experiments.reference` from "
        "src/mutusim/experiments/schema.py; do not edit by hand. -->",
        "An experiment file is a YAML document run by `mutusim experiment FILE` (options: "
        "`--out DIR`, `--runs N`, `--set KEY=VALUE`, `--lang fr|en`, `--format csv|parquet|xlsx`, "
        "`--scheduler ADDRESS`). Its `kind` says which of the five kinds it is. Every scenario "
        "of an experiment starts from `base` with `set` applied; keys of `set` are the dotted "
        "names `mutusim params` lists (`behaviour.pioneer_rate`, `policies.0.rate`, …). "
        "Unknown fields are errors. Texts for readers (`label`, `description`) are one string "
        "or one per language, `{fr: …, en: …}`; they change no result (an experiment's hash, "
        "which guards its results folder, ignores the labels and descriptions of its arms).",
        "## Fields of every kind",
        fields_table(ExperimentBase),
    ]
    for model in KINDS:
        kind = typing.get_args(model.model_fields["kind"].annotation)[0]
        doc = (model.__doc__ or "").strip()
        parts += [f"## `kind: {kind}`", doc, fields_table(model, only_own=True)]
        if model is Comparison:
            parts += ["Each entry of `scenarios` (an arm):", fields_table(ScenarioSpec)]
        if model is Factorial:
            parts += ["Each value of `factors` (a policy on or off):", fields_table(Factor)]
        if model in (Sweep, Sensitivity):
            parts += ["Each value of `parameters` (a range):", fields_table(Range)]
        parts += ["Worked example:", f"```yaml\n{EXAMPLES[kind]}```"]
    parts += [
        "## What each kind writes",
        "Every kind writes `manifest.json`, `runs/` and `timeseries/` (Parquet, partitioned by "
        "experiment and scenario) and `summary.csv`, plus `summary.parquet` or `summary.xlsx` "
        "with `--format`. The summary of a comparison has, per arm, the means and intervals of "
        "adoption (at the horizon and at the end of the policy period), running projects and "
        "public spending, each with the 5–95 % range of runs (`_p05`, `_p95`); the paired "
        "difference in adoption to the first arm; the money allocated, spent and left unspent "
        "(`allocated_eur`, `spent_eur`, `unspent_eur`, `unspent_flag`, `ran_out_share`, "
        "`ran_out_month_median`, `budget`: `allocated` or `unlimited`); the additional pooled "
        "EES at the end of the policy period and of the follow-up and the additional "
        "pooled-EES-years (`extra_pooled_ees_policy_end`, `extra_pooled_ees`, "
        "`extra_pooled_ees_years`, each with `_low`, `_high`), the additional public EUR "
        "(discounted at `discount_rate`), and `eur_per_extra_pooled_ees` and "
        "`eur_per_extra_pooled_ees_year` with their 95 % bootstrap intervals over the paired "
        "runs (`_low`, `_high`; NaN and `_meaningful` false when the effect's interval does not "
        "lie above zero); a comparison also writes `budgets.csv`, one row per arm and policy "
        "(allocation, schedule, spent, share of runs and median month its allocation ran out). "
        "The summary of a factorial design has one row per term (each policy's main effect, "
        "each two-way interaction) and outcome, with its mean over paired runs, interval and "
        "5–95 % range of runs; of a sweep, each point's "
        "parameter values, runs and each outcome's mean with its 95 % interval "
        "(`OUTCOME_lo`, `OUTCOME_hi`); of a sensitivity analysis, the SALib indices with their "
        "intervals; of a replication study, the runs each outcome needs. "
        "`mutusim report RESULTS_DIR` turns any of them into a report.",
    ]
    return "\n\n".join(parts) + "\n"


def main() -> int:
    """Rewrite docs/EXPERIMENTS.md."""
    DOC.write_text(reference_text(), encoding="utf-8")
    print(f"wrote {DOC}", file=sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
