"""Pydantic models of every configuration document: populations, policies and scenarios.

All models derive from ``Strict``: unknown keys are refused, numbers must be finite, integers
must be whole numbers (not booleans, not strings, not 2.0) within ±2^53, and no value is
converted from another type. Each field carries its unit and meaning in its description; the
defaults of behavioural parameters are assumptions unless a source is given (see docs/ODD.md).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from mutusim.catalogue import LEGAL_FORMS, MODES, PHASES, PROVINCES, SERVICE_NAMES

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
LegalForm = Literal["asbl", "cooperative", "mutual", "foundation", "sfs"]
Province = Literal["hainaut", "liege", "namur", "brabant_wallon", "luxembourg"]
Service = Literal[SERVICE_NAMES]  # type: ignore[valid-type]
Mode = Literal["shared_personnel", "joint_purchases", "co_ownership"]
PhaseName = Literal[PHASES]  # type: ignore[valid-type]
SpendingSchedule = Literal["as_demand", "even", "front_loaded"]
SPENDING_SCHEDULES = ("as_demand", "even", "front_loaded")
"""How a policy's allocation may be spent (R59), in the order of their codes."""

MAX_POLICIES = 8
"""Policies a scenario may list: the timeseries keeps one column per policy slot for its
committed and spent money and whether its allocation ran out."""

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


# ----------------------------------------------------------------------------- parameter metadata
ASSUMPTION = "assumption"
"""Source of a value that is not a measurement (most behavioural parameters, docs/ODD.md)."""


def param(
    default: Any = ...,
    *,
    unit: str,
    description: str,
    plausible: tuple[float, float] | dict[str, tuple[float, float]] | None = None,
    source: str = ASSUMPTION,
    **constraints: Any,
) -> Any:
    """A pydantic ``Field`` that also declares the parameter's unit, plausible range and source.

    ``plausible`` is the ``(low, high)`` range an uncertainty analysis should explore (inside the
    validity bounds given by ``constraints``), or None where the value is a choice, a switch or
    a measured fact; on a field holding sub-models it maps their dotted fields to ranges (each
    instance of a shared model, e.g. ``leadership.mean``, gets its own). The three travel in
    ``json_schema_extra``: ``mutusim params``, docs/ODD.md section 8 and the SALib and EMA
    Workbench drivers read them from there (``mutusim.parameter_table``).
    """
    extra: dict[str, Any] = {"unit": unit, "source": source}
    if isinstance(plausible, dict):
        extra["plausible"] = {k: list(v) for k, v in plausible.items()}
    elif plausible is not None:
        extra["plausible"] = list(plausible)
    if "default_factory" in constraints:
        return Field(description=description, json_schema_extra=extra, **constraints)
    return Field(default, description=description, json_schema_extra=extra, **constraints)


def _check_shares(shares: dict[str, float], what: str) -> None:
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"{what} shares must sum to 1, found {total:.6g}")


# ----------------------------------------------------------------------------- population
class LogitNormal(Strict):
    """A quantity in (0, 1) drawn as logistic(mu + sd * z), with mu solved so the mean is met."""

    mean: float = param(unit="share (0–1)", description="mean of the quantity", gt=0.0, lt=1.0)
    sd: NonNegative = param(
        unit="logit scale",
        description="standard deviation on the logit scale",
        plausible=(0.5, 1.6),
    )


class Tension(LogitNormal):
    """Financial tension (§9.1): logit-normal, higher for small EES ("ces défis sont souvent
    plus prononcés dans les petites organisations")."""

    size_slope: float = param(
        0.0,
        unit="logit per tenfold size",
        description="change of the logit of financial tension per tenfold size, centred on the "
        "median size (negative: small EES are more strained)",
        plausible=(-1.0, 0.0),
        source="assumption (§9.1: challenges more pronounced in small organisations)",
    )


class Sector(Strict):
    """One sector / agrément: its share of EES, its sizes, its typical needs and federation."""

    name: str
    share: Probability = param(
        unit="share of EES", description="share of EES in this sector (shares sum to 1)"
    )
    size_multiplier: Positive = param(
        1.0, unit="multiplier", description="multiplier of the median size (normalised)"
    )
    service_multiplier: dict[Service, NonNegative] = param(  # type: ignore[valid-type]
        unit="multiplier",
        description="multiplier of the probability of needing each service (default 1)",
        default_factory=dict,
    )
    depth_shift: float = param(
        0.0, unit="depth units", description="added to the depth of need, before clipping"
    )
    federation_share: Probability = param(
        0.0,
        unit="share of the sector's EES",
        description="share of the sector's EES that belong to its federation",
    )


class SizeDistribution(Strict):
    """Workers per EES: log-normal, rounded up, clipped to [min, max]."""

    median: Positive = param(
        unit="workers", description="median workers per EES (before the sector multiplier)"
    )
    sigma: NonNegative = param(unit="ln(workers)", description="sd of ln(workers)")
    min: Positive = param(1.0, unit="workers", description="smallest EES")
    max: Positive = param(5000.0, unit="workers", description="largest EES")


class Maturity(Strict):
    """Digital maturity in [0, 1] (digiscore / 100), rising with log10 size."""

    mean: float = param(
        unit="maturity (0–1)",
        description="mean digital maturity (digiscore / 100)",
        plausible=(0.25, 0.4),
        gt=0.0,
        lt=1.0,
    )
    sd: NonNegative = param(
        unit="logit scale", description="residual sd on the logit scale", plausible=(0.5, 1.2)
    )
    size_slope: float = param(
        0.0,
        unit="logit per tenfold size",
        description="rise of maturity with size",
        plausible=(0.2, 0.8),
    )


