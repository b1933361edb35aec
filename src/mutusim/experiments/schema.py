"""Experiment files: what question, which scenarios or parameter points, how many runs.

Four kinds share the fields of ``ExperimentBase``: ``comparison`` (named policy scenarios
against a baseline, paired runs), ``sweep`` (grid or Latin hypercube over parameters),
``sensitivity`` (SALib Sobol or Morris on chosen outputs) and ``replication`` (how many runs an
output needs for a target confidence-interval half-width).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from mutusim.config.schema import Seed, Strict

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

    min: float | None = None
    max: float | None = None
    values: list[Any] | None = None

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

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    base: str | dict[str, Any] = Field("baseline.yaml", description="scenario to start from")
    set: dict[str, Any] = Field(default_factory=dict, description="overrides of the base")
    runs: int = Field(100, ge=1, description="runs per scenario or design point")
    seed: Seed = 0
    chunk_runs: int = Field(50, ge=1, description="runs per stored chunk")
    outcomes: list[str] = Field(default_factory=lambda: list(DEFAULT_OUTCOMES), min_length=1)

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

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    policies: list[str | dict[str, Any]] = Field(default_factory=list)
    budget_eur: float | None = Field(None, ge=0)
    set: dict[str, Any] = Field(default_factory=dict)


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
    scenarios: list[ScenarioSpec] = Field(min_length=2)
    confidence: float = Field(0.95, gt=0.0, lt=1.0)

    @model_validator(mode="after")
    def _unique(self) -> Comparison:
        names = [s.name for s in self.scenarios]
        if len(set(names)) != len(names):
            raise ValueError(f"scenario names must be unique, found {names}")
        return self


class Sweep(ExperimentBase):
    """Full grid (``levels`` per continuous range) or Latin hypercube (``points``)."""

    kind: Literal["sweep"]
    parameters: dict[str, Range] = Field(min_length=1)
    design: Literal["grid", "latin_hypercube"] = "grid"
    levels: int = Field(3, ge=2)
    points: int = Field(20, ge=2)


class Sensitivity(ExperimentBase):
    """Sobol (first and total order, bootstrap intervals) or Morris, via SALib."""

    kind: Literal["sensitivity"]
    method: Literal["sobol", "morris"] = "sobol"
    parameters: dict[str, Range] = Field(min_length=2)
    samples: int = Field(64, ge=2, description="SALib base sample size N")
    output: str = "adoption_share"

    @model_validator(mode="after")
    def _continuous(self) -> Sensitivity:
        for name, r in self.parameters.items():
            if r.values is not None:
                raise ValueError(f"parameter {name!r}: sensitivity needs min and max")
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
    relative_half_width: float = Field(0.05, gt=0.0, lt=1.0)
    confidence: float = Field(0.95, gt=0.0, lt=1.0)


Experiment = Annotated[Comparison | Sweep | Sensitivity | Replication, Field(discriminator="kind")]
