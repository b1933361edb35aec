"""Numbers and scenario descriptions written the way each language writes them
(French: ``1 234,5``; English: ``1,234.5``). Words come from the catalogue (``mutusim.i18n``)."""

from __future__ import annotations

from mutusim.dashboard.scenario import SIZE_NO_LIMIT, Levers, shipped_policy
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
    """An amount in euros, rounded the one way of figures, reports and the console
    (``78 600 €``, ``2 M€`` / ``€78,600``, ``€2M``)."""
    from mutusim.plotting.style import money

    return money(value, lang)


def describe_targeting(levers: Levers, policy: str, lang: str) -> list[str]:
    """What the page set for ``policy``'s targeting, period and own budget, in words (the
    report's phrases: one wording everywhere)."""
    from mutusim.plotting.style import category_label, money

    rule = levers.targeting_of(policy)
    out = []
    if rule.start_month is not None or rule.end_month is not None:
        shipped = shipped_policy(policy)
        start = shipped.start_month if rule.start_month is None else rule.start_month
        end = shipped.end_month if rule.end_month is None else rule.end_month
        out.append(t("report.policy_window", lang, start=start, end=end))
    if rule.budget_eur is not None:
        out.append(t("report.policy_budget", lang, budget=money(rule.budget_eur, lang)))
    if rule.size_min:
        out.append(t("report.eligible_size_min", lang, n=number(rule.size_min, lang)))
    if rule.size_max is not None and rule.size_max < SIZE_NO_LIMIT:
        out.append(t("report.eligible_size_max", lang, n=number(rule.size_max, lang)))
    if rule.provinces:
        names = ", ".join(category_label("province", p, lang) for p in rule.provinces)
        out.append(t("report.eligible_provinces", lang, names=names))
    if rule.sectors:
        names = ", ".join(category_label("sector", s, lang) for s in rule.sectors)
        out.append(t("report.eligible_sectors", lang, names=names))
    return out


def describe_policies(levers: Levers, lang: str) -> str:
    """The chosen policies in words, with their targeting and the budget (or "none")."""
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
            parts.append(t(key, lang, n=number(float(fields["contacts_per_month"]), lang)))
        else:
            parts.append(t(key, lang))
        targeting = describe_targeting(levers, name, lang)
        if targeting:
            parts[-1] += " (" + t("report.list_sep", lang).join(targeting) + ")"
    if not parts:
        return t("dashboard_policy_none", lang)
    parts.append(t("dashboard_policy_budget", lang, eur=euros(levers.budget_eur, lang)))
    return ", ".join(parts)
