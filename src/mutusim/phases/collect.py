"""Phase 7 — collect: the outputs of the state after the month's phases (BRIEF §2.3), in the
column order of ``mutusim.contract.outputs``; the month's counters are added to the totals."""

from __future__ import annotations

import numpy as np
from numba import njit

from mutusim.catalogue import STATUS_FORMING, STATUS_RUNNING
from mutusim.config.schema import MAX_POLICIES
from mutusim.contract.fields import AF, AI, AU, PA, PI, C
from mutusim.contract.outputs import MAX_RING, N_CORE, RING_NAMES, O
from mutusim.contract.policy_layout import N_KINDS
from mutusim.phases.shared import committed
from mutusim.phases.state import helper


@helper
def _shares(out, first, count, total):
    for c in range(len(count)):
        out[first + c] = count[c] / total[c] if total[c] > 0 else 0.0


@njit(cache=True)
def collect(s, out):
    """Write the outputs into the row ``out``."""
    af, ai, pi, cnt, tot = s.af, s.ai, s.pi, s.cnt, s.tot
    n = af.shape[1]
    adopters = 0
    seeking = 0
    latent = 0
    convinced = 0
    maturity = 0.0
    commitment = 0.0
    by_class = np.zeros(len(s.n_by_class))
    by_province = np.zeros(len(s.n_by_province))
    by_sector = np.zeros(len(s.n_by_sector))
    rings = np.zeros(MAX_RING + 1)
    for i in range(n):
        seeking += ai[AI.seeking, i]
        latent += ai[AI.latent, i]
        convinced += ai[AI.convinced, i]
        maturity += af[AF.maturity, i]
        p = ai[AI.project, i]
        if p >= 0 and pi[PI.status, p] == STATUS_RUNNING:
            adopters += 1
            commitment += af[AF.commitment, i]
            by_class[ai[AI.size_class, i]] += 1
            by_province[ai[AI.province, i]] += 1
            by_sector[ai[AI.sector, i]] += 1
            rings[min(ai[AI.ring, i], MAX_RING)] += 1
    forming = 0
    running = 0
    for p in range(s.n_projects[0]):
        forming += pi[PI.status, p] == STATUS_FORMING
        running += pi[PI.status, p] == STATUS_RUNNING
    tot[:] += cnt
    out[O.adoption_share] = adopters / n
    out[O.adopters] = float(adopters)
    out[O.seeking_share] = seeking / n
    out[O.latent_share] = latent / n
    out[O.convinced_share] = convinced / n
    out[O.mean_maturity] = maturity / n
    out[O.mean_commitment] = commitment / adopters if adopters else 0.0
    out[O.forming_projects] = float(forming)
    out[O.active_projects] = float(running)
    out[O.projects_started] = tot[C.new_projects]
    out[O.projects_failed] = tot[C.formations_failed]
    out[O.projects_dissolved] = tot[C.dissolved]
    out[O.initiations_failed] = tot[C.initiations_failed]
    out[O.joins] = cnt[C.joins]
    out[O.members_exited] = cnt[C.exits]
    out[O.members_released] = cnt[C.released]
    out[O.joins_refused_full] = cnt[C.refused_full]
    out[O.cumulative_exits] = tot[C.exits]
    out[O.savings_eur] = cnt[C.savings_eur]
    out[O.cumulative_savings_eur] = tot[C.savings_eur]
    out[O.public_spend] = s.au[AU.spent_month]
    out[O.cumulative_public_spend] = s.au[AU.spent_total]
    out[O.standardisation] = s.au[AU.standardisation]
    out[O.activations] = cnt[C.activations]
    out[O.awareness_contacts] = cnt[C.awareness_contacts]
    out[O.conversions] = cnt[C.conversions]
    out[O.facilitator_contacts] = cnt[C.facilitator_contacts]
    out[O.projects_brokered] = tot[C.brokered]
    out[O.plan_declines] = tot[C.plan_declines]
    first = N_CORE
    out[first : first + N_KINDS] = s.au_kind
    first += N_KINDS
    _shares(out, first, by_class, s.n_by_class)
    first += len(by_class)
    _shares(out, first, by_province, s.n_by_province)
    first += len(by_province)
    _shares(out, first, by_sector, s.n_by_sector)
    first += len(by_sector)
    out[first : first + len(RING_NAMES)] = rings
    first += len(RING_NAMES)
    for k in range(len(s.pol)):  # padding records (batches of uneven scenarios) spend nothing
        spent = s.au_policy[PA.spent, k]
        released = committed(s, k)
        out[first + k] = spent if released == np.inf else released  # unlimited: what it spent
        out[first + MAX_POLICIES + k] = spent
        out[first + 2 * MAX_POLICIES + k] = s.au_policy[PA.ran_out, k]
