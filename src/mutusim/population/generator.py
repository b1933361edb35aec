"""Population generator: EES attributes and their two networks, from the run's counter-based
draws (``mutusim.rng``), compiled with numba so every engine builds the same population.

Social ties cluster by sector and province (federations, directors' networks, §2); competition
ties link EES of the same activity, mostly in the same province (§4.3, §9.2). Both networks are
undirected and returned in CSR form (``ptr``, ``idx``) with each row sorted and free of
duplicates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numba import njit

from mutusim import rng
from mutusim.catalogue import LEGAL_FORMS, N_SERVICES, PROVINCES
from mutusim.config.schema import LogitNormal, PopulationConfig

# positions in the scalar parameter vector
(
    S_SIZE_MU,
    S_SIZE_SIGMA,
    S_SIZE_MIN,
    S_SIZE_MAX,
    S_MAT_MU,
    S_MAT_SD,
    S_MAT_SLOPE,
    S_MEAN_LOG10_SIZE,
    S_CONVINCED,
    S_NEED_SIZE_EFFECT,
    S_DEPTH_NOISE,
    S_TENSION_MU,
    S_TENSION_SD,
    S_ADMIN_MU,
    S_ADMIN_SD,
    S_POSTURE_MU,
    S_POSTURE_SD,
    S_LEAD_MU,
    S_LEAD_SD,
    S_THR_MU,
    S_THR_SD,
    S_THR_ZERO,
    S_TIE_STUBS,
    S_P_SECTOR_PROVINCE,
    S_P_SECTOR,
    S_P_PROVINCE,
    S_RIVAL_STUBS,
    S_RIVAL_SAME_PROVINCE,
    N_SCALARS,
) = range(29)


@dataclass
class Population:
    """Struct of arrays of one run's EES (fields of ``mutusim.schema.AGENT_FIELDS``) and ties."""

    legal_form: np.ndarray
    sector: np.ndarray
    province: np.ndarray
    size: np.ndarray
    log10_size: np.ndarray
    depth: np.ndarray
    perimeter: np.ndarray
    n_needed: np.ndarray
    financial_tension: np.ndarray
    admin_pressure: np.ndarray
    cooperative_posture: np.ndarray
    leadership: np.ndarray
    adoption_threshold: np.ndarray
    maturity: np.ndarray
    convinced: np.ndarray
    tie_ptr: np.ndarray
    tie_idx: np.ndarray
    rival_ptr: np.ndarray
    rival_idx: np.ndarray
    sector_names: tuple[str, ...]

    @property
    def n(self) -> int:
        """Number of EES."""
        return len(self.size)

    def ties(self, i: int) -> np.ndarray:
        """Social ties of EES ``i`` (sorted indices)."""
        return self.tie_idx[self.tie_ptr[i] : self.tie_ptr[i + 1]]

    def rivals(self, i: int) -> np.ndarray:
        """Competition ties of EES ``i`` (sorted indices)."""
        return self.rival_idx[self.rival_ptr[i] : self.rival_ptr[i + 1]]


def logit_normal_location(mean: float, sd: float) -> float:
    """mu such that E[logistic(mu + sd * Z)] = mean (Gauss–Hermite quadrature, bisection)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    weights = weights / weights.sum()

    def expected(mu: float) -> float:
        return float(np.sum(weights / (1.0 + np.exp(-(mu + sd * nodes)))))

    lo, hi = -30.0, 30.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if expected(mid) < mean:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _ln(spec: LogitNormal) -> tuple[float, float]:
    return logit_normal_location(spec.mean, spec.sd), spec.sd


def _normalised_multipliers(pop: PopulationConfig) -> np.ndarray:
    """Sector size multipliers scaled so their share-weighted geometric mean is 1: sectors move
    sizes relative to each other while the overall size distribution stays on its facts."""
    mult = np.array([sec.size_multiplier for sec in pop.sectors])
    shares = np.array([sec.share for sec in pop.sectors])
    return mult / math.exp(float(np.sum(shares * np.log(mult))))


class PopulationArrays(NamedTuple):
    """What the compiled generator reads, in the order of ``_draw_attributes``'s arguments."""

    scalars: np.ndarray
    form_cum: np.ndarray
    sector_cum: np.ndarray
    sector_mult: np.ndarray
    province_cum: np.ndarray
    service_prob: np.ndarray
    thresholds: np.ndarray


