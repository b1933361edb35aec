"""The compiled batch engine: the schedule of ``mutusim.model.model`` over arrays.

Each phase below mirrors the Mesa method of the same name and calls the same rules
(``mutusim.rules``), in the same order, on the same draws, so that both engines produce the
same trajectory. Nothing here computes a rule's arithmetic itself: only bookkeeping (lists,
sums, counters) and the order of visits. See ``mutusim/model/model.py`` for the schedule.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit, prange

from mutusim import rng
from mutusim.catalogue import (
    N_SERVICES,
    SERVICE_VALUE,
    SIZE_CLASS_EDGES,
    STATUS_DISSOLVED,
    STATUS_FAILED,
    STATUS_FORMING,
    STATUS_RUNNING,
)
from mutusim.engine.params import MODE_STRIDE, Par
from mutusim.engine.state import (
    AF,
    AI,
    AU,
    EV_CONVINCED,
    EV_CORE,
    EV_DISSOLUTION,
    EV_EXIT,
    EV_FORMATION_FAILED,
    EV_GRANT,
    EV_INITIATION_FAILED,
    EV_JOIN,
    EV_REWARD,
    EV_TRAINED,
    N_AF,
    N_AI,
    N_COUNTERS,
    N_PF,
    N_PI,
    PF,
    PI,
    C,
)
from mutusim.model.outputs import MAX_RING
from mutusim.policies import (
    AWARENESS,
    FACILITATOR,
    INDIVIDUAL,
    PIONEER_REWARD,
    POOLED_SUBSIDY,
    STANDARDISATION,
    TRAINING,
)
from mutusim.population.generator import _draw_attributes, _networks
from mutusim.rules import commitment as rc
from mutusim.rules import demand as rd
from mutusim.rules import economics as re
from mutusim.rules import formation as rf
from mutusim.rules import growth as rg
from mutusim.rules import initiation as ri
from mutusim.rules import policies as rp

DT = 1.0 / 12.0
N_PROVINCES = 5
SIZE_EDGES = np.array(SIZE_CLASS_EDGES)

RunState = namedtuple(
    "RunState",
    [
        "seed",
        "run",
        "clock",
        "keys",
        "par",
        "af",
        "ai",
        "pf",
        "pi",
        "members",
        "au",
        "cnt",
        "pol",
        "elig",
        "ties",
        "rivals",
    ],
)
"""One run's state as the phases see it: the draws' key parts, the month (``clock[0]``) and
its step key (``keys[0]``), parameters, the state arrays (``mutusim.engine.state``), member
lists, authority accounts, counters, policies with their eligibility, and the two networks in
CSR form."""
N_CORE_OUT = 22
N_KINDS = 7


# ----------------------------------------------------------------------------- bookkeeping
@njit(cache=True)
def _log(ev, n_ev, trace, i, month, code, project, value):
    if i == trace and n_ev[0] < ev.shape[0]:
        k = n_ev[0]
        ev[k, 0] = month
        ev[k, 1] = code
        ev[k, 2] = project
        ev[k, 3] = value
        n_ev[0] += 1


@njit(cache=True)
def _priority_order(key, agents):
    """Positions of ``agents`` (in ascending index) sorted by their priority draw of the
    month; the stable sort breaks ties by index, like the Mesa model's (priority, index)."""
    priority = np.empty(len(agents))
    for k in range(len(agents)):
        priority[k] = _draw(key, agents[k], rng.P_PRIORITY)
    return np.argsort(priority, kind="mergesort")


@njit(cache=True)
def _free(ai, i, month):
    return ai[i, AI.PROJECT] < 0 and month >= ai[i, AI.COOLDOWN_UNTIL]


@njit(cache=True)
def _draw(key, who, purpose):
    """The draw (seed, run, month, who, purpose), from the month's ``rng.step_key``."""
    return rng.uniform_from_key(key, who, purpose)


@njit(cache=True)
def _add_member(pf, pi, members, af, p, i):
    n = pi[p, PI.N]
    members[p, n] = i
    pi[p, PI.N] = n + 1
    pf[p, PF.SUM_SIZE] += af[i, AF.SIZE]
    pf[p, PF.SUM_L] += af[i, AF.LOG10_SIZE]
    pf[p, PF.SUM_L2] += af[i, AF.LOG10_SIZE] * af[i, AF.LOG10_SIZE]
    pf[p, PF.SUM_M] += af[i, AF.MATURITY_AT_JOIN]
    pf[p, PF.SUM_M2] += af[i, AF.MATURITY_AT_JOIN] * af[i, AF.MATURITY_AT_JOIN]
    pf[p, PF.SUM_D] += af[i, AF.DEPTH]
    pf[p, PF.SUM_D2] += af[i, AF.DEPTH] * af[i, AF.DEPTH]
    pf[p, PF.SUM_POSTURE] += af[i, AF.POSTURE]
    pi[p, PI.MAX_REACHED] = max(pi[p, PI.MAX_REACHED], n + 1)


@njit(cache=True)
def _remove_member(pf, pi, members, af, p, i):
    n = pi[p, PI.N]
    k = 0
    while members[p, k] != i:
        k += 1
    for j in range(k, n - 1):  # keep the order of the others, like list.remove
        members[p, j] = members[p, j + 1]
    pi[p, PI.N] = n - 1
    pf[p, PF.SUM_SIZE] -= af[i, AF.SIZE]
    pf[p, PF.SUM_L] -= af[i, AF.LOG10_SIZE]
    pf[p, PF.SUM_L2] -= af[i, AF.LOG10_SIZE] * af[i, AF.LOG10_SIZE]
    pf[p, PF.SUM_M] -= af[i, AF.MATURITY_AT_JOIN]
    pf[p, PF.SUM_M2] -= af[i, AF.MATURITY_AT_JOIN] * af[i, AF.MATURITY_AT_JOIN]
    pf[p, PF.SUM_D] -= af[i, AF.DEPTH]
    pf[p, PF.SUM_D2] -= af[i, AF.DEPTH] * af[i, AF.DEPTH]
    pf[p, PF.SUM_POSTURE] -= af[i, AF.POSTURE]


