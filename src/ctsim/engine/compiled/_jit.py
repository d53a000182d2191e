"""What every kernel module shares: the numba decorator and the sample-axis broadcast.

Imported by the kernel modules only (never by ``compiled/__init__``), so numba loads when a kernel
first runs.
"""

from __future__ import annotations

# ruff: noqa: I001  (the cache folder is set before numba is imported)
from . import _cache  # noqa: F401
import numba
import numpy as np

# cache=True: compiled once per install. error_model="numpy": a division by zero gives inf or nan as
# numpy does (the guards then name it) instead of raising. No fastmath: the operations and their order
# are the reference's (no reassociation, no fused multiply-add).
jit = numba.njit(cache=True, error_model="numpy", nogil=True)
# The same, inlined into its callers at numba's IR level: for a helper that takes arrays (a row of
# options, a parameter read as row s or row 0), so that a call in a sample loop costs no reference
# counting of its array arguments (measured: step_caps 3.1 -> 2.2 ms, step_steel_cap 1.6 -> 1.0 ms at
# S = 20,000).
inline = numba.njit(inline="always", cache=True, error_model="numpy", nogil=True)


def per_sample(x, n: int) -> np.ndarray:
    """``x`` as a float64 array with ``n`` rows: a value shared by every sample ([1, ...] or a
    scalar) is broadcast without a copy (a stride-0 view), so a kernel indexes every argument
    ``a[s]``."""
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 0:
        a = a.reshape(1)
    return a if a.shape[0] == n else np.broadcast_to(a, (n, *a.shape[1:]))
