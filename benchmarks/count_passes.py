"""Count the engine's numpy calls and elementwise passes per sample-year (for docs/performance.md 3c).

    PYTHONPATH=src python benchmarks/count_passes.py [--samples 2000] [--scenario scenarios/steel2030.yaml]

Every array of the engine's inputs is viewed as ``Counted``, an ndarray subclass whose
``__array_ufunc__`` and ``__array_function__`` record each numpy call that touches it (or anything
computed from it) and how many elements the call produced (an elementwise call, a function returning
an array: its result's size) or read (a reduction: the largest array it was given).
Element passes per sample-year = elements / (S * Y): a call over an [S] array is one pass, over
[S, 3] three, over a shared [1]-shaped value 1 / S. Not counted: calls on arrays the engine creates
from nothing (``np.zeros(S)`` and the like) until they meet an input, indexing and slice
assignment (``block[t] = ...``), and Python-level scalar arithmetic, so the count is a lower bound
of the memory passes. The results of the run are unchanged (the subclass only forwards).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

STATS = {"calls": 0, "elements": 0, "small_calls": 0}
_S = [1]


def _plain(x):
    if isinstance(x, Counted):
        return x.view(np.ndarray)
    if isinstance(x, (list, tuple)):
        return type(x)(_plain(v) for v in x)
    return x


def _wrap(x):
    if type(x) is np.ndarray:
        return x.view(Counted)
    if isinstance(x, tuple):
        return tuple(_wrap(v) for v in x)
    return x


def _size(xs) -> int:
    n = 0
    for x in xs:
        if isinstance(x, np.ndarray):
            n = max(n, x.size)
        elif isinstance(x, (list, tuple)):
            n = max(n, _size(x))
    return n


def _record(n: int) -> None:
    STATS["calls"] += 1
    STATS["elements"] += n
    if n < _S[0]:
        STATS["small_calls"] += 1


class Counted(np.ndarray):
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        kwargs = {k: _plain(v) for k, v in kwargs.items()}
        pin = _plain(inputs)
        result = getattr(ufunc, method)(*pin, **kwargs)
        elementwise = method == "__call__" and isinstance(result, (np.ndarray, tuple))
        _record(_size(result if isinstance(result, tuple) else [result]) if elementwise else _size(pin))
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        pargs = _plain(args)
        pkw = {k: _plain(v) for k, v in kwargs.items()}
        result = func(*pargs, **pkw)
        if isinstance(result, (np.ndarray, tuple)) and _size([result]):  # elements produced
            _record(_size(result if isinstance(result, tuple) else [result]))
        else:  # a reduction to a scalar: the elements read
            _record(max(_size(pargs), _size(list(pkw.values()))))
        return _wrap(result)


def _counted(obj):
    """A copy of a (nested) dataclass with every ndarray field viewed as Counted."""
    if isinstance(obj, np.ndarray):
        return obj.view(Counted)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            if not f.init:
                continue
            v = getattr(obj, f.name)
            nv = _counted(v)
            if nv is not v:
                changes[f.name] = nv
        return dataclasses.replace(obj, **changes) if changes else obj
    if isinstance(obj, dict):
        return {k: _counted(v) for k, v in obj.items()}
    if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
        return tuple(_counted(v) for v in obj)
    return obj


def count(resolved, n: int) -> dict:
    """Calls per simulated year, calls on arrays smaller than [S] per year, element passes per
    sample-year; and whether the counted run gave the same outputs as the plain one."""
    from ctsim.engine import simulate
    from ctsim.inputs.build import build_inputs

    ov = common.design_overrides(resolved, n)
    inp = build_inputs(resolved, ov, n)
    Y = len(inp.years)
    plain = simulate(inp)
    _S[0] = n
    for k in STATS:
        STATS[k] = 0
    counted = simulate(_counted(inp))
    same = all(np.array_equal(np.asarray(plain[k]), np.asarray(counted[k]), equal_nan=True) for k in plain)
    return {"calls_per_year": STATS["calls"] / Y, "small_calls_per_year": STATS["small_calls"] / Y,
            "passes": STATS["elements"] / (n * Y), "S": n, "Y": Y, "identical": same}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=2000)
    a = ap.parse_args()
    r = count(common.resolved_default(), a.samples)
    print(f"S = {r['S']}, Y = {r['Y']}: {r['calls_per_year']:.0f} numpy calls per simulated year "
          f"({r['small_calls_per_year']:.0f} on arrays smaller than [S]), {r['passes']:.0f} element "
          f"passes per sample-year; outputs identical to the plain run: {r['identical']}")


if __name__ == "__main__":
    main()
