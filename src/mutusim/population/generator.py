"""Population generator: EES attributes and their two networks, from the run's counter-based
draws (``mutusim.rng``), compiled with numba so every engine builds the same population.

Social ties cluster by sector and province (federations, directors' networks, §2); competition
ties link EES of the same activity, mostly in the same province (§4.3, §9.2). Both networks are
undirected and returned in CSR form (``ptr``, ``idx``) with each row sorted and free of
duplicates.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from mutusim import rng
from mutusim.catalogue import LEGAL_FORMS, N_PROVINCES, N_SERVICES, PROVINCES, SERVICE_NAMES
from mutusim.config.schema import PopulationConfig
from mutusim.contract.fields import AF, AGENT_FLOAT_INITIAL, AGENT_INT_INITIAL, AI, INT
from mutusim.contract.records import records

POPULATION_SCALARS: tuple[tuple[str, str], ...] = (
    ("n_agents", "number of EES"),
    ("size_mu", "ln of the median size"),
    ("size_sigma", "sd of ln(workers)"),
    ("size_min", "smallest size"),
    ("size_max", "largest size"),
    ("maturity_mu", "logit location of maturity (solved for the mean)"),
    ("maturity_sd", "residual logit sd of maturity"),
    ("maturity_slope", "logit change of maturity per tenfold size"),
    ("mean_log10_size", "log10 of the median size (centre of the size effect)"),
    ("convinced_share", "share of convinced leaders"),
    ("need_size_effect", "service probability multiplier per tenfold size"),
    ("depth_noise", "sd of depth around log10(size)/3"),
    ("tension_mu", "logit location of financial tension"),
    ("tension_sd", "logit sd of financial tension"),
    ("tension_slope", "logit change of financial tension per tenfold size"),
    ("pioneer_share", "share of pioneer leaders"),
    ("admin_mu", "logit location of administrative pressure"),
    ("admin_sd", "logit sd of administrative pressure"),
    ("posture_mu", "logit location of cooperative posture"),
    ("posture_sd", "logit sd of cooperative posture"),
    ("leadership_mu", "logit location of leadership"),
    ("leadership_sd", "logit sd of leadership"),
    ("threshold_mu", "logit location of the adoption threshold"),
    ("threshold_sd", "logit sd of the adoption threshold"),
    ("threshold_zero", "share of EES with threshold 0"),
    ("tie_stubs", "social tie stubs per EES (mean degree / 2)"),
    ("p_sector_province", "probability a tie stays in the sector and province"),
    ("p_sector", "probability a tie stays in the sector"),
    ("p_province", "probability a tie stays in the province"),
    ("rival_stubs", "competition tie stubs per EES"),
    ("rival_same_province", "probability a rival is in the same province"),
    ("federation_stubs", "extra tie stubs of a federation member within its federation"),
    ("rival_size_scale", "log10-size scale of rival similarity (0: size does not matter)"),
)
"""What the compiled generator reads of a population config, derived from it once."""
POPULATION_DTYPE = np.dtype([(name, "f8") for name, _ in POPULATION_SCALARS])


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


def _normalised_multipliers(pop: PopulationConfig) -> np.ndarray:
    """Sector size multipliers scaled so their share-weighted geometric mean is 1: sectors move
    sizes relative to each other while the overall size distribution stays on its facts."""
    mult = np.array([sec.size_multiplier for sec in pop.sectors])
    shares = np.array([sec.share for sec in pop.sectors])
    return mult / math.exp(float(np.sum(shares * np.log(mult))))


class PopulationInputs(NamedTuple):
    """What the compiled generator reads of a population config."""

    scalars: np.ndarray  # one POPULATION_DTYPE record
    form_cum: np.ndarray
    sector_cum: np.ndarray
    sector_mult: np.ndarray
    province_cum: np.ndarray
    service_prob: np.ndarray
    thresholds: np.ndarray
    sector_service: np.ndarray  # (sectors, services) multipliers of service_prob
    sector_depth: np.ndarray  # depth shift by sector
    sector_federation: np.ndarray  # share of each sector's EES in its federation


def population_inputs(pop: PopulationConfig) -> PopulationInputs:
    """The generator's inputs: category cumulative shares and the scalar record."""
    s = records(1, POPULATION_DTYPE)
    s["n_agents"] = pop.n_agents
    s["size_mu"] = math.log(pop.size.median)
    s["size_sigma"] = pop.size.sigma
    s["size_min"] = pop.size.min
    s["size_max"] = pop.size.max
    sd_log10 = pop.size.sigma / math.log(10.0)
    total_sd = math.hypot(pop.maturity.sd, pop.maturity.size_slope * sd_log10)
    # the location is solved for the total logit spread; the size term is centred
    s["maturity_mu"] = logit_normal_location(pop.maturity.mean, total_sd)
    s["maturity_sd"] = pop.maturity.sd
    s["maturity_slope"] = pop.maturity.size_slope
    s["mean_log10_size"] = math.log10(pop.size.median)
    s["convinced_share"] = pop.convinced_share
    s["pioneer_share"] = pop.pioneer_share
    s["need_size_effect"] = pop.needs.size_effect
    s["depth_noise"] = pop.needs.depth_noise
    for name, spec in (
        ("tension", pop.financial_tension),
        ("admin", pop.admin_pressure),
        ("posture", pop.cooperative_posture),
        ("leadership", pop.leadership),
    ):
        s[f"{name}_mu"] = logit_normal_location(spec.mean, spec.sd)
        s[f"{name}_sd"] = spec.sd
    tension = pop.financial_tension
    s["tension_mu"] = logit_normal_location(
        tension.mean, math.hypot(tension.sd, tension.size_slope * sd_log10)
    )  # as for maturity: the mean holds whatever the size slope
    s["tension_slope"] = tension.size_slope
    thr = pop.adoption_threshold
    s["threshold_mu"] = logit_normal_location(thr.mean, thr.sd)
    s["threshold_sd"] = thr.sd
    s["threshold_zero"] = thr.zero_share
    net = pop.network
    s["tie_stubs"] = net.mean_degree / 2.0
    s["p_sector_province"] = net.same_sector_province
    s["p_sector"] = net.same_sector
    s["p_province"] = net.same_province
    s["rival_stubs"] = net.competitors_per_ees / 2.0
    s["rival_same_province"] = net.competitor_same_province
    s["federation_stubs"] = net.federation_ties / 2.0
    s["rival_size_scale"] = net.rival_size_scale or 0.0
    return PopulationInputs(
        scalars=s,
        form_cum=np.cumsum([pop.legal_forms.get(f, 0.0) for f in LEGAL_FORMS]),
        sector_cum=np.cumsum([sec.share for sec in pop.sectors]),
        sector_mult=_normalised_multipliers(pop),
        province_cum=np.cumsum([pop.provinces.get(p, 0.0) for p in PROVINCES]),
        service_prob=np.array([pop.needs.service_probability[s] for s in SERVICE_NAMES]),
        thresholds=np.array(thr.values if thr.values is not None else [], dtype=np.float64),
        sector_service=np.array(
            [
                [sec.service_multiplier.get(name, 1.0) for name in SERVICE_NAMES]
                for sec in pop.sectors
            ]
        ),
        sector_depth=np.array([sec.depth_shift for sec in pop.sectors]),
        sector_federation=np.array([sec.federation_share for sec in pop.sectors]),
    )


