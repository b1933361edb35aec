"""Counter-based random draws shared by every engine.

Every random decision of mutusim is a pure function of the key (seed, run, step, agent, purpose):
a chain of splitmix64 mixes turns the key into a uniform number in [0, 1). Nothing here keeps
state, so a draw does not depend on the engine, the thread count, the order in which runs are
computed, or how runs are split across machines; and two policy arms that share a seed share
every draw except those a policy adds (common random numbers).

``step`` is the month (0-based); population draws use ``POPULATION_STEP``. ``agent`` is the index
of an EES, or of a project for project-level draws (kept apart by their purpose). ``purpose``
names the decision; the constants below are the only purposes in use. A purpose may carry a
sub-index (``purpose + SUB * k``) when one decision needs several draws.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

POPULATION_STEP = 1 << 40
"""The ``step`` used by draws that build the population and its networks."""

INITIAL_STEP = POPULATION_STEP + 1
"""The ``step`` used by draws that place the projects running at month 0."""

SUB = 1 << 16
"""Multiplier of a purpose's sub-index: purpose ``P`` draw ``k`` is ``P + SUB * k``."""

# --- population (step = POPULATION_STEP) -----------------------------------------------------
P_LEGAL_FORM = 1
P_SECTOR = 2
P_PROVINCE = 3
P_SIZE = 4  # normal draw: uses P_SIZE and P_SIZE + SUB
P_MATURITY = 5  # normal draw
P_CONVINCED = 6
P_NEEDS = 7  # sub-index = service
P_DEPTH = 8  # normal draw
P_TENSION = 9
P_ADMIN = 10
P_POSTURE = 11
P_LEADERSHIP = 12
P_THRESHOLD = 13
P_TIE_KIND = 14  # sub-index = stub
P_TIE_PICK = 15  # sub-index = stub
P_RIVAL_PICK = 16  # sub-index = stub
P_RIVAL_KIND = 17  # sub-index = stub
P_THRESHOLD_ZERO = 18
P_PIONEER = 19
P_FEDERATION = 20
P_FEDERATION_PICK = 21  # sub-index = stub
P_RIVAL_KEEP = 22  # sub-index = 16 * stub + try
P_RIVAL_RETRY = 23  # sub-index = 16 * stub + try
P_EXISTING = 24  # agent = drawing order of existing projects (INITIAL_STEP)
# --- model steps -------------------------------------------------------------------------------
P_AWARENESS = 30  # sub-index = policy position
P_TRAINING = 31  # sub-index = policy position
P_INDIVIDUAL_GRANT = 32  # sub-index = policy position
P_INITIATE = 40
P_PRIORITY = 41  # order of pioneers and joiners in conflicts
P_RECRUIT = 42  # a candidate's openness this month
P_PROJECT_MODE = 43  # project-level
P_PROJECT_GOVERNANCE = 44  # project-level
P_PHASE = 45  # project-level
P_JOIN = 50
P_SHOCK = 60
P_CONVICTION = 70  # conviction gained or lost (one draw, R50)
P_DEMAND_FADE = 71
P_DEMONSTRATION = 72
P_FACILITATOR_CONTACT = 73  # sub-index = policy position
P_AWARENESS_CONVERT = 74  # sub-index = policy position
P_BROKER = 75  # agent = policy position x 1000 + slot; + SUB: the EES picked
P_PARTNER = 76  # a candidate partner's openness in the partner search


@njit(cache=True)
def splitmix64(x: np.uint64) -> np.uint64:
    """One splitmix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mix."""
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def step_key(seed: int, run: int, step: int) -> np.uint64:
    """The part of a draw's hash shared by every draw of one month of one run."""
    h = splitmix64(np.uint64(seed))
    h = splitmix64(h ^ np.uint64(run))
    return splitmix64(h ^ np.uint64(step))


@njit(cache=True)
def uniform_from_key(key: np.uint64, agent: int, purpose: int) -> float:
    """``uniform`` given its month's ``step_key`` (what a compiled loop over agents uses)."""
    h = splitmix64(key ^ np.uint64(agent))
    h = splitmix64(h ^ np.uint64(purpose))
    return (h >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def uniform(seed: int, run: int, step: int, agent: int, purpose: int) -> float:
    """Uniform draw in [0, 1) for the key (seed, run, step, agent, purpose); 53 random bits."""
    return uniform_from_key(step_key(seed, run, step), agent, purpose)


@njit(cache=True)
def normal_from_key(key: np.uint64, agent: int, purpose: int) -> float:
    """Standard normal draw (Box-Muller) from the draws ``purpose`` and ``purpose + SUB``."""
    u1 = 1.0 - uniform_from_key(key, agent, purpose)  # in (0, 1]
    u2 = uniform_from_key(key, agent, purpose + SUB)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


@njit(cache=True)
def normal(seed: int, run: int, step: int, agent: int, purpose: int) -> float:
    """Standard normal draw for the key (seed, run, step, agent, purpose)."""
    return normal_from_key(step_key(seed, run, step), agent, purpose)


@njit(cache=True)
def run_seed(seed: int, run: int) -> int:
    """A 63-bit integer identifying run ``run`` of seed ``seed`` (reported in results)."""
    return np.int64(splitmix64(splitmix64(np.uint64(seed)) ^ np.uint64(run)) >> np.uint64(1))


@njit(cache=True)
def categorical(u: float, cumulative: np.ndarray) -> int:
    """Index of the category a uniform ``u`` falls in, given cumulative shares (last = 1)."""
    for k in range(len(cumulative) - 1):
        if u < cumulative[k]:
            return k
    return len(cumulative) - 1