def population_parameters(pop: PopulationConfig) -> PopulationArrays:
    """Arrays the compiled generator reads: category cumulative shares and the scalar vector."""
    s = np.zeros(N_SCALARS)
    s[S_SIZE_MU] = math.log(pop.size.median)
    s[S_SIZE_SIGMA] = pop.size.sigma
    s[S_SIZE_MIN] = pop.size.min
    s[S_SIZE_MAX] = pop.size.max
    sd_log10 = pop.size.sigma / math.log(10.0)
    total_sd = math.hypot(pop.maturity.sd, pop.maturity.size_slope * sd_log10)
    # the location is solved for the total logit spread; the size term is centred
    s[S_MAT_MU] = logit_normal_location(pop.maturity.mean, total_sd)
    s[S_MAT_SD] = pop.maturity.sd
    s[S_MAT_SLOPE] = pop.maturity.size_slope
    s[S_MEAN_LOG10_SIZE] = math.log10(pop.size.median)
    s[S_CONVINCED] = pop.convinced_share
    s[S_NEED_SIZE_EFFECT] = pop.needs.size_effect
    s[S_DEPTH_NOISE] = pop.needs.depth_noise
    s[S_TENSION_MU], s[S_TENSION_SD] = _ln(pop.financial_tension)
    s[S_ADMIN_MU], s[S_ADMIN_SD] = _ln(pop.admin_pressure)
    s[S_POSTURE_MU], s[S_POSTURE_SD] = _ln(pop.cooperative_posture)
    s[S_LEAD_MU], s[S_LEAD_SD] = _ln(pop.leadership)
    thr = pop.adoption_threshold
    s[S_THR_MU] = logit_normal_location(thr.mean, thr.sd)
    s[S_THR_SD] = thr.sd
    s[S_THR_ZERO] = thr.zero_share
    net = pop.network
    s[S_TIE_STUBS] = net.mean_degree / 2.0
    s[S_P_SECTOR_PROVINCE] = net.same_sector_province
    s[S_P_SECTOR] = net.same_sector
    s[S_P_PROVINCE] = net.same_province
    s[S_RIVAL_STUBS] = net.competitors_per_ees / 2.0
    s[S_RIVAL_SAME_PROVINCE] = net.competitor_same_province
    from mutusim.catalogue import SERVICE_NAMES

    return PopulationArrays(
        scalars=s,
        form_cum=np.cumsum([pop.legal_forms.get(f, 0.0) for f in LEGAL_FORMS]),
        sector_cum=np.cumsum([sec.share for sec in pop.sectors]),
        sector_mult=_normalised_multipliers(pop),
        province_cum=np.cumsum([pop.provinces.get(p, 0.0) for p in PROVINCES]),
        service_prob=np.array([pop.needs.service_probability[s] for s in SERVICE_NAMES]),
        thresholds=np.array(thr.values if thr.values is not None else [], dtype=np.float64),
    )