@njit(cache=True)
def _heterogeneity(pf, pi, p, standardisation):
    n = pi[p, PI.N]
    return rf.heterogeneity(
        rf.spread(pf[p, PF.SUM_L], pf[p, PF.SUM_L2], n),
        rf.spread(pf[p, PF.SUM_M], pf[p, PF.SUM_M2], n),
        rf.spread(pf[p, PF.SUM_D], pf[p, PF.SUM_D2], n),
        standardisation,
    )


@njit(cache=True)
def _mean_posture(pf, pi, p):
    n = pi[p, PI.N]
    return pf[p, PF.SUM_POSTURE] / n if n > 0 else 0.0


@njit(cache=True)
def _rival_count(ai, riv_ptr, riv_idx, par, i, p):
    if par[Par.MECH_COMPETITION] == 0.0:
        return 0
    count = 0
    for k in range(riv_ptr[i], riv_ptr[i + 1]):
        if ai[riv_idx[k], AI.PROJECT] == p:
            count += 1
    return count


# ----------------------------------------------------------------------------- authority
@njit(cache=True)
def _active(pstart, pend, k, month):
    return rp.policy_active(month, pstart[k], pend[k])


@njit(cache=True)
def _affordable(au, pbudget, par, k, amount):
    return rp.affordable(
        amount, au[AU.SPENT_TOTAL], par[Par.BUDGET], au[AU.SPENT_BASE + k], pbudget[k]
    )


@njit(cache=True)
def _pay(au, pkind, pbudget, par, k, amount):
    if not _affordable(au, pbudget, par, k, amount):
        return False
    au[AU.SPENT_TOTAL] += amount
    au[AU.SPENT_BASE + k] += amount
    au[AU.SPENT_MONTH] += amount
    au[AU.KIND_BASE + pkind[k]] += amount
    return True


@njit(cache=True)
def _pooled_subsidy(au, pol, elig, par, af, i, share, pay, month):
    pkind, pstart, pend, pparams, pbudget = pol
    total = 0.0
    for k in range(len(pkind)):
        if pkind[k] != POOLED_SUBSIDY or not _active(pstart, pend, k, month):
            continue
        if not elig[k, i]:
            continue
        amount = rp.subsidy_amount(share - total, pparams[k, 0], pparams[k, 1])
        if amount <= 0.0:
            continue
        if pay:
            if _pay(au, pkind, pbudget, par, k, amount):
                total += amount
                af[i, AF.POLICY_SUPPORT] += amount
        elif _affordable(au, pbudget, par, k, amount):
            total += amount
    return total


@njit(cache=True)
def _release_facilitator(au, pi, n_pol, p):
    k = pi[p, PI.FAC_POLICY]
    if k >= 0:
        au[AU.SPENT_BASE + n_pol + k] -= 1.0
        pi[p, PI.FAC_POLICY] = -1


# ----------------------------------------------------------------------------- utility
@njit(cache=True)
def _utility(s, i, p, joining, pay):
    """R16–R22 (mirrors MutualisationModel.utility)."""
    month, par, af, ai, pf, pi, au, cnt, pol, elig, rivals = (
        s.clock[0],
        s.par,
        s.af,
        s.ai,
        s.pf,
        s.pi,
        s.au,
        s.cnt,
        s.pol,
        s.elig,
        s.rivals,
    )
    n = pi[p, PI.N]
    n_after = n + 1 if joining else n
    sum_size = pf[p, PF.SUM_SIZE] + af[i, AF.SIZE] if joining else pf[p, PF.SUM_SIZE]
    std = au[AU.STANDARDISATION]
    het = _heterogeneity(pf, pi, p, std)
    base = Par.MODE_BASE + MODE_STRIDE * pi[p, PI.MODE]
    total = re.project_cost(n_after, par[base + 1], par[base + 2], par[Par.COORDINATION_COST], het)
    share = re.cost_share(total, n_after, af[i, AF.SIZE], sum_size, par[Par.COST_EQUITY])
    if joining:
        covered = re.covered_value_share(
            pi[p, PI.SCOPE], ai[i, AI.PERIMETER], ai[i, AI.N_NEEDED], SERVICE_VALUE
        )
    else:
        covered = af[i, AF.COVERED]
    subsidy = _pooled_subsidy(au, pol, elig, par, af, i, share, pay, month)
    paid = share - subsidy
    fit = re.depth_fit(af[i, AF.DEPTH], pf[p, PF.DEPTH_OFFERED], par[Par.MISMATCH_WEIGHT], std)
    benefit = re.membership_benefit(
        af[i, AF.STANDALONE],
        covered,
        par[Par.QUALITY_GAIN],
        fit,
        re.bargaining_power(n_after, par[Par.BARGAINING]),
        pf[p, PF.VALUE],
        par[Par.VALUE_FLOOR],
    )
    if pay:
        cnt[C.SAVINGS] += re.monthly_saving(af[i, AF.STANDALONE], covered, paid)
    n_rivals = _rival_count(ai, rivals[0], rivals[1], par, i, p)
    return re.net_utility(benefit, paid, af[i, AF.STANDALONE], n_rivals, par[Par.RIVALRY_WEIGHT])


# ----------------------------------------------------------------------------- membership
@njit(cache=True)
def _enrol(s, ev, n_ev, trace, i, p, ring):
    month, par, af, ai, pf, pi, members = (s.clock[0], s.par, s.af, s.ai, s.pf, s.pi, s.members)
    ai[i, AI.PROJECT] = p
    ai[i, AI.RING] = ring
    af[i, AF.COMMITMENT] = par[Par.C_INITIAL]
    ai[i, AI.JOINED_AT] = month
    af[i, AF.MATURITY_AT_JOIN] = af[i, AF.MATURITY]
    af[i, AF.COVERED] = re.covered_value_share(
        pi[p, PI.SCOPE], ai[i, AI.PERIMETER], ai[i, AI.N_NEEDED], SERVICE_VALUE
    )
    _add_member(pf, pi, members, af, p, i)
    _log(ev, n_ev, trace, i, month, EV_JOIN if ring > 0 else EV_CORE, p, float(ring))


