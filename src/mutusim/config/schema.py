"""Pydantic models of every configuration document: populations, policies and scenarios.

All models derive from ``Strict``: unknown keys are refused, numbers must be finite, integers
must be whole numbers (not booleans, not strings, not 2.0) within ±2^53, and no value is
converted from another type. Each field carries its unit and meaning in its description; the
defaults of behavioural parameters are assumptions unless a source is given (see docs/ODD.md).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from mutusim.catalogue import LEGAL_FORMS, MODES, PROVINCES, SERVICE_NAMES

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
LegalForm = Literal["asbl", "cooperative", "mutual", "foundation", "sfs"]
Province = Literal["hainaut", "liege", "namur", "brabant_wallon", "luxembourg"]
Service = Literal[SERVICE_NAMES]  # type: ignore[valid-type]
Mode = Literal["shared_personnel", "joint_purchases", "co_ownership"]

SHARE_TOLERANCE = 1e-6

INTEGER_LIMIT = 2**53
"""Integers of a config lie in [-2^53, 2^53]: the engine's parameter vector holds them as
float64, which is exact up to there (seeds, never converted, go up to ``SEED_LIMIT``)."""

SEED_LIMIT = 2**63
"""Seeds lie in [0, 2^63), in ``mutusim run``, experiments and the Python API alike."""

Seed = Annotated[
    int, Field(ge=0, lt=SEED_LIMIT, description="seed of the random streams, 0 <= seed < 2^63")
]


def check_seed(seed: object) -> int:
    """``seed`` if it is a whole number in [0, 2^63) (``ValueError`` otherwise): a negative
    seed would wrap around to another one, a larger one would not fit the engine."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < SEED_LIMIT:
        raise ValueError(f"seed must be a whole number from 0 to 2^63 - 1, got {seed!r}")
    return seed


