"""The month step of mutusim: small compiled phases over one run's state, the only schedule.

Both faces run it: the batch engine (``mutusim.engine``) loops it over months and runs in
compiled code; the Mesa model (``mutusim.model``) holds one run's state and calls it once per
``step()``. Schedule of one step (month ``t``, 0-based; each phase completes before the next):

0. The month's counters and the authority's monthly spending are reset.
1. **apply_policies** (R35–R42, R51, R52): awareness contacts, facilitators' salaries,
   training, standardisation, individual grants, in the scenario's order; EES in ascending
   index; each payment only if it fits the budgets.
2. **assess_demand** (R01–R03, R48–R51, R58): conviction, latent demand and the fading of
   active demand for every EES, then the activation of waiting latent demand by facilitators'
   contacts and by running projects among its ties (§4.2: need is not demand).
3. **initiate_projects** (R04–R08, R38; when ``mechanisms.pioneers``): pioneer candidates by
   hazard, founding in ascending priority draw (ties: index), then cores brokered by
   facilitators.
4. **advance_formation** (R09–R15, R44, R47, R53–R57): forming projects, ascending index: the
   partner search, then fail, advance or stay on one draw; a completed phase does its content
   (scope and mode, tiers, financial plan).
5. **grow_circles** (R16–R28, R43, R45; when ``mechanisms.growth``): synchronous join
   decisions, applied in ascending priority draw; a full project refuses.
6. **reassess_commitment** (R16–R25, R29–R34, R41, R46): members' subsidies, utility,
   commitment and maturity from the start-of-phase state; demonstrated value; exits in
   ascending index; dissolutions in ascending project index.
7. **collect**: the outputs (``mutusim.contract.outputs``).

Each phase is a module of the same name. ``shared`` holds what several phases use (draws,
membership bookkeeping, accounts, the valuation of a membership); ``state`` the run's state;
``start`` how a run starts; ``inputs`` a scenario compiled into arrays; ``invariants`` the
checks the test suite runs after every month. docs/ODD.md section 3 details the order and the
conflict rules.
"""

from mutusim.phases.inputs import ScenarioInputs, scenario_inputs
from mutusim.phases.start import new_run_state
from mutusim.phases.state import TRACE_ALL, TRACE_NONE, RunState
from mutusim.phases.step import export_projects, month_step, run_months

__all__ = [
    "TRACE_ALL",
    "TRACE_NONE",
    "RunState",
    "ScenarioInputs",
    "export_projects",
    "month_step",
    "new_run_state",
    "run_months",
    "scenario_inputs",
]