@njit(cache=True)
def _leave(s, ev, n_ev, trace, i, code):
    month, par, af, ai, pf, pi, members = (s.clock[0], s.par, s.af, s.ai, s.pf, s.pi, s.members)
    p = ai[i, AI.PROJECT]
    _remove_member(pf, pi, members, af, p, i)
    ai[i, AI.PROJECT] = -1
    ai[i, AI.RING] = -1
    ai[i, AI.EXITS] += 1
    ai[i, AI.COOLDOWN_UNTIL] = month + 1 + int(par[Par.COOLDOWN])
    _log(ev, n_ev, trace, i, month, code, p, af[i, AF.COMMITMENT])


@njit(cache=True)
def _release_all(s, ev, n_ev, trace, p, code):
    members = s.members
    pi = s.pi
    n = pi[p, PI.N]
    released = members[p, :n].copy()
    for j in range(n):
        _leave(s, ev, n_ev, trace, released[j], code)
    return n


# ----------------------------------------------------------------------------- phases
@njit(cache=True)
def apply_policies(s, ev, n_ev, trace):
    """Phase 1 (Authority.apply_policies)."""
    month, par, af, ai, au, pol, elig = (s.clock[0], s.par, s.af, s.ai, s.au, s.pol, s.elig)
    pkind, pstart, pend, pparams, pbudget = pol
    n = af.shape[0]
    for k in range(len(pkind)):
        if not _active(pstart, pend, k, month):
            continue
        kind = pkind[k]
        a = pparams[k, 0]
        b = pparams[k, 1]
        c = pparams[k, 2]
        if kind == AWARENESS:
            if not _pay(au, pkind, pbudget, par, k, b):
                continue
            for i in range(n):
                if elig[k, i] and ai[i, AI.CONVINCED] == 0:
                    u = _draw(s.keys[0], i, rng.P_AWARENESS + rng.SUB * k)
                    if rp.monthly_event(u, a, DT):
                        ai[i, AI.CONVINCED] = 1
                        _log(ev, n_ev, trace, i, month, EV_CONVINCED, -1, 0.0)
        elif kind == TRAINING:
            for i in range(n):
                if not elig[k, i]:
                    continue
                u = _draw(s.keys[0], i, rng.P_TRAINING + rng.SUB * k)
                if rp.monthly_event(u, a, DT) and _pay(au, pkind, pbudget, par, k, c):
                    af[i, AF.MATURITY] = rp.trained_maturity(af[i, AF.MATURITY], b)
                    af[i, AF.POLICY_SUPPORT] += c
                    _log(ev, n_ev, trace, i, month, EV_TRAINED, -1, c)
        elif kind == STANDARDISATION:
            if _pay(au, pkind, pbudget, par, k, b):
                au[AU.STANDARDISATION] = rp.standardisation_update(au[AU.STANDARDISATION], a)
        elif kind == INDIVIDUAL:
            for i in range(n):
                if not elig[k, i] or ai[i, AI.PROJECT] >= 0 or ai[i, AI.N_NEEDED] == 0:
                    continue
                u = _draw(s.keys[0], i, rng.P_INDIVIDUAL_GRANT + rng.SUB * k)
                if rp.monthly_event(u, a, DT) and _pay(au, pkind, pbudget, par, k, c):
                    af[i, AF.SUPPORT] = rp.supported_capacity(af[i, AF.SUPPORT], b)
                    af[i, AF.POLICY_SUPPORT] += c
                    _log(ev, n_ev, trace, i, month, EV_GRANT, -1, c)


@njit(cache=True)
def assess_demand(s):
    """Phase 2 (EES.assess_demand for every EES)."""
    par = s.par
    af = s.af
    ai = s.ai
    for i in range(af.shape[0]):
        if par[Par.MECH_DEMAND] == 0.0:
            ai[i, AI.SEEKING] = 1
            continue
        gap = rd.need_gap(
            ai[i, AI.N_NEEDED],
            N_SERVICES,
            af[i, AF.MATURITY],
            af[i, AF.ADMIN],
            par[Par.ADMIN_WEIGHT],
        )
        capacity = rd.individual_capacity(af[i, AF.TENSION], af[i, AF.MATURITY], af[i, AF.SUPPORT])
        ai[i, AI.SEEKING] = rd.seeks_pooling(
            ai[i, AI.CONVINCED] == 1, gap, capacity, par[Par.AUTONOMY]
        )


@njit(cache=True)
def _recruitable(s, j):
    month = s.clock[0]
    par = s.par
    ai = s.ai
    if not _free(ai, j, month):
        return False
    if par[Par.MECH_DEMAND] == 0.0:
        return True
    return ai[j, AI.CONVINCED] == 1 and ai[j, AI.N_NEEDED] > 0


@njit(cache=True)
def _is_rival(riv_ptr, riv_idx, i, j):
    for k in range(riv_ptr[i], riv_ptr[i + 1]):
        if riv_idx[k] == j:
            return True
    return False


@njit(cache=True)
def _recruit_core(s, pioneer):
    par, af, ai, ties, rivals = (s.par, s.af, s.ai, s.ties, s.rivals)
    tie_ptr, tie_idx = ties
    lo, hi = tie_ptr[pioneer], tie_ptr[pioneer + 1]
    cand = np.empty(hi - lo, np.int64)
    neg_score = np.empty(hi - lo)
    m = 0
    competition = par[Par.MECH_COMPETITION] != 0.0
    for k in range(lo, hi):
        j = tie_idx[k]
        if not _recruitable(s, j):
            continue
        score = ri.partner_score(
            ri.needs_overlap(ai[pioneer, AI.PERIMETER], ai[j, AI.PERIMETER]),
            ri.similarity(af[pioneer, AF.LOG10_SIZE], af[j, AF.LOG10_SIZE], par[Par.SIZE_SCALE]),
            ri.similarity(af[pioneer, AF.MATURITY], af[j, AF.MATURITY], par[Par.MATURITY_SCALE]),
            af[j, AF.POSTURE],
            competition and _is_rival(rivals[0], rivals[1], pioneer, j),
            par[Par.RIVALRY_AVERSION],
        )
        if score >= par[Par.MIN_PARTNER_SCORE]:
            cand[m] = j
            neg_score[m] = -score
            m += 1
    order = np.argsort(neg_score[:m], kind="mergesort")  # ties keep ascending index
    room = min(int(par[Par.CORE_MAX]), int(par[Par.MAX_MEMBERS]) - 1)
    core = np.empty(m, np.int64)
    n_core = 0
    for o in order:
        if n_core >= room:
            break
        j = cand[o]
        if ri.accepts_partnership(_draw(s.keys[0], j, rng.P_RECRUIT), -neg_score[o]):
            core[n_core] = j
            n_core += 1
    return core[:n_core]


