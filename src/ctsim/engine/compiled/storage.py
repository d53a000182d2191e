"""Kernels of ctsim.engine.storage (the reference: same operations, same order), and what the power
kernels (compiled/power.py) share with them: numpy's min/max, the leading-axes helpers and the
transcendental passes.

Transcendentals (exp, log1p, expm1, tanh) are not computed in the compiled loops: a loop writes their
arguments to a buffer, numpy's own ufunc turns the buffer into its values, and the next loop goes on
from there. numpy's SIMD routines are 5-12x faster than the C library's that numba calls (measured
here, 20,000 values: exp 25 vs 235 us, tanh 43 vs 357 us, expm1 30 vs 332 us, log1p 122 vs 197 us),
and, being the reference's own routines on the same arguments, they give its values bit for bit: so
these kernels agree with the numpy engine exactly, not to a tolerance.

A value shared by all samples ([1]) enters a kernel as a float, a per-sample one as a contiguous
array, and the kernel reads either with ``at(x, i)``: numba compiles one version per such mix (cached
on disk), in which the shared values sit in registers and the per-sample loop can use SIMD (a stride-0
or strided view instead would make every loop scalar: 4x slower, measured). Category axes ([S, K]
capacity, [S, 2] stocks) are passed flat and indexed ``K i + k`` for the same reason.

First run: compiling these kernels and compiled/power.py's for a national scenario costs ~7 s of CPU
(measured for steel2030, empty cache); later processes load them from numba's cache in ~0.6 s. A
scenario with another mix of shared and per-sample parameters compiles its own versions (~0.3 s a
kernel) once.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload

from ..axes import NTS, PHS
from ..units import GWH_PER_TWH
from ._jit import jit

# floors of the reference (ctsim.engine.storage): demand in the share, shifting capability, storage
DEMAND_FLOOR_TWH = 1e-9
SHIFT_FLOOR_TWH = 1e-12
TOTAL_FLOOR_GWH = 1e-12
F64 = np.dtype(np.float64)


def at(x, i):
    """``x[i]`` for a per-sample array, ``x`` for a shared value (a float): numba only."""
    raise NotImplementedError("at() runs compiled only")


@overload(at, inline="always")
def _at(x, i):
    if isinstance(x, types.Array):
        return lambda x, i: x[i]
    return lambda x, i: x


@jit
def npmax(a: float, b: float) -> float:
    """``np.maximum`` of two floats: NaN if either is NaN (Python's ``max`` drops a NaN ``b``)."""
    return a if (a >= b) | (a != a) else b


@jit
def npmin(a: float, b: float) -> float:
    """``np.minimum`` of two floats: NaN if either is NaN."""
    return a if (a <= b) | (a != a) else b


@jit
def divide_where(a: float, b: float, otherwise: float) -> float:
    """``np.divide(a, b, out=otherwise, where=b > 0)`` for floats, without a branch (a division by 1
    where b <= 0, then a select), so that the loops around it vectorize."""
    pos = b > 0
    q = a / (b if pos else 1.0)
    return q if pos else otherwise


# --- leading axes ---------------------------------------------------------------------------------
def lead(*arrays, cats=()) -> tuple[int, ...]:
    """The leading shape the numpy reference broadcasts ``arrays`` to (``cats``: arrays whose last
    axis is a category axis, not broadcast)."""
    n = 1
    for a in arrays:  # the engine's own case: every array [S] or [1] (and [S, K] for cats)
        if type(a) is not np.ndarray or a.ndim != 1:
            break
        n = max(n, a.shape[0])
    else:
        for a in cats:
            if type(a) is not np.ndarray or a.ndim != 2:
                break
            n = max(n, a.shape[0])
        else:
            return (n,)
    return np.broadcast_shapes(*(np.shape(a) for a in arrays), *(np.shape(a)[:-1] for a in cats))


def flat(x, shape: tuple[int, ...], cat: bool = False):
    """``x`` as a kernel argument for the leading ``shape`` (the leading axes in one): a float when
    one value is shared by every element (unless ``cat``: ``x`` has a category axis last, kept), else
    a contiguous float64 array [n] (or [n, K])."""
    a = x if type(x) is np.ndarray and x.dtype is F64 else np.asarray(x, dtype=np.float64)
    if not cat and a.size == 1:
        return a.item()
    if len(shape) == 1 and a.ndim == 1 + cat and a.shape[0] == shape[0]:
        return a if a.flags.c_contiguous else np.ascontiguousarray(a)
    tail = a.shape[-1:] if cat else ()
    return np.ascontiguousarray(np.broadcast_to(a, shape + tail).reshape((-1,) + tail))


def bind(arrays, cats=()):
    """(leading shape, the kernel arguments of ``arrays`` then of ``cats``): ``lead`` and ``flat`` in
    one pass, for the engine's own case ([S] or [1] float64 arrays, cats [S, K]) without a numpy call."""
    n = 1
    for a in arrays:
        if type(a) is not np.ndarray or a.ndim != 1 or a.dtype is not F64:
            return _bind(arrays, cats)
        if a.shape[0] > n:
            n = a.shape[0]
    for a in cats:
        if type(a) is not np.ndarray or a.ndim != 2 or a.dtype is not F64 or a.shape[0] != n:
            return _bind(arrays, cats)
    out = []
    for a in arrays:
        k = a.shape[0]
        if k == 1:
            out.append(a.item())
        elif a.flags.c_contiguous:
            out.append(a)
        else:
            out.append(np.ascontiguousarray(a))
    for a in cats:
        out.append(a if a.flags.c_contiguous else np.ascontiguousarray(a))
    return (n,), out


def _bind(arrays, cats):
    shape = lead(*arrays, cats=cats)
    return shape, [flat(a, shape) for a in arrays] + [flat(a, shape, cat=True) for a in cats]


def rows(k: int, shape: tuple[int, ...]) -> list[np.ndarray]:
    """k output arrays [n] for the leading ``shape`` (rows of one block: one allocation)."""
    return list(np.empty((k, size(shape))))


def shaped(arrays, shape: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """Kernel outputs [n] (or [n, K]) with the leading ``shape`` again."""
    if len(shape) == 1:
        return tuple(arrays)
    return tuple(a.reshape(shape + a.shape[1:]) for a in arrays)


def size(shape: tuple[int, ...]) -> int:
    n = 1
    for k in shape:
        n *= k
    return n


# --- raw and marginal curtailment -----------------------------------------------------------------
@jit
def share_arg(vre, demand, flexibility, width):
    """(d, x) of ``raw_curtailment``: the floored demand and (s - F) / w."""
    d = npmax(demand, DEMAND_FLOOR_TWH)
    s = vre / d
    return d, (s - flexibility) / width


@jit
def _softplus_args(vre, demand, flexibility, width, x, e):
    """x = (s - F) / w and -|x| (the argument of softplus's exp) for each sample."""
    for i in range(x.shape[0]):
        _, xi = share_arg(at(vre, i), at(demand, i), at(flexibility, i), at(width, i))
        x[i] = xi
        e[i] = -abs(xi)


@jit
def _offset_args(flexibility, width, x, e):
    """x = -F / w (softplus at zero wind and solar) and -|x|."""
    for i in range(x.shape[0]):
        xi = -at(flexibility, i) / at(width, i)
        x[i] = xi
        e[i] = -abs(xi)


@jit
def softplus_of(x, log1p_exp):
    """max(x, 0) + ln(1 + e^-|x|), from x and the ufuncs' ln(1 + e^-|x|)."""
    return npmax(x, 0.0) + log1p_exp


def softplus_buffer(flexibility, width, n: int) -> np.ndarray:
    """The buffer of exp arguments: n for the share, then 1 for the offset softplus(-F / w) when F
    and w are shared (floats), else n."""
    return np.empty(n + (1 if isinstance(flexibility, float) and isinstance(width, float) else n))


def softplus_finish(buf: np.ndarray, x: np.ndarray, flexibility, width, n: int):
    """The offset's arguments into ``buf`` (whose first n hold -|x| of the share), one exp and one
    log1p pass; returns x and ln(1 + e^-|x|) of the share and of the offset (floats when shared)."""
    m = buf.shape[0] - n
    if m == 1:  # F and w shared: the offset's argument in Python floats (the same IEEE operations)
        x0 = -flexibility / width
        buf[n] = -abs(x0)
    else:
        x0 = np.empty(m)
        _offset_args(flexibility, width, x0, buf[n:])
    np.exp(buf, out=buf)
    np.log1p(buf, out=buf)
    return x, buf[:n], x0, (buf[n:].item() if m == 1 else buf[n:])


def softplus_parts(vre, demand, flexibility, width, n: int):
    """:func:`softplus_finish` of the share of ``vre`` in ``demand``."""
    buf, x = softplus_buffer(flexibility, width, n), np.empty(n)
    _softplus_args(vre, demand, flexibility, width, x, buf[:n])
    return softplus_finish(buf, x, flexibility, width, n)


@jit
def raw_of(vre, demand, flexibility, width, x, lx, x0, l0):
    """C0 = d w [softplus(x) - softplus(x0)] of ``raw_curtailment``."""
    d = npmax(demand, DEMAND_FLOOR_TWH)
    return d * width * (softplus_of(x, lx) - softplus_of(x0, l0))


@jit
def _raw(vre, demand, flexibility, width, x, lx, x0, l0, out):
    for i in range(out.shape[0]):
        out[i] = raw_of(at(vre, i), at(demand, i), at(flexibility, i), at(width, i), at(x, i), at(lx, i), at(x0, i), at(l0, i))


def raw_curtailment(vre_twh, demand_twh, flexibility, width) -> np.ndarray:
    """:func:`ctsim.engine.storage.raw_curtailment`, any leading shape ([S] or [S, G])."""
    shape, (v, d, f, w) = bind((vre_twh, demand_twh, flexibility, width))
    n = size(shape)
    out = np.empty(n)
    _raw(v, d, f, w, *softplus_parts(v, d, f, w, n), out)
    return shaped((out,), shape)[0]


@jit
def _raw_absorb(vre, demand, flexibility, width, x, lx, x0, l0, shift, raw, z):
    """The raw curtailment C0 and -C0 / A (the argument of ``absorbed``'s expm1)."""
    for i in range(raw.shape[0]):
        c = raw_of(at(vre, i), at(demand, i), at(flexibility, i), at(width, i), at(x, i), at(lx, i), at(x0, i),
                   at(l0, i))
        raw[i] = c
        z[i] = -c / npmax(at(shift, i), SHIFT_FLOOR_TWH)


@jit
def _tanh_args(vre, demand, flexibility, width, z):
    for i in range(z.shape[0]):
        s = at(vre, i) / npmax(at(demand, i), DEMAND_FLOOR_TWH)
        z[i] = 0.5 * (s - at(flexibility, i)) / at(width, i)


@jit
def _half_one_plus(z):
    for i in range(z.shape[0]):
        z[i] = 0.5 * (1.0 + z[i])


def marginal_curtailment(vre_twh, demand_twh, flexibility, width) -> np.ndarray:
    """:func:`ctsim.engine.storage.marginal_curtailment`, any leading shape."""
    shape, args = bind((vre_twh, demand_twh, flexibility, width))
    z = np.empty(size(shape))
    _tanh_args(*args, z)
    np.tanh(z, out=z)
    _half_one_plus(z)
    return shaped((z,), shape)[0]


# --- storage absorbing the surplus ----------------------------------------------------------------
@jit
def absorbed_of(shift, expm1):
    """A (1 - e^(-C0 / A)) from the ufunc's expm1(-C0 / A); 0 where A <= 0."""
    if shift > 0:
        return npmax(shift, SHIFT_FLOOR_TWH) * -expm1
    return 0.0


@jit
def flows_of(raw, shift, efficiency, expm1):
    """(absorbed, returned, losses, curtailed) of one sample: ``storage.curtailment``'s flows."""
    a = absorbed_of(shift, expm1)
    b = a * efficiency
    return a, b, a - b, raw - a


@jit
def _storage_flows(raw, shift, efficiency, expm1, took, back, losses, curtailed):
    for i in range(took.shape[0]):
        took[i], back[i], losses[i], curtailed[i] = flows_of(at(raw, i), at(shift, i), at(efficiency, i),
                                                             at(expm1, i))


def storage_flows(raw: np.ndarray, z: np.ndarray, shift, efficiency, n: int) -> list[np.ndarray]:
    """[absorbed, returned, losses, curtailed] [n] of ``storage.curtailment`` given the raw
    curtailment [n] and -raw / A in ``z`` (turned into its expm1 in place)."""
    np.expm1(z, out=z)
    flows = rows(4, (n,))
    _storage_flows(raw, shift, efficiency, z, *flows)
    return flows


def curtailment(pw, store, vre_twh, demand_twh, t: int):
    """The fields of :func:`ctsim.engine.storage.curtailment` (raw, absorbed, returned, losses,
    curtailed: the numpy module packs them, as a kernel module must not import it), any leading shape."""
    shape, (v, d, f, w, sh, ef) = bind((vre_twh, demand_twh, pw.grid_flexibility[..., t], pw.curtailment_width,
                                        store.shift_twh, store.efficiency))
    n = size(shape)
    raw, z = np.empty(n), np.empty(n)
    _raw_absorb(v, d, f, w, *softplus_parts(v, d, f, w, n), sh, raw, z)
    return shaped((raw, *storage_flows(raw, z, sh, ef, n)), shape)


# --- storage stocks -------------------------------------------------------------------------------
@jit
def _step_storage(first, phs_2020, nts_2020, phs_add, nts_add, extra_nts, phs_h, nts_h, cycles, phs_rt,
                  nts_rt, prev_gw, prev_gwh, gw, gwh, add, shift, eff):
    """The stocks [n, 2] flattened to [2 n] (kind k of sample i at 2 i + k: a stride the compiler
    knows, so the loop vectorizes)."""
    for i in range(shift.shape[0]):
        p, q = 2 * i + PHS, 2 * i + NTS
        a0 = at(phs_add, i)
        a1 = at(nts_add, i) + at(extra_nts, i)
        add[p] = a0
        add[q] = a1
        d0, d1 = at(phs_h, i), at(nts_h, i)
        if first:
            g0 = at(phs_2020, i)
            g1 = at(nts_2020, i)
            s0 = g0 - a0
            s1 = g1 - a1
            sh0 = s0 * d0
            sh1 = s1 * d1
        else:
            s0, s1 = prev_gw[p], prev_gw[q]
            sh0, sh1 = prev_gwh[p], prev_gwh[q]
            g0 = s0 + a0
            g1 = s1 + a1
        e0 = g0 * d0
        e1 = g1 * d1
        gw[p] = g0
        gw[q] = g1
        gwh[p] = e0
        gwh[q] = e1
        v0 = 0.5 * (sh0 + e0)
        v1 = 0.5 * (sh1 + e1)
        shift[i] = (v0 + v1) * at(cycles, i) / GWH_PER_TWH
        total = npmax((v0 + 0.0) + v1, TOTAL_FLOOR_GWH)
        eff[i] = (v0 * at(phs_rt, i) + v1 * at(nts_rt, i)) / total


def step_storage(pw, prev, extra_nts_gw, t: int, n: int):
    """The fields of :func:`ctsim.engine.storage.step_storage` (gw, gwh, added_gw, shift_twh,
    efficiency) for [n] samples."""
    first = prev is None
    _, args = bind((pw.phs_capacity_2020_gw, pw.nts_capacity_2020_gw, pw.phs_additions_gw[..., t],
                    pw.nts_additions_gw[..., t], extra_nts_gw, pw.phs_duration_h, pw.nts_duration_h[..., t],
                    pw.storage_cycles_per_yr, pw.phs_round_trip, pw.nts_round_trip, np.empty(n)), cats=() if first else (
                    prev.storage_gw, prev.storage_gwh))
    args.pop(10)  # (the [n] placeholder: the stocks have n rows even if every input is shared)
    prev_gw, prev_gwh = (_NO_STOCK, _NO_STOCK) if first else (a.reshape(-1) for a in args[10:])
    stocks = np.empty((3, n, 2))
    shift, eff = rows(2, (n,))
    _step_storage(first, *args[:10], prev_gw, prev_gwh, *stocks.reshape(3, -1), shift, eff)
    return stocks[0], stocks[1], stocks[2], shift, eff


_NO_STOCK = np.zeros(2)  # last year's stocks in the first year (not read)
