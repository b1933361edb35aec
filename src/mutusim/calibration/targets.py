"""Targets files: the observed facts a calibration must reproduce and the priors of the
parameters it may move (``configs/targets/*.yaml``).

A targets file names a base scenario (``base``, ``set``, as experiment files do), the priors of
the calibrated parameters (``parameters``: ``{dotted.key: {uniform|loguniform: [low, high]}}``
or ``{normal: [mean, sd], bounds: [low, high]}``), optional named ``scenarios`` (policies,
budget and overrides on top of the base, as the arms of a comparison) and the ``targets``: an
``output`` (a timeseries column), a ``month`` (a step, or ``[first, last]`` for the sum of a
monthly flow over those steps), an observed ``value`` with its ``sd`` or a 95 % ``interval``,
its ``source`` and the ``scenario`` that produced it.

``load_problem`` checks the whole file against the model before anything is simulated: an
unknown output or parameter, a month beyond the horizon, an sd that is not positive or a prior
outside the parameter's valid range is one ``ConfigError`` line naming the file and the field.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from mutusim.config import ConfigError, ScenarioConfig, canonical_json
from mutusim.config.loader import format_validation_error, read_yaml
from mutusim.config.schema import Seed, Strict
from mutusim.experiments import design
from mutusim.experiments.schema import ScenarioSpec

Z95 = 1.959963984540054
"""Half-width of a central 95 % normal interval, in sds: an ``interval`` is read as one."""

BASE_SCENARIO = "base"
"""The name a target uses for the base scenario (no ``scenario`` field)."""


def _pair(values: list[float], what: str) -> tuple[float, float]:
    if len(values) != 2:
        raise ValueError(f"{what}: two numbers, found {len(values)}")
    low, high = values
    if not high > low:
        raise ValueError(f"{what}: the second number must exceed the first, found {values}")
    return low, high


class Prior(Strict):
    """The prior of one parameter: exactly one of ``uniform``, ``loguniform`` (both
    ``[low, high]``) or ``normal`` (``[mean, sd]``, truncated to ``bounds``)."""

    uniform: list[float] | None = Field(None, description="[low, high]: flat between them")
    loguniform: list[float] | None = Field(
        None, description="[low, high], both above 0: flat in the logarithm"
    )
    normal: list[float] | None = Field(None, description="[mean, sd], truncated to `bounds`")
    bounds: list[float] | None = Field(None, description="[low, high] of a `normal` prior")

    @model_validator(mode="after")
    def _one_kind(self) -> Prior:
        given = [k for k in ("uniform", "loguniform", "normal") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "one of uniform: [low, high], loguniform: [low, high] or normal: [mean, sd] "
                f"with bounds: [low, high]; found {given or 'none'}"
            )
        if self.uniform is not None:
            _pair(self.uniform, "uniform")
        if self.loguniform is not None:
            low, _ = _pair(self.loguniform, "loguniform")
            if low <= 0:
                raise ValueError(f"loguniform: bounds above 0, found {self.loguniform}")
        if self.normal is not None:
            if len(self.normal) != 2 or not self.normal[1] > 0:
                raise ValueError(f"normal: [mean, sd] with sd > 0, found {self.normal}")
            if self.bounds is None:
                raise ValueError("normal: bounds: [low, high] as well (the prior is truncated)")
            low, high = _pair(self.bounds, "bounds")
            if not low <= self.normal[0] <= high:
                raise ValueError(f"normal: a mean within bounds {self.bounds}")
        elif self.bounds is not None:
            raise ValueError("bounds only with a normal prior (uniform and loguniform are bounded)")
        return self

    @property
    def kind(self) -> str:
        """``uniform``, ``loguniform`` or ``normal``."""
        return next(k for k in ("uniform", "loguniform", "normal") if getattr(self, k) is not None)

    @property
    def support(self) -> tuple[float, float]:
        """The lowest and highest value the prior gives."""
        return tuple(self.uniform or self.loguniform or self.bounds)  # type: ignore[return-value]

    def frozen(self) -> Any:
        """The prior as a frozen ``scipy.stats`` distribution."""
        from scipy import stats

        low, high = self.support
        if self.kind == "uniform":
            return stats.uniform(low, high - low)
        if self.kind == "loguniform":
            return stats.loguniform(low, high)
        mean, sd = self.normal  # type: ignore[misc]
        return stats.truncnorm((low - mean) / sd, (high - mean) / sd, loc=mean, scale=sd)


class Target(Strict):
    """One observed fact: an output of the model, at a month, in a scenario."""

    name: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="identifier (default: output@month, with /scenario when not the base)",
    )
    output: str = Field(description="a timeseries column (docs/ODD.md section 4.11)")
    month: int | list[int] = Field(
        description="the step it refers to (0 = initial state), or [first, last]: the sum of a "
        "monthly flow over those steps"
    )
    value: float = Field(description="the observed value, in the output's unit")
    sd: float | None = Field(None, description="its standard uncertainty (above 0)")
    interval: list[float] | None = Field(
        None, description="instead of sd: [low, high], read as a 95 % normal interval"
    )
    source: str = Field(min_length=1, description="where the figure comes from, or 'assumption'")
    scenario: str = Field(BASE_SCENARIO, description="the scenario that produced it")

    @model_validator(mode="after")
    def _uncertainty(self) -> Target:
        if (self.sd is None) == (self.interval is None):
            raise ValueError("one of sd or interval: [low, high]")
        if self.sd is not None and not self.sd > 0:
            raise ValueError(f"an sd above 0, found sd = {self.sd}")
        if self.interval is not None:
            _pair(self.interval, "interval")
        if isinstance(self.month, list):
            first, _ = _pair([float(m) for m in self.month], "month")
            if first < 0:
                raise ValueError(f"months from 0, found {self.month}")
        elif self.month < 0:
            raise ValueError(f"a month from 0, found {self.month}")
        return self

    @property
    def label(self) -> str:
        """The target's identifier."""
        if self.name:
            return self.name
        month = f"{self.month[0]}-{self.month[1]}" if isinstance(self.month, list) else self.month
        where = "" if self.scenario == BASE_SCENARIO else f"/{self.scenario}"
        return f"{self.output}@{month}{where}"

    @property
    def centre(self) -> float:
        """The observed value (the middle of an interval)."""
        return self.value

    @property
    def sigma(self) -> float:
        """The observation's sd (from the interval when given as one)."""
        if self.sd is not None:
            return self.sd
        low, high = self.interval  # type: ignore[misc]
        return (high - low) / (2 * Z95)

    @property
    def last_month(self) -> int:
        """The last step the target reads."""
        return self.month[1] if isinstance(self.month, list) else self.month