@njit(cache=True)
def _assign_facilitator(s, p):
    month, par, pi, au, elig = (s.clock[0], s.par, s.pi, s.au, s.elig)
    pkind, pstart, pend, pparams, pbudget = s.pol
    if par[Par.MECH_FORMATION] == 0.0:
        return
    n_pol = len(pkind)
    leader = pi[p, PI.LEADER]
    for k in range(n_pol):
        if pkind[k] != FACILITATOR or not _active(pstart, pend, k, month):
            continue
        if (
            elig[k, leader]
            and au[AU.SPENT_BASE + n_pol + k] < pparams[k, 0]
            and _affordable(au, pbudget, par, k, pparams[k, 1])
        ):
            au[AU.SPENT_BASE + n_pol + k] += 1.0
            pi[p, PI.FACILITATED] = 1
            pi[p, PI.FAC_POLICY] = k
            return


@njit(cache=True)
def _reward_pioneer(s, ev, n_ev, trace, p):
    month, par, af, pi, au, pol, elig = (s.clock[0], s.par, s.af, s.pi, s.au, s.pol, s.elig)
    pkind, pstart, pend, pparams, pbudget = pol
    leader = pi[p, PI.LEADER]
    for k in range(len(pkind)):
        if pkind[k] != PIONEER_REWARD or not _active(pstart, pend, k, month):
            continue
        amount = pparams[k, 0]
        if elig[k, leader] and _pay(au, pkind, pbudget, par, k, amount):
            af[leader, AF.POLICY_SUPPORT] += amount
            _log(ev, n_ev, trace, leader, month, EV_REWARD, p, amount)


@njit(cache=True)
def _start_running(s, ev, n_ev, trace, p):
    month, pi, au, pol = (s.clock[0], s.pi, s.au, s.pol)
    pi[p, PI.STATUS] = STATUS_RUNNING
    pi[p, PI.PHASE] = rf.PHASE_RUNNING
    pi[p, PI.RUNNING_SINCE] = month
    _release_facilitator(au, pi, len(pol[0]), p)
    _reward_pioneer(s, ev, n_ev, trace, p)


@njit(cache=True)
def _found_project(s, ev, n_ev, trace, n_proj, pioneer, core, mode_cum):
    month, par, af, ai, pf, pi, members, cnt = (
        s.clock[0],
        s.par,
        s.af,
        s.ai,
        s.pf,
        s.pi,
        s.members,
        s.cnt,
    )
    p = n_proj[0]
    n_proj[0] += 1
    pi[p, PI.MODE] = rng.categorical(_draw(s.keys[0], p, rng.P_PROJECT_MODE), mode_cum)
    pi[p, PI.LEADER] = pioneer
    pi[p, PI.CREATED] = month
    pi[p, PI.STATUS] = STATUS_FORMING
    pi[p, PI.PHASE] = 1
    _enrol(s, ev, n_ev, trace, pioneer, p, 0)
    for j in core:
        _enrol(s, ev, n_ev, trace, j, p, 0)
    n = pi[p, PI.N]
    for k in range(N_SERVICES):
        count = 0
        for m in range(n):
            count += (ai[members[p, m], AI.PERIMETER] >> k) & 1
        if rf.service_in_scope(count, n, par[Par.SCOPE_QUORUM]):
            pi[p, PI.SCOPE] |= np.int64(1) << np.int64(k)
    for m in range(n):
        i = members[p, m]
        af[i, AF.COVERED] = re.covered_value_share(
            pi[p, PI.SCOPE], ai[i, AI.PERIMETER], ai[i, AI.N_NEEDED], SERVICE_VALUE
        )
    pf[p, PF.DEPTH_OFFERED] = pf[p, PF.SUM_D] / n
    _assign_facilitator(s, p)
    base = Par.MODE_BASE + MODE_STRIDE * pi[p, PI.MODE]
    pf[p, PF.GOVERNANCE] = rf.governance_quality(
        par[Par.GOV_BASE],
        par[base + 3],
        _mean_posture(pf, pi, p),
        pi[p, PI.FACILITATED] == 1,
        par[Par.GOV_FAC_BONUS],
        _draw(s.keys[0], p, rng.P_PROJECT_GOVERNANCE),
        par[Par.GOV_NOISE],
    )
    cnt[C.NEW] += 1.0
    if par[Par.MECH_FORMATION] == 0.0:
        _start_running(s, ev, n_ev, trace, p)


