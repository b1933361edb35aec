"""Record arrays: the layout of parameters, modes, policies and population inputs.

They are ``numpy.recarray``s so that a record's fields read as attributes (``p.budget_eur``)
both in compiled code and when numba's JIT is disabled (``NUMBA_DISABLE_JIT=1``).
"""

from __future__ import annotations

import numpy as np


def records(shape: int | tuple[int, ...], dtype: np.dtype) -> np.recarray:
    """Zero-filled records of ``dtype``."""
    return np.zeros(shape, dtype).view(np.recarray)


def as_records(array: np.ndarray) -> np.recarray:
    """The same data viewed as records (after stacking or concatenating record arrays)."""
    return np.ascontiguousarray(array).view(np.recarray)
