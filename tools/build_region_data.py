"""Derive the package's provincial data (src/ctsim/data/regions) from the collected provincial data.

    python tools/build_region_data.py [--source ../shared/data/provinces]

Re-runnable; the package never reads the collection at run time. What each file holds, where it
comes from and every gap fill: src/ctsim/data/regions/SOURCES.md (written by hand, kept next to the
files) and docs/provinces.md, "Data".
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "ctsim" / "data" / "regions"
CAP_YEARS = range(2020, 2025)
GEN_YEARS = range(2020, 2024)
# Nuclear capacity of the two provinces the CEC extract lacks (IAEA PRIS unit ratings, net, GW):
# Shandong: Haiyang 1-2 (2 x 1.170 = 2.34, 2018-19) [+ Shidaowan HTR-PM 0.2, 2021];
# Hainan: Changjiang 1-2 (2 x 0.601 = 1.20, 2015-16). Used only to split the national residual.
NUCLEAR_SPLIT = {"Shandong": 2.34, "Hainan": 1.20}


def tidy(src: Path, name: str) -> pd.DataFrame:
    df = pd.read_csv(src / name)
    df["year"] = df["year"].astype(str)
    return df


def pick(df: pd.DataFrame, metric: str, year: int) -> pd.Series:
    sub = df[(df.metric == metric) & (df.year == str(year))]
    return sub.groupby("province")["value"].sum()


def build(src: Path) -> None:
    provinces = pd.read_csv(OUT / "provinces.csv")["province"].tolist()
    cap = tidy(src, "prov_power_capacity.csv")
    gen = tidy(src, "prov_power_generation.csv")
    wind_est = tidy(src, "prov_wind_generation_estimate.csv")
    gem = tidy(src, "prov_coal_power_units_gem.csv")
    checks = pd.read_csv(src / "national_sum_checks.csv")

    def national(metric: str, year: int) -> float:
        row = checks[(checks.metric == metric) & (checks.year == year)]
        return float(row["national"].iloc[0])

    rows = []
    gem_years = sorted(int(y) for y in gem[gem.metric == "coal_capacity_in_service_derived"].year.unique())
    for y in CAP_YEARS:
        thermal = pick(cap, "cap_thermal_6MWplus", y)
        coal = pick(gem, "coal_capacity_in_service_derived", min(y, max(gem_years)))
        nuclear = pick(cap, "cap_nuclear_6MWplus", y)
        residual = national("cap_nuclear_6MWplus", min(y, 2024)) - nuclear.sum() if y <= 2024 else 0.0
        for p in provinces:
            th = float(thermal.get(p, 0.0))
            c = min(float(coal.get(p, 0.0)), th)
            fill = ""
            nu = float(nuclear.get(p, 0.0))
            if p in NUCLEAR_SPLIT and p not in nuclear.index:
                nu = max(residual, 0.0) * NUCLEAR_SPLIT[p] / sum(NUCLEAR_SPLIT.values())
                fill = "nuclear: national residual split by IAEA PRIS ratings"
            note = "coal: GEM in-service (units >= 30 MW)" + (f", GEM {max(gem_years)} held" if y > max(gem_years)
                                                             else "")
            rows.append({"province": p, "year": y, "coal": round(c, 4), "gas_other_thermal": round(th - c, 4),
                         "hydro": round(float(pick(cap, "cap_hydro_6MWplus", y).get(p, 0.0)), 4),
                         "nuclear": round(nu, 4),
                         "wind": round(float(pick(cap, "cap_wind_6MWplus", y).get(p, 0.0)), 4),
                         "solar": round(float(pick(cap, "cap_solar_installed", y).get(p, 0.0)), 4),
                         "note": "; ".join(x for x in (note, fill) if x)})
    # a technology missing in a year's extract (wind in 2024): the year before is held, and said
    techs = ("coal", "gas_other_thermal", "hydro", "nuclear", "wind", "solar")
    for y in CAP_YEARS[1:]:
        this = [r for r in rows if r["year"] == y]
        last = {r["province"]: r for r in rows if r["year"] == y - 1}
        for tech in techs:
            if sum(r[tech] for r in this) == 0 and sum(r[tech] for r in last.values()) > 0:
                for r in this:
                    r[tech] = last[r["province"]][tech]
                    r["note"] = "; ".join(x for x in (r["note"], f"{tech}: {y - 1} held (not in the {y} extract)") if x)
    write(OUT / "capacity.csv", rows)

    rows = []
    wind_metric = wind_est.metric.unique()[0]
    for y in GEN_YEARS:
        nuclear = pick(gen, "gen_nuclear", y)
        residual = national("gen_nuclear", y) - nuclear.sum()
        solar = pick(gen, "gen_solar", y)
        solar_cap = pick(cap, "cap_solar_installed", y)
        solar_cf = solar.sum() / solar_cap[solar.index].sum()
        for p in provinces:
            fills = []
            nu = float(nuclear.get(p, 0.0))
            if p in NUCLEAR_SPLIT and p not in nuclear.index:
                nu = max(residual, 0.0) * NUCLEAR_SPLIT[p] / sum(NUCLEAR_SPLIT.values())
                fills.append("nuclear: national residual split by IAEA PRIS ratings")
            so = solar.get(p)
            if so is None:
                so = float(solar_cap.get(p, 0.0)) * solar_cf
                fills.append("solar: capacity x the other provinces' TWh per GW")
            rows.append({"province": p, "year": y, "thermal": round(float(pick(gen, "gen_thermal", y).get(p, 0.0)), 4),
                         "hydro": round(float(pick(gen, "gen_hydro", y).get(p, 0.0)), 4), "nuclear": round(nu, 4),
                         "wind": round(float(pick(wind_est, wind_metric, y).get(p, 0.0)), 4),
                         "solar": round(float(so), 4),
                         "note": "; ".join(["wind: capacity x utilisation hours (DERIVED_WINDGEN)"] + fills)})
    write(OUT / "generation.csv", rows)

    cons = tidy(src, "prov_electricity_consumption.csv")
    gdp = tidy(src, "prov_gdp_population.csv")
    steel = tidy(src, "prov_steel_output.csv")
    rows = []
    for y in range(2005, 2025):
        g, pop = pick(gdp, "gdp_nominal", y), pick(gdp, "population", y)
        c = pick(cons, "elec_consumption", y) if y <= 2023 else pd.Series(dtype=float)
        s = pick(steel, "crude_steel", y) if y <= 2023 else pd.Series(dtype=float)
        for p in provinces:
            rows.append({"province": p, "year": y, "gdp_bn_cny": round(float(g.get(p, float("nan"))), 3),
                         "population_m": round(float(pop.get(p, float("nan"))), 4),
                         "electricity_twh": "" if y > 2023 or y < 2010 else round(float(c.get(p, 0.0)), 4),
                         "crude_steel_mt": "" if y > 2023 else round(float(s.get(p, 0.0)), 4)})
    write(OUT / "economy.csv", rows)

    co2 = tidy(src, "prov_co2_ceads.csv")
    rows = []
    metrics = {"total": "co2_total_scope1", "power_heat": "co2_sector_power_heat",
               "ferrous_metals": "co2_sector_ferrous_metals", "process": "co2_process"}
    vals = {k: pick(co2, m, 2019) for k, m in metrics.items()}
    gdp19 = pick(gdp, "gdp_nominal", 2019)
    for p in provinces:
        if p in vals["total"].index:
            rows.append({"province": p, **{k: round(float(v.get(p, 0.0)), 3) for k, v in vals.items()}, "note": ""})
        else:  # Tibet: not in CEADs; the 30 provinces' CO2 per GDP and sector split x its GDP (DERIVED)
            covered = list(vals["total"].index)
            ratio = float(gdp19[p]) / float(gdp19[covered].sum())
            rows.append({"province": p, **{k: round(float(v[covered].sum()) * ratio, 3) for k, v in vals.items()},
                         "note": "not in CEADs: the 30 provinces' 2019 CO2 per GDP and sector split x Tibet's GDP"})
    write(OUT / "co2_ceads_2019.csv", rows)

    links = pd.read_csv(src / "interprovincial_transmission_links_pypsa.csv")
    write(OUT / "links.csv", [{"from": r["from"], "to": r["to"], "gw": r["value"] / 1000} for _, r in links.iterrows()])

    baro = pd.read_csv(src / "dual_control_barometer_2021.csv")
    baro = baro[baro.year == "2021H1"]
    press = pd.read_csv(src / "power_rationing_2021_press_reports.csv")
    rows = []
    for p in provinces:
        def level(metric: str, p=p) -> int:
            hit = baro[(baro.province == p) & (baro.metric == metric)]
            return int(hit["value"].iloc[0]) if len(hit) and pd.notna(hit["value"].iloc[0]) else 0
        reported = press[press.province == p]
        rows.append({"province": p,
                     "barometer_intensity_2021h1": level("dual_control_warning_energy_intensity_reduction"),
                     "barometer_total_2021h1": level("dual_control_warning_energy_consumption_total"),
                     "rationing_reported_2021": int(len(reported) > 0),
                     "rationing_sources": reported["source_id"].iloc[0] if len(reported) else ""})
    write(OUT / "crunch_2021.csv", rows)

    fyp = pd.read_csv(src / "prov_fyp_targets.csv")
    fyp = fyp[(fyp.period == "2021-2025") & (fyp.metric == "energy_intensity_reduction_target") & fyp.value.notna()]
    rows = [{"region": r["province"], "energy_intensity_cut_2025_vs_2020": round(float(r["value"]) / 100, 4),
             "source_id": r["source_id"], "note": ""} for _, r in fyp.iterrows()]
    # the national target, used where a province's own is not found (14th FYP outline, 2021: -13.5 %)
    rows.append({"region": "China", "energy_intensity_cut_2025_vs_2020": 0.135, "source_id": "FYP14-OUTLINE",
                 "note": "national 14th FYP target; default for provinces whose own target is not found"})
    write(OUT / "fyp14_targets.csv", rows)


def write(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {path.relative_to(ROOT)} ({len(rows)} rows)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data" / "provinces")
    build(ap.parse_args().source)
