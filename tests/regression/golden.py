"""Golden outputs of every bundled scenario and of two sweeps (tests/regression/golden/).

``make golden`` (``python tests/regression/golden.py --write``) regenerates them; the test suite only
compares (test_golden.py). Values are written with 17 significant digits; test_golden.py compares text cells exactly and
numbers to 1e-7 relative, because numpy's SIMD code for exp, log and tanh differs in the last bits
between CPUs (measured: up to 1.8e-13 in a single run, 6.8e-10 in Sobol indices): a refactor that
changes no number passes on any CPU, a change of a number beyond that fails.

They are the numpy engine's numbers, the reference (``compiled.use("numpy")``): the compiled backend
is compared with it in tests/unit/test_compiled_engine.py, to 1e-9 (ctsim.engine.compiled says why
it is not bit for bit everywhere).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
GOLDEN = Path(__file__).resolve().parent / "golden"
EXACT = "%.17g"
# (scenario, samples, method, chunk size): steel2030 (1792 = 256 x (5 + 2), a valid Sobol size) past the pilot (histogram quantiles, Sobol
# indices, several chunks); dry-years (stochastic droughts drawn per sample) below it (exact quantiles)
SWEEPS = (("steel2030", 1792, "sobol", 1000), ("dry-years", 300, "lhs", 128))


def scenario_names() -> list[str]:
    return sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, float_format=EXACT, lineterminator="\n")


def run_outputs(name: str) -> dict[str, str]:
    """{file name: text} of one scenario's single run: IAMC trajectories and summary.json."""
    import ctsim
    from ctsim.engine import compiled

    with compiled.use("numpy"):
        result = ctsim.run(SCENARIOS / f"{name}.yaml")
    return {f"{name}.trajectories.csv": _csv(result.results.to_iamc()),
            f"{name}.summary.json": json.dumps(result.summary, indent=1, sort_keys=True) + "\n"}


def sweep_outputs(name: str, samples: int, method: str, chunk_size: int) -> dict[str, str]:
    """{file name: text} of a sweep: design, per-sample metrics and verdicts, quantiles, target
    probabilities and sensitivity indices, all at full precision."""
    import ctsim
    from ctsim.engine import compiled

    with compiled.use("numpy"):
        result = ctsim.sweep(SCENARIOS / f"{name}.yaml", samples=samples, method=method,
                             chunk_size=chunk_size)
    return {f"{name}.sweep.{key}.csv": _csv(frame) for key, frame in result.tables().items()}


def all_outputs() -> dict[str, str]:
    out: dict[str, str] = {}
    for name in scenario_names():
        out.update(run_outputs(name))
    for spec in SWEEPS:
        out.update(sweep_outputs(*spec))
    return out


def read(name: str) -> str:
    with gzip.open(GOLDEN / f"{name}.gz", "rt", encoding="utf-8", newline="") as fh:
        return fh.read()


def write(outputs: dict[str, str]) -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for old in GOLDEN.glob("*.gz"):
        old.unlink()
    for name, text in outputs.items():
        # mtime=0: the same text gives the same bytes, so an unchanged golden file is no git change
        with open(GOLDEN / f"{name}.gz", "wb") as raw, \
                gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
            fh.write(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="regenerate the golden files")
    args = parser.parse_args(argv)
    outputs = all_outputs()
    if args.write:
        write(outputs)
        print(f"wrote {len(outputs)} golden files to {GOLDEN}")
        return 0
    bad = [n for n, text in outputs.items() if not (GOLDEN / f"{n}.gz").exists() or read(n) != text]
    print("\n".join(bad) or "all golden outputs equal")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