class Needs(Strict):
    """Perimeter (which catalogue services an EES needs) and depth (automation level)."""

    service_probability: dict[Service, Probability] = param(  # type: ignore[valid-type]
        unit="probability", description="probability that an EES needs the service"
    )
    size_effect: NonNegative = param(
        0.0,
        unit="multiplier per tenfold size",
        description="rise of each need probability per tenfold size above 1 worker",
        plausible=(0.0, 0.3),
    )
    depth_noise: NonNegative = param(
        0.1,
        unit="depth units",
        description="sd of the needed depth around log10(size)/3",
        plausible=(0.05, 0.2),
    )

    @model_validator(mode="after")
    def _all_services(self) -> Needs:
        missing = [s for s in SERVICE_NAMES if s not in self.service_probability]
        if missing:
            raise ValueError(f"service_probability lacks services: {', '.join(missing)}")
        return self


class Threshold(Strict):
    """Adoption threshold: share of ties inside a project an EES needs before joining."""

    mean: float = param(
        0.1,
        unit="share of ties",
        description="mean adoption threshold (logit-normal part)",
        plausible=(0.04, 0.2),
        gt=0.0,
        lt=1.0,
    )
    sd: NonNegative = param(
        1.0, unit="logit scale", description="sd of the threshold", plausible=(0.5, 1.5)
    )
    zero_share: Probability = param(
        0.0, unit="share of EES", description="share of EES with threshold 0", plausible=(0.0, 0.4)
    )
    values: list[Probability] | None = param(
        None,
        unit="share of ties",
        description="explicit thresholds, one per EES (overrides the distribution; docking)",
        source="docking set-ups",
    )


class NetworkSpec(Strict):
    """Social ties (clustered by sector and province, federations as hubs) and competition
    ties (same activity, mostly same territory, more likely between similar EES)."""

    mean_degree: NonNegative = param(
        12.0,
        unit="ties per EES",
        description="mean number of social ties",
        plausible=(6.0, 20.0),
        source="assumption (§2: federations, directors' networks)",
    )
    same_sector_province: Probability = param(
        0.45,
        unit="probability",
        description="probability that a tie links the same sector and province",
        plausible=(0.35, 0.5),
    )
    same_sector: Probability = param(
        0.25,
        unit="probability",
        description="probability that a tie links the same sector only",
        plausible=(0.15, 0.25),
    )
    same_province: Probability = param(
        0.2,
        unit="probability",
        description="probability that a tie links the same province only",
        plausible=(0.1, 0.25),
    )
    federation_ties: NonNegative = param(
        0.0,
        unit="ties per member",
        description="extra ties of a federation member to members of its federation (a hub)",
        plausible=(0.0, 8.0),
        source="assumption (§2, §8.4: a federation with its members)",
    )
    competitors_per_ees: NonNegative = param(
        2.0,
        unit="ties per EES",
        description="mean number of competition ties",
        plausible=(1.0, 4.0),
        source="assumption (§4.3)",
    )
    competitor_same_province: Probability = param(
        0.8,
        unit="probability",
        description="probability that a competitor is in the same province",
        plausible=(0.6, 1.0),
        source="assumption (§4.3, §9.2)",
    )
    rival_size_scale: Positive | None = param(
        None,
        unit="log10 workers",
        description="scale of the size similarity a competition tie needs (R06): a candidate "
        "rival is kept with that probability; null: size does not matter",
        source="assumption (§4.3: the best partners are the likeliest rivals)",
    )

    @model_validator(mode="after")
    def _tie_mix(self) -> NetworkSpec:
        total = self.same_sector_province + self.same_sector + self.same_province
        if total > 1.0 + SHARE_TOLERANCE:
            raise ValueError(f"tie-kind probabilities must sum to at most 1, found {total:.6g}")
        return self


class ExistingProjects(Strict):
    """Pooled initiatives already running at month 0 (employer groupings, federation tools):
    ``count`` projects whose members are drawn among EES of one sector and, optionally, one
    province (a federation tool among the federation's members)."""

    name: str
    count: int = param(unit="projects", description="projects of this kind", ge=0)
    members: list[int] = param(
        unit="EES",
        description="smallest and largest membership, [min, max]",
        min_length=2,
        max_length=2,
    )
    mode: Mode = param(  # type: ignore[valid-type]
        "joint_purchases", unit="mode", description="pooling mode (§7)", source="assumption"
    )
    scope: Literal["all"] | list[Service] = param(  # type: ignore[valid-type]
        "all", unit="services", description="services of the shared base"
    )
    same_province: bool = param(
        True, unit="switch", description="members share a province", source="assumption"
    )
    federation: bool = param(
        False,
        unit="switch",
        description="members belong to their sector's federation",
        source="assumption",
    )
    anchored: bool = param(
        False,
        unit="switch",
        description="never dissolves (a public body behind it)",
        source="assumption",
    )
    governance: Probability = param(
        0.5, unit="governance (0–1)", description="governance quality (R15)"
    )

    @model_validator(mode="after")
    def _members(self) -> ExistingProjects:
        low, high = self.members
        if not 1 <= low <= high:
            raise ValueError(f"members must be [min, max], 1 <= min <= max; found {low}, {high}")
        return self


