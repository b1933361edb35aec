"""Writes examples/survey_federation.csv: a SYNTHETIC federation of 40 EES (no real
organisation), made to show what ``mutusim match`` does with a realistic mix: a cooperative
cluster of home-help services with shared needs, a cluster of sheltered workshops that compete
with each other, a few large members, and blanks that the tool draws.

Run: ``.venv/bin/python examples/make_survey_federation.py`` (deterministic, seed 15).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from mutusim.catalogue import SERVICE_NAMES
from mutusim.match.survey import columns

HERE = Path(__file__).parent
OUT = HERE / "survey_federation.csv"

GROUPS = (
    # (sector, count, workers median, posture, services needed, federation, rivalry)
    (
        "health_social_action",
        12,
        18,
        4,
        ("support_first_line", "infra_backup", "infra_messaging", "training"),
        "FedSynth-Aide",
        False,
    ),
    (
        "eta_sheltered_work",
        9,
        60,
        3,
        ("application_hosting", "support_second_line", "infra_backup", "development_integration"),
        "",
        True,
    ),
    (
        "education_training",
        10,
        8,
        4,
        ("training", "exchange_good_practices", "infra_network_wifi", "infra_messaging"),
        "",
        False,
    ),
    (
        "culture_youth_recreation",
        9,
        4,
        2,
        ("exchange_good_practices", "infra_hosting", "support_first_line"),
        "",
        False,
    ),
)


def main() -> None:
    rng = np.random.default_rng(15)
    names = [c.name for c in columns(())]
    rows = []
    k = 0
    for g, (sector, count, median, posture, needs, federation, rivalry) in enumerate(GROUPS):
        first = k
        for m in range(count):
            k += 1
            ident = f"syn{k:02d}"
            row = dict.fromkeys(names, "")
            row["id"] = ident
            row["name"] = f"Synthetic EES {k:02d} (fictitious)"
            row["sector"] = sector
            row["province"] = ("hainaut", "liege", "namur", "brabant_wallon", "luxembourg")[
                int(rng.integers(0, 5)) if m % 3 else g % 5
            ]
            row["legal_form"] = "asbl" if m % 4 else "cooperative"
            row["workers"] = max(1, round(median * float(np.exp(rng.normal(0, 0.7)))))
            row["digiscore"] = "" if m % 5 == 4 else int(np.clip(rng.normal(45, 15), 5, 95))
            row["convinced"] = "yes" if rng.random() < 0.7 else "no"
            row["posture"] = int(np.clip(posture + rng.integers(-1, 2), 1, 5))
            row["leadership"] = int(np.clip(rng.integers(1, 6), 1, 5))
            row["financial_tension"] = "" if m % 6 == 5 else int(rng.integers(2, 6))
            for service in SERVICE_NAMES:
                needed = service in needs and rng.random() < 0.85
                row[f"need_{service}"] = int(rng.integers(1, 4)) if needed else 0
            row["federation"] = federation
            peers = [f"syn{first + j + 1:02d}" for j in range(count) if first + j + 1 != k]
            chosen = rng.choice(peers, size=min(3, len(peers)), replace=False)
            row["ties"] = ";".join(sorted(str(c) for c in chosen)) if not federation else ""
            if rivalry and rng.random() < 0.5:
                row["rivals"] = str(rng.choice(peers))
            rows.append(row)
    # bridges between clusters: a few directors sit on two boards
    rows[3]["ties"] = ";".join(filter(None, [rows[3]["ties"], "syn25"]))
    rows[30]["ties"] = ";".join(filter(None, [rows[30]["ties"], "syn14"]))
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {OUT} ({len(rows)} synthetic EES)")


if __name__ == "__main__":
    main()
