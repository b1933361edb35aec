"""Experiment files: what question, which scenarios or parameter points, how many runs.

Five kinds share the fields of ``ExperimentBase``: ``comparison`` (named policy scenarios
against a baseline, paired runs), ``factorial`` (every combination of named policies at fixed
allocations: main effects and two-way interactions), ``sweep`` (grid or Latin hypercube over
parameters), ``sensitivity`` (SALib Sobol or Morris on chosen outputs) and ``replication`` (how
many runs an output needs for a target confidence-interval half-width).

Texts a reader sees (``label``, ``description``) may be one string or one per language
(``{fr: …, en: …}``); ``text_in`` picks the one of a language. They are presentation only: the
experiment's hash, hence its stored results, ignores scenario labels and descriptions. Every
field is documented in docs/EXPERIMENTS.md, generated from these models
(``mutusim.experiments.reference``).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from mutusim.config.schema import Seed, Strict

Text = str | dict[Literal["fr", "en"], str]
"""A text for readers: one string, or one per language."""


def text_in(text: Text | None, lang: str) -> str:
    """The text in ``lang`` (a plain string serves every language; a missing language falls
    back to the other one), or "" for None."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(lang) or next(iter(text.values()), "")  # type: ignore[call-overload]


DEFAULT_OUTCOMES = (
    "adoption_share",
    "active_projects",
    "projects_dissolved",
    "members_exited",
    "cumulative_public_spend",
    "adopters",
    "mean_maturity",
    "cumulative_savings_eur",
)


class Range(Strict):
    """A parameter's range: ``min``/``max`` (continuous) or explicit ``values``."""

    min: float | None = Field(None, description="lowest value (with `max`)")
    max: float | None = Field(None, description="highest value (with `min`)")
    values: list[Any] | None = Field(None, description="explicit values, instead of min and max")

    @model_validator(mode="after")
    def _range(self) -> Range:
        if self.values is not None:
            if not self.values:
                raise ValueError("values must not be empty")
            return self
        if self.min is None or self.max is None:
            raise ValueError("give min and max, or values")
        if not self.max > self.min:
            raise ValueError(f"empty range: max ({self.max}) must exceed min ({self.min})")
        return self


class ExperimentBase(Strict):
    """Fields of every experiment."""

    wide_integers: ClassVar[frozenset[str]] = frozenset({"seed"})
    needed_outcomes: ClassVar[tuple[str, ...]] = ()
    """Outcomes the kind's analysis reads: ``outcomes`` must list them."""
    min_runs: ClassVar[int] = 1
    """Fewest runs the kind's analysis can use."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="identifier: letters, digits, `_`, `.`, `-`; names the results folder",
    )
    label: Text | None = Field(
        None, description="title shown in reports (default: the catalogue's, else the name)"
    )
    description: Text = Field(
        "", description="the question the experiment answers, shown first in its report"
    )
    base: str | dict[str, Any] = Field(
        "baseline.yaml",
        description="scenario to start from: a file (relative to the experiment file, else to "
        "`configs/`) or an inline scenario",
    )
    set: dict[str, Any] = Field(
        default_factory=dict,
        description="overrides of the base, as `--set` takes them: `{dotted.key: value}`",
    )
    runs: int = Field(100, ge=1, description="runs per scenario or design point")
    seed: Seed = Field(0, description="seed of every random stream (same for every arm)")
    chunk_runs: int = Field(50, ge=1, description="runs per stored chunk (the unit of resuming)")
    outcomes: list[str] = Field(
        default_factory=lambda: list(DEFAULT_OUTCOMES),
        min_length=1,
        description="final values stored per run (columns of the timeseries)",
    )
    ensemble: str | None = Field(
        None,
        description="an ensemble of plausible parameter sets (`ensemble.parquet`: one column "
        "per parameter, named by its dotted path, and a `weight` column summing to 1; "
        "`mutusim calibrate` writes one, `mutusim prior-ensemble` draws a prior one): every "
        "scenario or design point then runs over `members` weighted draws of it, `runs` runs "
        "each, the same members and seeds in every arm. A path relative to the experiment "
        "file, else to the working directory",
    )
    members: int | None = Field(
        None,
        ge=2,
        le=10_000,
        description="with `ensemble`: how many parameter sets are drawn from it (weighted, with "
        "replacement, seeded by `seed`)",
    )

    @model_validator(mode="after")
    def _ensemble_and_members(self) -> ExperimentBase:
        if (self.ensemble is None) != (self.members is None):
            given, missing = (
                ("ensemble", "members")
                if self.members is None
                else (
                    "members",
                    "ensemble",
                )
            )
            raise ValueError(f"`{given}` needs `{missing}` too (give both, or neither)")
        return self

    @field_validator("runs")
    @classmethod
    def _enough_runs(cls, runs: int) -> int:
        if runs < cls.min_runs:
            raise ValueError(
                f"at least {cls.min_runs} runs (the confidence intervals of this kind of "
                "experiment need two)"
            )
        return runs

    @field_validator("outcomes")
    @classmethod
    def _analysable_outcomes(cls, outcomes: list[str]) -> list[str]:
        if len(set(outcomes)) != len(outcomes):
            raise ValueError("each outcome once")
        missing = [o for o in cls.needed_outcomes if o not in outcomes]
        if missing:
            raise ValueError(
                f"a list including {', '.join(cls.needed_outcomes)} (this kind of experiment "
                f"analyses them; {', '.join(missing)} missing)"
            )
        return outcomes


class ScenarioSpec(Strict):
    """One arm of a comparison: policies, budget and overrides on top of the base."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="identifier of the arm: letters, digits, `_`, `.`, `-` (a results partition)",
    )
    label: Text | None = Field(
        None,
        description="name shown to readers in tables, reports and figures "
        "(default: the catalogue's, else the name)",
    )
    description: Text = Field("", description="what the arm is, in a sentence (reports)")
    policies: list[str | dict[str, Any]] = Field(
        default_factory=list,
        description="policies: names of `configs/policies/` files or inline policy documents",
    )
    budget_eur: float | None = Field(
        None, ge=0, description="the authority's total budget in EUR (default: the base's)"
    )
    set: dict[str, Any] = Field(
        default_factory=dict, description="overrides of this arm only, on top of the experiment's"
    )