class PopulationConfig(Strict):
    """A population of EES: sizes, categories, attitudes, needs and networks."""

    name: str
    description: str = ""
    n_agents: int = param(unit="EES", description="number of EES", ge=1, le=1_000_000)
    legal_forms: dict[LegalForm, Probability] = param(  # type: ignore[valid-type]
        unit="share of EES", description="share of EES with this legal form (shares sum to 1)"
    )
    sectors: list[Sector] = Field(min_length=1, max_length=60)
    provinces: dict[Province, Probability] = param(  # type: ignore[valid-type]
        unit="share of EES", description="share of EES in this province (shares sum to 1)"
    )
    size: SizeDistribution
    maturity: Maturity
    convinced_share: Probability = param(
        unit="share of EES",
        description="share of EES leaders convinced of digital",
        plausible=(0.4, 0.6),
    )
    pioneer_share: Probability = param(
        0.05,
        unit="share of EES",
        description="share of EES whose leader is a pioneer: acts on latent demand, may "
        "initiate a project (R04)",
        plausible=(0.02, 0.15),
        source="assumption (§4.2 pioneers and leaders, §8.1 'un leadership assumé')",
    )
    needs: Needs
    financial_tension: Tension = param(
        unit="share (0–1)",
        description="financial tension",
        plausible={"mean": (0.4, 0.7), "size_slope": (-1.0, 0.0)},
        source="assumption (§9.1: tension is more pronounced in small organisations)",
    )
    admin_pressure: LogitNormal = param(
        unit="share (0–1)",
        description="administrative pressure",
        plausible={"mean": (0.35, 0.7)},
        source="assumption (§9.1, §6.2)",
    )
    cooperative_posture: LogitNormal = param(
        unit="share (0–1)",
        description="cooperative posture",
        plausible={"mean": (0.45, 0.75)},
        source="assumption (§8.1, §9.2)",
    )
    leadership: LogitNormal = param(
        unit="share (0–1)",
        description="leadership propensity",
        plausible={"mean": (0.08, 0.3)},
        source="assumption (§4.2: pioneers are few)",
    )
    adoption_threshold: Threshold = Threshold()
    network: NetworkSpec = NetworkSpec()
    existing_projects: list[ExistingProjects] = Field(
        default_factory=list, description="pooled initiatives running at month 0"
    )

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

    size_min: NonNegative = param(
        0.0, unit="workers", description="smallest eligible EES", source="scenario choice"
    )
    size_max: Positive | None = param(
        None,
        unit="workers",
        description="largest eligible EES (null: no limit)",
        source="scenario choice",
    )
    sectors: list[str] | None = param(
        None,
        unit="sector names",
        description="eligible sectors (null: all)",
        source="scenario choice",
    )
    provinces: list[Province] | None = param(  # type: ignore[valid-type]
        None,
        unit="province names",
        description="eligible provinces (null: all)",
        source="scenario choice",
    )
    legal_forms: list[LegalForm] | None = param(  # type: ignore[valid-type]
        None,
        unit="legal-form names",
        description="eligible legal forms (null: all)",
        source="scenario choice",
    )


class PolicyBase(Strict):
    """Fields shared by every incentive policy."""

    name: str
    description: str = ""
    start_month: int = param(
        0, unit="month", description="first month it acts (0-based)", source="scenario choice", ge=0
    )
    end_month: int = param(
        120,
        unit="month",
        description="month it stops acting (exclusive)",
        source="scenario choice",
        ge=1,
    )
    budget_eur: NonNegative | None = param(
        None,
        unit="EUR over the policy period",
        description="the policy's own allocation (required unless the scenario says "
        "`budget: unlimited`; a policy without money is refused)",
        source="scenario choice",
    )
    spending: SpendingSchedule = param(  # type: ignore[valid-type]
        "as_demand",
        unit="schedule",
        description="how the allocation may be spent over the policy's window (R59): "
        "`as_demand` (first come, first served), `even` (at most an equal share each month, "
        "unspent shares carried over) or `front_loaded` (twice the even pace at the start, "
        "falling linearly)",
        source="scenario choice",
    )
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
    rate: Probability = param(
        unit="share of the cost",
        description="share of each eligible member's monthly cost share paid (R41)",
        plausible=(0.2, 0.8),
    )
    cap_eur_per_member_month: NonNegative = param(
        unit="EUR per member per month",
        description="cap of the subsidy per member and month (R41)",
        plausible=(100.0, 500.0),
    )


class Facilitator(PolicyBase):
    """Funded facilitators with a reference methodology (§4.8, §8.3): each accompanies forming
    projects, contacts EES with latent demand to activate it, and can broker a core circle
    among activated EES (the simplest "outil facilitateur", §9)."""

    type: Literal["facilitator"]
    facilitators: int = param(
        unit="facilitators",
        description="number of funded facilitators",
        plausible=(1, 10),
        source="assumption (DigitalEES coached 15 EES in its pilot year)",
        ge=0,
    )
    projects_per_facilitator: int = param(
        unit="projects",
        description="forming projects one facilitator accompanies at a time",
        plausible=(2, 5),
        ge=0,
    )
    contacts_per_facilitator_month: NonNegative = param(
        unit="EES per facilitator per month",
        description="EES with latent demand one facilitator contacts per month to activate it "
        "(R51)",
        plausible=(2.0, 20.0),
        source="assumption (§4.8, §8.3)",
    )
    brokering_rate: NonNegative = param(
        unit="per year per free slot",
        description="rate at which a facilitator with a free slot brokers a core circle among "
        "activated EES (R38)",
        plausible=(0.0, 2.0),
        source="assumption (§9: a tool to catalyse pooling)",
    )
    cost_eur_per_facilitator_month: NonNegative = param(
        unit="EUR per facilitator per month",
        description="monthly cost of one facilitator, paid while the policy acts",
        plausible=(3000.0, 9000.0),
        source="assumption (§4.8 an expert with hybrid skills: about 4,000 EUR a month for a "
        "half-time post with overheads, 8,000 full time)",
    )


