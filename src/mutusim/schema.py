"""One schema of per-EES fields, used by the population generator, the Mesa agents and any
array-based engine: name, dtype, unit and meaning. Attributes are drawn once per run; state
variables change during the run. Parameters shared by all agents are not here (see config)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AgentField:
    """One per-EES field."""

    name: str
    dtype: type
    unit: str
    meaning: str
    kind: str  # "attribute" (fixed for a run) or "state" (changes)


AGENT_FIELDS: tuple[AgentField, ...] = (
    AgentField("legal_form", np.int64, "code", "index in catalogue.LEGAL_FORMS", "attribute"),
    AgentField("sector", np.int64, "code", "index in the population's sectors", "attribute"),
    AgentField("province", np.int64, "code", "index in catalogue.PROVINCES", "attribute"),
    AgentField("size", np.float64, "workers", "number of workers (heavy-tailed)", "attribute"),
    AgentField("log10_size", np.float64, "log10 workers", "log10 of size", "attribute"),
    AgentField("depth", np.float64, "[0, 1]", "depth of automation needed (§4.1)", "attribute"),
    AgentField("perimeter", np.int64, "bit mask", "services needed (§4.1, §7)", "attribute"),
    AgentField("n_needed", np.int64, "services", "number of services needed", "attribute"),
    AgentField("financial_tension", np.float64, "[0, 1]", "budget tension (§9.1)", "attribute"),
    AgentField("admin_pressure", np.float64, "[0, 1]", "administrative load (§9.1)", "attribute"),
    AgentField("cooperative_posture", np.float64, "[0, 1]", "§8.1 posture", "attribute"),
    AgentField("leadership", np.float64, "[0, 1]", "pioneer propensity (§4.2)", "attribute"),
    AgentField(
        "adoption_threshold", np.float64, "share of ties", "Granovetter threshold", "attribute"
    ),
    AgentField("maturity", np.float64, "[0, 1]", "digital maturity (digiscore/100)", "state"),
    AgentField("convinced", np.bool_, "bool", "leader convinced of digital (AXE 1)", "state"),
)
"""Fields drawn by the population generator (state fields get their initial value there)."""

ATTRIBUTE_NAMES = tuple(f.name for f in AGENT_FIELDS)