class Strict(BaseModel):
    """Base of every config model: unknown keys are errors, values are validated on
    assignment, no value is converted from another type (``true`` is not 1, ``"12"`` is not
    12), numbers are finite (no ``.inf`` or ``.nan``) and integers lie within ±2^53."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, strict=True, allow_inf_nan=False
    )
    wide_integers: ClassVar[frozenset[str]] = frozenset()
    """Fields whose integers are exempt from ``INTEGER_LIMIT`` (they carry their own bounds)."""

    @field_validator("*", mode="after")
    @classmethod
    def _exact_integer(cls, value: object, info: ValidationInfo) -> object:
        if (
            type(value) is int
            and abs(value) > INTEGER_LIMIT
            and info.field_name not in cls.wide_integers
        ):
            raise ValueError("a whole number between -2^53 and 2^53")
        return value


def _check_shares(shares: dict[str, float], what: str) -> None:
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"{what} shares must sum to 1, found {total:.6g}")


# ----------------------------------------------------------------------------- population
class LogitNormal(Strict):
    """A quantity in (0, 1) drawn as logistic(mu + sd * z), with mu solved so the mean is met."""

    mean: float = Field(gt=0.0, lt=1.0, description="mean of the quantity")
    sd: NonNegative = Field(description="standard deviation on the logit scale")


class Sector(Strict):
    """One sector / agrément and its share of EES."""

    name: str
    share: Probability
    size_multiplier: Positive = Field(1.0, description="multiplier of the median size")


class SizeDistribution(Strict):
    """Workers per EES: log-normal, rounded up, clipped to [min, max]."""

    median: Positive = Field(description="median workers (before the sector multiplier)")
    sigma: NonNegative = Field(description="sd of ln(workers)")
    min: Positive = 1.0
    max: Positive = 5000.0


class Maturity(Strict):
    """Digital maturity in [0, 1] (digiscore / 100), rising with log10 size."""

    mean: float = Field(gt=0.0, lt=1.0)
    sd: NonNegative = Field(description="residual sd on the logit scale")
    size_slope: float = Field(0.0, description="logit change per tenfold size")


class Needs(Strict):
    """Perimeter (which catalogue services an EES needs) and depth (automation level)."""

    service_probability: dict[Service, Probability]  # type: ignore[valid-type]
    size_effect: NonNegative = Field(
        0.0, description="probability multiplier per tenfold size above 1 worker"
    )
    depth_noise: NonNegative = Field(0.1, description="sd of depth around log10(size)/3")

    @model_validator(mode="after")
    def _all_services(self) -> Needs:
        missing = [s for s in SERVICE_NAMES if s not in self.service_probability]
        if missing:
            raise ValueError(f"service_probability lacks services: {', '.join(missing)}")
        return self


class Threshold(Strict):
    """Adoption threshold: share of ties inside a project an EES needs before joining."""

    mean: float = Field(0.1, gt=0.0, lt=1.0)
    sd: NonNegative = 1.0
    zero_share: Probability = Field(0.0, description="share of EES with threshold 0")
    values: list[Probability] | None = Field(
        None, description="explicit thresholds, one per EES (overrides the distribution)"
    )


class NetworkSpec(Strict):
    """Social ties (clustered by sector and province) and competition ties."""

    mean_degree: NonNegative = Field(12.0, description="mean number of social ties")
    same_sector_province: Probability = 0.45
    same_sector: Probability = 0.25
    same_province: Probability = 0.2
    competitors_per_ees: NonNegative = Field(2.0, description="mean number of competition ties")
    competitor_same_province: Probability = 0.8

    @model_validator(mode="after")
    def _tie_mix(self) -> NetworkSpec:
        total = self.same_sector_province + self.same_sector + self.same_province
        if total > 1.0 + SHARE_TOLERANCE:
            raise ValueError(f"tie-kind probabilities must sum to at most 1, found {total:.6g}")
        return self


class PopulationConfig(Strict):
    """A population of EES: sizes, categories, attitudes, needs and networks."""

    name: str
    description: str = ""
    n_agents: int = Field(ge=1, le=1_000_000)
    legal_forms: dict[LegalForm, Probability]  # type: ignore[valid-type]
    sectors: list[Sector] = Field(min_length=1, max_length=60)
    provinces: dict[Province, Probability]  # type: ignore[valid-type]
    size: SizeDistribution
    maturity: Maturity
    convinced_share: Probability
    needs: Needs
    financial_tension: LogitNormal
    admin_pressure: LogitNormal
    cooperative_posture: LogitNormal
    leadership: LogitNormal
    adoption_threshold: Threshold = Threshold()
    network: NetworkSpec = NetworkSpec()

    @model_validator(mode="after")
    def _shares(self) -> PopulationConfig:
        _check_shares(dict(self.legal_forms), "legal_forms")
        _check_shares({s.name: s.share for s in self.sectors}, "sectors")
        _check_shares(dict(self.provinces), "provinces")
        values = self.adoption_threshold.values
        if values is not None and len(values) != self.n_agents:
            raise ValueError(
                f"adoption_threshold.values has {len(values)} entries for {self.n_agents} agents"
            )
        return self


# ----------------------------------------------------------------------------- policies
class Eligibility(Strict):
    """Who a policy targets; an empty list or null means everyone."""

    size_min: NonNegative = 0.0
    size_max: Positive | None = None
    sectors: list[str] | None = None
    provinces: list[Province] | None = None  # type: ignore[valid-type]
    legal_forms: list[LegalForm] | None = None  # type: ignore[valid-type]


class PolicyBase(Strict):
    """Fields shared by every incentive policy."""

    name: str
    description: str = ""
    start_month: int = Field(0, ge=0, description="first month it acts (0-based)")
    end_month: int = Field(120, ge=1, description="month it stops acting (exclusive)")
    budget_eur: NonNegative | None = Field(None, description="own budget; null = no own cap")
    eligibility: Eligibility = Eligibility()

    @model_validator(mode="after")
    def _window(self) -> PolicyBase:
        if self.end_month <= self.start_month:
            raise ValueError(
                f"end_month ({self.end_month}) must be after start_month ({self.start_month})"
            )
        return self


class PooledSubsidy(PolicyBase):
    """Subsidy on pooled projects: a share of each eligible member's cost, capped (§6.1)."""

    type: Literal["pooled_subsidy"]
    rate: Probability = Field(description="share of the member's monthly cost paid")
    cap_eur_per_member_month: NonNegative = Field(description="EUR per member per month")