class PioneerReward(PolicyBase):
    """Reward paid to the leader when its project starts running; raises initiation (§8.4)."""

    type: Literal["pioneer_reward"]
    reward_eur: NonNegative = param(
        unit="EUR per project",
        description="reward to the leader of each project that starts running",
        plausible=(5000.0, 20000.0),
    )
    initiation_boost: NonNegative = param(
        unit="relative rise",
        description="relative rise of the initiation hazard while offered (R04)",
        plausible=(0.25, 1.0),
    )


class Awareness(PolicyBase):
    """Awareness campaign (AXE 1, §4.2) bought in contacts: it reaches eligible EES at random,
    converts some unconvinced leaders, with diminishing returns among those already reached.
    Conviction is not demand: it works on pooling only through activation."""

    type: Literal["awareness"]
    contacts_per_month: NonNegative = param(
        unit="EES per month",
        description="EES the campaign reaches per month (first or repeated contacts)",
        plausible=(50.0, 1000.0),
    )
    cost_eur_per_contact: NonNegative = param(
        unit="EUR per EES reached",
        description="cost of reaching one EES",
        plausible=(5.0, 60.0),
    )
    conversion_probability: Probability = param(
        unit="probability",
        description="probability that a first contact convinces an unconvinced leader (R52)",
        plausible=(0.02, 0.2),
    )
    repeat_effect: Probability = param(
        0.5,
        unit="multiplier per earlier contact",
        description="how much each earlier contact lowers the next one's conversion (R52)",
        plausible=(0.2, 0.8),
    )


class Training(PolicyBase):
    """Digital-skills training raising maturity (AXE 2)."""

    type: Literal["training"]
    participation_rate: NonNegative = param(
        unit="per year",
        description="rate at which an eligible EES follows a course (R38)",
        plausible=(0.05, 0.2),
    )
    maturity_gain: Probability = param(
        unit="share of the gap",
        description="share of the digital-maturity gap one course closes (R39)",
        plausible=(0.05, 0.2),
    )
    cost_eur_per_trainee: NonNegative = param(
        unit="EUR per course", description="cost of one course", plausible=(400.0, 1500.0)
    )


class Standardisation(PolicyBase):
    """Standardisation of institutional digital practices (§6.2)."""

    type: Literal["standardisation"]
    rate: Probability = param(
        unit="per month",
        description="share of the gap to full standardisation closed each month (R40)",
        plausible=(0.01, 0.06),
    )
    cost_eur_per_month: NonNegative = param(
        unit="EUR per month",
        description="running cost of the programme",
        plausible=(5000.0, 30000.0),
    )


class IndividualSubsidy(PolicyBase):
    """Counterfactual: subsidies to individual, non-pooled digital projects (§6.1)."""

    type: Literal["individual_subsidy"]
    uptake_rate: NonNegative = param(
        unit="per year",
        description="rate at which an eligible EES outside projects gets a grant (R38)",
        plausible=(0.1, 0.4),
    )
    capacity_boost: Probability = param(
        unit="capacity (0–1)",
        description="rise of what the EES can do alone, per grant (R42)",
        plausible=(0.1, 0.3),
    )
    grant_eur: NonNegative = param(
        unit="EUR per grant", description="amount of one grant", plausible=(2000.0, 10000.0)
    )


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
SWITCH = "modelling choice (BRIEF §2.2)"


class Mechanisms(Strict):
    """Switches of each process (BRIEF §2.2); off reduces the model for tests and docking."""

    demand: bool = param(
        True, unit="switch", description="R01–R03; off: every EES seeks pooling", source=SWITCH
    )
    activation: bool = param(
        True,
        unit="switch",
        description="R48–R51: latent demand seeks only once activated (a pioneer's invitation, "
        "a facilitator's contact, a project shown among its ties); off: latent demand is active",
        source=SWITCH,
    )
    pioneers: bool = param(
        True, unit="switch", description="R04–R08: new projects by pioneers", source=SWITCH
    )
    formation_phases: bool = param(
        True, unit="switch", description="R09–R15; off: projects run at once", source=SWITCH
    )
    phase_content: bool = param(
        True,
        unit="switch",
        description="R53, R54, R56, R57: each §8.2 phase has its own causes and effects (needs "
        "coherence, market evaluation, tiers, partner search, each member's plan); off: "
        "identical phases with two gates (R14, R47)",
        source=SWITCH,
    )
    mode_from_scope: bool = param(
        True,
        unit="switch",
        description="R55: the mode follows the scope (§7); off: drawn by projects.modes.*.share",
        source=SWITCH,
    )
    growth: bool = param(
        True, unit="switch", description="R26–R28: concentric-circle joining", source=SWITCH
    )
    utility: bool = param(
        True, unit="switch", description="R26; off: attractiveness is 1", source=SWITCH
    )
    competition: bool = param(
        True, unit="switch", description="competition ties count (R07, R11, R22)", source=SWITCH
    )
    commitment_decay: bool = param(
        True, unit="switch", description="R29–R33: erosion, shocks, exits", source=SWITCH
    )
    dissolution: bool = param(
        True, unit="switch", description="R34: projects below minimum size dissolve", source=SWITCH
    )
    maturity_growth: bool = param(
        True, unit="switch", description="R24: members gain maturity", source=SWITCH
    )
    policies: bool = param(
        True,
        unit="switch",
        description="R35–R42: the authority applies its policies",
        source=SWITCH,
    )


