"""``ctsim sweep`` of another tree against this one: every file of the two sweep folders compared
byte for byte (metadata.json without its ``command`` and ``created``). Not a test.

    PYTHONPATH=<tree>/src python benchmarks/sweep_same.py --base /path/to/other/tree \
        [--cases steel2030:100000:lhs,steel2030:2000:sobol]

Each tree runs as its own process (``python -m ctsim sweep``, the tree's ``src`` first on the path)
with the scenario's seed; figures included (``--no-figures`` to skip them).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(tree: Path, scenario: str, samples: str, method: str, out: Path, figures: bool) -> None:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    cmd = [sys.executable, "-m", "ctsim", "sweep", str(ROOT / "scenarios" / f"{scenario}.yaml"),
           "--samples", samples, "--method", method, "-o", str(out)]
    subprocess.run(cmd + ([] if figures else ["--no-figures"]), env=env, check=True,
                   stdout=subprocess.DEVNULL)


def files(folder: Path) -> dict[str, Path]:
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file()}


def same(a: Path, b: Path) -> bool:
    if a.name == "metadata.json":
        x, y = (json.loads(p.read_text()) for p in (a, b))
        for d in (x, y):
            d.pop("command", None)
            d.pop("created", None)
        return x == y
    return a.read_bytes() == b.read_bytes()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, type=Path)
    ap.add_argument("--cases", default="steel2030:100000:lhs,steel2030:2000:sobol")
    ap.add_argument("--no-figures", action="store_true")
    a = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for case in a.cases.split(","):
            scenario, samples, method = case.split(":")
            base, this = Path(tmp) / f"{case}-base", Path(tmp) / f"{case}-this"
            run(a.base, scenario, samples, method, base, not a.no_figures)
            run(ROOT, scenario, samples, method, this, not a.no_figures)
            fa, fb = files(base), files(this)
            differ = sorted(k for k in fa.keys() & fb.keys() if not same(fa[k], fb[k]))
            missing = sorted(fa.keys() ^ fb.keys())
            print(f"{case}: {len(fa)} files; differ {differ or 'none'}; only in one {missing or 'none'}",
                  flush=True)
            ok = ok and not differ and not missing
    print("identical" if ok else "DIFFERENT")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