@njit(cache=True)
def initiate_projects(s, ev, n_ev, trace, n_proj, mode_cum):
    """Phase 3 (MutualisationModel.initiate_projects)."""
    month, par, af, ai, au, cnt, pol, elig = (
        s.clock[0],
        s.par,
        s.af,
        s.ai,
        s.au,
        s.cnt,
        s.pol,
        s.elig,
    )
    pkind, pstart, pend, pparams, pbudget = pol
    n = af.shape[0]
    pioneers = np.empty(n, np.int64)
    n_pioneers = 0
    for i in range(n):
        if not (ai[i, AI.SEEKING] == 1 and _free(ai, i, month)):
            continue
        boost = 0.0
        for k in range(len(pkind)):
            if pkind[k] == PIONEER_REWARD and _active(pstart, pend, k, month):
                if elig[k, i] and _affordable(au, pbudget, par, k, pparams[k, 0]):
                    boost += pparams[k, 1]
        p = ri.initiation_probability(af[i, AF.LEADERSHIP], par[Par.PIONEER_RATE], boost, DT)
        if _draw(s.keys[0], i, rng.P_INITIATE) < p:
            pioneers[n_pioneers] = i
            n_pioneers += 1
    for o in _priority_order(s.keys[0], pioneers[:n_pioneers]):
        i = pioneers[o]
        if ai[i, AI.PROJECT] >= 0:
            continue
        if n_proj[0] >= int(par[Par.MAX_PROJECTS]):
            cnt[C.INIT_FAILED] += 1.0
            continue
        core = _recruit_core(s, i)
        if len(core) < int(par[Par.CORE_MIN]):
            cnt[C.INIT_FAILED] += 1.0
            _log(ev, n_ev, trace, i, month, EV_INITIATION_FAILED, -1, float(len(core)))
            continue
        _found_project(s, ev, n_ev, trace, n_proj, i, core, mode_cum)


@njit(cache=True)
def _viable(s, p):
    members = s.members
    pi = s.pi
    total = 0.0
    for m in range(pi[p, PI.N]):
        total += _utility(s, members[p, m], p, False, False)
    return total >= 0.0


@njit(cache=True)
def _rival_share(s, p):
    par, ai, pi, members, rivals = (s.par, s.ai, s.pi, s.members, s.rivals)
    n = pi[p, PI.N]
    if n < 2:
        return 0.0
    count = 0
    for m in range(n):
        count += _rival_count(ai, rivals[0], rivals[1], par, members[p, m], p)
    return (count / 2.0) / (n * (n - 1) / 2.0)


@njit(cache=True)
def advance_formation(s, ev, n_ev, trace, n_proj):
    """Phase 4 (MutualisationModel.advance_formation)."""
    month, par, pf, pi, au, cnt, pol = (s.clock[0], s.par, s.pf, s.pi, s.au, s.cnt, s.pol)
    pkind, pstart, pend, pparams, pbudget = pol
    n_pol = len(pkind)
    for p in range(n_proj[0]):
        if pi[p, PI.STATUS] != STATUS_FORMING:
            continue
        k = pi[p, PI.FAC_POLICY]
        if k >= 0:
            if not (
                _active(pstart, pend, k, month) and _pay(au, pkind, pbudget, par, k, pparams[k, 1])
            ):
                _release_facilitator(au, pi, n_pol, p)
                pi[p, PI.FACILITATED] = 0
        std = au[AU.STANDARDISATION]
        het = _heterogeneity(pf, pi, p, std)
        rival_share = _rival_share(s, p) if par[Par.MECH_COMPETITION] != 0.0 else 0.0
        facilitated = pi[p, PI.FACILITATED] == 1
        failure = rf.phase_failure_probability(
            par[Par.BASE_FAILURE],
            het,
            par[Par.F_HET_WEIGHT],
            _mean_posture(pf, pi, p),
            par[Par.F_POSTURE_WEIGHT],
            rival_share,
            par[Par.F_RIVALRY_WEIGHT],
            facilitated,
            par[Par.FAC_EFFECT],
        )
        advance = rf.phase_advance_probability(
            par[Par.PHASE_MONTHS], facilitated, par[Par.FAC_SPEEDUP]
        )
        outcome = rf.phase_transition(_draw(s.keys[0], p, rng.P_PHASE), failure, advance)
        if outcome == rf.ADVANCE:
            if pi[p, PI.PHASE] == rf.PHASE_SHARED_BASE and pi[p, PI.SCOPE] == 0:
                outcome = rf.FAIL
            elif pi[p, PI.PHASE] == rf.PHASE_FINANCIAL_PLAN and not _viable(s, p):
                outcome = rf.FAIL
        if outcome == rf.FAIL:
            pi[p, PI.STATUS] = STATUS_FAILED
            pi[p, PI.ENDED] = month
            _release_facilitator(au, pi, n_pol, p)
            _release_all(s, ev, n_ev, trace, p, EV_FORMATION_FAILED)
            cnt[C.FORM_FAILED] += 1.0
        elif outcome == rf.ADVANCE:
            pi[p, PI.PHASE] += 1
            if pi[p, PI.PHASE] == rf.PHASE_RUNNING:
                _start_running(s, ev, n_ev, trace, p)


