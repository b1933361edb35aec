"""State of one run: EES fields, project fields, authority accounts, counters and story events.

Each field is declared once (name, dtype, unit, meaning, initial value). The compiled phases
keep them **field-major**: all EES values of one field are contiguous, as in a struct of
arrays. Floats live in ``af[AF.<name>, i]``, integers and booleans (as 0/1) in
``ai[AI.<name>, i]``; projects likewise in ``pf`` / ``pi``. The column enums ``AF``, ``AI``,
``PF``, ``PI``, ``AU``, ``PA`` and ``C`` and the event codes ``EV`` are derived from the
declarations below, in declaration order: adding a field is adding one line here.
"""

from __future__ import annotations

import enum
from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class StateField:
    """One named quantity of a run's state."""

    name: str
    dtype: str  # "float", "int" or "bool" (stored as 0/1 with the integers)
    unit: str
    meaning: str
    initial: float = 0.0
    kind: str = "state"  # "attribute": drawn once per run; "state": changes during the run

    @property
    def is_float(self) -> bool:
        """Whether the field lives in the float block."""
        return self.dtype == "float"


@dataclass(frozen=True)
class Event:
    """One kind of event of an EES's story; ``value`` says what the event's number holds."""

    name: str
    meaning: str
    value: str


def _f(name: str, unit: str, meaning: str, initial: float = 0.0) -> StateField:
    return StateField(name, "float", unit, meaning, initial)


def _i(name: str, unit: str, meaning: str, initial: float = 0.0) -> StateField:
    return StateField(name, "int", unit, meaning, initial)


def _b(name: str, meaning: str) -> StateField:
    return StateField(name, "bool", "bool", meaning)


def _attr(field: StateField) -> StateField:
    return StateField(
        field.name, field.dtype, field.unit, field.meaning, field.initial, "attribute"
    )


AGENT_FIELDS: tuple[StateField, ...] = (
    # attributes: drawn by the population generator, fixed for the run
    _attr(_i("legal_form", "code", "index in catalogue.LEGAL_FORMS")),
    _attr(_i("sector", "code", "index in the population's sectors")),
    _attr(_i("province", "code", "index in catalogue.PROVINCES")),
    _attr(_f("size", "workers", "number of workers (heavy-tailed)")),
    _attr(_f("log10_size", "log10 workers", "log10 of size")),
    _attr(_i("size_class", "code", "index in catalogue.SIZE_CLASSES")),
    _attr(_f("depth", "[0, 1]", "depth of automation needed (§4.1)")),
    _attr(_i("perimeter", "bit mask", "catalogue services needed (§4.1, §7)")),
    _attr(_i("n_needed", "services", "number of services needed")),
    _attr(_f("financial_tension", "[0, 1]", "budget tension (§9.1)")),
    _attr(_f("admin_pressure", "[0, 1]", "administrative load (§9.1)")),
    _attr(_f("cooperative_posture", "[0, 1]", "benevolence, transparency (§8.1)")),
    _attr(_f("leadership", "[0, 1]", "pioneer propensity (§4.2)")),
    _attr(_f("adoption_threshold", "share of ties", "Granovetter threshold")),
    _attr(_b("pioneer", "its leader is a pioneer: acts on latent demand (§4.2, §8.1)")),
    _attr(_b("federation", "member of its sector's federation (§2, §8.4)")),
    _attr(_f("standalone_cost", "EUR/month", "cost of covering all needs alone (R16)")),
    # state: changes during the run
    _f("maturity", "[0, 1]", "digital maturity (digiscore / 100)"),
    _b("convinced", "leader convinced of digital (AXE 1)"),
    _b("latent", "latent demand: convinced, need beyond what it can do alone (R03)"),
    _b("seeking", "active demand: seeks a pooled solution this month (R48–R51)"),
    _i("times_reached", "contacts", "awareness contacts received so far (R52)"),
    _f("individual_support", "[0, 1]", "capacity added by individual grants (R42)"),
    _i("project", "index", "project it belongs to (-1: none)", -1),
    _i("ring", "circle", "its circle in that project (0 = pioneer core; -1: none)", -1),
    _f("commitment", "[0, 1]", "commitment to its project (§4.4)"),
    _i("joined_at", "month", "month it joined its project (-1: never)", -1),
    _f("maturity_at_join", "[0, 1]", "maturity when it joined (heterogeneity, R09)"),
    _f("covered_value_share", "[0, 1]", "value share of its needs the scope covers (R43)"),
    _i("cooldown_until", "month", "first month it may join again after leaving"),
    _i("exits", "count", "projects it has left"),
    _f("policy_support_eur", "EUR", "public money it has received"),
)