class Facilitator(PolicyBase):
    """Funded facilitators / reference methodology for forming projects (§4.8)."""

    type: Literal["facilitator"]
    facilitators: int = Field(ge=0, description="number of funded facilitators")
    projects_per_facilitator: int = Field(ge=1)
    cost_eur_per_project_month: NonNegative


class PioneerReward(PolicyBase):
    """Reward paid to the leader when its project starts running; raises initiation (§8.4)."""

    type: Literal["pioneer_reward"]
    reward_eur: NonNegative
    initiation_boost: NonNegative = Field(description="relative rise of the initiation hazard")


class Awareness(PolicyBase):
    """Awareness campaign converting unconvinced leaders (AXE 1, §4.2)."""

    type: Literal["awareness"]
    conversion_rate: NonNegative = Field(description="per year, for an unconvinced leader")
    cost_eur_per_month: NonNegative


class Training(PolicyBase):
    """Digital-skills training raising maturity (AXE 2)."""

    type: Literal["training"]
    participation_rate: NonNegative = Field(description="per year, per eligible EES")
    maturity_gain: Probability = Field(description="share of the maturity gap closed")
    cost_eur_per_trainee: NonNegative


class Standardisation(PolicyBase):
    """Standardisation of institutional digital practices (§6.2)."""

    type: Literal["standardisation"]
    rate: Probability = Field(description="monthly rise toward full standardisation")
    cost_eur_per_month: NonNegative


class IndividualSubsidy(PolicyBase):
    """Counterfactual: subsidies to individual, non-pooled digital projects (§6.1)."""

    type: Literal["individual_subsidy"]
    uptake_rate: NonNegative = Field(description="per year, per eligible EES outside projects")
    capacity_boost: Probability = Field(description="rise of individual capacity per grant")
    grant_eur: NonNegative


Policy = Annotated[
    PooledSubsidy
    | Facilitator
    | PioneerReward
    | Awareness
    | Training
    | Standardisation
    | IndividualSubsidy,
    Field(discriminator="type"),
]
POLICY_TYPES = (
    "pooled_subsidy",
    "facilitator",
    "pioneer_reward",
    "awareness",
    "training",
    "standardisation",
    "individual_subsidy",
)


# ----------------------------------------------------------------------------- scenario
class Mechanisms(Strict):
    """Switches of each process (BRIEF §2.2); off reduces the model for tests and docking."""

    demand: bool = Field(True, description="R01–R03; off: every EES seeks pooling")
    pioneers: bool = Field(True, description="R04–R08: new projects by pioneers")
    formation_phases: bool = Field(True, description="R09–R15; off: projects run at once")
    growth: bool = Field(True, description="R26–R28: concentric-circle joining")
    utility: bool = Field(True, description="R26; off: attractiveness is 1")
    competition: bool = Field(True, description="competition ties count (R07, R11, R22)")
    commitment_decay: bool = Field(True, description="R29–R33: erosion, shocks, exits")
    dissolution: bool = Field(True, description="R34: projects below minimum size dissolve")
    maturity_growth: bool = Field(True, description="R24: members gain maturity")
    policies: bool = Field(True, description="R35–R42: the authority applies its policies")