@njit(cache=True)
def grow_circles(s, ev, n_ev, trace, n_proj):
    """Phase 5 (MutualisationModel.grow_circles)."""
    month, par, af, ai, pi, cnt, ties = (s.clock[0], s.par, s.af, s.ai, s.pi, s.cnt, s.ties)
    tie_ptr, tie_idx = ties
    well_mixed = par[Par.WELL_MIXED] != 0.0
    cap = int(par[Par.MAX_MEMBERS])
    use_utility = par[Par.MECH_UTILITY] != 0.0
    largest = -1
    for p in range(n_proj[0]):
        if pi[p, PI.STATUS] == STATUS_RUNNING and pi[p, PI.N] < cap:
            if largest < 0 or pi[p, PI.N] > pi[largest, PI.N]:
                largest = p
    if largest < 0:
        return
    n = af.shape[0]
    chosen = np.empty(n, np.int64)
    agent = np.empty(n, np.int64)
    inner_ring = np.empty(n, np.int64)
    n_dec = 0
    seen = np.empty(64, np.int64)
    counts = np.empty(64, np.int64)
    inner = np.empty(64, np.int64)
    for i in range(n):
        if not (ai[i, AI.SEEKING] == 1 and _free(ai, i, month)):
            continue
        if well_mixed:
            p = largest
            influence = pi[p, PI.N] / n
            ring_in = -1
        else:
            deg = tie_ptr[i + 1] - tie_ptr[i]
            if deg > len(seen):
                seen = np.empty(deg, np.int64)
                counts = np.empty(deg, np.int64)
                inner = np.empty(deg, np.int64)
            n_seen = 0
            for k in range(tie_ptr[i], tie_ptr[i + 1]):
                j = tie_idx[k]
                q = ai[j, AI.PROJECT]
                if q < 0 or pi[q, PI.STATUS] != STATUS_RUNNING or pi[q, PI.N] >= cap:
                    continue
                found = -1
                for m in range(n_seen):
                    if seen[m] == q:
                        found = m
                        break
                if found < 0:
                    seen[n_seen] = q
                    counts[n_seen] = 1
                    inner[n_seen] = ai[j, AI.RING]
                    n_seen += 1
                else:
                    counts[found] += 1
                    inner[found] = min(inner[found], ai[j, AI.RING])
            if n_seen == 0:
                continue
            best = 0
            for m in range(1, n_seen):
                if counts[m] > counts[best] or (counts[m] == counts[best] and seen[m] < seen[best]):
                    best = m
            p = seen[best]
            influence = counts[best] / deg
            ring_in = inner[best]
        utility = _utility(s, i, p, True, False) if use_utility else 0.0
        attract = rg.attractiveness(utility, par[Par.TEMPERATURE], use_utility)
        prob = rg.join_probability(
            par[Par.INNOVATION],
            par[Par.IMITATION],
            influence,
            attract,
            af[i, AF.THRESHOLD],
            DT,
        )
        if prob > 0.0 and _draw(s.keys[0], i, rng.P_JOIN) < prob:
            agent[n_dec] = i
            chosen[n_dec] = p
            inner_ring[n_dec] = ring_in
            n_dec += 1
    for o in _priority_order(s.keys[0], agent[:n_dec]):
        p = chosen[o]
        if pi[p, PI.N] >= cap:
            cnt[C.REFUSED] += 1.0
            continue
        _enrol(s, ev, n_ev, trace, agent[o], p, rg.joiner_ring(inner_ring[o], well_mixed))
        cnt[C.JOINS] += 1.0


@njit(cache=True)
def reassess_commitment(s, ev, n_ev, trace, n_proj):
    """Phase 6 (MutualisationModel.reassess_commitment)."""
    month, par, af, ai, pf, pi, cnt = (s.clock[0], s.par, s.af, s.ai, s.pf, s.pi, s.cnt)
    n_p = n_proj[0]
    collab = np.zeros(n_p)
    utility_sum = np.zeros(n_p)
    for p in range(n_p):
        if pi[p, PI.STATUS] == STATUS_RUNNING:
            collab[p] = _mean_posture(pf, pi, p)
    n = af.shape[0]
    leaving = np.empty(n, np.int64)
    n_leave = 0
    decay = par[Par.MECH_DECAY] != 0.0
    for i in range(n):
        p = ai[i, AI.PROJECT]
        if p < 0 or pi[p, PI.STATUS] != STATUS_RUNNING:
            continue
        u = _utility(s, i, p, False, True)
        utility_sum[p] += u
        if decay:
            mitigation = rc.erosion_mitigation(
                pf[p, PF.GOVERNANCE],
                collab[p],
                par[Par.COST_EQUITY],
                pi[p, PI.FACILITATED] == 1,
                par[Par.W_GOVERNANCE],
                par[Par.W_COLLABORATION],
                par[Par.W_EQUITY],
                par[Par.W_FACILITATION],
            )
            kind = rc.shock_kind(
                _draw(s.keys[0], i, rng.P_SHOCK),
                par[Par.P_MANAGEMENT],
                par[Par.P_REORIENTATION],
                par[Par.P_POLITICAL],
                par[Par.P_COST],
            )
            loss = rc.shock_loss(
                kind,
                par[Par.L_MANAGEMENT],
                par[Par.L_REORIENTATION],
                par[Par.L_POLITICAL],
                par[Par.L_COST],
                pi[p, PI.N],
                par[Par.RISK_SHARING],
            )
            af[i, AF.COMMITMENT] = rc.commitment_update(
                af[i, AF.COMMITMENT], par[Par.EROSION], mitigation, par[Par.RESTORATION], u, loss
            )
            if rc.leaves(af[i, AF.COMMITMENT], par[Par.EXIT_THRESHOLD]):
                leaving[n_leave] = i
                n_leave += 1
        if par[Par.MECH_MATURITY] != 0.0:
            af[i, AF.MATURITY] = re.maturity_gain(
                af[i, AF.MATURITY], par[Par.MATURITY_RATE], collab[p]
            )
    for p in range(n_p):
        if pi[p, PI.STATUS] == STATUS_RUNNING and pi[p, PI.N] > 0:
            pf[p, PF.VALUE] = re.demonstrated_value_update(
                pf[p, PF.VALUE], utility_sum[p] / pi[p, PI.N], par[Par.VALUE_TC]
            )
    for k in range(n_leave):
        _leave(s, ev, n_ev, trace, leaving[k], EV_EXIT)
        cnt[C.EXITS] += 1.0
    if par[Par.MECH_DISSOLUTION] != 0.0:
        for p in range(n_p):
            if pi[p, PI.STATUS] == STATUS_RUNNING and rc.dissolves(
                pi[p, PI.N], int(par[Par.MIN_MEMBERS]), pi[p, PI.ANCHORED] == 1
            ):
                pi[p, PI.STATUS] = STATUS_DISSOLVED
                pi[p, PI.ENDED] = month
                cnt[C.RELEASED] += _release_all(s, ev, n_ev, trace, p, EV_DISSOLUTION)
                cnt[C.DISSOLVED] += 1.0


