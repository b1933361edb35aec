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