PRESENTATION = {"label", "description"}
"""Fields of a scenario arm that change no result (left out of the experiment's hash)."""

CRITERIA = {
    "pooled_per_meur": "additional pooled EES per million EUR actually spent (paired against "
    "the baseline; the baseline scores 0)",
    "additional_pooled": "additional pooled EES at the horizon (paired against the baseline)",
    "adoption_share": "share of EES in a pooled project at the horizon",
}
"""What a scenario can be ranked on (higher is better): ``criterion`` of comparisons over an
ensemble and of sensitivity analyses of a rank."""
Criterion = Literal["pooled_per_meur", "additional_pooled", "adoption_share"]
CRITERION_OUTCOMES = ("adoption_share", "adopters", "cumulative_public_spend")
"""Outcomes every criterion is computed from."""
ANALYSIS_ONLY = {"criterion", "answers"}
"""Experiment fields that change the analysis but no stored run (left out of its hash)."""


class Comparison(ExperimentBase):
    """Policy scenarios against the first one (the baseline), with common random numbers."""

    needed_outcomes: ClassVar[tuple[str, ...]] = (
        "adoption_share",
        "active_projects",
        "cumulative_public_spend",
        "adopters",
    )
    min_runs: ClassVar[int] = 2

    kind: Literal["comparison"]
    scenarios: list[ScenarioSpec] = Field(
        min_length=2, description="the arms; the first is the baseline the others are compared to"
    )
    confidence: float = Field(0.95, gt=0.0, lt=1.0, description="level of the confidence intervals")
    discount_rate: float = Field(
        0.0,
        ge=0.0,
        lt=1.0,
        description="yearly rate discounting public money and pooled-EES-years in the "
        "cost-effectiveness figures (month t weighs (1 + rate)^(-t/12)); 0: none",
    )
    criterion: Criterion = Field(
        "pooled_per_meur",
        description="with `ensemble`: what the scenarios are ranked on for `p_best` and `regret` "
        "(`pooled_per_meur`: additional pooled EES per million EUR actually spent; "
        "`additional_pooled`; `adoption_share`)",
    )

    @model_validator(mode="after")
    def _unique(self) -> Comparison:
        names = [s.name for s in self.scenarios]
        if len(set(names)) != len(names):
            raise ValueError(f"scenario names must be unique, found {names}")
        return self


class Factor(Strict):
    """One policy of a factorial design, on or off, at a fixed allocation."""

    policy: str | dict[str, Any] = Field(
        description="the policy: a `configs/policies/` file name or an inline policy document"
    )
    budget_eur: float = Field(gt=0, description="its allocation in EUR when it is on")
    spending: Literal["as_demand", "even", "front_loaded"] | None = Field(
        None, description="its spending schedule (default: the policy's own)"
    )


MAX_FACTORS = 6
"""Factors of a factorial design at most (2^6 = 64 cells)."""


