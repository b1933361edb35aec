"""A scenario compiled into the arrays the month step reads: scalar parameters, pooling modes,
policies, population inputs and initial projects (layouts of ``mutusim.contract``)."""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass

import numpy as np

from mutusim.catalogue import MODES, N_SERVICES, SERVICE_NAMES
from mutusim.config.schema import ScenarioConfig
from mutusim.contract.outputs import output_names
from mutusim.contract.parameters import parameter_record, table_records
from mutusim.contract.policy_layout import policy_records
from mutusim.contract.records import records
from mutusim.population.generator import PopulationInputs, population_inputs

INITIAL_PROJECT_DTYPE = np.dtype(
    [("members", "i8"), ("anchored", "i8"), ("scope", "i8"), ("mode", "i8"), ("governance", "f8")]
)
"""A project present at month 0 (``InitialProject``): members 0.. in order, scope bit mask."""

EXISTING_DTYPE = np.dtype(
    [
        ("count", "i8"),
        ("smallest", "i8"),
        ("largest", "i8"),
        ("mode", "i8"),
        ("scope", "i8"),
        ("same_province", "i8"),
        ("federation", "i8"),
        ("anchored", "i8"),
        ("governance", "f8"),
    ]
)
"""A kind of project running at month 0 (``ExistingProjects``), its members drawn."""


RunArrays = namedtuple("RunArrays", ["par", "modes", "phases", "pol"])
"""What may differ between the runs of one batch (parameter points, policy sets): the
parameter record (a one-element array), the mode and phase tables, the policy records. A
batch holds them stacked, one row per run."""

SharedArrays = namedtuple("SharedArrays", ["pop", "initial", "existing", "n_sectors"])
"""What the runs of one batch share: population inputs, initial and existing projects."""


@dataclass(frozen=True)
class ScenarioInputs:
    """Everything the compiled step needs of one scenario, as arrays."""

    par: np.ndarray  # one PARAM_DTYPE record
    modes: np.ndarray  # MODE_DTYPE records, MODES order
    phases: np.ndarray  # PHASE_DTYPE records, PHASES order
    policies: np.ndarray  # POLICY_DTYPE records, scenario order
    population: PopulationInputs
    initial_projects: np.ndarray  # INITIAL_PROJECT_DTYPE records
    existing: np.ndarray  # EXISTING_DTYPE records
    sector_names: tuple[str, ...]

    @property
    def n_sectors(self) -> int:
        """Number of sectors of the population."""
        return len(self.sector_names)

    @property
    def n_agents(self) -> int:
        """Number of EES."""
        return int(self.population.scalars["n_agents"][0])

    @property
    def horizon(self) -> int:
        """Months simulated."""
        return int(self.par["horizon_months"][0])

    @property
    def columns(self) -> list[str]:
        """Timeseries columns."""
        return output_names(self.sector_names)

    @property
    def run_arrays(self) -> RunArrays:
        """The arrays one run of this scenario reads."""
        return RunArrays(self.par, self.modes, self.phases, self.policies)

    @property
    def shared(self) -> SharedArrays:
        """The arrays every run of this scenario's population shares."""
        return SharedArrays(self.population, self.initial_projects, self.existing, self.n_sectors)


def _scope_mask(scope: str | list[str]) -> int:
    if scope == "all":
        return (1 << N_SERVICES) - 1
    return sum(1 << SERVICE_NAMES.index(s) for s in scope)


def initial_project_records(config: ScenarioConfig) -> np.ndarray:
    """The scenario's initial projects as records."""
    table = records(len(config.initial_projects), INITIAL_PROJECT_DTYPE)
    for k, spec in enumerate(config.initial_projects):
        table[k]["members"] = spec.members
        table[k]["anchored"] = spec.anchored
        table[k]["scope"] = _scope_mask(spec.scope)
        table[k]["mode"] = MODES.index(spec.mode)
        table[k]["governance"] = spec.governance
    return table


def existing_project_records(config: ScenarioConfig) -> np.ndarray:
    """The population's projects running at month 0, one record per kind."""
    kinds = config.population.existing_projects
    table = records(len(kinds), EXISTING_DTYPE)
    for k, spec in enumerate(kinds):
        rec = table[k]
        rec["count"] = spec.count
        rec["smallest"], rec["largest"] = spec.members
        rec["mode"] = MODES.index(spec.mode)
        rec["scope"] = _scope_mask(spec.scope)
        rec["same_province"] = spec.same_province
        rec["federation"] = spec.federation
        rec["anchored"] = spec.anchored
        rec["governance"] = spec.governance
    return table


def scenario_inputs(config: ScenarioConfig) -> ScenarioInputs:
    """Compile a validated scenario into the arrays of the month step."""
    return ScenarioInputs(
        par=parameter_record(config),
        modes=table_records(config, "projects.modes"),
        phases=table_records(config, "formation.phases"),
        policies=policy_records(config),
        population=population_inputs(config.population),
        initial_projects=initial_project_records(config),
        existing=existing_project_records(config),
        sector_names=tuple(s.name for s in config.population.sectors),
    )
