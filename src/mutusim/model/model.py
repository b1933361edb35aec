"""The Mesa model of mutualisation: EES agents, projects, the public authority, one month a step.

Schedule of one step (month ``t``, 0-based; each phase completes before the next starts):

1. **Policies** (R35–R42): the authority applies its active policies in the scenario's order:
   awareness converts leaders, training raises maturity, standardisation raises the level,
   individual grants raise capacity. EES are visited in ascending index; each payment is made
   only if it fits the budgets (R37), so the order decides who is served when money runs out.
2. **Demand** (R01–R03): every EES decides whether it seeks pooling (own state only).
3. **Initiation** (R04–R08): seeking, free EES become pioneers with their hazard. Pioneers act in
   ascending priority draw (ties: index); each invites its free ties that are convinced and
   have needs (all free ties when demand is switched off) by descending partner score (ties:
   index) until the core is full; each invitee accepts on its own draw. A pioneer already
   recruited by an earlier one this month does not initiate. A core below the minimum size
   means no project.
   A new project gets a funded facilitator if a facilitator policy has a free slot and can pay
   its first month (only when formation phases are on: facilitators accompany formation).
4. **Formation** (R09–R15): forming projects, ascending index, pay their facilitator, then one
   draw decides fail/advance/stay. Leaving the shared-base phase needs a non-empty scope;
   leaving the financial-plan phase needs a non-negative mean member utility.
5. **Growth** (R16–R28, R43): every seeking, free EES picks the running project (with room)
   where most of its ties are members (well-mixed: the largest), and decides to join from the
   state at the start of this phase (synchronous). Accepted joins are applied in ascending
   priority draw; a join finding the project full is refused.
6. **Commitment and benefits** (R16–R25, R29–R34, R41): members of running projects, ascending
   index, receive pooled subsidies, compute their utility and saving, update commitment (one
   shock draw each) and maturity, all from the state at the start of this phase; projects update
   their demonstrated value; exits are applied (ascending index); projects below their minimum
   size dissolve (ascending index) and release their members.
7. **Collect** the outputs (BRIEF §2.3).
"""

from __future__ import annotations

from typing import Any

import mesa
import networkx as nx
import numpy as np
from mesa.discrete_space import Network

from mutusim import rng
from mutusim.catalogue import (
    MODES,
    N_SERVICES,
    SERVICE_NAMES,
    SERVICE_VALUE,
    STATUS_DISSOLVED,
    STATUS_FAILED,
    STATUS_FORMING,
    STATUS_RUNNING,
)
from mutusim.config.schema import ScenarioConfig
from mutusim.model.authority import Authority
from mutusim.model.ees import EES
from mutusim.model.outputs import collect_outputs, size_classes
from mutusim.model.project import Project
from mutusim.population import Population, generate_population
from mutusim.rules import commitment as rc
from mutusim.rules import economics as re
from mutusim.rules import formation as rf
from mutusim.rules import growth as rg
from mutusim.rules import initiation as ri
from mutusim.schema import ATTRIBUTE_NAMES

DT = 1.0 / 12.0
"""Length of a step in years (one month)."""