class Behaviour(Strict):
    """Decisions of EES leaders."""

    autonomy_preference: NonNegative = Field(1.0, description="R03 weight of going alone")
    admin_weight: NonNegative = Field(1.0, description="R01 weight of admin pressure")
    pioneer_rate: NonNegative = Field(0.2, description="R04 per year at leadership 1")
    core_min_partners: int = Field(2, ge=1, description="partners needed besides the pioneer")
    core_max_partners: int = Field(6, ge=1)
    min_partner_score: Probability = Field(0.02, description="R07 score below which not asked")
    rivalry_aversion: Probability = Field(0.8, description="R07 score cut for a competitor")
    size_similarity_scale: Positive = Field(1.0, description="R06 scale, log10 workers")
    maturity_similarity_scale: Positive = Field(0.5, description="R06 scale, maturity")
    innovation: NonNegative = Field(0.2, description="R27 Bass p, per year")
    imitation: NonNegative = Field(3.0, description="R27 Bass q, per year")
    influence: Literal["network", "well_mixed"] = Field(
        "network",
        description="network: a candidate sees the running project most of its ties belong to, "
        "influence = share of its ties in it; well_mixed: it sees the largest open project, "
        "influence = that project's members / N (= A/N with one project, as in Bass docking)",
    )
    utility_temperature: Positive = Field(0.2, description="R26 logistic scale")
    rivalry_weight: NonNegative = Field(0.3, description="R22 utility loss per rival member")
    reentry_cooldown_months: int = Field(24, ge=0, description="months before a leaver rejoins")

    @model_validator(mode="after")
    def _core(self) -> Behaviour:
        if self.core_max_partners < self.core_min_partners:
            raise ValueError("core_max_partners must be >= core_min_partners")
        return self


class Formation(Strict):
    """The §8.2 phases of a forming project."""

    phase_months: Positive = Field(2.0, description="R12 mean months per phase")
    base_failure: Probability = Field(0.03, description="R11 monthly failure, baseline")
    heterogeneity_weight: NonNegative = 1.0
    posture_weight: NonNegative = 1.0
    rivalry_weight: NonNegative = 1.0
    scope_quorum: Probability = Field(0.5, description="R14 share of the core needing it")
    facilitation_effect: Probability = Field(0.5, description="R11 failure cut by facilitator")
    facilitation_speedup: NonNegative = Field(0.5, description="R12 speed-up by facilitator")


class ModeSpec(Strict):
    """Cost and governance of one pooling mode (§7 columns)."""

    share: Probability = Field(description="share of new projects in this mode")
    fixed_cost_eur_month: NonNegative
    per_member_cost_eur_month: NonNegative
    governance_bonus: float = 0.0


class Projects(Strict):
    """Cost structure, value and capacity of pooled projects."""

    max_members: int = Field(60, ge=1, description="capacity of a project")
    min_members: int = Field(3, ge=0, description="R34 below this a running project dissolves")
    max_projects: int | None = Field(
        None,
        ge=1,
        description="projects one run can hold (a project keeps its slot after it ends); "
        "null: one per two EES, at least 2000",
    )
    service_cost_eur_month: NonNegative = Field(250.0, description="R16 per service alone")
    coordination_cost_eur_month: NonNegative = Field(60.0, description="R17 per member x het.")
    cost_equity: Probability = Field(0.5, description="R18 0 = equal split, 1 = by size")
    bargaining_strength: NonNegative = Field(0.1, description="R19")
    depth_mismatch_weight: NonNegative = Field(2.0, description="R20")
    quality_gain: float = Field(
        1.5, ge=1.0, description="R21 value of a pooled service per EUR of standalone price"
    )
    value_floor: Probability = Field(0.7, description="R21 value before any is shown")
    value_time_constant: float = Field(12.0, ge=1.0, description="R25 months")
    governance_base: Probability = Field(0.4, description="R15")
    governance_noise: NonNegative = Field(0.3, description="R15")
    facilitator_governance_bonus: NonNegative = Field(0.2, description="R15")
    modes: dict[Mode, ModeSpec] = Field(  # type: ignore[valid-type]
        default_factory=lambda: {
            "shared_personnel": ModeSpec(
                share=0.3, fixed_cost_eur_month=1500.0, per_member_cost_eur_month=80.0
            ),
            "joint_purchases": ModeSpec(
                share=0.5,
                fixed_cost_eur_month=300.0,
                per_member_cost_eur_month=60.0,
                governance_bonus=-0.1,
            ),
            "co_ownership": ModeSpec(
                share=0.2,
                fixed_cost_eur_month=2500.0,
                per_member_cost_eur_month=80.0,
                governance_bonus=0.2,
            ),
        }
    )

    @model_validator(mode="after")
    def _modes(self) -> Projects:
        missing = [m for m in MODES if m not in self.modes]
        if missing:
            raise ValueError(f"modes lacks: {', '.join(missing)}")
        _check_shares({k: v.share for k, v in self.modes.items()}, "modes")
        return self


