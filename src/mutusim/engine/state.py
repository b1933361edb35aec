"""Column layouts of the engine's state arrays.

The engine keeps one run's state in four 2-D arrays (agent floats, agent integers, project
floats, project integers) whose columns are named here, plus project member lists, the
authority's accounts and the month's counters. Agent attributes come from the population
generator (``mutusim.schema.AGENT_FIELDS``), the same arrays the Mesa agents are built from.
"""

from __future__ import annotations

import enum


class AF(enum.IntEnum):
    """Agent float columns."""

    SIZE = 0
    LOG10_SIZE = enum.auto()
    DEPTH = enum.auto()
    TENSION = enum.auto()
    ADMIN = enum.auto()
    POSTURE = enum.auto()
    LEADERSHIP = enum.auto()
    THRESHOLD = enum.auto()
    MATURITY = enum.auto()
    SUPPORT = enum.auto()
    COMMITMENT = enum.auto()
    MATURITY_AT_JOIN = enum.auto()
    COVERED = enum.auto()
    STANDALONE = enum.auto()
    POLICY_SUPPORT = enum.auto()


class AI(enum.IntEnum):
    """Agent integer columns (booleans as 0/1)."""

    LEGAL_FORM = 0
    SECTOR = enum.auto()
    PROVINCE = enum.auto()
    PERIMETER = enum.auto()
    N_NEEDED = enum.auto()
    CONVINCED = enum.auto()
    SEEKING = enum.auto()
    PROJECT = enum.auto()
    RING = enum.auto()
    JOINED_AT = enum.auto()
    COOLDOWN_UNTIL = enum.auto()
    EXITS = enum.auto()
    SIZE_CLASS = enum.auto()


class PF(enum.IntEnum):
    """Project float columns (member statistics as running sums)."""

    DEPTH_OFFERED = 0
    GOVERNANCE = enum.auto()
    VALUE = enum.auto()
    SUM_SIZE = enum.auto()
    SUM_L = enum.auto()
    SUM_L2 = enum.auto()
    SUM_M = enum.auto()
    SUM_M2 = enum.auto()
    SUM_D = enum.auto()
    SUM_D2 = enum.auto()
    SUM_POSTURE = enum.auto()


class PI(enum.IntEnum):
    """Project integer columns."""

    STATUS = 0
    LEADER = enum.auto()
    MODE = enum.auto()
    CREATED = enum.auto()
    ANCHORED = enum.auto()
    PHASE = enum.auto()
    SCOPE = enum.auto()
    FACILITATED = enum.auto()
    FAC_POLICY = enum.auto()
    RUNNING_SINCE = enum.auto()
    ENDED = enum.auto()
    MAX_REACHED = enum.auto()
    N = enum.auto()


class AU(enum.IntEnum):
    """Authority accounts; spending per policy follows at ``SPENT_BASE + k``, facilitator
    load at ``SPENT_BASE + n_policies + k``."""

    SPENT_TOTAL = 0
    SPENT_MONTH = enum.auto()
    STANDARDISATION = enum.auto()
    KIND_BASE = enum.auto()  # 7 kinds follow
    SPENT_BASE = KIND_BASE + 7


class C(enum.IntEnum):
    """The month's counters (and their running totals)."""

    JOINS = 0
    EXITS = enum.auto()
    RELEASED = enum.auto()
    REFUSED = enum.auto()
    NEW = enum.auto()
    INIT_FAILED = enum.auto()
    FORM_FAILED = enum.auto()
    DISSOLVED = enum.auto()
    SAVINGS = enum.auto()


N_COUNTERS = len(C)

EVENTS = (
    "core",
    "join",
    "exit",
    "dissolution",
    "formation_failed",
    "initiation_failed",
    "convinced",
    "trained",
    "individual_grant",
    "pioneer_reward",
)
"""Event codes of an EES's story (index = code)."""
(
    EV_CORE,
    EV_JOIN,
    EV_EXIT,
    EV_DISSOLUTION,
    EV_FORMATION_FAILED,
    EV_INITIATION_FAILED,
    EV_CONVINCED,
    EV_TRAINED,
    EV_GRANT,
    EV_REWARD,
) = range(len(EVENTS))

N_AF = len(AF)
N_AI = len(AI)
N_PF = len(PF)
N_PI = len(PI)
