"""Every output of this tree's numpy engine against another tree's, byte for byte. Not a test.

    PYTHONPATH=<tree>/src python benchmarks/engine_same.py --base /path/to/other/tree

The designs issue 17's engine work is checked on (benchmarks/NOTES.md): the lever design
(common.design_overrides) of every bundled scenario, steel2030's sweep design (its uncertain
parameters, Sobol'), copies of steel2030 and neutrality2060, and the two provincial scenarios, all on
the numpy backend (``--engine numba``: both trees' compiled kernels). The other tree's ``src/ctsim`` is imported as ``ctsim_base`` (engine_ab.py) and runs
on the inputs this tree builds. Equal means the same keys, shapes, dtypes and bytes (NaN payloads and
signed zeros included). Exit status 1 when any output differs.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from engine_ab import inputs  # noqa: E402

from ctsim.engine import compiled, simulate  # noqa: E402

SCENARIOS = sorted(p.stem for p in (common.ROOT / "scenarios").glob("*.yaml"))
CASES = (["steel2030:lever:3000", "steel2030:sweep:3000", "steel2030:copies:2000", "neutrality2060:copies:2000"]
         + [f"{name}:lever:{1000 if 'provinces' in name else 2000}" for name in SCENARIOS if name != "steel2030"])


def same(x: dict, y: dict) -> list[str]:
    """The names of the outputs that differ (missing on either side, shape, dtype or bytes)."""
    bad = sorted(set(x) ^ set(y))
    for k in sorted(set(x) & set(y)):
        a, b = np.asarray(x[k]), np.asarray(y[k])
        if (a.shape != b.shape or a.dtype != b.dtype
                or np.ascontiguousarray(a).tobytes() != np.ascontiguousarray(b).tobytes()):
            bad.append(k)
    return bad


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, help="the other tree (its src/ctsim is imported as ctsim_base)")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--engine", choices=("numpy", "numba"), default="numpy",
                    help="the backend both trees run on (numba: the compiled kernels of each tree)")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(Path(a.base) / "src" / "ctsim", tmp / "ctsim_base")
    sys.path.insert(0, str(tmp))
    import ctsim_base.engine as base  # noqa: PLC0415

    failed = 0
    try:
        for case in a.cases.split(","):
            inp = inputs(case)
            with compiled.use(a.engine), base.compiled.use(a.engine):
                bad = same(base.simulate(inp), simulate(inp))
            failed += bool(bad)
            print(f"{case}: {'identical' if not bad else 'DIFFERENT: ' + ', '.join(bad[:8])}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("all identical" if not failed else f"{failed} case(s) differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
