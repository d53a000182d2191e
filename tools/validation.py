"""Validation that is not a fit: hold-out checks, the first projected year, published pathways.

Prints the Markdown tables that docs/validation.md quotes; ``--write`` replaces the block between
``<!-- validation.py:begin -->`` and ``<!-- validation.py:end -->`` in docs/validation.md, so the
ctsim columns can be regenerated after a model change. Run:
``.venv/bin/python tools/validation.py [--write]`` (about two minutes: it recalibrates three times).

1. Hold-out. tools/calibrate.py fits nine drivers (five capacity factors, the electricity
   elasticity, three intensity changes) to observed 2020-2024 generation and fuel use. Here the
   calibration is stopped before a year H (fit 2020..H-1), the years from H on get the drivers
   from a rule, and the simulated year H (and later observed years) are compared with what was
   observed. Two rules: "persistence" (capacity factors: mean of the fitted years from 2021, as the
   registry does for 2025; elasticity and intensity changes: mean of their fitted years) and
   "registry 2025" (capacity factors as before; elasticity and intensity changes: the registry's
   2025 values, i.e. the assumptions the projection starts with). Every other input (GDP growth,
   capacity additions, steel output, carbon price, ...) stays observed: this tests the fitted part.
2. The first projected year: the baseline's 2025 against published estimates (never fitted).
3. Published pathways beside the baseline and neutrality2060 in 2030, 2035, 2050, 2060.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import calibrate as cal  # noqa: E402

import ctsim  # noqa: E402
from ctsim import registry  # noqa: E402
from ctsim.history import history  # noqa: E402
from ctsim.pipeline import run_resolved  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "validation.md"
BEGIN, END = "<!-- validation.py:begin -->", "<!-- validation.py:end -->"

# engine output -> label; the observed series is the output's IAMC variable (variables.csv)
CHECKED_OUTPUTS = {
    "gen_total_twh": "Generation", "gen_coal_twh": "Coal generation", "gen_hydro_twh": "Hydro generation",
    "gen_solar_twh": "Solar generation", "coal_total_mtce": "Coal use", "oil_total_mtce": "Oil use",
    "gas_total_mtce": "Gas use", "co2_total_mt": "National CO2",
}
CHECKED = {registry.variables()[name].variable: (name, label) for name, label in CHECKED_OUTPUTS.items()}
HOLD_OUT_YEARS = (2022, 2023, 2024)


# --- 1. hold-out -------------------------------------------------------------------------------


def registry_2025_rule(name: str, fitted: dict[int, float]) -> float:
    """Capacity factors: the mean of the fitted years (the registry's own rule for 2025); the
    growth drivers: the registry's 2025 value (the projection's first assumption)."""
    if name in cal.CF:
        return cal.projection_rule(name, fitted)
    return float(registry.parameters()[name].value[2025])


RULES = {"persistence": cal.projection_rule, "registry 2025": registry_2025_rule}


def with_rule(paths: dict[str, dict[int, float]], first_held: int, rule) -> dict[str, dict[int, float]]:
    """The fitted paths with every year from ``first_held`` to 2024 set by ``rule``."""
    out = {}
    for name, path in paths.items():
        fitted = {y: v for y, v in path.items() if y < first_held}
        out[name] = {**path, **{y: rule(name, fitted) for y in cal.HIST_YEARS
                                if y >= first_held and y in path}}
    return out


def simulate_paths(paths: dict[str, dict[int, float]]):
    """The default scenario, observed years simulated (counterfactual) from ``paths``."""
    resolved = cal.counterfactual_baseline()
    return run_resolved(replace(resolved, values={**resolved.values, **paths}))


def hold_out(first_held: int, sweeps: int = 3, drivers: dict | None = None) -> dict[str, dict]:
    """{rule: {(variable, year): relative error}} for the observed years from ``first_held``."""
    paths = cal.calibrate(fit_years=range(2020, first_held), sweeps=sweeps, drivers=drivers)
    obs = history()
    out = {}
    for label, rule in RULES.items():
        res = simulate_paths(with_rule(paths, first_held, rule))
        errors = {}
        for variable, (name, _) in CHECKED.items():
            for year in range(first_held, 2025):
                observed = obs.loc[year, variable] if year in obs.index else np.nan
                if np.isfinite(observed):
                    sim = float(res[name][0, list(res.years).index(year)])
                    errors[(variable, year)] = sim / float(observed) - 1
        out[label] = errors
    return out


def hold_out_table(results: dict[int, dict[str, dict]]) -> str:
    lines = ["| Variable | " + " | ".join(f"{h} ({rule})" for h in results for rule in RULES) + " |",
             "|---|" + "---:|" * (len(results) * len(RULES))]
    for variable, (_, label) in CHECKED.items():
        cells = []
        for h, by_rule in results.items():
            for rule in RULES:
                e = by_rule[rule].get((variable, h))
                cells.append("n/a" if e is None else f"{100 * e:+.1f} %")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def multi_year_table(by_rule: dict[str, dict], first_held: int) -> str:
    years = range(first_held, 2025)
    lines = ["| Variable | rule | " + " | ".join(str(y) for y in years) + " |",
             "|---|---|" + "---:|" * len(years)]
    for variable, (_, label) in CHECKED.items():
        for rule, errors in by_rule.items():
            cells = [f"{100 * errors[(variable, y)]:+.1f} %" if (variable, y) in errors else "n/a"
                     for y in years]
            lines.append(f"| {label} | {rule} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- 2. the first projected year ---------------------------------------------------------------


def first_projected_year(base) -> str:
    r = base.results
    y = list(r.years)
    co2, gdp = r["co2_total_mt"][0], r["gdp_bn"][0]
    change_2025 = co2[y.index(2025)] / co2[y.index(2024)] - 1
    intensity = (co2[y.index(2025)] / gdp[y.index(2025)]) / (co2[y.index(2020)] / gdp[y.index(2020)]) - 1
    return "\n".join([
        "| Quantity | ctsim baseline | Published estimate | Source |",
        "|---|---:|---:|---|",
        f"| National CO2, 2025 vs 2024 | {100 * change_2025:+.1f} % | +0.4 % | Global Carbon Budget 2025 "
        "(projection for 2025), https://globalcarbonbudget.org/key-targets-2025 |",
        f"| National CO2, 2025 vs 2024 | {100 * change_2025:+.1f} % | -0.3 % | CREA for Carbon Brief "
        "(Feb 2026), https://factide.com/chinas-carbon-emissions-flatline-for-21-months-amid-renewable-"
        "energy-surge |",
        f"| CO2 per unit of GDP, 2025 vs 2020 | {100 * intensity:+.1f} % | about -12 % | CREA for Carbon "
        "Brief, https://www.semafor.com/article/02/12/2026/china-emissions-flat-or-falling-for-two-years-"
        "study-finds |",
        f"| CO2 per unit of GDP, 2025 vs 2020 | {100 * intensity:+.1f} % | -18 % (target) | 14th FYP "
        "https://english.www.gov.cn/statecouncil/ministries/202203/22/content_WS6239b805c6d02e53353281df.html |",
    ])


# --- 3. published pathways ---------------------------------------------------------------------

YEARS = (2030, 2035, 2050, 2060)
# (quantity, unit, ctsim value from a run -> {year: value}, published: [(year, value text, source)])
NOT_FOUND = "not found"


def _values(run, fn) -> dict[int, float]:
    r = run.results
    return {y: float(fn(r, list(r.years).index(y))) for y in YEARS}


QUANTITIES = [
    ("National CO2", "Gt CO2", lambda r, t: r["co2_total_mt"][0, t] / 1000, [
        ("IEA APS", {2030: "peak before 2030 (level not found)", 2060: "net zero (energy sector)"},
         "IEA 2021 executive summary, https://www.iea.org/reports/an-energy-sector-roadmap-to-carbon-"
         "neutrality-in-china/executive-summary"),
        ("CAEP-CP 1.1", {2030: "10.5 (peak ~2027 at 10.6)"}, "Cai Bofeng et al. 2021, via "
         "https://m.fx361.cc/news/2021/0324/7925045.html"),
        ("Tsinghua 3E", {2035: "~9", 2050: "3", 2060: "0.2"}, "Zhang Xiliang, Sep 2020, via "
         "https://www.taipeitimes.com/News/world/archives/2020/09/29/2003744290"),
        ("2035 NDC", {2035: "net GHG 7-10 % below peak"}, "Sep 2025, via https://dailyasianage.com/news/"
         "343102/china-lays-out-concrete-vision-addressing-global-climate-concern"),
    ]),
    ("Coal use", "% vs 2020", lambda r, t: 100 * (r["coal_total_mtce"][0, t] / r["coal_total_mtce"][0, 0] - 1), [
        ("IEA APS", {2060: "-80 %"}, "IEA 2021 via https://ssessments.com/alwaysfree-china-can-accelerate-"
         "peak-emissions-to-mid-2020s-iea"),
    ]),
    ("Coal share of generation", "%", lambda r, t: 100 * r["gen_coal_twh"][0, t] / r["gen_total_twh"][0, t], [
        ("IEA APS", {2030: "47 %"}, "IEA 2021 via ssessments.com (above)"),
    ]),
    ("Wind + solar capacity", "GW", lambda r, t: r["cap_wind_gw"][0, t] + r["cap_solar_gw"][0, t], [
        ("NDC 2021", {2030: "> 1,200"}, "NDC update 28 Oct 2021 (reached in 2024)"),
        ("2035 NDC", {2035: "3,600"}, "Sep 2025, via dailyasianage.com (above)"),
        ("ERI/CNREC CETO 2024", {2060: "renewables ~95 % of 10,500-11,800 GW (wind + solar alone "
                                       "not found)"},
         "China Energy Transformation Outlook 2024 (COP29), secondary report "
         "https://t.center/ru/technology_vs_geology/12435"),
    ]),
    ("Non-fossil share of primary energy", "%", lambda r, t: 100 * r["share_nonfossil_pe"][0, t], [
        ("NDC 2021", {2030: "~25 %"}, "NDC update 2021"),
        ("2035 NDC", {2035: "> 30 %"}, "Sep 2025 (above)"),
        ("Opinions 2021", {2060: "> 80 %"}, "CPC CC & State Council, Oct 2021"),
        ("IEA APS", {2030: "23 %"}, "IEA 2021 via ssessments.com (above)"),
        ("Tsinghua 3E", {2030: "24 %", 2050: "62 %", 2060: "84 %"}, "via taipeitimes.com (above)"),
    ]),
    ("Non-fossil share of generation", "%", lambda r, t: 100 * r["share_nonfossil_gen"][0, t], [
        ("ERI/CNREC CETO 2024", {2060: "93 % renewable"}, "secondary report (above)"),
    ]),
    ("Crude steel", "Mt", lambda r, t: r["steel_total_mt"][0, t], [
        ("IEA APS", {2060: NOT_FOUND}, "not in the sources we hold"),
    ]),
]
NOT_FOUND_NOTE = ("BP Energy Outlook: no China-specific CO2, coal, capacity or steel number was found "
                  "(only global figures). ERI/CNREC CETO: only the 2060 figures of the 2024 edition, "
                  "from a secondary report. IEA APS absolute CO2 and 2060 steel: not found.")


def pathways_table(runs: dict[str, object]) -> str:
    head = "| Quantity | Year | " + " | ".join(f"ctsim {n}" for n in runs) + " | Published | Source |"
    lines = [head, "|---|---|" + "---:|" * len(runs) + "---|---|"]
    for quantity, unit, fn, published in QUANTITIES:
        values = {n: _values(run, fn) for n, run in runs.items()}
        for y in YEARS:
            pubs = [(who, text[y], src) for who, text, src in published if y in text]
            pub = "; ".join(f"{who}: {t}" for who, t, _ in pubs) or NOT_FOUND
            src = "; ".join(s for _, _, s in pubs) or ""
            cells = " | ".join(f"{values[n][y]:,.1f}" for n in runs)
            lines.append(f"| {quantity} ({unit}) | {y} | {cells} | {pub} | {src} |")
    return "\n".join(lines)


# --- the document ------------------------------------------------------------------------------


def block() -> str:
    runs = {n: ctsim.run(ROOT / "scenarios" / f"{n}.yaml") for n in ("baseline", "neutrality2060")}
    held = {h: hold_out(h) for h in HOLD_OUT_YEARS}
    return "\n\n".join([
        BEGIN,
        "### Hold-out: one year ahead (relative error of the simulated year H, fit 2020..H-1)",
        hold_out_table(held),
        f"### Hold-out from {HOLD_OUT_YEARS[0]}: fit 2020-{HOLD_OUT_YEARS[0] - 1}, predict to 2024",
        multi_year_table(held[HOLD_OUT_YEARS[0]], HOLD_OUT_YEARS[0]),
        "### The first projected year (2025): not fitted",
        first_projected_year(runs["baseline"]),
        "### Published pathways",
        pathways_table(runs),
        NOT_FOUND_NOTE,
        END,
    ])


def main(argv: list[str]) -> None:
    text = block()
    print(text)
    if "--write" in argv:
        doc = DOC.read_text(encoding="utf-8")
        new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: text, doc, flags=re.S)
        DOC.write_text(new, encoding="utf-8")
        print(f"wrote {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