class Factorial(ExperimentBase):
    """A 2^k design: every combination of the named policies, each at its fixed allocation,
    paired runs; main effects and two-way interactions with intervals."""

    needed_outcomes: ClassVar[tuple[str, ...]] = ("adoption_share", "cumulative_public_spend")
    min_runs: ClassVar[int] = 2

    kind: Literal["factorial"]
    factors: dict[str, Factor] = Field(
        min_length=2,
        max_length=MAX_FACTORS,
        description="`{name: {policy, budget_eur}}`: the policies switched on and off "
        f"(2 to {MAX_FACTORS}; names: letters, digits, `_`)",
    )
    confidence: float = Field(0.95, gt=0.0, lt=1.0, description="level of the intervals")

    @field_validator("factors")
    @classmethod
    def _names(cls, factors: dict[str, Factor]) -> dict[str, Factor]:
        bad = [n for n in factors if not n.replace("_", "").isalnum() or not n.isascii()]
        if bad:
            raise ValueError(f"factor names of letters, digits and `_`; found {bad}")
        return factors


class Sweep(ExperimentBase):
    """Full grid (``levels`` per continuous range) or Latin hypercube (``points``)."""

    kind: Literal["sweep"]
    parameters: dict[str, Range] = Field(
        min_length=1, description="`{dotted.key: range}`: the parameters varied (a Range each)"
    )
    design: Literal["grid", "latin_hypercube"] = Field(
        "grid", description="`grid`: every combination; `latin_hypercube`: `points` points"
    )
    levels: int = Field(3, ge=2, description="grid: evenly spaced values per `min`/`max` range")
    points: int = Field(20, ge=2, description="latin_hypercube: number of design points")


class Sensitivity(ExperimentBase):
    """Sobol (first and total order, bootstrap intervals) or Morris, via SALib, of an outcome,
    or of an answer: the paired effect of each policy arm, or the rank of each arm."""

    kind: Literal["sensitivity"]
    method: Literal["sobol", "morris"] = Field(
        "sobol", description="`sobol` (S1 and ST with intervals) or `morris` (μ*)"
    )
    parameters: dict[str, Range] | Literal["plausible"] = Field(
        description="`{dotted.key: {min, max}}`: at least two continuous ranges; or `plausible`: "
        "every model parameter with a plausible range (`mutusim params`), over that range"
    )
    samples: int = Field(
        64,
        ge=2,
        description="SALib base sample size N (Sobol: N × (k + 2) points; Morris: N "
        "trajectories of k + 1 points)",
    )
    output: str = Field("adoption_share", description="the outcome analysed")
    scenarios: list[ScenarioSpec] | None = Field(
        None,
        min_length=2,
        description="policy arms run at every design point, paired (the first is the "
        "baseline): the analysis is then of the `answers`",
    )
    answers: list[Literal["outcome", "effect", "rank"]] = Field(
        default_factory=lambda: ["outcome"],
        min_length=1,
        description="with `scenarios`, what is analysed (one or more, from the same runs): "
        "`outcome` (the output of each arm), `effect` (each arm minus the baseline, paired run "
        "by run, on `output`) or `rank` (each arm's rank on `criterion`, 1 = best)",
    )
    criterion: Criterion = Field(
        "pooled_per_meur", description="`answers: [rank]`: what the arms are ranked on"
    )

    @model_validator(mode="after")
    def _continuous(self) -> Sensitivity:
        if isinstance(self.parameters, dict):
            if len(self.parameters) < 2:
                raise ValueError("parameters: at least two continuous ranges")
            for name, r in self.parameters.items():
                if r.values is not None:
                    raise ValueError(f"parameter {name!r}: sensitivity needs min and max")
        if len(set(self.answers)) != len(self.answers):
            raise ValueError(f"answers: each once, found {self.answers}")
        if self.scenarios is None and self.answers != ["outcome"]:
            raise ValueError(f"answers {self.answers} need `scenarios` (a baseline and policies)")
        if self.scenarios is not None:
            names = [s.name for s in self.scenarios]
            if len(set(names)) != len(names):
                raise ValueError(f"scenario names must be unique, found {names}")
        if "rank" in self.answers:
            missing = [o for o in CRITERION_OUTCOMES if o not in self.outcomes]
            if missing:
                raise ValueError(
                    f"answer 'rank' needs the outcomes {', '.join(CRITERION_OUTCOMES)} "
                    f"({', '.join(missing)} missing)"
                )
        return self

    @field_validator("output")
    @classmethod
    def _stored_output(cls, output: str, info: ValidationInfo) -> str:
        outcomes = info.data.get("outcomes", DEFAULT_OUTCOMES)
        if output not in outcomes:
            raise ValueError(f"one of the outcomes ({', '.join(outcomes)}), or add it to them")
        return output


class Replication(ExperimentBase):
    """Runs needed so that the CI half-width is ``relative_half_width`` x mean."""

    min_runs: ClassVar[int] = 2

    kind: Literal["replication"]
    relative_half_width: float = Field(
        0.05,
        gt=0.0,
        lt=1.0,
        description="target half-width of the interval, as a share of the mean",
    )
    confidence: float = Field(0.95, gt=0.0, lt=1.0, description="level of the confidence interval")


Experiment = Annotated[
    Comparison | Factorial | Sweep | Sensitivity | Replication, Field(discriminator="kind")
]
