"""The compiled backend of the engine (issue 17): numba kernels for the year step.

The plain-numpy functions of :mod:`ctsim.engine` are the reference. A kernel in a submodule here
(``compiled/<module>.py`` for ``engine/<module>.py``) does the same operations in the same order, one
sample at a time, in one compiled loop instead of one numpy pass per operation; the numpy function
calls it first thing when :func:`active` is true and returns what it returns.

Which backend runs: the environment variable ``CTSIM_ENGINE`` (read once, at import) is ``numpy``,
``numba`` or ``auto`` (the default: numba when it is installed, ``pip install 'ctsim[fast]'``);
:func:`use` switches in a process (the tests run both and compare them).

Agreement with the reference (tests/unit/test_compiled_engine.py, every bundled scenario): bit for
bit except through ``exp``, ``log`` and ``**``. numpy computes those with its own SIMD routines where
the CPU has AVX-512, numba with the C library's; the two differ by one unit in the last place in a
few percent of arguments (measured on this project's CI machine: ``exp`` in 4.7 %, ``log`` in 0.07 %,
``x ** 0.7`` in 5.5 % of 200,000 values), so a result downstream of one agrees to :data:`TOLERANCE`
(relative, against the output's largest magnitude), not bit for bit.

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


def _decide(choice: str) -> bool:
    if choice not in CHOICES:
        raise UsageError(f"CTSIM_ENGINE: expected one of {', '.join(CHOICES)} (got {choice!r})")
    if choice == "numba" and not installed():
        raise UsageError("CTSIM_ENGINE=numba: numba is not installed (pip install 'ctsim[fast]')")
    return choice == "numba" or (choice == "auto" and installed())


_choice = os.environ.get("CTSIM_ENGINE", "auto").strip().lower() or "auto"
_active: bool | None = None


def active() -> bool:
    """Whether the engine runs its compiled kernels (decided on first use; an invalid
    ``CTSIM_ENGINE`` raises :class:`~ctsim.errors.UsageError`)."""
    global _active
    if _active is None:
        _active = _decide(_choice)
    return _active


def backend() -> str:
    """The name of the backend that runs: ``numba`` or ``numpy``."""
    return "numba" if active() else "numpy"


@contextlib.contextmanager
def use(choice: str) -> Iterator[None]:
    """Run the engine on ``choice`` (``numpy``, ``numba`` or ``auto``) inside the ``with`` block."""
    global _active
    before = active()
    _active = _decide(choice)
    try:
        yield
    finally:
        _active = before
