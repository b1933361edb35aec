"""One run's state (``RunState``): what every phase reads and writes, and how a run starts.

A ``RunState`` is a named tuple of arrays (numba passes it to compiled functions by
reference, so the Mesa face and the batch engine hold the same object): the draws' key parts
(``seed``, ``run``, the month in ``clock[0]`` and its ``rng.step_key`` in ``key[0]``), the
scenario's records (``par[0]``, ``modes``, ``phases``, ``pol``) with the policies'
eligibility, the EES
(``af``, ``ai``) and projects (``pf``, ``pi``, ``members``, ``n_projects[0]``) in the
field-major layouts of ``mutusim.contract.fields``, the authority's accounts (``au``,
``au_kind``, ``au_policy``), the month's counters and their totals (``cnt``, ``tot``), the two
networks in CSR form, the size of each output group, and the story buffer.

Story events are written to ``events`` (month, code, project, value, agent) for the traced EES:
``trace[0]`` is an EES index, ``TRACE_NONE`` or ``TRACE_ALL``. ``n_events[0]`` counts every
event traced, also those beyond the buffer's capacity (the caller checks).
"""

from __future__ import annotations

from collections import namedtuple

from numba import njit

helper = njit(cache=True, _nrt=False)
"""Compile a helper that takes the run's state and allocates nothing. Without numba's reference
counting (``_nrt=False``), passing the state costs nothing; with it, every call would count
references to each of the state's arrays (about 10 ns each, so ~300 ns a call), which per EES
and month would dominate the step. Functions that allocate arrays use plain ``njit``."""

body = njit(cache=True, _nrt=False, inline="always")
"""Compile the body of a loop over EES (or projects) that takes the state: inlined into its
caller (a ``helper`` loop) by numba, so the state is not passed through a call for every EES
(a call with the state's ~30 arrays as arguments costs some 40 ns when not inlined)."""

TRACE_NONE = -1
TRACE_ALL = -2
EVENT_COLUMNS = 5  # month, code, project, value, agent

RunState = namedtuple(
    "RunState",
    [
        "seed",
        "run",
        "clock",
        "key",
        "par",
        "modes",
        "phases",
        "pol",
        "elig",
        "af",
        "ai",
        "pf",
        "pi",
        "members",
        "n_projects",
        "au",
        "au_kind",
        "au_policy",
        "cnt",
        "tot",
        "tie_ptr",
        "tie_idx",
        "rival_ptr",
        "rival_idx",
        "n_by_class",
        "n_by_province",
        "n_by_sector",
        "events",
        "n_events",
        "trace",
    ],
)


@helper
def log_event(s, i, code, project, value):
    """Record an event of EES ``i``'s story if it is traced."""
    t = s.trace[0]
    if t == i or t == TRACE_ALL:
        k = s.n_events[0]
        if k < s.events.shape[0]:
            ev = s.events
            ev[k, 0] = s.clock[0]
            ev[k, 1] = code
            ev[k, 2] = project
            ev[k, 3] = value
            ev[k, 4] = i
        s.n_events[0] = k + 1
