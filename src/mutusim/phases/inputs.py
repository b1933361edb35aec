"""A scenario compiled into the arrays the month step reads: scalar parameters, pooling modes,
policies, population inputs and initial projects (layouts of ``mutusim.contract``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mutusim.catalogue import MODES, N_SERVICES, SERVICE_NAMES
from mutusim.config.schema import ScenarioConfig
from mutusim.contract.outputs import output_names
from mutusim.contract.parameters import mode_records, parameter_record
from mutusim.contract.policy_layout import policy_records
from mutusim.contract.records import records
from mutusim.population.generator import PopulationInputs, population_inputs

INITIAL_PROJECT_DTYPE = np.dtype(
    [("members", "i8"), ("anchored", "i8"), ("scope", "i8"), ("mode", "i8"), ("governance", "f8")]
)
"""A project present at month 0 (``InitialProject``): members 0.. in order, scope bit mask."""


@dataclass(frozen=True)
class ScenarioInputs:
    """Everything the compiled step needs of one scenario, as arrays."""

    par: np.ndarray  # one PARAM_DTYPE record
    modes: np.ndarray  # MODE_DTYPE records, MODES order
    policies: np.ndarray  # POLICY_DTYPE records, scenario order
    population: PopulationInputs
    initial_projects: np.ndarray  # INITIAL_PROJECT_DTYPE records
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


def initial_project_records(config: ScenarioConfig) -> np.ndarray:
    """The scenario's initial projects as records."""
    every = (1 << N_SERVICES) - 1
    table = records(len(config.initial_projects), INITIAL_PROJECT_DTYPE)
    for k, spec in enumerate(config.initial_projects):
        table[k]["members"] = spec.members
        table[k]["anchored"] = spec.anchored
        table[k]["scope"] = (
            every if spec.scope == "all" else sum(1 << SERVICE_NAMES.index(s) for s in spec.scope)
        )
        table[k]["mode"] = MODES.index(spec.mode)
        table[k]["governance"] = spec.governance
    return table


def scenario_inputs(config: ScenarioConfig) -> ScenarioInputs:
    """Compile a validated scenario into the arrays of the month step."""
    return ScenarioInputs(
        par=parameter_record(config),
        modes=mode_records(config),
        policies=policy_records(config),
        population=population_inputs(config.population),
        initial_projects=initial_project_records(config),
        sector_names=tuple(s.name for s in config.population.sectors),
    )
