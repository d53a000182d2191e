"""Where numba caches the compiled kernels: one folder per version of the kernel sources.

numba knows a cached kernel by its own file only, so an edit of a helper another kernel module
inlines (``_sig.at``, ``policy.fmax``, ...) would leave that module's cached kernels stale. Keyed by a
digest of every source file of this package, a cache folder holds the kernels of one version of the
sources; an edit anywhere here starts a new one. The folders live in the user's cache
(``$XDG_CACHE_HOME/ctsim/numba``, by default ``~/.cache``), so a read-only install caches too. A
``NUMBA_CACHE_DIR`` set by the user is kept; where no cache folder can be made, numba's default
(``__pycache__`` next to the sources) stays. Imported before numba (numba reads the variable when it
is first imported).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def configure() -> None:
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ctsim" / "numba"
    folder = base / digest.hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    os.environ["NUMBA_CACHE_DIR"] = str(folder)


configure()