class Behaviour(Strict):
    """Decisions of EES leaders."""

    autonomy_preference: NonNegative = param(
        0.6,
        unit="weight",
        description="weight of going alone against pooling (R03)",
        plausible=(0.4, 1.2),
        source="assumption (§3: pooling is a second choice)",
    )
    admin_weight: NonNegative = param(
        1.0,
        unit="weight",
        description="weight of administrative pressure in the need gap (R01)",
        plausible=(0.5, 1.5),
    )
    pioneer_rate: NonNegative = param(
        2.0,
        unit="per year",
        description="initiation rate of a pioneer at leadership 1 (R04)",
        plausible=(0.5, 5.0),
        source="assumption (only pioneers initiate, §4.2; set by eye for a baseline of a few "
        "% pooled after ten years, to be calibrated)",
    )
    core_min_partners: int = param(
        2, unit="EES", description="partners a pioneer needs besides itself", plausible=(2, 4), ge=1
    )
    core_max_partners: int = param(
        6, unit="EES", description="partners a pioneer asks at most", plausible=(4, 10), ge=1
    )
    min_partner_score: Probability = param(
        0.02,
        unit="score (0–1)",
        description="partner score below which an EES is not asked (R07)",
        plausible=(0.0, 0.1),
    )
    rivalry_aversion: Probability = param(
        0.8,
        unit="share of the score",
        description="share of a competitor's partner score removed (R07)",
        plausible=(0.5, 1.0),
        source="assumption (§4.3)",
    )
    size_similarity_scale: Positive = param(
        1.0,
        unit="log10 workers",
        description="size difference at which similarity falls to 1/e (R06)",
        plausible=(0.5, 2.0),
    )
    maturity_similarity_scale: Positive = param(
        0.5,
        unit="maturity (0–1)",
        description="maturity difference at which similarity falls to 1/e (R06)",
        plausible=(0.25, 1.0),
    )
    innovation: NonNegative = param(
        0.2,
        unit="per year",
        description="joining rate without influence, Bass p (R27)",
        plausible=(0.05, 0.5),
        source="assumption (Bass prior p ≈ 0.03/yr, Sultan et al. 1990, for docking)",
    )
    imitation: NonNegative = param(
        3.0,
        unit="per year",
        description="joining rate per unit of influence, Bass q (R27)",
        plausible=(1.0, 5.0),
        source="assumption (Bass prior q ≈ 0.38/yr, Sultan et al. 1990, for docking)",
    )
    influence: Literal["network", "well_mixed"] = param(
        "network",
        unit="choice",
        description="network: a candidate sees the running project most of its ties belong to, "
        "influence = share of its ties in it; well_mixed: it sees the largest open project, "
        "influence = that project's members / N (= A/N with one project, as in Bass docking)",
        source="modelling choice",
    )
    utility_temperature: Positive = param(
        0.2,
        unit="utility",
        description="logistic scale of attractiveness (R26)",
        plausible=(0.1, 0.4),
    )
    rivalry_weight: NonNegative = param(
        0.3,
        unit="utility per rival member",
        description="utility lost per competitor among the members (R22)",
        plausible=(0.1, 0.6),
        source="assumption (§4.3, Axelrod et al. 1995)",
    )
    reentry_cooldown_months: int = param(
        24,
        unit="months",
        description="months before an EES that left may join again",
        plausible=(12, 36),
        ge=0,
    )

    @model_validator(mode="after")
    def _core(self) -> Behaviour:
        if self.core_max_partners < self.core_min_partners:
            raise ValueError("core_max_partners must be >= core_min_partners")
        return self


class Demand(Strict):
    """Latent and active demand (§3, §4.2): need is not demand, and demand that is not followed
    up fades."""

    demonstration_rate: NonNegative = param(
        5.0,
        unit="per year",
        description="activation hazard of latent demand when every tie is a member of a "
        "running project of demonstrated value 1 (R48)",
        plausible=(1.0, 10.0),
        source="assumption (§8.4: projects attract by showing their value)",
    )
    activation_fade: NonNegative = param(
        0.5,
        unit="per year",
        description="hazard at which active demand without a project fades (R49)",
        plausible=(0.2, 2.0),
        source="assumption (§4.2)",
    )
    conviction_gain: NonNegative = param(
        0.05,
        unit="per year",
        description="hazard at which an unconvinced leader becomes convinced without any "
        "campaign (R50)",
        plausible=(0.0, 0.2),
        source="assumption (AXE 1): with conviction_fade, a steady 50 % convinced (barometer 2022)",
    )
    conviction_fade: NonNegative = param(
        0.05,
        unit="per year",
        description="hazard at which a convinced leader outside any project loses it (R50)",
        plausible=(0.0, 0.2),
        source="assumption (AXE 1)",
    )