@njit(cache=True)
def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@njit(cache=True)
def draw_attributes(seed, run, inputs, af, ai):
    """Draw every EES's attributes and initial state into the field-major arrays ``af`` and
    ``ai`` (columns ``AF`` / ``AI``): legal form, sector, province, size, then the traits
    that depend on them (``draw_traits``)."""
    s = inputs.scalars[0]
    form_cum, sector_cum, sector_mult = inputs.form_cum, inputs.sector_cum, inputs.sector_mult
    key = rng.step_key(seed, run, rng.POPULATION_STEP)
    sector, size, log10_size = ai[AI.sector], af[AF.size], af[AF.log10_size]
    n = af.shape[1]
    for i in range(n):
        ai[AI.legal_form, i] = rng.categorical(
            rng.uniform_from_key(key, i, rng.P_LEGAL_FORM), form_cum
        )
        sector[i] = rng.categorical(rng.uniform_from_key(key, i, rng.P_SECTOR), sector_cum)
        ai[AI.province, i] = rng.categorical(
            rng.uniform_from_key(key, i, rng.P_PROVINCE), inputs.province_cum
        )
        z = rng.normal_from_key(key, i, rng.P_SIZE)
        raw = math.exp(s.size_mu + math.log(sector_mult[sector[i]]) + s.size_sigma * z)
        # ceil of the log-normal draw; the tolerance keeps exp(log(m)) = m + 1e-15 at m
        size[i] = min(s.size_max, max(s.size_min, math.ceil(raw - 1e-9)))
        log10_size[i] = math.log10(size[i])
    draw_traits(seed, run, inputs, af, ai)