class TargetsFile(Strict):
    """A targets file (``configs/targets/*.yaml``)."""

    wide_integers = frozenset({"seed"})

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", description="identifier")
    description: str = Field("", description="what the targets are, in a sentence")
    base: str | dict[str, Any] = Field(
        "baseline.yaml",
        description="scenario the targets refer to: a file (relative to this file, else to "
        "`configs/`) or an inline scenario",
    )
    set: dict[str, Any] = Field(default_factory=dict, description="overrides of the base")
    parameters: dict[str, Prior] = Field(
        min_length=1, description="`{dotted.key: prior}`: the parameters calibrated"
    )
    scenarios: list[ScenarioSpec] = Field(
        default_factory=list,
        description="named scenarios on top of the base (policies, budget_eur, set), "
        "as the arms of a comparison",
    )
    targets: list[Target] = Field(min_length=1, description="the observed facts")
    seed: Seed = Field(0, description="seed (the --seed option overrides it)")

    @model_validator(mode="after")
    def _names(self) -> TargetsFile:
        names = [s.name for s in self.scenarios]
        if BASE_SCENARIO in names or len(set(names)) != len(names):
            raise ValueError(f"unique scenario names other than {BASE_SCENARIO!r}, found {names}")
        labels = [t.label for t in self.targets]
        if len(set(labels)) != len(labels):
            raise ValueError(f"each target once (give them names), found {labels}")
        return self


@dataclass
class Parameter:
    """A calibrated parameter: its dotted name, prior and whether it is a whole number."""

    name: str
    prior: Prior
    integer: bool


@dataclass
class Problem:
    """A checked targets file: the scenarios to simulate (their horizons cut to the last month
    a target reads), the parameters and the targets."""

    spec: TargetsFile
    source: str
    parameters: list[Parameter]
    scenarios: dict[str, ScenarioConfig]
    targets: list[Target]

    @property
    def names(self) -> list[str]:
        """Dotted names of the calibrated parameters, in file order."""
        return [p.name for p in self.parameters]

    def typed(self, values: dict[str, float]) -> dict[str, float | int]:
        """A parameter point as the config takes it (whole numbers rounded)."""
        return {
            p.name: round(values[p.name]) if p.integer else float(values[p.name])
            for p in self.parameters
        }

    def sha256(self) -> str:
        """SHA-256 of the file's definition and of every resolved scenario."""
        digest = hashlib.sha256(
            json.dumps(self.spec.model_dump(mode="json"), sort_keys=True).encode()
        )
        for name, config in self.scenarios.items():
            digest.update(name.encode())
            digest.update(canonical_json(config).encode())
        return digest.hexdigest()


def load_targets(path: str | Path) -> TargetsFile:
    """Read and validate the fields of a targets file (not yet against the model)."""
    raw = read_yaml(Path(path))
    try:
        return TypeAdapter(TargetsFile).validate_python(raw)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, {"": str(path)})) from None


def _valid_range(row: dict[str, Any]) -> str:
    low = "" if row["min"] is None else f"{row['min']} {'<' if row['min_exclusive'] else '≤'} "
    high = "" if row["max"] is None else f" {'<' if row['max_exclusive'] else '≤'} {row['max']}"
    return f"{low}value{high}"


