"""Numbers and scenario descriptions written the way each language writes them
(French: ``1 234,5``; English: ``1,234.5``). Words come from the catalogue (``mutusim.i18n``)."""

from __future__ import annotations

from mutusim.dashboard.scenario import Levers
from mutusim.i18n import t

_NARROW_NBSP = "\u202f"


def number(value: float, lang: str, decimals: int = 0, sign: bool = False) -> str:
    """``value`` with thousands separators and ``decimals`` decimals (``sign``: always +/-)."""
    text = f"{value:{'+' if sign else ''},.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", _NARROW_NBSP).replace(".", ",")
    return text.replace("-", "−")


def percent(share: float, lang: str, decimals: int = 1) -> str:
    """A share (0-1) as a percentage: ``12,5 %`` or ``12.5%``."""
    value = number(100 * share, lang, decimals)
    return f"{value}\u00a0%" if lang == "fr" else f"{value}%"


def points(share_difference: float, lang: str, decimals: int = 1) -> str:
    """A difference of shares in percentage points, signed."""
    return number(100 * share_difference, lang, decimals, sign=True)


def euros(value: float, lang: str) -> str:
    """An amount in euros: ``1 800 000 €`` or ``€1,800,000``."""
    amount = number(value, lang, 0)
    return f"{amount}\u00a0€" if lang == "fr" else f"€{amount}"


def describe_policies(levers: Levers, lang: str) -> str:
    """The chosen policies in words, with the budget (or "none")."""
    parts = []
    for name, fields in levers.policies():
        key = f"dashboard_policy_{name}"
        if name == "pooled_subsidy":
            parts.append(t(key, lang, rate=number(100 * float(fields["rate"]), lang)))
        elif name == "facilitator":
            parts.append(t(key, lang, n=fields["facilitators"]))
        elif name == "pioneer_reward":
            parts.append(t(key, lang, eur=euros(float(fields["reward_eur"]), lang)))
        elif name == "awareness":
            parts.append(t(key, lang, rate=number(100 * float(fields["conversion_rate"]), lang)))
        else:
            parts.append(t(key, lang))
    if not parts:
        return t("dashboard_policy_none", lang)
    parts.append(t("dashboard_policy_budget", lang, eur=euros(levers.budget_eur, lang)))
    return ", ".join(parts)
