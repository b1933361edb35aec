"""The schema's documentation tables, generated from the declarations (docs/ODD.md embeds them
between ``<!-- schema:NAME -->`` and ``<!-- /schema:NAME -->``; a test keeps them in step).

Regenerate the blocks in place with ``python -m mutusim.contract.tables docs/ODD.md``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from mutusim.contract.fields import (
    AGENT_FIELDS,
    AUTHORITY_FIELDS,
    COUNTERS,
    EVENTS,
    POLICY_ACCOUNTS,
    PROJECT_FIELDS,
    StateField,
)
from mutusim.contract.outputs import BLOCKS, CORE_OUTPUTS, PROJECT_OUTPUTS, Output


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def _fields(fields: Sequence[StateField], with_kind: bool = False) -> str:
    header = ["field", "type", "unit", "meaning", *(["kind"] if with_kind else [])]
    return _table(
        header,
        (
            [f"`{f.name}`", f.dtype, f.unit, f.meaning, *([f.kind] if with_kind else [])]
            for f in fields
        ),
    )


def _outputs(outputs: Sequence[Output]) -> str:
    return _table(
        ["column", "unit", "meaning"], ([f"`{o.name}`", o.unit, o.meaning] for o in outputs)
    )


def tables() -> dict[str, str]:
    """Every generated table, by block name."""
    return {
        "agent-fields": _fields(AGENT_FIELDS, with_kind=True),
        "project-fields": _fields(PROJECT_FIELDS),
        "authority-accounts": _fields(AUTHORITY_FIELDS)
        + "\n\nPer policy k (`au_policy[PA.<field>, k]`):\n\n"
        + _fields(POLICY_ACCOUNTS),
        "counters": _fields(COUNTERS),
        "events": _table(
            ["event", "meaning", "value"], ([f"`{e.name}`", e.meaning, e.value] for e in EVENTS)
        ),
        "outputs": _outputs(CORE_OUTPUTS)
        + "\n\nThen, in this order, one column per item of each block:\n\n"
        + _table(
            ["columns", "unit", "meaning"],
            ([f"`{prefix}<item>`", unit, meaning] for prefix, unit, meaning in BLOCKS),
        ),
        "projects-table": _outputs(PROJECT_OUTPUTS),
    }


BLOCK = re.compile(r"(<!-- schema:([\w-]+) -->\n)(?:.*?\n)?(<!-- /schema:\2 -->)", re.S)


def render_into(text: str) -> str:
    """``text`` with every generated block replaced by its current table."""
    generated = tables()
    return BLOCK.sub(lambda m: m.group(1) + generated[m.group(2)] + "\n" + m.group(3), text)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        path = Path(name)
        path.write_text(render_into(path.read_text(encoding="utf-8")), encoding="utf-8")
