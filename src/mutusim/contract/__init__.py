"""The contract below both faces: the one declared schema of a run.

Every per-EES field, per-project field, authority account, monthly counter, scalar and policy
parameter, output column and story event is declared here once, with its dtype, unit and
meaning. Every array layout of the compiled month step (column enums, record dtypes, output
blocks) is derived from these declarations; nothing else in the package lists them again.

- ``fields``: state of one run (EES, projects, authority, counters) and story events.
- ``parameters``: scalar parameters (a record dtype derived from the config schema) and modes.
- ``policy_layout``: policy kinds and the policy record (common and per-kind parameters).
- ``outputs``: timeseries columns and the projects table.

This package imports no Mesa, no networkx and nothing of ``mutusim.model``.
"""
