"""Two numpy engines in one process, alternately: another tree's engine against this one. Not a test.

    PYTHONPATH=<tree>/src python benchmarks/engine_ab.py --base /path/to/other/tree [--cases ...] [--rounds 12]

The other tree's ``src/ctsim`` is copied to a temporary folder as the package ``ctsim_base`` and its
engine runs on the inputs this tree builds (the engine reads the Inputs bundles by attribute). Each
round runs both engines once on the same inputs, in alternating order, so the two see the same
machine state (on a machine shared with other sessions, separate processes minutes apart differ by
20-30 %); it prints the best and median CPU seconds of each and whether every output is the same
byte for byte. A case is ``scenario:design:samples``: design ``copies`` (S copies of the scenario,
as engine_speed.py), ``lever`` (common.design_overrides: six paths scaled by 0.7-1.3) or ``sweep``
(the scenario's uncertain parameters, Sobol' design, as ``ctsim sweep`` draws them).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

from ctsim.engine import compiled, simulate  # noqa: E402
from ctsim.inputs.build import build_inputs  # noqa: E402
from ctsim.inputs.design import make_design, overrides  # noqa: E402
from ctsim.pipeline import load  # noqa: E402
from ctsim.resolve import resolve  # noqa: E402


def inputs(case: str):
    name, design, n = case.split(":")
    resolved = resolve(load(common.ROOT / "scenarios" / f"{name}.yaml"))
    n = int(n)
    if design == "copies":
        return build_inputs(resolved, n_samples=n)
    if design == "lever":
        return build_inputs(resolved, common.design_overrides(resolved, n), n)
    d = make_design(resolved, n, "sobol", 1)
    values = d.values[:n]
    return build_inputs(resolved, overrides(d.columns, values, resolved, build_inputs(resolved).years), len(values))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, help="the other tree (its src/ctsim is imported as ctsim_base)")
    ap.add_argument("--cases", default="steel2030:sweep:5000,steel2030:sweep:20000,steel2030:copies:5000")
    ap.add_argument("--rounds", type=int, default=12)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(Path(a.base) / "src" / "ctsim", tmp / "ctsim_base")
    sys.path.insert(0, str(tmp))
    import ctsim_base.engine as base  # noqa: PLC0415

    try:
        for case in a.cases.split(","):
            inp = inputs(case)
            cpu = {"base": [], "this": []}
            with compiled.use("numpy"), base.compiled.use("numpy"):
                x, y = base.simulate(inp), simulate(inp)
                same = set(x) == set(y) and all(
                    np.ascontiguousarray(x[k]).tobytes() == np.ascontiguousarray(y[k]).tobytes() for k in x)
                del x, y
                for r in range(a.rounds):
                    order = (("base", base.simulate), ("this", simulate))
                    for tag, run in order if r % 2 == 0 else order[::-1]:
                        c0 = time.process_time()
                        run(inp)
                        cpu[tag].append(time.process_time() - c0)
            b, t = cpu["base"], cpu["this"]
            print(f"{case}: outputs identical {same}; CPU best base {min(b):.3f} s, this {min(t):.3f} s "
                  f"({min(b) / min(t):.2f}x); median {statistics.median(b):.3f} / {statistics.median(t):.3f} s "
                  f"({statistics.median(b) / statistics.median(t):.2f}x), {a.rounds} rounds", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
