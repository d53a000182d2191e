"""Explicit signatures for the kernels of the year loop's own steps (loop, guards, shocks, rest,
transport, macro, ghg): one compiled version per kernel, whatever the inputs look like.

numba compiles a function once per combination of argument types, and an array's type includes its
layout and whether it is writable: a per-sample input [S] is C-contiguous, a value shared by every
sample a read-only stride-0 view if it is broadcast (``per_sample``), an input may be read-only. A
kernel with a hundred inputs would meet a new combination in every scenario (and compile again, for
seconds, in each). Here every input is a read-only C-contiguous array (:data:`IN`; a writable one
converts to it) of S rows or of 1 (shared, not broadcast: :func:`at` reads it), made so by
:func:`args` (which copies only what is not one already: a strided path column of per-sample
values), so each kernel has one signature, compiled once per install (``cache=True``, at the
import of its module). Same options as ``_jit.jit``.

numba's cache knows a kernel by its own file only, so the cache folder is keyed by every source of
this package (``_cache``): an edit of the helpers here (``at``, ``fmax``, ...) starts a new one (with
``NUMBA_CACHE_DIR`` set by hand, remove its cached kernels after such an edit).
"""

from __future__ import annotations

# ruff: noqa: I001  (the cache folder is set before numba is imported)
from . import _cache  # noqa: F401
import numba
import numpy as np
from numba import types

IN = types.Array(types.float64, 1, "C", readonly=True)  # a per-sample input [S], or shared [1]
IN2 = types.Array(types.float64, 2, "C", readonly=True)  # with a category axis: [S, C] or [1, C]
OUT = types.float64[::1]  # an output [S]
OUT2 = types.float64[:, ::1]  # an output [S, C], or the year's output slab [V, S]
INDEX = types.Array(types.int64, 1, "A", readonly=True)
F64 = types.float64
I64 = types.int64
BOOL = types.boolean


def kernel(*args, ret=types.void):
    """``numba.njit`` with the signature ``ret(*args)``, compiled (or loaded from the cache) when the
    kernel module is imported."""
    return numba.njit(ret(*args), cache=True, error_model="numpy", nogil=True)


from ._jit import jit  # noqa: E402  (after the signature types: the scalar helpers below)


@jit
def fmax(a, b):
    """``np.maximum`` of two float64 arrays, element by element: NaN when either is NaN, and ``b``
    when they are equal (so ``fmax(-0.0, 0.0)`` is +0.0 and ``fmax(0.0, -0.0)`` is -0.0, as numpy)."""
    return a if (a > b or a != a) else b


@jit
def fmin(a, b):
    """``np.minimum`` likewise: NaN when either is NaN, ``b`` when they are equal."""
    return a if (a < b or a != a) else b


@jit
def fclip(x, lo, hi):
    """``np.clip(x, lo, hi)`` with an array bound (numpy's ``minimum(maximum(x, lo), hi)``; with two
    scalar bounds numpy takes another path that keeps ``x`` on a tie)."""
    return fmin(fmax(x, lo), hi)


@numba.njit(inline="always")  # inlined before the compiler's loop passes (see below)
def at(x, s):
    """Sample ``s`` of an input [S], or its one value when it is shared by every sample ([1]). The
    test does not depend on ``s``: the compiler takes it out of the loop (a version of the loop for
    each case, vectorized) where the loop is small enough, and predicts it elsewhere."""
    return x[0] if x.shape[0] == 1 else x[np.uint64(s)]  # unsigned: no wraparound test


@numba.njit(inline="always")
def at2(x, s, k):
    """Category ``k`` of sample ``s`` of an input [S, C] or [1, C]."""
    return x[0, k] if x.shape[0] == 1 else x[np.uint64(s), k]


def arg(x):
    """An input as the kernels take it: a C-contiguous float64 array whose first axis is S or 1
    (read with :func:`at`), as it is when it is one already (no broadcast view: ``np.broadcast_to``
    costs more than a kernel's pass over 20,000 samples; a path's column of per-sample values is
    copied)."""
    if type(x) is np.ndarray and x.dtype == np.float64 and x.ndim and x.flags.c_contiguous:
        return x
    a = np.ascontiguousarray(x, dtype=np.float64)
    return a.reshape(1) if a.ndim == 0 else a


_F8 = np.dtype(np.float64)


def args(*xs) -> list:
    """:func:`arg` of each input, in one call (the year loop's kernel takes a hundred; most are C
    float64 arrays already, returned as they are)."""
    return [x if type(x) is np.ndarray and x.dtype == _F8 and x.ndim and x.flags.c_contiguous else arg(x)
            for x in xs]


def n_samples(*xs) -> int:
    """The number of samples of a step: the longest first axis of ``xs`` (a scalar counts 1)."""
    return max([x.shape[0] if type(x) is np.ndarray and x.ndim else len(x) if np.ndim(x) else 1 for x in xs])
