"""The interactive dashboard (``mutusim dashboard``): a Solara page served on localhost, fully
offline, to compare policy scenarios with the baseline and watch one run's projects grow.

Modules: ``scenario`` (levers, scenario configs, paired comparison; no Solara), ``agents``
(one Mesa run recorded month by month), ``figures`` (matplotlib), ``text`` (numbers and
descriptions per language), ``app`` (the Solara page), ``server`` (``serve``).
"""

from mutusim.dashboard.server import DEFAULT_HOST, DEFAULT_PORT, serve

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "serve"]