class PhaseSpec(Strict):
    """One §8.2 phase: its duration, its base failure hazard and what acts on it (R11, R12)."""

    months: Positive = param(
        unit="months", description="mean months in the phase (R12)", plausible=(0.5, 4.0)
    )
    failure: Probability = param(
        unit="per month",
        description="monthly failure hazard of the phase before its causes (R11)",
        plausible=(0.0, 0.05),
    )
    heterogeneity: NonNegative = param(
        0.0,
        unit="per unit of heterogeneity",
        description="rise of the hazard with the group's heterogeneity (R09, R11)",
        plausible=(0.0, 2.0),
        source="assumption (§4.1–4.2)",
    )
    posture: NonNegative = param(
        0.0,
        unit="per unit of posture",
        description="fall of the hazard with the group's cooperative posture (R46, R11)",
        plausible=(0.0, 2.0),
        source="assumption (§8.1)",
    )
    rivalry: NonNegative = param(
        0.0,
        unit="per unit of rival-pair share",
        description="rise of the hazard with rivals inside the group (R44, R11)",
        plausible=(0.0, 2.0),
        source="assumption (§4.3)",
    )
    facilitation: Probability = param(
        0.0,
        unit="share of the hazard",
        description="share of the hazard a facilitator removes in this phase (R11)",
        plausible=(0.0, 0.8),
        source="assumption (§4.8)",
    )


def _phase(months, failure, heterogeneity=0.0, posture=0.0, rivalry=0.0, facilitation=0.0):
    return PhaseSpec(
        months=months,
        failure=failure,
        heterogeneity=heterogeneity,
        posture=posture,
        rivalry=rivalry,
        facilitation=facilitation,
    )


class Formation(Strict):
    """The §8.2 phases of a forming project (step 1 needs … step 7 financial plan). Defaults
    are assumptions; the effects act where §8.1–8.3 and §4.1–4.8 place them."""

    phases: dict[PhaseName, PhaseSpec] = param(  # type: ignore[valid-type]
        unit="table of phases",
        description="the §8.2 phases: duration, base hazard and what acts on each",
        default_factory=lambda: {
            "needs": _phase(2.0, 0.02, heterogeneity=0.5, posture=1.0, facilitation=0.5),
            "standards": _phase(1.0, 0.01, heterogeneity=1.0, facilitation=0.5),
            "shared_base": _phase(2.0, 0.02, posture=1.0, rivalry=1.0, facilitation=0.3),
            "market": _phase(2.0, 0.01, rivalry=0.5, facilitation=0.5),
            "choices": _phase(2.0, 0.02, heterogeneity=1.0, posture=1.0, facilitation=0.5),
            "partners": _phase(2.0, 0.01, rivalry=1.0, facilitation=0.3),
            "financial_plan": _phase(1.0, 0.02, facilitation=0.5),
        },
    )
    scope_quorum: Probability = param(
        0.5,
        unit="share of the group",
        description="share of the group that must need a service for it to be in scope (R14)",
        plausible=(0.3, 0.7),
    )
    facilitation_speedup: NonNegative = param(
        0.5,
        unit="relative rise",
        description="rise of the phase advance probability with a facilitator (R12)",
        plausible=(0.25, 1.0),
        source="assumption (§4.8)",
    )
    coherence_weight: NonNegative = param(
        1.0,
        unit="per unit of incoherence",
        description="rise of the needs-inventory hazard when needs are incoherent (R53)",
        plausible=(0.0, 3.0),
        source="assumption (§4.1)",
    )
    market_weight: NonNegative = param(
        2.0,
        unit="per unit of expected loss",
        description="rise of the market-evaluation hazard when pooling is expected to lose (R54)",
        plausible=(0.0, 5.0),
        source="assumption (§8.2 step 4)",
    )
    tier_cost: NonNegative = param(
        0.15,
        unit="share of the project's cost",
        description="extra cost of offering flexible tiers of depth (R56)",
        plausible=(0.05, 0.4),
        source="assumption (§8.2 step 5)",
    )
    partner_target: int = param(
        8,
        unit="members",
        description="members sought before launch in the partner search (§8.2 step 6)",
        plausible=(4, 15),
        ge=1,
    )

    @model_validator(mode="after")
    def _all_phases(self) -> Formation:
        missing = [p for p in PHASES if p not in self.phases]
        if missing:
            raise ValueError(f"phases lacks: {', '.join(missing)}")
        return self


class ModeSpec(Strict):
    """Cost and governance of one pooling mode (§7 columns)."""

    share: Probability = param(
        unit="share of projects",
        description="share of new projects in this mode (shares sum to 1)",
    )
    fixed_cost_eur_month: NonNegative = param(
        unit="EUR per month", description="fixed cost of a project in this mode (R17)"
    )
    per_member_cost_eur_month: NonNegative = param(
        unit="EUR per member per month", description="cost per member in this mode (R17)"
    )
    governance_bonus: float = param(
        0.0, unit="governance (0–1)", description="governance added in this mode (R15)"
    )