class Shock(Strict):
    """One kind of commitment shock (§4.4)."""

    probability: Probability = Field(description="per member per month")
    loss: NonNegative = Field(description="commitment lost")


class Commitment(Strict):
    """Commitment of members over time (§4.4–4.7)."""

    initial: Probability = Field(0.8, description="commitment on joining")
    erosion: NonNegative = Field(0.01, description="R32 monthly erosion without mitigation")
    exit_threshold: Probability = Field(0.3, description="R33")
    restoration: NonNegative = Field(0.02, description="R32 per unit of realised utility")
    w_governance: NonNegative = 0.3
    w_collaboration: NonNegative = 0.3
    w_equity: NonNegative = 0.2
    w_facilitation: NonNegative = 0.2
    risk_sharing: NonNegative = Field(0.5, description="R31")
    management: Shock = Shock(probability=0.004, loss=0.5)
    reorientation: Shock = Shock(probability=0.003, loss=0.4)
    political: Shock = Shock(probability=0.002, loss=0.3)
    cost_overrun: Shock = Shock(probability=0.004, loss=0.4)

    @model_validator(mode="after")
    def _shock_total(self) -> Commitment:
        total = (
            self.management.probability
            + self.reorientation.probability
            + self.political.probability
            + self.cost_overrun.probability
        )
        if total > 1.0 + SHARE_TOLERANCE:
            raise ValueError(f"shock probabilities must sum to at most 1, found {total:.6g}")
        return self


class Benefits(Strict):
    """Benefits members draw besides cost sharing (§5)."""

    maturity_gain_rate: Probability = Field(0.01, description="R24 monthly, at collaboration 1")


class InitialProject(Strict):
    """A project present at month 0 (public-led platforms, docking set-ups)."""

    members: int = Field(0, ge=0, description="EES 0..members-1 start in it (ring 0)")
    anchored: bool = Field(True, description="never dissolves (public body behind it)")
    scope: Literal["all"] | list[Service] = "all"  # type: ignore[valid-type]
    mode: Mode = "joint_purchases"  # type: ignore[valid-type]
    governance: Probability = 0.5


class ScenarioConfig(Strict):
    """One scenario: a population, the model's parameters, and the authority's policies."""

    name: str
    description: str = ""
    population: PopulationConfig
    horizon_months: int = Field(120, ge=1, le=1200)
    mechanisms: Mechanisms = Mechanisms()
    behaviour: Behaviour = Behaviour()
    formation: Formation = Formation()
    projects: Projects = Projects()
    commitment: Commitment = Commitment()
    benefits: Benefits = Benefits()
    budget_eur: NonNegative = Field(0.0, description="the authority's total budget")
    policies: list[Policy] = Field(default_factory=list)
    initial_projects: list[InitialProject] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistency(self) -> ScenarioConfig:
        core = self.behaviour.core_min_partners + 1
        if self.mechanisms.pioneers and self.projects.min_members > core:
            raise ValueError(
                f"projects.min_members ({self.projects.min_members}) exceeds the smallest core "
                f"(behaviour.core_min_partners + 1 = {core}): new projects would dissolve at once"
            )
        names = [p.name for p in self.policies]
        if len(set(names)) != len(names):
            raise ValueError(f"policy names must be unique, found {names}")
        sectors = {s.name for s in self.population.sectors}
        for p in self.policies:
            unknown = set(p.eligibility.sectors or []) - sectors
            if unknown:
                raise ValueError(
                    f"policy {p.name!r} targets sectors absent from the population: "
                    f"{sorted(unknown)} (known: {sorted(sectors)})"
                )
        taken = sum(ip.members for ip in self.initial_projects)
        if taken > self.population.n_agents:
            raise ValueError(f"initial_projects need {taken} EES, the population has fewer")
        return self


__all__ = [
    "LEGAL_FORMS",
    "POLICY_TYPES",
    "PROVINCES",
    "Behaviour",
    "Commitment",
    "PolicyBase",
    "PopulationConfig",
    "ScenarioConfig",
]
