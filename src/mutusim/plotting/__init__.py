"""Figures from results tables: pure functions, tables in, matplotlib ``Figure`` out.

Every function takes ``lang`` ("fr", the default, or "en"): titles, labels and units come from
the translation catalogue (``mutusim.i18n``), numbers are written the language's way, and one
style module (``mutusim.plotting.style``) sets colours and fonts.

| function | input | figure |
|---|---|---|
| ``adoption_chart`` | timeseries of one scenario | every run, median, 5–95 % band |
| ``fan_chart`` | timeseries (``scenario`` column) | median and 50/90 % bands per scenario |
| ``comparison_chart`` | comparison summary | difference to baseline with CI, EUR per extra EES |
| ``survival_chart`` | projects table | Kaplan–Meier survival of running projects |
| ``rings_chart`` | timeseries with ``members_ring_*`` | members by circle over time |
| ``benefits_chart`` | timeseries, ``adoption_share_<group>_*`` | adoption by group, with CIs |
| ``sweep_heatmap`` | sweep summary | an outcome over two parameters |
| ``sensitivity_chart`` | sensitivity summary | Sobol S1/ST or Morris mu* with intervals |
| ``network_chart`` | ``network_tables(model)`` | EES, ties, projects and their circles |
"""

from mutusim.plotting.comparison import benefit_table, benefits_chart, comparison_chart
from mutusim.plotting.experiments import sensitivity_chart, sweep_heatmap
from mutusim.plotting.network import network_chart, network_tables
from mutusim.plotting.survival import kaplan_meier, survival_chart
from mutusim.plotting.timeseries import adoption_chart, fan_chart, rings_chart

__all__ = [
    "adoption_chart",
    "benefit_table",
    "benefits_chart",
    "comparison_chart",
    "fan_chart",
    "kaplan_meier",
    "network_chart",
    "network_tables",
    "rings_chart",
    "sensitivity_chart",
    "survival_chart",
    "sweep_heatmap",
]