@njit(cache=True)
def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@njit(cache=True)
def _draw_attributes(
    seed, run, n, s, form_cum, sector_cum, sector_mult, province_cum, service_prob, thresholds
):
    key = rng.step_key(seed, run, rng.POPULATION_STEP)
    legal_form = np.empty(n, np.int64)
    sector = np.empty(n, np.int64)
    province = np.empty(n, np.int64)
    size = np.empty(n)
    log10_size = np.empty(n)
    depth = np.empty(n)
    perimeter = np.zeros(n, np.int64)
    n_needed = np.zeros(n, np.int64)
    tension = np.empty(n)
    admin = np.empty(n)
    posture = np.empty(n)
    leadership = np.empty(n)
    threshold = np.empty(n)
    maturity = np.empty(n)
    convinced = np.empty(n, np.bool_)
    for i in range(n):
        legal_form[i] = rng.categorical(rng.uniform_from_key(key, i, rng.P_LEGAL_FORM), form_cum)
        sector[i] = rng.categorical(rng.uniform_from_key(key, i, rng.P_SECTOR), sector_cum)
        province[i] = rng.categorical(rng.uniform_from_key(key, i, rng.P_PROVINCE), province_cum)
        z = rng.normal_from_key(key, i, rng.P_SIZE)
        raw = math.exp(s[S_SIZE_MU] + math.log(sector_mult[sector[i]]) + s[S_SIZE_SIGMA] * z)
        size[i] = min(s[S_SIZE_MAX], max(s[S_SIZE_MIN], math.ceil(raw)))
        log10_size[i] = math.log10(size[i])
        z = rng.normal_from_key(key, i, rng.P_MATURITY)
        maturity[i] = _logistic(
            s[S_MAT_MU] + s[S_MAT_SLOPE] * (log10_size[i] - s[S_MEAN_LOG10_SIZE]) + s[S_MAT_SD] * z
        )
        convinced[i] = rng.uniform_from_key(key, i, rng.P_CONVINCED) < s[S_CONVINCED]
        boost = 1.0 + s[S_NEED_SIZE_EFFECT] * log10_size[i]
        for k in range(len(service_prob)):
            u = rng.uniform_from_key(key, i, rng.P_NEEDS + rng.SUB * k)
            if u < min(1.0, service_prob[k] * boost):
                perimeter[i] |= np.int64(1) << np.int64(k)
                n_needed[i] += 1
        z = rng.normal_from_key(key, i, rng.P_DEPTH)
        depth[i] = min(1.0, max(0.0, log10_size[i] / 3.0 + s[S_DEPTH_NOISE] * z))
        z = rng.normal_from_key(key, i, rng.P_TENSION)
        tension[i] = _logistic(s[S_TENSION_MU] + s[S_TENSION_SD] * z)
        z = rng.normal_from_key(key, i, rng.P_ADMIN)
        admin[i] = _logistic(s[S_ADMIN_MU] + s[S_ADMIN_SD] * z)
        z = rng.normal_from_key(key, i, rng.P_POSTURE)
        posture[i] = _logistic(s[S_POSTURE_MU] + s[S_POSTURE_SD] * z)
        z = rng.normal_from_key(key, i, rng.P_LEADERSHIP)
        leadership[i] = _logistic(s[S_LEAD_MU] + s[S_LEAD_SD] * z)
        if len(thresholds) == n:
            threshold[i] = thresholds[i]
        elif rng.uniform_from_key(key, i, rng.P_THRESHOLD_ZERO) < s[S_THR_ZERO]:
            threshold[i] = 0.0
        else:
            z = rng.normal_from_key(key, i, rng.P_THRESHOLD)
            threshold[i] = _logistic(s[S_THR_MU] + s[S_THR_SD] * z)
    return (
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
    )


@njit(cache=True)
def _groups(key, n_groups):
    """Members of each group: ``order`` sorted by group, ``start`` offsets (CSR)."""
    count = np.zeros(n_groups + 1, np.int64)
    for i in range(len(key)):
        count[key[i] + 1] += 1
    start = np.cumsum(count)
    order = np.empty(len(key), np.int64)
    fill = start[:-1].copy()
    for i in range(len(key)):
        order[fill[key[i]]] = i
        fill[key[i]] += 1
    return order, start


@njit(cache=True)
def _pick(order, start, group, u):
    lo = start[group]
    hi = start[group + 1]
    if hi <= lo:
        return -1
    return order[lo + min(hi - lo - 1, int(u * (hi - lo)))]


@njit(cache=True)
def _to_csr(n, src, dst, m):
    """Undirected CSR from ``m`` edges, rows sorted, duplicates and self-loops removed."""
    deg = np.zeros(n + 1, np.int64)
    for e in range(m):
        deg[src[e] + 1] += 1
        deg[dst[e] + 1] += 1
    ptr = np.cumsum(deg)
    raw = np.empty(ptr[-1], np.int64)
    fill = ptr[:-1].copy()
    for e in range(m):
        raw[fill[src[e]]] = dst[e]
        fill[src[e]] += 1
        raw[fill[dst[e]]] = src[e]
        fill[dst[e]] += 1
    out_ptr = np.zeros(n + 1, np.int64)
    out = np.empty(ptr[-1], np.int64)
    k = 0
    for i in range(n):
        lo, hi = ptr[i], ptr[i + 1]
        for a in range(lo + 1, hi):  # insertion sort: rows are short, no allocation
            v = raw[a]
            b = a - 1
            while b >= lo and raw[b] > v:
                raw[b + 1] = raw[b]
                b -= 1
            raw[b + 1] = v
        last = -1
        for a in range(lo, hi):
            j = raw[a]
            if j != last and j != i:
                out[k] = j
                k += 1
            last = j
        out_ptr[i + 1] = k
    return out_ptr, out[:k].copy()