@njit(cache=True)
def draw_traits(seed, run, inputs, af, ai):
    """Draw every EES's traits given its sector and size (already in ``af``/``ai``): maturity,
    conviction, needs (perimeter and depth, by sector), tension (by size), pressure, posture,
    leadership, threshold, the pioneer trait and federation membership. Each draw has its own
    stream, so the traits of given EES (a survey's, ``mutusim.match``) are drawn exactly as
    the generator draws them for a synthetic EES of that sector and size."""
    s = inputs.scalars[0]
    service_prob, thresholds = inputs.service_prob, inputs.thresholds
    key = rng.step_key(seed, run, rng.POPULATION_STEP)
    sector, log10_size = ai[AI.sector], af[AF.log10_size]
    perimeter, n_needed = ai[AI.perimeter], ai[AI.n_needed]
    n = af.shape[1]
    for i in range(n):
        z = rng.normal_from_key(key, i, rng.P_MATURITY)
        af[AF.maturity, i] = _logistic(
            s.maturity_mu
            + s.maturity_slope * (log10_size[i] - s.mean_log10_size)
            + s.maturity_sd * z
        )
        ai[AI.convinced, i] = rng.uniform_from_key(key, i, rng.P_CONVINCED) < s.convinced_share
        boost = 1.0 + s.need_size_effect * log10_size[i]
        perimeter[i] = 0
        n_needed[i] = 0
        for k in range(len(service_prob)):
            u = rng.uniform_from_key(key, i, rng.P_NEEDS + rng.SUB * k)
            if u < min(1.0, service_prob[k] * inputs.sector_service[sector[i], k] * boost):
                perimeter[i] |= np.int64(1) << np.int64(k)
                n_needed[i] += 1
        z = rng.normal_from_key(key, i, rng.P_DEPTH)
        depth = log10_size[i] / 3.0 + inputs.sector_depth[sector[i]] + s.depth_noise * z
        af[AF.depth, i] = min(1.0, max(0.0, depth))
        z = rng.normal_from_key(key, i, rng.P_TENSION)
        af[AF.financial_tension, i] = _logistic(
            s.tension_mu + s.tension_slope * (log10_size[i] - s.mean_log10_size) + s.tension_sd * z
        )
        ai[AI.pioneer, i] = rng.uniform_from_key(key, i, rng.P_PIONEER) < s.pioneer_share
        ai[AI.federation, i] = (
            rng.uniform_from_key(key, i, rng.P_FEDERATION) < inputs.sector_federation[sector[i]]
        )
        z = rng.normal_from_key(key, i, rng.P_ADMIN)
        af[AF.admin_pressure, i] = _logistic(s.admin_mu + s.admin_sd * z)
        z = rng.normal_from_key(key, i, rng.P_POSTURE)
        af[AF.cooperative_posture, i] = _logistic(s.posture_mu + s.posture_sd * z)
        z = rng.normal_from_key(key, i, rng.P_LEADERSHIP)
        af[AF.leadership, i] = _logistic(s.leadership_mu + s.leadership_sd * z)
        if len(thresholds) == n:
            af[AF.adoption_threshold, i] = thresholds[i]
        elif rng.uniform_from_key(key, i, rng.P_THRESHOLD_ZERO) < s.threshold_zero:
            af[AF.adoption_threshold, i] = 0.0
        else:
            z = rng.normal_from_key(key, i, rng.P_THRESHOLD)
            af[AF.adoption_threshold, i] = _logistic(s.threshold_mu + s.threshold_sd * z)


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
    out = np.empty(ptr[-1], INT)
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


RIVAL_TRIES = 8
"""Candidates a competition stub tries before it is dropped, when rivalry needs similar size."""


@njit(cache=True)
def _rival_kept(key, i, j, k, t, log10_size, scale):
    """Whether candidate rival ``j`` of ``i`` (stub ``k``, try ``t``) is similar enough in
    size (R06 similarity over ``scale``; always when ``scale`` is 0)."""
    if scale <= 0.0:
        return True
    keep = math.exp(-abs(log10_size[i] - log10_size[j]) / scale)
    return rng.uniform_from_key(key, i, rng.P_RIVAL_KEEP + rng.SUB * (16 * k + t)) < keep