# ----------------------------------------------------------------------------- outputs
@njit(cache=True)
def collect(s, n_proj, tot, out_row, n_sectors, class_count, province_count, sector_count):
    """Outputs in ``mutusim.model.outputs.output_names`` order (mirrors collect_outputs)."""
    af, ai, pi, au, cnt = (s.af, s.ai, s.pi, s.au, s.cnt)
    n = af.shape[0]
    adopters = 0
    seeking = 0
    convinced = 0
    maturity = 0.0
    commitment = 0.0
    by_class = np.zeros(3)
    by_province = np.zeros(N_PROVINCES)
    by_sector = np.zeros(n_sectors)
    rings = np.zeros(MAX_RING + 1)
    for i in range(n):
        seeking += ai[i, AI.SEEKING]
        convinced += ai[i, AI.CONVINCED]
        maturity += af[i, AF.MATURITY]
        p = ai[i, AI.PROJECT]
        if p >= 0 and pi[p, PI.STATUS] == STATUS_RUNNING:
            adopters += 1
            commitment += af[i, AF.COMMITMENT]
            by_class[ai[i, AI.SIZE_CLASS]] += 1
            by_province[ai[i, AI.PROVINCE]] += 1
            by_sector[ai[i, AI.SECTOR]] += 1
            rings[min(ai[i, AI.RING], MAX_RING)] += 1
    forming = 0
    running = 0
    for p in range(n_proj[0]):
        forming += pi[p, PI.STATUS] == STATUS_FORMING
        running += pi[p, PI.STATUS] == STATUS_RUNNING
    for key in (
        C.JOINS,
        C.EXITS,
        C.RELEASED,
        C.NEW,
        C.INIT_FAILED,
        C.FORM_FAILED,
        C.DISSOLVED,
        C.SAVINGS,
    ):
        tot[key] += cnt[key]
    o = out_row
    o[0] = adopters / n
    o[1] = float(adopters)
    o[2] = seeking / n
    o[3] = convinced / n
    o[4] = maturity / n
    o[5] = commitment / adopters if adopters else 0.0
    o[6] = float(forming)
    o[7] = float(running)
    o[8] = tot[C.NEW]
    o[9] = tot[C.FORM_FAILED]
    o[10] = tot[C.DISSOLVED]
    o[11] = tot[C.INIT_FAILED]
    o[12] = cnt[C.JOINS]
    o[13] = cnt[C.EXITS]
    o[14] = cnt[C.RELEASED]
    o[15] = cnt[C.REFUSED]
    o[16] = tot[C.EXITS]
    o[17] = cnt[C.SAVINGS]
    o[18] = tot[C.SAVINGS]
    o[19] = au[AU.SPENT_MONTH]
    o[20] = au[AU.SPENT_TOTAL]
    o[21] = au[AU.STANDARDISATION]
    j = N_CORE_OUT
    for kind in range(N_KINDS):
        o[j] = au[AU.KIND_BASE + kind]
        j += 1
    for c in range(3):
        o[j] = by_class[c] / class_count[c] if class_count[c] > 0 else 0.0
        j += 1
    for c in range(N_PROVINCES):
        o[j] = by_province[c] / province_count[c] if province_count[c] > 0 else 0.0
        j += 1
    for c in range(n_sectors):
        o[j] = by_sector[c] / sector_count[c] if sector_count[c] > 0 else 0.0
        j += 1
    for r in range(MAX_RING + 1):
        o[j] = rings[r]
        j += 1