@njit(cache=True)
def _stub_count(key, i, mean_stubs, purpose):
    whole = int(mean_stubs)
    frac = mean_stubs - whole
    if frac > 0.0 and rng.uniform_from_key(key, i, purpose) < frac:
        whole += 1
    return whole


@njit(cache=True)
def _networks(seed, run, sector, province, n_sectors, s):
    n = len(sector)
    n_prov = 5
    cell = sector * n_prov + province
    cell_order, cell_start = _groups(cell, n_sectors * n_prov)
    sec_order, sec_start = _groups(sector, n_sectors)
    prov_order, prov_start = _groups(province, n_prov)
    all_order, all_start = _groups(np.zeros(n, np.int64), 1)
    key = rng.step_key(seed, run, rng.POPULATION_STEP)
    p1 = s[S_P_SECTOR_PROVINCE]
    p2 = p1 + s[S_P_SECTOR]
    p3 = p2 + s[S_P_PROVINCE]
    cap = n * (int(s[S_TIE_STUBS]) + 1)
    src = np.empty(cap, np.int64)
    dst = np.empty(cap, np.int64)
    m = 0
    for i in range(n):
        stubs = _stub_count(key, i, s[S_TIE_STUBS], rng.P_TIE_KIND + rng.SUB * 1000)
        for k in range(stubs):
            u = rng.uniform_from_key(key, i, rng.P_TIE_KIND + rng.SUB * k)
            v = rng.uniform_from_key(key, i, rng.P_TIE_PICK + rng.SUB * k)
            if u < p1:
                j = _pick(cell_order, cell_start, cell[i], v)
            elif u < p2:
                j = _pick(sec_order, sec_start, sector[i], v)
            elif u < p3:
                j = _pick(prov_order, prov_start, province[i], v)
            else:
                j = _pick(all_order, all_start, 0, v)
            if j >= 0 and j != i:
                src[m] = i
                dst[m] = j
                m += 1
    tie_ptr, tie_idx = _to_csr(n, src, dst, m)
    cap = n * (int(s[S_RIVAL_STUBS]) + 1)
    src = np.empty(cap, np.int64)
    dst = np.empty(cap, np.int64)
    m = 0
    for i in range(n):
        stubs = _stub_count(key, i, s[S_RIVAL_STUBS], rng.P_RIVAL_KIND + rng.SUB * 1000)
        for k in range(stubs):
            u = rng.uniform_from_key(key, i, rng.P_RIVAL_KIND + rng.SUB * k)
            v = rng.uniform_from_key(key, i, rng.P_RIVAL_PICK + rng.SUB * k)
            if u < s[S_RIVAL_SAME_PROVINCE]:
                j = _pick(cell_order, cell_start, cell[i], v)
            else:
                j = _pick(sec_order, sec_start, sector[i], v)
            if j >= 0 and j != i:
                src[m] = i
                dst[m] = j
                m += 1
    rival_ptr, rival_idx = _to_csr(n, src, dst, m)
    return tie_ptr, tie_idx, rival_ptr, rival_idx


def generate_population(pop: PopulationConfig, seed: int, run: int) -> Population:
    """Draw run ``run`` of seed ``seed``'s population: same inputs, same population."""
    p = population_parameters(pop)
    attrs = _draw_attributes(seed, run, pop.n_agents, *p)
    nets = _networks(seed, run, attrs[1], attrs[2], len(pop.sectors), p.scalars)
    return Population(*attrs, *nets, sector_names=tuple(s.name for s in pop.sectors))


assert N_SERVICES <= 62, "perimeters are 64-bit masks"
