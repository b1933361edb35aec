"""Phase 2 — demand (R01–R03, R48–R51): need is not demand (§4.2).

Every EES, in ascending index: a leader outside any project may gain or lose its
conviction (R50); its latent demand is R03 (convinced, and an unmet need beyond what it can do
alone). An EES without latent demand stops seeking. A pioneer acts on its latent demand
(§4.2, §8.1). Otherwise latent demand seeks only once activated, and active demand outside a
project fades (R49). Then every EES with latent demand that is neither seeking nor in a
project may be activated — by a running project among its ties that shows its value (R48) or
by a facilitator's contact (R51: each paid facilitator policy shares its contacts among the
eligible candidates). With ``mechanisms.activation`` off, latent demand is active demand; with
``mechanisms.demand`` off, every EES seeks.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from mutusim import rng
from mutusim.catalogue import DT, N_SERVICES, STATUS_RUNNING
from mutusim.contract.fields import AF, AI, EV, PA, PF, PI, C
from mutusim.contract.policy_layout import K
from mutusim.phases.shared import draw
from mutusim.phases.state import body, helper, log_event
from mutusim.rules import demand as rd
from mutusim.rules import policies as rp

SHOWN, CONTACTED, INVITED = 1.0, 2.0, 3.0
"""Sources of an activation (the value of its story event)."""


@helper
def _latent(s, i):
    """R01–R03 for EES ``i``."""
    par, af, ai = s.par[0], s.af, s.ai
    gap = rd.need_gap(
        ai[AI.n_needed, i],
        N_SERVICES,
        af[AF.maturity, i],
        af[AF.admin_pressure, i],
        par.behaviour_admin_weight,
    )
    capacity = rd.individual_capacity(
        af[AF.financial_tension, i], af[AF.maturity, i], af[AF.individual_support, i]
    )
    return rd.seeks_pooling(
        ai[AI.convinced, i] == 1, gap, capacity, par.behaviour_autonomy_preference
    )


@njit(cache=True)
def _shown_values(s):
    """What each EES shows its ties (R48): its project's demonstrated value if that project
    runs, else 0 — a compact array the waiting EES read for each of their ties."""
    project, status, value = s.ai[AI.project], s.pi[PI.status], s.pf[PF.demonstrated_value]
    shown = np.zeros(len(project))
    for j in range(len(project)):
        p = project[j]
        if p >= 0 and status[p] == STATUS_RUNNING:
            shown[j] = value[p]
    return shown


@helper
def _shown(s, i, shown_by):
    """The pressure of R48 on ``i``: its ties in running projects, each weighted by its
    project's demonstrated value (``shown_by``), over its ties."""
    lo, hi = s.tie_ptr[i], s.tie_ptr[i + 1]
    if hi == lo:
        return 0.0
    total = 0.0
    for k in range(lo, hi):
        total += shown_by[s.tie_idx[k]]
    return total / (hi - lo)


@helper
def activate(s, i, source):
    """EES ``i``'s latent demand becomes active (``source``: SHOWN, CONTACTED or INVITED)."""
    s.ai[AI.seeking, i] = 1
    s.cnt[C.activations] += 1.0
    log_event(s, i, EV.activated, -1, source)


@body
def _update(s, i, candidates, p_gain, p_fade, p_stop):
    """Conviction, latent demand and the fading of active demand for EES ``i``; counts it as
    a candidate of the facilitator policies it is eligible to when its latent demand waits."""
    par, ai = s.par[0], s.ai
    outside = ai[AI.project, i] < 0
    if outside and par.mechanisms_activation:
        was = ai[AI.convinced, i] == 1
        now = rd.conviction_changes(draw(s, i, rng.P_CONVICTION), was, p_gain, p_fade)
        if now != was:
            ai[AI.convinced, i] = now
            log_event(s, i, EV.conviction_changed, -1, 1.0 if now else 0.0)
    latent = _latent(s, i)
    ai[AI.latent, i] = latent
    if not latent or not par.mechanisms_activation or ai[AI.pioneer, i] == 1:
        ai[AI.seeking, i] = latent
        return
    if ai[AI.seeking, i] == 1:
        if not (outside and rd.demand_fades(draw(s, i, rng.P_DEMAND_FADE), p_stop)):
            return
        ai[AI.seeking, i] = 0  # faded: waits again, a candidate for the facilitators
        log_event(s, i, EV.demand_faded, -1, 0.0)
    if outside:
        for k in range(len(s.pol)):
            if s.au_policy[PA.paid, k] == 1.0 and s.elig[k, i]:
                candidates[k] += 1


@body
def _wake(s, i, candidates, shown_by):
    """Activation of EES ``i``'s waiting latent demand: by a facilitator's contact (R51) or a
    project shown among its ties (R48)."""
    par = s.par[0]
    for k in range(len(s.pol)):
        q = s.pol[k]
        if q.kind != K.facilitator or s.au_policy[PA.paid, k] != 1.0 or not s.elig[k, i]:
            continue
        capacity = q.facilitator_facilitators * q.facilitator_contacts_per_facilitator_month
        reach = rd.contact_probability(capacity, candidates[k])
        if draw(s, i, rng.P_FACILITATOR_CONTACT + rng.SUB * k) < reach:
            s.cnt[C.facilitator_contacts] += 1.0
            activate(s, i, CONTACTED)
            return
    shown = _shown(s, i, shown_by)
    if shown > 0.0:
        p = rd.demonstration_activation(shown, par.demand_demonstration_rate, DT)
        if draw(s, i, rng.P_DEMONSTRATION) < p:
            activate(s, i, SHOWN)


@helper
def _update_all(s, candidates, p_gain, p_fade, p_stop):
    for i in range(s.ai.shape[1]):
        _update(s, i, candidates, p_gain, p_fade, p_stop)


@helper
def _wake_all(s, candidates, shown_by):
    ai = s.ai
    for i in range(ai.shape[1]):
        if ai[AI.latent, i] == 1 and ai[AI.seeking, i] == 0 and ai[AI.project, i] < 0:
            _wake(s, i, candidates, shown_by)


@njit(cache=True)
def assess_demand(s):
    """Phase 2 over every EES: update, then activation of waiting latent demand."""
    par, ai = s.par[0], s.ai
    if not par.mechanisms_demand:
        ai[AI.latent, :] = 1
        ai[AI.seeking, :] = 1
        return
    candidates = np.zeros(len(s.pol), np.int64)
    p_gain = rp.monthly_probability(par.demand_conviction_gain, DT)
    p_fade = rp.monthly_probability(par.demand_conviction_fade, DT)
    p_stop = rp.monthly_probability(par.demand_activation_fade, DT)
    _update_all(s, candidates, p_gain, p_fade, p_stop)
    if par.mechanisms_activation:
        _wake_all(s, candidates, _shown_values(s))