PROJECT_FIELDS: tuple[StateField, ...] = (
    _i("status", "code", "catalogue.STATUS_* (0: slot unused)"),
    _i("leader", "index", "the pioneer EES (-1: none)", -1),
    _i("mode", "code", "index in catalogue.MODES"),
    _i("created_at", "month", "month of founding"),
    _b("anchored", "backed by a public body: never dissolves (R34)"),
    _i("phase", "code", "§8.2 phase (rules.formation.PHASE_*)"),
    _i("scope", "bit mask", "services of the shared base (R14)"),
    _b("facilitated", "accompanied by a funded facilitator (§4.8)"),
    _b("brokered", "its core was brokered by a facilitator (§9)"),
    _b("flexible", "offers flexible tiers of depth (R56, §8.2 step 5)"),
    _i("facilitator_policy", "index", "policy paying its facilitator now (-1: none)", -1),
    _i("running_since", "month", "month it started running (-1: not yet)", -1),
    _i("ended_at", "month", "month it failed or dissolved (-1: not yet)", -1),
    _i("max_members_reached", "members", "largest membership so far"),
    _i("n_members", "members", "current members"),
    _f("depth_offered", "[0, 1]", "depth of the service offered (mean of the core)"),
    _f("governance", "[0, 1]", "governance quality (R15)"),
    _f("demonstrated_value", "[0, 1]", "value shown to the next circle (R25)"),
    _f("sum_size", "workers", "running sum over members"),
    _f("sum_log10_size", "log10 workers", "running sum over members"),
    _f("sum_log10_size_sq", "log10 workers²", "running sum over members"),
    _f("sum_maturity", "[0, 1]", "running sum of maturity at joining"),
    _f("sum_maturity_sq", "[0, 1]", "running sum of squared maturity at joining"),
    _f("sum_depth", "[0, 1]", "running sum over members"),
    _f("sum_depth_sq", "[0, 1]", "running sum over members"),
    _f("sum_posture", "[0, 1]", "running sum of cooperative posture"),
)
"""Member statistics are running sums updated in join/exit order (``phases.membership``)."""

AUTHORITY_FIELDS: tuple[StateField, ...] = (
    _f("spent_total", "EUR", "public money spent since month 0"),
    _f("spent_month", "EUR", "public money spent this month"),
    _f("standardisation", "[0, 1]", "level of standardised practices (R40)"),
)
"""The authority's scalar accounts (``au[AU.<name>]``)."""

POLICY_ACCOUNTS: tuple[StateField, ...] = (
    _f("spent", "EUR", "money this policy has spent"),
    _f("facilitator_load", "projects", "forming projects its facilitators accompany now"),
    _f("paid", "0/1", "it could pay this month's costs (facilitators: their salaries)"),
    _f("ran_out", "0/1", "its allocation has refused a payment (it ran out)"),
)
"""Accounts per policy (``au_policy[PA.<name>, k]``); spending per policy kind this month is
``au_kind[kind]``."""

COUNTERS: tuple[StateField, ...] = (
    _f("joins", "EES", "joins this month"),
    _f("exits", "EES", "members who left this month"),
    _f("released", "EES", "members released by dissolutions this month"),
    _f("refused_full", "EES", "joins refused because the project was full"),
    _f("new_projects", "projects", "projects founded this month"),
    _f("initiations_failed", "pioneers", "initiations without enough partners"),
    _f("formations_failed", "projects", "projects failing a §8.2 phase"),
    _f("dissolved", "projects", "running projects dissolved"),
    _f("savings_eur", "EUR", "members' savings versus going alone this month"),
    _f("activations", "EES", "latent demands activated this month"),
    _f("awareness_contacts", "EES", "EES reached by awareness campaigns this month"),
    _f("conversions", "EES", "leaders converted by awareness campaigns this month"),
    _f("facilitator_contacts", "EES", "EES contacted by facilitators this month"),
    _f("brokered", "projects", "cores brokered by facilitators this month"),
    _f("plan_declines", "EES", "members leaving at the financial plan this month"),
)
"""The month's counters (``cnt[C.<name>]``) and their running totals (``tot``)."""

