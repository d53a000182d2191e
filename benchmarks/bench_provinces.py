"""Provincial resolution (issue 15): a single run and a 10,000-sample sweep, next to the national ones.

    python benchmarks/bench_provinces.py          # prints a Markdown section (bench.py includes it)

Single run: load + resolve + inputs + engine of steel2030 (``ctsim.pipeline.run_resolved`` after
``load``), median of 7 after a warm-up. Sweep: ``ctsim.sweep`` of baseline with the electricity
elasticity uncertain, 10,000 samples, in this process and on 2 processes, no output folder. Timings,
never assertions.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

import ctsim  # noqa: E402
from ctsim.pipeline import load, run_resolved  # noqa: E402
from ctsim.resolve import resolve  # noqa: E402

ROOT = common.ROOT
SWEEP = {"extends": "baseline.yaml",
         "uncertain": {"macro.electricity_elasticity": {"kind": "uniform", "low": 0.8, "high": 1.2, "scale": True}},
         "targets": [{"id": "peak", "kind": "peak_by", "variable": "Emissions|CO2|Energy and Industrial Processes",
                      "year": 2030}]}


def single(resolution: str) -> float:
    def once():
        resolved = replace(resolve(load(ROOT / "scenarios" / "steel2030.yaml")), regions=resolution)
        run_resolved(resolved)
    return common.median_time(once, repeats=7, warmup=1)


def sweep(resolution: str, samples: int, processes: int | None) -> float:
    import tempfile

    import yaml

    data = {**SWEEP, "regions": resolution}
    if resolution == "provinces":
        data["targets"] = [*SWEEP["targets"], {**SWEEP["targets"][0], "id": "peak_prov", "region": "each"}]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sweep.yaml"
        (Path(tmp) / "baseline.yaml").write_text((ROOT / "scenarios" / "baseline.yaml").read_text())
        path.write_text(yaml.safe_dump(data))
        t0 = time.perf_counter()
        ctsim.sweep(path, samples=samples, processes=processes, figures=False, store=False)
        return time.perf_counter() - t0


def section(samples: int = 10_000) -> str:
    rows = []
    for resolution in ("national", "provinces"):
        one = single(resolution)
        s1 = sweep(resolution, samples, None)
        s2 = sweep(resolution, samples, 2)
        rows.append(f"| {resolution} | {one * 1000:.0f} ms | {s1:.1f} s | {s2:.1f} s |")
    return "\n".join([
        "## 6. Provincial resolution (issue 15)", "",
        f"steel2030 single run (load, resolve, inputs, engine; median of 7) and a {samples:,}-sample sweep "
        "of baseline (electricity elasticity uncertain; at provinces with a peak target in each province), "
        "in this process and with `processes=2`. Aims: a provincial single run under 100 ms, the sweep well "
        "under a minute on 2 cores.", "",
        "| resolution | single run | sweep, 1 process | sweep, 2 processes |", "|---|---|---|---|", *rows])


if __name__ == "__main__":
    print(section())
