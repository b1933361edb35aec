"""Fixed vocabularies of the model: the IT service catalogue (§7), legal forms, provinces,
pooling modes and project statuses. Data that varies by scenario lives in ``configs/``."""

from __future__ import annotations

import numpy as np

SERVICES: tuple[tuple[str, int], ...] = (
    ("exchange_good_practices", 3),
    ("exchange_solution_knowledge", 2),
    ("training", 3),
    ("application_hosting", 2),
    ("support_first_line", 2),
    ("support_second_line", 2),
    ("development_integration", 3),
    ("infra_server_room", 2),
    ("infra_internet_connection", 2),
    ("infra_virtualised_servers", 2),
    ("infra_hosting", 1),
    ("infra_backup", 1),
    ("infra_network_wifi", 1),
    ("infra_messaging", 1),
)
"""(service, value added of pooling it: 1 low .. 3 high), from the table of §7."""

SERVICE_NAMES = tuple(name for name, _ in SERVICES)
SERVICE_VALUE = np.array([value for _, value in SERVICES], dtype=np.float64)
N_SERVICES = len(SERVICES)

LEGAL_FORMS = ("asbl", "cooperative", "mutual", "foundation", "sfs")
"""Legal forms of EES (Contexte of the white paper): non-profit (ASBL), cooperative, mutual
society, foundation, social-purpose company (SFS)."""

PROVINCES = ("hainaut", "liege", "namur", "brabant_wallon", "luxembourg")
N_PROVINCES = len(PROVINCES)

MODES = ("shared_personnel", "joint_purchases", "co_ownership")
"""Pooling modes, the columns of the §7 table."""

MODE_SUITABILITY = np.array(
    [
        # shared personnel, joint purchases, co-ownership
        [3, 0, 1],  # exchange_good_practices
        [2, 1, 1],  # exchange_solution_knowledge
        [3, 3, 1],  # training: a pool of trainers, or courses bought together (§7 example)
        [1, 3, 2],  # application_hosting
        [3, 2, 1],  # support_first_line
        [2, 3, 1],  # support_second_line
        [2, 2, 3],  # development_integration: a co-owned application (§7 example)
        [1, 2, 3],  # infra_server_room
        [0, 3, 1],  # infra_internet_connection
        [1, 2, 3],  # infra_virtualised_servers
        [0, 3, 2],  # infra_hosting
        [1, 3, 2],  # infra_backup
        [2, 3, 0],  # infra_network_wifi
        [1, 3, 1],  # infra_messaging
    ],
    dtype=np.float64,
)
"""How well each service (rows, ``SERVICES`` order) suits each pooling mode (columns), 0–3.
The white paper's §7 table has these columns but its cells are not filled in: every mark
here is an assumption (two examples of §7 are followed: training by a pool of trainers or
joint purchase, a shared application under co-ownership)."""

MODE_MATURITY_LEAN = np.array([-1.0, 0.0, 1.0])
"""Which way a group's maturity leans the mode (R55): co-ownership with shared governance needs
mature partners, shared IT staff serves those with the least in-house skills (§4.2, §7)."""

PHASES = ("needs", "standards", "shared_base", "market", "choices", "partners", "financial_plan")
"""The §8.2 steps of a forming project, in order (phase codes 1..7; 8 = running)."""

SIZE_CLASSES = ("micro", "small", "medium_large")
"""Size classes of the outputs: < 5 workers, 5–49, >= 50 (BRIEF §5)."""
SIZE_CLASS_EDGES = (5.0, 50.0)

STATUS_FORMING = 1
STATUS_RUNNING = 2
STATUS_DISSOLVED = 3
STATUS_FAILED = 4
STATUS_NAMES = {1: "forming", 2: "running", 3: "dissolved", 4: "failed"}

DT = 1.0 / 12.0
"""Length of one step (a month) in years: a yearly rate r gives the monthly probability
1 - exp(-r * DT)."""