class Projects(Strict):
    """Cost structure, value and capacity of pooled projects."""

    max_members: int = param(
        60, unit="EES", description="capacity of a project", plausible=(30, 100), ge=1
    )
    min_members: int = param(
        3,
        unit="EES",
        description="members below which a running project dissolves (R34)",
        plausible=(2, 3),
        ge=0,
    )
    max_projects: int | None = param(
        None,
        unit="projects",
        description="projects one run can hold (a project keeps its slot after it ends); "
        "null: one per two EES, at least 2000",
        source="technical limit",
        ge=1,
    )
    service_cost_eur_month: NonNegative = param(
        250.0,
        unit="EUR per service per month",
        description="standalone cost of one needed service (R16)",
        plausible=(150.0, 400.0),
    )
    coordination_cost_eur_month: NonNegative = param(
        60.0,
        unit="EUR per member per month",
        description="coordination cost per member and unit of heterogeneity (R17)",
        plausible=(30.0, 120.0),
    )
    cost_equity: Probability = param(
        0.5,
        unit="share (0–1)",
        description="cost split: 0 equal shares, 1 in proportion to size (R18, R29)",
        plausible=(0.2, 0.8),
        source="assumption (§4.5)",
    )
    bargaining_strength: NonNegative = param(
        0.1,
        unit="per ln(members)",
        description="price cut per log of the number of members (R19)",
        plausible=(0.05, 0.2),
        source="assumption (§5.7)",
    )
    depth_mismatch_weight: NonNegative = param(
        2.0,
        unit="per unit of depth gap",
        description="loss of fit when the offered depth differs from the need (R20)",
        plausible=(1.0, 3.0),
        source="assumption (§4.1)",
    )
    quality_gain: float = param(
        1.5,
        unit="EUR per EUR",
        description="value of a pooled service per EUR of its standalone price (R21)",
        plausible=(1.0, 2.0),
        source="assumption (§5.2–5.3)",
        ge=1.0,
    )
    value_floor: Probability = param(
        0.7,
        unit="share (0–1)",
        description="value a project offers before any is demonstrated (R21)",
        plausible=(0.5, 0.9),
    )
    value_time_constant: float = param(
        12.0,
        unit="months",
        description="time constant of demonstrated value (R25)",
        plausible=(6.0, 24.0),
        ge=1.0,
    )
    governance_base: Probability = param(
        0.4,
        unit="governance (0–1)",
        description="base governance quality (R15)",
        plausible=(0.3, 0.6),
    )
    governance_noise: NonNegative = param(
        0.3,
        unit="governance (0–1)",
        description="width of the random part of governance quality (R15)",
        plausible=(0.1, 0.4),
    )
    facilitator_governance_bonus: NonNegative = param(
        0.2,
        unit="governance (0–1)",
        description="governance added by a facilitator (R15)",
        plausible=(0.1, 0.3),
        source="assumption (§4.8)",
    )
    mode_maturity_weight: NonNegative = param(
        0.5,
        unit="score per unit of maturity",
        description="how much the group's maturity leans the mode toward co-ownership (mature) "
        "or shared personnel (least mature) (R55)",
        plausible=(0.0, 1.0),
        source="assumption (§4.2, §7)",
    )
    mode_noise: NonNegative = param(
        0.2,
        unit="score",
        description="width of the random part of each mode's score (R55)",
        plausible=(0.0, 0.5),
    )
    modes: dict[Mode, ModeSpec] = param(  # type: ignore[valid-type]
        unit="EUR per month",
        description="cost and governance of each pooling mode (§7 columns)",
        plausible={
            "shared_personnel.fixed_cost_eur_month": (1000.0, 2500.0),
            "shared_personnel.per_member_cost_eur_month": (50.0, 120.0),
            "shared_personnel.governance_bonus": (-0.1, 0.1),
            "joint_purchases.fixed_cost_eur_month": (150.0, 600.0),
            "joint_purchases.per_member_cost_eur_month": (30.0, 100.0),
            "joint_purchases.governance_bonus": (-0.2, 0.0),
            "co_ownership.fixed_cost_eur_month": (1500.0, 4000.0),
            "co_ownership.per_member_cost_eur_month": (50.0, 120.0),
            "co_ownership.governance_bonus": (0.1, 0.3),
        },
        source="assumption (§7)",
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
        },
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

    probability: Probability = param(
        unit="per member per month",
        description="probability of the shock",
        plausible=(0.001, 0.008),
    )
    loss: NonNegative = param(
        unit="commitment", description="commitment lost (before risk sharing)", plausible=(0.2, 0.6)
    )


