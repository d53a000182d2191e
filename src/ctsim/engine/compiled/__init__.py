"""The compiled backend of the engine (issue 17): numba kernels for the year step.

The plain-numpy functions of :mod:`ctsim.engine` are the reference. A kernel in a submodule here
(``compiled/<module>.py`` for ``engine/<module>.py``) does the same operations in the same order, one
sample at a time, in one compiled loop instead of one numpy pass per operation; the numpy function
calls it first thing when :func:`active` is true and returns what it returns.

Which backend runs: the environment variable ``CTSIM_ENGINE`` (read once, at import) is ``numpy``,
``numba`` or ``auto`` (the default: numba, when it is installed with ``pip install 'ctsim[fast]'``,
for provincial and grid runs, where it pays; numpy for national runs, see :func:`_decide`); :func:`use`
switches in a process (the tests run both and compare them).

Agreement with the reference (tests/unit/test_compiled_engine.py, every bundled scenario, to
:data:`TOLERANCE` relative to an output's largest magnitude): numpy computes exp, log, log1p, expm1,
tanh and ``**`` with its own SIMD routines where the CPU has AVX-512, numba with the C library's; the
two differ by one unit in the last place in a few percent of arguments (measured on this project's CI
machine: ``exp`` in 4.7 %, ``log`` in 0.07 %, ``x ** 0.7`` in 5.5 % of 200,000 values). Most kernels
therefore take those values from numpy's functions, computed between their loops, and are bit for bit
the reference (power, storage, steel, caps, regions, capacity, the year's record); the adequacy
kernel computes them itself for a sample whose storage changed in the year, so a run with such
builds agrees to an ulp or so there, and the golden files (tests/regression) hold the reference's
numbers.

Why numba is imported here and nowhere else in the engine: the engine imports numpy only, so that
the numerical core stays a plain-numpy reference anyone can read and run; this package is its one
optional accelerator, imported (and numba with it) only when a kernel first runs, so ``import
ctsim.engine`` and a numpy-only install never load it. The kernels are compiled once per install
(``cache=True``: numba writes them next to the source, or to its user cache when that is read-only);
what the first run costs is in docs/performance.md.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import Iterator

from ...errors import UsageError

CHOICES = ("auto", "numpy", "numba")
TOLERANCE = 1e-9  # relative agreement with the numpy reference where exp/log/** differ (see above)

_installed: bool | None = None


def installed() -> bool:
    """Whether numba can be imported (looked up once, without importing it)."""
    global _installed
    if _installed is None:
        _installed = importlib.util.find_spec("numba") is not None
    return _installed


def _check(choice: str) -> str:
    if choice not in CHOICES:
        raise UsageError(f"CTSIM_ENGINE: expected one of {', '.join(CHOICES)} (got {choice!r})")
    if choice == "numba" and not installed():
        raise UsageError("CTSIM_ENGINE=numba: numba is not installed (pip install 'ctsim[fast]')")
    return choice


def _decide(choice: str, regional: bool) -> bool:
    """``auto`` compiles provincial and grid runs only: there the kernels measured 4x numpy, while a
    national run gains ~1.2x, less than the ~1 s a process spends importing numba and loading the
    kernels (docs/performance.md, section 1b)."""
    choice = _check(choice)
    return choice == "numba" or (choice == "auto" and regional and installed())


_choice = os.environ.get("CTSIM_ENGINE", "auto").strip().lower() or "auto"
_run: bool | None = None  # the backend of the simulate in progress (None: outside one)


def active() -> bool:
    """Whether the engine runs its compiled kernels: in a run, what :func:`run` chose; outside one
    (a step function called alone), ``numba`` only when chosen by name. An invalid
    ``CTSIM_ENGINE`` raises :class:`~ctsim.errors.UsageError`."""
    return _run if _run is not None else _decide(_choice, regional=False)


def backend() -> str:
    """The name of the backend that runs: ``numba`` or ``numpy``."""
    return "numba" if active() else "numpy"


@contextlib.contextmanager
def run(regional: bool) -> Iterator[None]:
    """Choose the backend of one simulate (``regional``: a provincial or grid run) for its block;
    a run inside a run keeps the outer choice."""
    global _run
    before = _run
    if before is None:
        _run = _decide(_choice, regional)
    try:
        yield
    finally:
        _run = before


@contextlib.contextmanager
def use(choice: str) -> Iterator[None]:
    """Run the engine on ``choice`` (``numpy``, ``numba`` or ``auto``) inside the ``with`` block."""
    global _choice, _run
    before = _choice, _run
    _choice, _run = _check(choice), None
    try:
        yield
    finally:
        _choice, _run = before
