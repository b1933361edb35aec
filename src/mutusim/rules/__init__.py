"""Behavioural rules of mutusim: small pure compiled functions, one per mechanism.

Modules: ``demand`` (R01–R03), ``initiation`` (R04–R08), ``formation`` (R09–R15),
``economics`` (R16–R25), ``growth`` (R26–R28), ``commitment`` (R29–R34), ``policies`` (R35–R42).
``RULES`` maps each id to its statement and source. Orchestration (which rule runs when, on whom)
lives in ``mutusim.model`` (Mesa) and nowhere here.
"""

from mutusim.rules import commitment, demand, economics, formation, growth, initiation, policies
from mutusim.rules.registry import RULES, RuleInfo, rule

__all__ = [
    "RULES",
    "RuleInfo",
    "commitment",
    "demand",
    "economics",
    "formation",
    "growth",
    "initiation",
    "policies",
    "rule",
]
