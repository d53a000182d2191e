"""Provincial fit and the 2021 comparison: model vs bundled provincial data, per province.

    python tools/province_calibration.py            # print the tables
    python tools/province_calibration.py --write    # also rewrite the generated parts of docs/provinces.md

The observed years 2020-2023 are a fit, not a validation: the regional shares of capacity, demand,
GDP and steel are the data in those years, and the relative capacity factors are fitted to
2020-2023 generation. What the tables show is how far the transfer model's thermal output (the one
regional quantity not taken from data) and the resulting net exports are from the statistics.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import ctsim
from ctsim import regions as region_tables
from ctsim.pipeline import load, run_resolved
from ctsim.resolve import resolve

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "provinces.md"
FIT_YEARS = (2020, 2021, 2022, 2023)
RATION_SHARE = 0.01  # a province "rations" in the replay when over 1 % of its 2021 demand is unserved


def provincial_run(scenario: str):
    resolved = resolve(load(ROOT / "scenarios" / scenario))
    return run_resolved(resolved)


def fit_table() -> tuple[str, dict[str, float]]:
    """Markdown table: per province, the mean absolute error 2020-2023 of thermal output, net exports
    and crude steel, and the 2020 thermal output (model / data)."""
    res = provincial_run("baseline-provinces.yaml")
    pdat = region_tables.province_data()
    years = list(res.years)
    rows = ["| province | thermal 2020 model / data (TWh) | thermal share error, mean 2020-2023 (pp) | "
            "net export 2021 model / proxy (TWh) | crude steel 2020 model / data (Mt) |",
            "|---|---|---|---|---|"]
    errs = []
    for g, name in enumerate(res.regions):
        th_err = []
        for y in FIT_YEARS:
            i = years.index(y)
            model = res.regional["gen_coal_twh"][0, :, i] + res.regional["gen_gas_twh"][0, :, i]
            data = pdat.generation_twh[y][:, 0] + pdat.generation_twh[y][:, 2]
            th_err.append(100 * (model[g] / model.sum() - data[g] / data.sum()))
        i20, i21 = years.index(2020), years.index(2021)
        th20 = res.regional["gen_coal_twh"][0, g, i20] + res.regional["gen_gas_twh"][0, g, i20]
        d20 = pdat.generation_twh[2020][g, 0] + pdat.generation_twh[2020][g, 2]
        gen21 = pdat.generation_twh[2021][g].sum()
        proxy = gen21 - pdat.consumption_twh[2021][g]
        errs.append(np.mean(np.abs(th_err)))
        rows.append(f"| {name} | {th20:,.0f} / {d20:,.0f} | {np.mean(np.abs(th_err)):.2f} | "
                    f"{res.regional['net_export_twh'][0, g, i21]:+,.0f} / {proxy:+,.0f} | "
                    f"{res.regional['steel_total_mt'][0, g, i20]:,.1f} / {pdat.steel_mt[2020][g]:,.1f} |")
    return "\n".join(rows), {"mean_thermal_share_error_pp": float(np.mean(errs)),
                             "max_thermal_share_error_pp": float(np.max(errs))}


def crunch_table() -> tuple[str, dict[str, object]]:
    """The 2021 replay: provinces that ration (unserved > 1 % of demand) vs the press-reported list."""
    res = provincial_run("crunch2021-provinces.yaml")
    pdat = region_tables.province_data()
    i = list(res.years).index(2021)
    share = res.regional["unserved_twh"][0, :, i] / res.regional["demand_twh"][0, :, i]
    lost = res.regional["steel_lost_mt"][0, :, i]
    model = share > RATION_SHARE
    press = np.asarray(pdat.rationing_2021_press, dtype=bool)
    names = res.regions
    hits = [n for n, m, p in zip(names, model, press, strict=True) if m and p]
    misses = [n for n, m, p in zip(names, model, press, strict=True) if p and not m]
    alarms = [n for n, m, p in zip(names, model, press, strict=True) if m and not p]
    order = np.argsort(-share)
    rows = ["| province | unserved 2021 (% of demand) | steel lost (Mt) | press-reported rationing | model rations |",
            "|---|---|---|---|---|"]
    for g in order:
        rows.append(f"| {names[g]} | {100 * share[g]:.1f} | {lost[g]:.1f} | {'yes' if press[g] else ''} | "
                    f"{'yes' if model[g] else ''} |")
    return "\n".join(rows), {"hits": hits, "misses": misses, "false_alarms": alarms,
                             "steel_lost_mt": float(lost.sum())}


def replace_block(text: str, name: str, body: str) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    a, b = text.index(start) + len(start), text.index(end)
    return text[:a] + "\n" + body + "\n" + text[b:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="rewrite the generated tables of docs/provinces.md")
    args = ap.parse_args(argv)
    fit, fit_stats = fit_table()
    crunch, crunch_stats = crunch_table()
    summary = (f"Thermal output shares: mean absolute error {fit_stats['mean_thermal_share_error_pp']:.2f} pp "
               f"(worst province {fit_stats['max_thermal_share_error_pp']:.2f} pp), 2020-2023.\n\n"
               f"2021 replay: {len(crunch_stats['hits'])} hits ({', '.join(crunch_stats['hits']) or 'none'}), "
               f"{len(crunch_stats['misses'])} misses ({', '.join(crunch_stats['misses']) or 'none'}), "
               f"{len(crunch_stats['false_alarms'])} false alarms "
               f"({', '.join(crunch_stats['false_alarms']) or 'none'}); steel lost "
               f"{crunch_stats['steel_lost_mt']:.1f} Mt. Generated by `tools/province_calibration.py` "
               f"(ctsim {ctsim.__version__}).")
    print(fit, "\n", crunch, "\n", summary, sep="\n")
    if args.write:
        text = DOC.read_text(encoding="utf-8")
        text = replace_block(text, "fit-table", fit)
        text = replace_block(text, "crunch-table", crunch)
        text = replace_block(text, "summary", summary)
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