EVENTS: tuple[Event, ...] = (
    Event("core", "joins a project's pioneer core (ring 0)", "ring"),
    Event("join", "joins a running project", "ring"),
    Event("partner", "joins a forming project in its partner search (§8.2 step 6)", "ring (0)"),
    Event("exit", "leaves its project (commitment below threshold)", "commitment at exit"),
    Event("dissolution", "released by its project's dissolution", "commitment"),
    Event("formation_failed", "released by a failed formation", "commitment"),
    Event("initiation_failed", "pioneer without enough partners", "partners who accepted"),
    Event("trained", "followed a training course", "EUR paid"),
    Event("individual_grant", "received an individual grant", "EUR paid"),
    Event("pioneer_reward", "received a pioneer reward", "EUR paid"),
    Event("activated", "its latent demand became active", "1 shown, 2 facilitator, 3 invited"),
    Event("demand_faded", "its active demand faded", "0"),
    Event("conviction_changed", "its leader became convinced, or stopped being so", "1 or 0"),
    Event("reached", "reached by an awareness campaign", "1 if converted, else 0"),
    Event("plan_declined", "left a forming project at its financial plan", "expected utility"),
)
"""Story events; ``EV.<name>`` is its code."""


def column_enum(name: str, fields: Sequence[StateField]) -> type[enum.IntEnum]:
    """An ``IntEnum`` naming the positions of ``fields`` (numba reads members as constants)."""
    return enum.IntEnum(name, [(f.name, k) for k, f in enumerate(fields)], module=__name__)


def _floats(fields: Sequence[StateField]) -> tuple[StateField, ...]:
    return tuple(f for f in fields if f.is_float)


def _integers(fields: Sequence[StateField]) -> tuple[StateField, ...]:
    return tuple(f for f in fields if not f.is_float)


AGENT_FLOATS = _floats(AGENT_FIELDS)
AGENT_INTEGERS = _integers(AGENT_FIELDS)
PROJECT_FLOATS = _floats(PROJECT_FIELDS)
PROJECT_INTEGERS = _integers(PROJECT_FIELDS)

AF = column_enum("AF", AGENT_FLOATS)
AI = column_enum("AI", AGENT_INTEGERS)
PF = column_enum("PF", PROJECT_FLOATS)
PI = column_enum("PI", PROJECT_INTEGERS)
AU = column_enum("AU", AUTHORITY_FIELDS)
PA = column_enum("PA", POLICY_ACCOUNTS)
C = column_enum("C", COUNTERS)
EVENT_NAMES = tuple(e.name for e in EVENTS)
EventCodes = namedtuple("EventCodes", EVENT_NAMES)
EV = EventCodes(*range(len(EVENTS)))
"""Event codes as plain integers (``EV.join``): the phases store them in float buffers."""

INT = np.int32
"""Dtype of the integer blocks (``ai``, ``pi``, member lists, network indices): every integer
field fits (masks of up to 31 services), and half the bytes of int64 keep a large population's
arrays in cache."""

N_AU, N_PA, N_C = len(AU), len(PA), len(C)
"""Sizes of the authority's accounts, the accounts per policy and the counters."""

AGENT_FLOAT_INITIAL = np.array([f.initial for f in AGENT_FLOATS])
AGENT_INT_INITIAL = np.array([f.initial for f in AGENT_INTEGERS], dtype=INT)
PROJECT_FLOAT_INITIAL = np.array([f.initial for f in PROJECT_FLOATS])
PROJECT_INT_INITIAL = np.array([f.initial for f in PROJECT_INTEGERS], dtype=INT)
"""Initial value of each column (what a new run's arrays are filled with)."""

FIELD_BY_NAME = {f.name: f for f in AGENT_FIELDS}
PROJECT_FIELD_BY_NAME = {f.name: f for f in PROJECT_FIELDS}