@njit(cache=True)
def draw_networks(seed, run, af, ai, n_sectors, scalars):
    """Social ties (clustered by sector and province, plus ties inside each sector's
    federation) and competition ties (same activity, mostly same province, more likely
    between EES of similar size), both undirected, in CSR form: tie_ptr, tie_idx, rival_ptr,
    rival_idx."""
    s = scalars[0]
    sector, province, member = ai[AI.sector], ai[AI.province], ai[AI.federation]
    log10_size = af[AF.log10_size]
    n = len(sector)
    n_prov = N_PROVINCES
    cell = sector * n_prov + province
    cell_order, cell_start = _groups(cell, n_sectors * n_prov)
    sec_order, sec_start = _groups(sector, n_sectors)
    prov_order, prov_start = _groups(province, n_prov)
    all_order, all_start = _groups(np.zeros(n, np.int64), 1)
    federation = np.where(member == 1, sector, n_sectors)  # non-members: a group of their own
    fed_order, fed_start = _groups(federation, n_sectors + 1)
    key = rng.step_key(seed, run, rng.POPULATION_STEP)
    p1 = s.p_sector_province
    p2 = p1 + s.p_sector
    p3 = p2 + s.p_province
    cap = n * (int(s.tie_stubs) + 1) + n * (int(s.federation_stubs) + 1)
    src = np.empty(cap, np.int64)
    dst = np.empty(cap, np.int64)
    m = 0
    for i in range(n):
        if member[i] == 0:
            continue
        stubs = _stub_count(key, i, s.federation_stubs, rng.P_FEDERATION_PICK + rng.SUB * 1000)
        for k in range(stubs):
            v = rng.uniform_from_key(key, i, rng.P_FEDERATION_PICK + rng.SUB * k)
            j = _pick(fed_order, fed_start, sector[i], v)
            if j >= 0 and j != i:
                src[m] = i
                dst[m] = j
                m += 1
    for i in range(n):
        stubs = _stub_count(key, i, s.tie_stubs, rng.P_TIE_KIND + rng.SUB * 1000)
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
    cap = n * (int(s.rival_stubs) + 1)
    src = np.empty(cap, np.int64)
    dst = np.empty(cap, np.int64)
    m = 0
    for i in range(n):
        stubs = _stub_count(key, i, s.rival_stubs, rng.P_RIVAL_KIND + rng.SUB * 1000)
        for k in range(stubs):
            u = rng.uniform_from_key(key, i, rng.P_RIVAL_KIND + rng.SUB * k)
            j = -1
            for t in range(RIVAL_TRIES):
                first = rng.P_RIVAL_PICK + rng.SUB * k
                retry = rng.P_RIVAL_RETRY + rng.SUB * (16 * k + t)
                v = rng.uniform_from_key(key, i, first if t == 0 else retry)
                if u < s.rival_same_province:
                    j = _pick(cell_order, cell_start, cell[i], v)
                else:
                    j = _pick(sec_order, sec_start, sector[i], v)
                if j < 0 or j == i or _rival_kept(key, i, j, k, t, log10_size, s.rival_size_scale):
                    break
                j = -1
            if j >= 0 and j != i:
                src[m] = i
                dst[m] = j
                m += 1
    rival_ptr, rival_idx = _to_csr(n, src, dst, m)
    return tie_ptr, tie_idx, rival_ptr, rival_idx


class Population:
    """One run's EES as a struct of arrays: every agent field of ``mutusim.contract.fields``
    (``pop.size``, ``pop.maturity``, … read the field-major arrays ``af`` / ``ai``), the two
    networks in CSR form and the sector names."""

    def __init__(self, af, ai, tie_ptr, tie_idx, rival_ptr, rival_idx, sector_names) -> None:
        self.af, self.ai = af, ai
        self.tie_ptr, self.tie_idx = tie_ptr, tie_idx
        self.rival_ptr, self.rival_idx = rival_ptr, rival_idx
        self.sector_names: tuple[str, ...] = sector_names

    def __getattr__(self, name: str) -> np.ndarray:
        if name in AF.__members__:
            return self.af[AF[name]]
        if name in AI.__members__:
            return self.ai[AI[name]]
        raise AttributeError(name)

    @property
    def n(self) -> int:
        """Number of EES."""
        return self.af.shape[1]

    def ties(self, i: int) -> np.ndarray:
        """Social ties of EES ``i`` (sorted indices)."""
        return self.tie_idx[self.tie_ptr[i] : self.tie_ptr[i + 1]]

    def rivals(self, i: int) -> np.ndarray:
        """Competition ties of EES ``i`` (sorted indices)."""
        return self.rival_idx[self.rival_ptr[i] : self.rival_ptr[i + 1]]


@njit(cache=True)
def new_agent_arrays(n):
    """Field-major arrays of ``n`` EES (``af``, ``ai``), each field at its initial value."""
    af = np.empty((len(AGENT_FLOAT_INITIAL), n))
    ai = np.empty((len(AGENT_INT_INITIAL), n), INT)
    for c in range(len(AGENT_FLOAT_INITIAL)):
        af[c, :] = AGENT_FLOAT_INITIAL[c]
    for c in range(len(AGENT_INT_INITIAL)):
        ai[c, :] = AGENT_INT_INITIAL[c]
    return af, ai


def generate_population(pop: PopulationConfig, seed: int, run: int) -> Population:
    """Draw run ``run`` of seed ``seed``'s population: same inputs, same population."""
    inputs = population_inputs(pop)
    af, ai = new_agent_arrays(pop.n_agents)
    draw_attributes(seed, run, inputs, af, ai)
    nets = draw_networks(seed, run, af, ai, len(pop.sectors), inputs.scalars)
    return Population(af, ai, *nets, sector_names=tuple(s.name for s in pop.sectors))


assert N_SERVICES <= 31, "perimeters are 32-bit masks"
