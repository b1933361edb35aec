"""The translation catalogue: every user-facing text of figures, reports and the dashboard,
in French (the default for the Agence's audiences) and English.

The catalogue is one mapping ``key -> {"fr": ..., "en": ...}`` assembled from the YAML files of
this folder (one per surface, so that each stays readable); a key may appear in one file only.
Texts may hold ``{named}`` fields filled by ``t(key, lang, **values)``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All keys of all catalogue files (a key defined twice is an error)."""
    merged: dict[str, dict[str, str]] = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        for key, texts in data.items():
            if key in merged:
                raise ValueError(f"i18n key {key!r} defined twice (in {entry.name})")
            missing = [lang for lang in LANGUAGES if lang not in (texts or {})]
            if missing:
                raise ValueError(f"i18n key {key!r} in {entry.name} lacks {missing}")
            merged[key] = texts
    return merged


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """The text of ``key`` in ``lang``, with ``{fields}`` filled from ``values``."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {lang!r}")
    text = catalogue()[key][lang]
    return text.format(**values) if values else text