class Commitment(Strict):
    """Commitment of members over time (§4.4–4.7)."""

    initial: Probability = param(
        0.8, unit="commitment (0–1)", description="commitment on joining", plausible=(0.6, 0.95)
    )
    erosion: NonNegative = param(
        0.01,
        unit="commitment per month",
        description="monthly erosion of commitment without mitigation (R32)",
        plausible=(0.0, 0.03),
        source="assumption (§4.4)",
    )
    exit_threshold: Probability = param(
        0.3,
        unit="commitment (0–1)",
        description="commitment below which a member leaves (R33)",
        plausible=(0.2, 0.4),
    )
    restoration: NonNegative = param(
        0.02,
        unit="commitment per month",
        description="commitment restored per unit of realised utility (R32)",
        plausible=(0.01, 0.04),
    )
    w_governance: NonNegative = param(
        0.3,
        unit="share of erosion",
        description="erosion avoided per unit of governance (R29)",
        plausible=(0.1, 0.5),
        source="assumption (§4.7)",
    )
    w_collaboration: NonNegative = param(
        0.3,
        unit="share of erosion",
        description="erosion avoided per unit of collaboration (R29)",
        plausible=(0.1, 0.5),
        source="assumption (§4.6)",
    )
    w_equity: NonNegative = param(
        0.2,
        unit="share of erosion",
        description="erosion avoided per unit of cost equity (R29)",
        plausible=(0.1, 0.4),
        source="assumption (§4.5)",
    )
    w_facilitation: NonNegative = param(
        0.2,
        unit="share of erosion",
        description="erosion avoided in a facilitated project (R29)",
        plausible=(0.1, 0.4),
        source="assumption (§4.8)",
    )
    risk_sharing: NonNegative = param(
        0.5,
        unit="weight",
        description="share of a cost-overrun shock absorbed by the pool (R31)",
        plausible=(0.25, 0.75),
        source="assumption (§5.6)",
    )
    management: Shock = param(
        Shock(probability=0.004, loss=0.5),
        unit="per member per month",
        description="shock of new management",
        source="assumption (§4.4: new management)",
    )
    reorientation: Shock = param(
        Shock(probability=0.003, loss=0.4),
        unit="per member per month",
        description="shock of a strategic reorientation",
        source="assumption (§4.4: strategic reorientation)",
    )
    political: Shock = param(
        Shock(probability=0.002, loss=0.3),
        unit="per member per month",
        description="shock of a political decision",
        source="assumption (§4.4: political decisions)",
    )
    cost_overrun: Shock = param(
        Shock(probability=0.004, loss=0.4),
        unit="per member per month",
        description="shock of a cost overrun",
        source="assumption (§4.4: financial disengagement)",
    )

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

    maturity_gain_rate: Probability = param(
        0.01,
        unit="share of the gap per month",
        description="share of the maturity gap a member closes monthly at collaboration 1 (R24)",
        plausible=(0.005, 0.02),
        source="assumption (§5.7)",
    )


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
    horizon_months: int = param(
        180,
        unit="months",
        description="months simulated: the policy period, then a follow-up without policies",
        source="issue 11 (policies for 10 years, followed to 15)",
        ge=1,
        le=1200,
    )
    policy_period_months: int = param(
        120,
        unit="months",
        description="months during which policies may act (their windows are cut there); "
        "the months after it, up to the horizon, are the follow-up that shows what lasts",
        source="BRIEF §2 (10 years of policy)",
        ge=1,
        le=1200,
    )
    mechanisms: Mechanisms = Mechanisms()
    behaviour: Behaviour = Behaviour()
    demand: Demand = Demand()
    formation: Formation = Formation()
    projects: Projects = Projects()
    commitment: Commitment = Commitment()
    benefits: Benefits = Benefits()
    budget: Literal["allocated", "unlimited"] = param(
        "allocated",
        unit="choice",
        description="`allocated`: every policy spends at most its own allocation and the "
        "total; `unlimited`: no cap at all (said in every output)",
        source="scenario choice",
    )
    budget_eur: NonNegative | None = param(
        None,
        unit="EUR over the horizon",
        description="the authority's total budget for every policy together (null: the sum "
        "of the policies' allocations; a total below that sum is refused)",
        source="scenario choice",
    )
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
        self._check_budgets()
        taken = sum(ip.members for ip in self.initial_projects)
        if taken > self.population.n_agents:
            raise ValueError(f"initial_projects need {taken} EES, the population has fewer")
        return self

    def _check_budgets(self) -> None:
        """Money as a planner writes it: each policy its own allocation, the total covering
        their sum (else a policy would be left without the money it was given)."""
        if len(self.policies) > MAX_POLICIES:
            raise ValueError(
                f"at most {MAX_POLICIES} policies per scenario, found {len(self.policies)}"
            )
        if self.budget == "unlimited":
            if self.budget_eur is not None:
                raise ValueError(
                    "budget: unlimited leaves no total to check: remove budget_eur "
                    f"({self.budget_eur:.0f}) or set budget: allocated"
                )
            return
        if not self.mechanisms.policies:
            return
        for p in self.policies:
            if p.budget_eur is None or p.budget_eur == 0:
                found = "no budget_eur" if p.budget_eur is None else "budget_eur 0"
                raise ValueError(
                    f"policy {p.name!r} has no money ({found}): give it an allocation "
                    "(budget_eur, in EUR) or set budget: unlimited on the scenario"
                )
        allocated = sum(p.budget_eur or 0.0 for p in self.policies)
        if self.budget_eur is not None and self.budget_eur < allocated * (1 - 1e-12):
            shares = ", ".join(f"{p.name} {p.budget_eur:.0f}" for p in self.policies)
            raise ValueError(
                f"budget_eur ({self.budget_eur:.0f} EUR) is less than the sum of the "
                f"policies' allocations ({allocated:.0f} EUR: {shares}): lower the "
                "allocations or raise the total (or leave budget_eur out: it is then their sum)"
            )

    @property
    def unlimited(self) -> bool:
        """Whether the scenario spends without any cap (``budget: unlimited``)."""
        return self.budget == "unlimited"

    def total_budget(self) -> float:
        """The authority's total budget in EUR: ``budget_eur``, else the sum of the
        allocations; infinite when unlimited."""
        if self.unlimited:
            return float("inf")
        if self.budget_eur is not None:
            return self.budget_eur
        if not self.mechanisms.policies:
            return 0.0
        return float(sum(p.budget_eur or 0.0 for p in self.policies))


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