# ----------------------------------------------------------------------------- one run
@njit(cache=True)
def run_one(
    seed,
    run,
    par,
    pop_params,
    pol,
    pol_elig,
    init_projects,
    n_sectors,
    out,
    proj_out,
    trace,
    ev,
    n_ev,
):
    """Generate run ``run``'s population, simulate every month and write its outputs.

    ``out[step, :]`` receives the outputs after ``step`` months (step 0 = initial state);
    ``proj_out[p, :]`` project ``p``'s status, mode, leader, created, running_since, ended,
    members_end, max_members, facilitated, governance, anchored (``PROJECT_COLUMNS``) for the
    projects that fit; the return value is the number of projects created. When ``trace`` is
    an EES index, its events go to ``ev`` (month, code, project, value), ``n_ev[0]`` of them.
    """
    scal, form_cum, sector_cum, sector_mult, province_cum, service_prob, thresholds, n_agents = (
        pop_params
    )
    attrs = _draw_attributes(
        seed,
        run,
        n_agents,
        scal,
        form_cum,
        sector_cum,
        sector_mult,
        province_cum,
        service_prob,
        thresholds,
    )
    (
        legal_form,
        sector,
        province,
        size,
        log10_size,
        depth,
        perimeter,
        n_needed,
        tension,
        admin,
        posture,
        leadership,
        threshold,
        maturity,
        convinced,
    ) = attrs
    tie_ptr, tie_idx, riv_ptr, riv_idx = _networks(seed, run, sector, province, n_sectors, scal)
    n = n_agents
    af = np.zeros((n, N_AF))
    ai = np.zeros((n, N_AI), np.int64)
    af[:, AF.SIZE] = size
    af[:, AF.LOG10_SIZE] = log10_size
    af[:, AF.DEPTH] = depth
    af[:, AF.TENSION] = tension
    af[:, AF.ADMIN] = admin
    af[:, AF.POSTURE] = posture
    af[:, AF.LEADERSHIP] = leadership
    af[:, AF.THRESHOLD] = threshold
    af[:, AF.MATURITY] = maturity
    ai[:, AI.LEGAL_FORM] = legal_form
    ai[:, AI.SECTOR] = sector
    ai[:, AI.PROVINCE] = province
    ai[:, AI.PERIMETER] = perimeter
    ai[:, AI.N_NEEDED] = n_needed
    ai[:, AI.CONVINCED] = convinced
    ai[:, AI.PROJECT] = -1
    ai[:, AI.RING] = -1
    ai[:, AI.JOINED_AT] = -1
    class_count = np.zeros(3)
    province_count = np.zeros(N_PROVINCES)
    sector_count = np.zeros(n_sectors)
    for i in range(n):
        af[i, AF.STANDALONE] = re.standalone_cost(n_needed[i], depth[i], par[Par.SERVICE_COST])
        ai[i, AI.SIZE_CLASS] = np.searchsorted(SIZE_EDGES, size[i], side="right")
        class_count[ai[i, AI.SIZE_CLASS]] += 1
        province_count[province[i]] += 1
        sector_count[sector[i]] += 1
    size_min, size_max, sector_mask, province_mask, form_mask = pol_elig
    n_pol = len(pol[0])
    elig = np.zeros((n_pol, n), np.bool_)
    for k in range(n_pol):
        for i in range(n):
            elig[k, i] = rp.eligible(
                size[i],
                sector[i],
                province[i],
                legal_form[i],
                size_min[k],
                size_max[k],
                sector_mask[k],
                province_mask[k],
                form_mask[k],
            )
    ip_members, ip_anchored, ip_scope, ip_mode, ip_governance = init_projects
    max_p = int(par[Par.MAX_PROJECTS])
    cap = max(int(par[Par.MAX_MEMBERS]), int(par[Par.CORE_MAX]) + 1)
    for k in range(len(ip_members)):
        cap = max(cap, ip_members[k])
    max_p = max(max_p, len(ip_members))
    pf = np.zeros((max_p, N_PF))
    pi = np.zeros((max_p, N_PI), np.int64)
    pi[:, PI.FAC_POLICY] = -1
    pi[:, PI.RUNNING_SINCE] = -1
    pi[:, PI.ENDED] = -1
    pi[:, PI.LEADER] = -1
    members = np.empty((max_p, cap), np.int64)
    au = np.zeros(AU.SPENT_BASE + 2 * n_pol)
    cnt = np.zeros(N_COUNTERS)
    tot = np.zeros(N_COUNTERS)
    n_proj = np.zeros(1, np.int64)
    mode_cum = np.cumsum(np.array([par[Par.MODE_BASE + MODE_STRIDE * m] for m in range(3)]))
    ties = (tie_ptr, tie_idx)
    rivals = (riv_ptr, riv_idx)
    clock = np.zeros(1, np.int64)  # the month, shared by every phase
    keys = np.zeros(1, np.uint64)  # the month's rng.step_key
    keys[0] = rng.step_key(seed, run, 0)
    s = RunState(
        seed, run, clock, keys, par, af, ai, pf, pi, members, au, cnt, pol, elig, ties, rivals
    )
    first = 0
    for k in range(len(ip_members)):  # MutualisationModel._create_initial_projects
        p = n_proj[0]
        n_proj[0] += 1
        pi[p, PI.MODE] = ip_mode[k]
        pi[p, PI.SCOPE] = ip_scope[k]
        pi[p, PI.ANCHORED] = ip_anchored[k]
        pf[p, PF.GOVERNANCE] = ip_governance[k]
        pi[p, PI.STATUS] = STATUS_RUNNING
        pi[p, PI.PHASE] = rf.PHASE_RUNNING
        pi[p, PI.RUNNING_SINCE] = 0
        pf[p, PF.VALUE] = 1.0
        for i in range(first, first + ip_members[k]):
            _enrol(s, ev, n_ev, trace, i, p, 0)
        first += ip_members[k]
        m = pi[p, PI.N]
        pf[p, PF.DEPTH_OFFERED] = pf[p, PF.SUM_D] / m if m else 0.5
        if m > 0:
            pi[p, PI.LEADER] = members[p, 0]
    collect(s, n_proj, tot, out[0], n_sectors, class_count, province_count, sector_count)
    horizon = int(par[Par.HORIZON])
    for month in range(horizon):
        clock[0] = month
        keys[0] = rng.step_key(seed, run, month)
        cnt[:] = 0.0
        au[AU.SPENT_MONTH] = 0.0
        au[AU.KIND_BASE : AU.KIND_BASE + N_KINDS] = 0.0
        apply_policies(s, ev, n_ev, trace)
        assess_demand(s)
        if par[Par.MECH_PIONEERS] != 0.0:
            initiate_projects(s, ev, n_ev, trace, n_proj, mode_cum)
        advance_formation(s, ev, n_ev, trace, n_proj)
        if par[Par.MECH_GROWTH] != 0.0:
            grow_circles(s, ev, n_ev, trace, n_proj)
        reassess_commitment(s, ev, n_ev, trace, n_proj)
        collect(
            s, n_proj, tot, out[month + 1], n_sectors, class_count, province_count, sector_count
        )
    n_p = min(n_proj[0], proj_out.shape[0])
    for p in range(n_p):
        proj_out[p, 0] = pi[p, PI.STATUS]
        proj_out[p, 1] = pi[p, PI.MODE]
        proj_out[p, 2] = pi[p, PI.LEADER]
        proj_out[p, 3] = pi[p, PI.CREATED]
        proj_out[p, 4] = pi[p, PI.RUNNING_SINCE]
        proj_out[p, 5] = pi[p, PI.ENDED]
        proj_out[p, 6] = pi[p, PI.N] if pi[p, PI.STATUS] == STATUS_RUNNING else 0
        proj_out[p, 7] = pi[p, PI.MAX_REACHED]
        proj_out[p, 8] = pi[p, PI.FACILITATED]
        proj_out[p, 9] = pf[p, PF.GOVERNANCE]
        proj_out[p, 10] = pi[p, PI.ANCHORED]
    return n_proj[0]


@njit(cache=True, parallel=True)
def run_batch(
    seed,
    runs,
    pars,
    pop_params,
    pols,
    pol_eligs,
    init_projects,
    n_sectors,
    out,
    proj_out,
    n_projects,
):
    """Runs ``runs[r]`` with parameters ``pars[r]`` in parallel (one thread per run)."""
    no_events = np.zeros((0, 4))
    for r in prange(len(runs)):
        pkind, pstart, pend, pparams, pbudget = pols
        size_min, size_max, sector_mask, province_mask, form_mask = pol_eligs
        pol = (pkind[r], pstart[r], pend[r], pparams[r], pbudget[r])
        elig = (size_min[r], size_max[r], sector_mask[r], province_mask[r], form_mask[r])
        n_ev = np.zeros(1, np.int64)
        n_projects[r] = run_one(
            seed,
            runs[r],
            pars[r],
            pop_params,
            pol,
            elig,
            init_projects,
            n_sectors,
            out[r],
            proj_out[r],
            -1,
            no_events,
            n_ev,
        )