class MutualisationModel(mesa.Model):
    """Digital-project pooling among EES under public incentive policies (one run)."""

    def __init__(self, config: ScenarioConfig, seed: int = 0, run: int = 0) -> None:
        super().__init__(rng=rng.run_seed(seed, run))
        self.config = config
        self.seed = int(seed)
        self.run_index = int(run)
        self.month = 0
        self.n_services = N_SERVICES
        self.population: Population = generate_population(config.population, seed, run)
        self.size_class = size_classes(self.population.size)
        self.authority = Authority(self)
        self.mode_cumulative = np.cumsum([config.projects.modes[m].share for m in MODES])
        self.standardisation = 0.0
        self.projects: list[Project] = []
        self.counters: dict[str, float] = dict.fromkeys(
            (
                "joins",
                "exits",
                "released",
                "refused_full",
                "new_projects",
                "initiations_failed",
                "formations_failed",
                "dissolved",
                "savings_eur",
                "subsidy_eur",
            ),
            0.0,
        )
        self.totals: dict[str, float] = {}
        self._create_agents()
        self._create_initial_projects()
        self.outputs: dict[str, float] = {}
        reporters = {name: self._reporter(name) for name in self._output_names()}
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self._collect()

    # ------------------------------------------------------------------ set-up
    def _create_agents(self) -> None:
        pop = self.population
        self.ees: list[EES] = []
        cost = self.config.projects.service_cost_eur_month
        for i in range(pop.n):
            attrs = {name: getattr(pop, name)[i].item() for name in ATTRIBUTE_NAMES}
            agent = EES(self, i, **attrs)
            agent.standalone_cost = re.standalone_cost(agent.n_needed, agent.depth, cost)
            agent.eligible = self.authority.eligibility_of(agent)
            self.ees.append(agent)
        for i, agent in enumerate(self.ees):
            agent.ties = [self.ees[j] for j in pop.ties(i)]
            agent.rivals = {self.ees[j] for j in pop.rivals(i)}
        graph = nx.Graph()
        graph.add_nodes_from(range(pop.n))
        graph.add_edges_from((i, int(j)) for i in range(pop.n) for j in pop.ties(i) if j > i)
        self.network = Network(graph, layout=None, random=self.random)
        for agent in self.ees:
            agent.cell = self.network[agent.index]

    def _create_initial_projects(self) -> None:
        first = 0
        for spec in self.config.initial_projects:
            project = Project(len(self.projects), None, MODES.index(spec.mode), 0, spec.anchored)
            if spec.scope == "all":
                project.scope = (1 << N_SERVICES) - 1
            else:
                project.scope = sum(1 << SERVICE_NAMES.index(s) for s in spec.scope)
            project.governance = spec.governance
            project.status = STATUS_RUNNING
            project.phase = rf.PHASE_RUNNING
            project.running_since = 0
            project.demonstrated_value = 1.0
            members = self.ees[first : first + spec.members]
            first += spec.members
            for agent in members:
                self._enrol(agent, project, ring=0)
            project.depth_offered = project.sum_depth / project.n if project.n else 0.5
            if project.leader is None and members:
                project.leader = members[0]
            self.projects.append(project)

    # ------------------------------------------------------------------ helpers
    def draw(self, agent: int, purpose: int) -> float:
        """Counter-based uniform for (seed, run, this month, agent, purpose)."""
        return rng.uniform(self.seed, self.run_index, self.month, agent, purpose)

    def _enrol(self, agent: EES, project: Project, ring: int) -> None:
        agent.project = project
        agent.ring = ring
        agent.commitment = self.config.commitment.initial
        agent.joined_at = self.month
        agent.maturity_at_join = agent.maturity
        agent.covered_value_share = re.covered_value_share(
            project.scope, agent.perimeter, agent.n_needed, SERVICE_VALUE
        )
        project.add(agent)
        agent.log(self.month, "join" if ring > 0 else "core", project.index, float(ring))

    def _leave(self, agent: EES, event: str) -> None:
        project = agent.project
        project.remove(agent)
        agent.project = None
        agent.ring = -1
        agent.exits += 1
        agent.cooldown_until = self.month + 1 + self.config.behaviour.reentry_cooldown_months
        agent.log(self.month, event, project.index, agent.commitment)

    def _release_all(self, project: Project, event: str) -> int:
        released = list(project.members)
        for agent in released:
            self._leave(agent, event)
        return len(released)

    def utility(self, agent: EES, project: Project, joining: bool, pay: bool = False) -> float:
        """R16–R22: net utility of membership (``joining``: as the next member).

        With ``pay`` the pooled subsidies are paid now (budgets permitting); otherwise the
        subsidy the agent would expect is used. Adds to the month's savings when paying.
        """
        cfg = self.config.projects
        n_after = project.n + 1 if joining else project.n
        sum_size = project.sum_size + agent.size if joining else project.sum_size
        het = project.heterogeneity(self.standardisation)
        mode = cfg.modes[MODES[project.mode]]
        total = re.project_cost(
            n_after,
            mode.fixed_cost_eur_month,
            mode.per_member_cost_eur_month,
            cfg.coordination_cost_eur_month,
            het,
        )
        share = re.cost_share(total, n_after, agent.size, sum_size, cfg.cost_equity)
        covered = (
            re.covered_value_share(project.scope, agent.perimeter, agent.n_needed, SERVICE_VALUE)
            if joining
            else agent.covered_value_share
        )
        subsidy = self.authority.pooled_subsidy(agent, share, pay)
        paid = share - subsidy
        fit = re.depth_fit(
            agent.depth, project.depth_offered, cfg.depth_mismatch_weight, self.standardisation
        )
        benefit = re.membership_benefit(
            agent.standalone_cost,
            covered,
            cfg.quality_gain,
            fit,
            re.bargaining_power(n_after, cfg.bargaining_strength),
            project.demonstrated_value,
            cfg.value_floor,
        )
        if pay:
            self.counters["savings_eur"] += re.monthly_saving(agent.standalone_cost, covered, paid)
        rivals = agent.rival_count(project)
        return re.net_utility(
            benefit, paid, agent.standalone_cost, rivals, self.config.behaviour.rivalry_weight
        )

    # ------------------------------------------------------------------ the step
    def step(self) -> None:
        """One month: the phases of the module docstring, in that order."""
        self.month = int(self.time) - 1
        for key in self.counters:
            self.counters[key] = 0.0
        self.authority.start_month()
        self.authority.apply_policies()
        self.ees_agents().do("assess_demand")
        mech = self.config.mechanisms
        if mech.pioneers:
            self.initiate_projects()
        self.advance_formation()
        if mech.growth:
            self.grow_circles()
        self.reassess_commitment()
        self._collect()

    def ees_agents(self) -> mesa.agent.AgentSet:
        """The EES as a Mesa AgentSet, in ascending index (creation order)."""
        return self.agents_by_type[EES]

    # phase 3 -------------------------------------------------------------
    def initiate_projects(self) -> None:
        """R04–R08: pioneers start projects with a core circle of their ties (§4.2, §8.2)."""
        beh = self.config.behaviour
        month = self.month
        pioneers = []
        for agent in self.ees:
            if not (agent.seeking and agent.free(month)):
                continue
            boost = self.authority.initiation_boost(agent)
            p = ri.initiation_probability(agent.leadership, beh.pioneer_rate, boost, DT)
            if agent.draw(rng.P_INITIATE) < p:
                pioneers.append(agent)
        pioneers.sort(key=lambda a: (a.priority(), a.index))
        for pioneer in pioneers:
            if pioneer.project is not None:
                continue
            if len(self.projects) >= self.config.projects.max_projects:
                self.counters["initiations_failed"] += 1
                continue
            core = self._recruit_core(pioneer)
            if len(core) < beh.core_min_partners:
                self.counters["initiations_failed"] += 1
                pioneer.log(month, "initiation_failed", -1, float(len(core)))
                continue
            self._found_project(pioneer, core)

    def _recruit_core(self, pioneer: EES) -> list[EES]:
        beh = self.config.behaviour
        competition = self.config.mechanisms.competition
        scored = []
        for tie in pioneer.ties:
            if not (self._recruitable(tie)):
                continue
            score = ri.partner_score(
                ri.needs_overlap(pioneer.perimeter, tie.perimeter),
                ri.similarity(pioneer.log10_size, tie.log10_size, beh.size_similarity_scale),
                ri.similarity(pioneer.maturity, tie.maturity, beh.maturity_similarity_scale),
                tie.cooperative_posture,
                competition and tie in pioneer.rivals,
                beh.rivalry_aversion,
            )
            if score >= beh.min_partner_score:
                scored.append((-score, tie.index, tie))
        scored.sort(key=lambda item: (item[0], item[1]))
        room = min(beh.core_max_partners, self.config.projects.max_members - 1)
        core = []
        for neg_score, _, tie in scored:
            if len(core) >= room:
                break
            if ri.accepts_partnership(tie.draw(rng.P_RECRUIT), -neg_score):
                core.append(tie)
        return core

    def _recruitable(self, tie: EES) -> bool:
        """A pioneer invites free ties that are convinced and have needs (all free ties when
        the demand mechanism is off): pioneers show the way to those not yet seeking (§4.2)."""
        if not tie.free(self.month):
            return False
        if not self.config.mechanisms.demand:
            return True
        return tie.convinced and tie.n_needed > 0

    def _found_project(self, pioneer: EES, core: list[EES]) -> None:
        cfg = self.config
        index = len(self.projects)
        mode = rng.categorical(self.draw(index, rng.P_PROJECT_MODE), self.mode_cumulative)
        project = Project(index, pioneer, mode, self.month, anchored=False)
        self.projects.append(project)
        for agent in [pioneer, *core]:
            self._enrol(agent, project, ring=0)
        counts = [0] * N_SERVICES
        for agent in project.members:
            for k in range(N_SERVICES):
                counts[k] += (agent.perimeter >> k) & 1
        for k in range(N_SERVICES):
            if rf.service_in_scope(counts[k], project.n, cfg.formation.scope_quorum):
                project.scope |= 1 << k
        for agent in project.members:  # the scope is known only now
            agent.covered_value_share = re.covered_value_share(
                project.scope, agent.perimeter, agent.n_needed, SERVICE_VALUE
            )
        project.depth_offered = project.sum_depth / project.n
        self.authority.assign_facilitator(project)
        project.governance = rf.governance_quality(
            cfg.projects.governance_base,
            cfg.projects.modes[MODES[mode]].governance_bonus,
            project.mean_posture(),
            project.facilitated,
            cfg.projects.facilitator_governance_bonus,
            self.draw(index, rng.P_PROJECT_GOVERNANCE),
            cfg.projects.governance_noise,
        )
        self.counters["new_projects"] += 1
        if not cfg.mechanisms.formation_phases:
            self._start_running(project)

    # phase 4 -------------------------------------------------------------
    def advance_formation(self) -> None:
        """R09–R15: forming projects pass the §8.2 phases or fail (§4.8 facilitators help)."""
        cfg = self.config.formation
        competition = self.config.mechanisms.competition
        for project in self.projects:
            if project.status != STATUS_FORMING:
                continue
            self.authority.pay_facilitator(project)
            het = project.heterogeneity(self.standardisation)
            rival_share = self._rival_share(project) if competition else 0.0
            failure = rf.phase_failure_probability(
                cfg.base_failure,
                het,
                cfg.heterogeneity_weight,
                project.mean_posture(),
                cfg.posture_weight,
                rival_share,
                cfg.rivalry_weight,
                project.facilitated,
                cfg.facilitation_effect,
            )
            advance = rf.phase_advance_probability(
                cfg.phase_months, project.facilitated, cfg.facilitation_speedup
            )
            outcome = rf.phase_transition(self.draw(project.index, rng.P_PHASE), failure, advance)
            if outcome == rf.ADVANCE:
                if project.phase == rf.PHASE_SHARED_BASE and project.scope == 0:
                    outcome = rf.FAIL
                elif project.phase == rf.PHASE_FINANCIAL_PLAN and not self._viable(project):
                    outcome = rf.FAIL
            if outcome == rf.FAIL:
                self._fail(project)
            elif outcome == rf.ADVANCE:
                project.phase += 1
                if project.phase == rf.PHASE_RUNNING:
                    self._start_running(project)

    def _rival_share(self, project: Project) -> float:
        n = project.n
        if n < 2:
            return 0.0
        ties = sum(m.rival_count(project) for m in project.members) / 2.0
        return ties / (n * (n - 1) / 2.0)

    def _viable(self, project: Project) -> bool:
        """Financial plan (§8.2 step 7): the members' mean utility is not negative."""
        total = 0.0
        for agent in project.members:
            total += self.utility(agent, project, joining=False)
        return total >= 0.0

    def _fail(self, project: Project) -> None:
        project.status = STATUS_FAILED
        project.ended_at = self.month
        self.authority.release_facilitator(project)
        self._release_all(project, "formation_failed")
        self.counters["formations_failed"] += 1

    def _start_running(self, project: Project) -> None:
        project.status = STATUS_RUNNING
        project.phase = rf.PHASE_RUNNING
        project.running_since = self.month
        self.authority.release_facilitator(project)
        self.authority.reward_pioneer(project)

    # phase 5 -------------------------------------------------------------
    def grow_circles(self) -> None:
        """R26–R28: the next circle joins running projects through ties (§8.4)."""
        beh = self.config.behaviour
        well_mixed = beh.influence == "well_mixed"
        cap = self.config.projects.max_members
        open_projects = [p for p in self.projects if p.running and p.n < cap]
        if not open_projects:
            return
        largest = max(open_projects, key=lambda p: (p.n, -p.index))
        n_total = len(self.ees)
        use_utility = self.config.mechanisms.utility
        decisions = []
        for agent in self.ees:
            if not (agent.seeking and agent.free(self.month)):
                continue
            if well_mixed:
                project, influence, inner = largest, largest.n / n_total, -1
            else:
                project, influence, inner = self._best_project_among_ties(agent, cap)
                if project is None:
                    continue
            utility = self.utility(agent, project, joining=True) if use_utility else 0.0
            attract = rg.attractiveness(utility, beh.utility_temperature, use_utility)
            p = rg.join_probability(
                beh.innovation, beh.imitation, influence, attract, agent.adoption_threshold, DT
            )
            if p > 0.0 and agent.draw(rng.P_JOIN) < p:
                decisions.append((agent.priority(), agent.index, agent, project, inner))
        decisions.sort(key=lambda d: (d[0], d[1]))
        for _, _, agent, project, inner in decisions:
            if project.n >= cap:
                self.counters["refused_full"] += 1
                continue
            self._enrol(agent, project, rg.joiner_ring(inner, well_mixed))
            self.counters["joins"] += 1

    def _best_project_among_ties(self, agent: EES, cap: int) -> tuple[Project | None, float, int]:
        counts: dict[int, int] = {}
        inner: dict[int, int] = {}
        for tie in agent.ties:
            p = tie.project
            if p is not None and p.running and p.n < cap:
                counts[p.index] = counts.get(p.index, 0) + 1
                inner[p.index] = min(inner.get(p.index, tie.ring), tie.ring)
        if not counts:
            return None, 0.0, -1
        best = min(counts, key=lambda k: (-counts[k], k))
        return self.projects[best], counts[best] / len(agent.ties), inner[best]

    # phase 6 -------------------------------------------------------------
    def reassess_commitment(self) -> None:
        """R29–R34 with R16–R25: benefits, commitment, exits and dissolution (§4.4–4.7, §5)."""
        mech = self.config.mechanisms
        com = self.config.commitment
        equity = self.config.projects.cost_equity
        rate = self.config.benefits.maturity_gain_rate
        collab = {p.index: p.mean_posture() for p in self.projects if p.running}
        utility_sum: dict[int, float] = dict.fromkeys(collab, 0.0)
        leaving = []
        for agent in self.ees:
            project = agent.project
            if project is None or not project.running:
                continue
            u = self.utility(agent, project, joining=False, pay=True)
            utility_sum[project.index] += u
            if mech.commitment_decay:
                mitigation = rc.erosion_mitigation(
                    project.governance,
                    collab[project.index],
                    equity,
                    project.facilitated,
                    com.w_governance,
                    com.w_collaboration,
                    com.w_equity,
                    com.w_facilitation,
                )
                kind = rc.shock_kind(
                    agent.draw(rng.P_SHOCK),
                    com.management.probability,
                    com.reorientation.probability,
                    com.political.probability,
                    com.cost_overrun.probability,
                )
                loss = rc.shock_loss(
                    kind,
                    com.management.loss,
                    com.reorientation.loss,
                    com.political.loss,
                    com.cost_overrun.loss,
                    project.n,
                    com.risk_sharing,
                )
                agent.commitment = rc.commitment_update(
                    agent.commitment, com.erosion, mitigation, com.restoration, u, loss
                )
                if rc.leaves(agent.commitment, com.exit_threshold):
                    leaving.append(agent)
            if mech.maturity_growth:
                agent.maturity = re.maturity_gain(agent.maturity, rate, collab[project.index])
        value_tc = self.config.projects.value_time_constant
        for project in self.projects:
            if project.running and project.n > 0:
                project.demonstrated_value = re.demonstrated_value_update(
                    project.demonstrated_value, utility_sum[project.index] / project.n, value_tc
                )
        for agent in leaving:
            self._leave(agent, "exit")
            self.counters["exits"] += 1
        if mech.dissolution:
            for project in self.projects:
                if project.running and rc.dissolves(
                    project.n, self.config.projects.min_members, project.anchored
                ):
                    project.status = STATUS_DISSOLVED
                    project.ended_at = self.month
                    self.counters["released"] += self._release_all(project, "dissolution")
                    self.counters["dissolved"] += 1

    # ------------------------------------------------------------------ outputs
    def _output_names(self) -> list[str]:
        return list(collect_outputs(self).keys())

    def _reporter(self, name: str) -> Any:
        return lambda model: model.outputs[name]

    def _collect(self) -> None:
        self.outputs = collect_outputs(self)
        self.datacollector.collect(self)

    def run(self) -> None:
        """Run the whole horizon."""
        for _ in range(self.config.horizon_months):
            self.step()


__all__ = ["DT", "MutualisationModel"]
