"""The rule registry: every behavioural rule of mutusim, compiled once, listed once.

A rule is a small pure function of scalars (its random draw, when it needs one, is an argument),
compiled with ``numba.njit(cache=True)`` so that the Mesa model (from Python) and the batch
engine (from compiled code) call the very same arithmetic. ``@rule`` records each one with its
id, a one-line statement and the section (§) of the white paper, or the paper, it comes from;
``docs/ODD.md`` lists them by id and a test checks that the two lists agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from numba import njit


@dataclass(frozen=True)
class RuleInfo:
    """Metadata of one rule."""

    rule_id: str
    name: str
    statement: str
    source: str
    function: Any


RULES: dict[str, RuleInfo] = {}


def rule(rule_id: str, statement: str, source: str) -> Callable[[Callable], Any]:
    """Compile ``fn`` with numba and register it under ``rule_id``."""

    def wrap(fn: Callable) -> Any:
        if rule_id in RULES:
            raise ValueError(f"rule id {rule_id} is used twice")
        compiled = njit(cache=True)(fn)
        RULES[rule_id] = RuleInfo(rule_id, fn.__name__, statement, source, compiled)
        return compiled

    return wrap