def _inside(row: dict[str, Any], value: float) -> bool:
    low, high = row["min"], row["max"]
    if low is not None and (value < low or (row["min_exclusive"] and value == low)):
        return False
    return not (high is not None and (value > high or (row["max_exclusive"] and value == high)))


def _check_parameters(spec: TargetsFile, base: ScenarioConfig, source: str) -> list[Parameter]:
    from mutusim.parameter_table import parameter_table

    rows = {row["name"]: row for row in parameter_table(base)}
    out = []
    for name, prior in spec.parameters.items():
        field = f"{source}: field 'parameters.{name}'"
        row = rows.get(name)
        if row is None:
            raise ConfigError(
                f"{field}: expected a parameter of the model (`mutusim params` lists them); "
                f"found {name!r}, an unknown name"
            )
        if row["type"] not in ("float", "int"):
            raise ConfigError(
                f"{field}: expected a numeric parameter; found {name} of type {row['type']}"
            )
        for end in prior.support:
            if not _inside(row, end):
                raise ConfigError(
                    f"{field}: expected a prior within the parameter's valid range "
                    f"({_valid_range(row)}); found a {prior.kind} prior reaching {end}"
                )
        out.append(Parameter(name, prior, row["type"] == "int"))
    return out


def _scenario_configs(spec: TargetsFile, source: str) -> dict[str, ScenarioConfig]:
    base_source = design.resolve_base(spec.base, source)
    configs = {BASE_SCENARIO: design.load_checked(base_source, spec.set, f"{source}: base")}
    for arm in spec.scenarios:
        configs[arm.name] = design.load_checked(
            base_source, design.arm_overrides(spec.set, arm), f"{source}: scenario {arm.name!r}"
        )
    return configs


def monthly_flow(output: str) -> bool:
    """Whether an output counts what happened in the month (its sum over months means
    something), as its meaning in ``mutusim.contract.outputs`` says."""
    from mutusim.contract.outputs import BLOCKS, CORE_OUTPUTS

    meanings = {o.name: o.meaning for o in CORE_OUTPUTS}
    meaning = meanings.get(output) or next(
        (m for prefix, _, m in BLOCKS if output.startswith(prefix)), ""
    )
    return "this month" in meaning


def _check_targets(
    spec: TargetsFile, configs: dict[str, ScenarioConfig], source: str
) -> dict[str, int]:
    """Refuse a target of an unknown scenario or output, or beyond the horizon; return the
    last month each scenario must be simulated to."""
    from mutusim.contract.outputs import output_names

    needed: dict[str, int] = {}
    for i, target in enumerate(spec.targets):
        field = f"{source}: field 'targets.{i}"
        config = configs.get(target.scenario)
        if config is None:
            raise ConfigError(
                f"{field}.scenario': expected {BASE_SCENARIO!r} or a name of 'scenarios' "
                f"({', '.join(configs)}); found {target.scenario!r}"
            )
        known = output_names(tuple(s.name for s in config.population.sectors))
        if target.output not in known:
            raise ConfigError(
                f"{field}.output': expected a timeseries column (e.g. {', '.join(known[:4])}, …; "
                f"docs/ODD.md section 4.11 lists them); found {target.output!r}"
            )
        if isinstance(target.month, list) and not monthly_flow(target.output):
            raise ConfigError(
                f"{field}.month': expected one month for {target.output!r}, which is a level "
                f"(a range [first, last] sums a monthly flow, e.g. joins, facilitator_contacts); "
                f"found {target.month}"
            )
        if target.last_month > config.horizon_months:
            raise ConfigError(
                f"{field}.month': expected a month within the horizon of scenario "
                f"{target.scenario!r} (0 to {config.horizon_months}); found {target.month}"
            )
        needed[target.scenario] = max(needed.get(target.scenario, 1), target.last_month, 1)
    return needed


def load_problem(path: str | Path, seed: int | None = None) -> Problem:
    """Check a targets file completely against the model (see the module's docstring) and
    return the problem to calibrate; ``seed`` overrides the file's. Nothing is simulated."""
    source = str(path)
    spec = load_targets(path)
    if seed is not None:
        spec = spec.model_copy(update={"seed": seed})
    configs = _scenario_configs(spec, source)
    parameters = _check_parameters(spec, configs[BASE_SCENARIO], source)
    needed = _check_targets(spec, configs, source)
    scenarios = {}
    for name, months in needed.items():
        config = configs[name]
        for p in parameters:  # every prior's ends must give a valid scenario
            for end in p.prior.support:
                value = round(end) if p.integer else end
                design.load_checked(
                    config, {p.name: value}, f"{source}: field 'parameters.{p.name}'"
                )
        scenarios[name] = design.load_checked(
            config, {"horizon_months": months}, f"{source}: scenario {name!r}"
        )
    return Problem(spec, source, parameters, scenarios, spec.targets)
