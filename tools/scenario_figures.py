"""Draw one figure per bundled scenario into docs/figures/scenarios/ (used by docs/scenarios.md).

Each figure compares the scenario (solid) with the baseline (dashed) on the four variables that show
what the scenario is about; observed history is not repeated here (see the run figures). Run:
``make scenario-figures`` (or .venv/bin/python tools/scenario_figures.py).
"""

from __future__ import annotations

from pathlib import Path

from ctsim import run
from ctsim.plots import blocks
from ctsim.plots.style import OKABE_ITO, axis_label, display_scale, figure_title, style_context

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "figures" / "scenarios"
CO2 = ("National CO2 (gross and net)", ["Emissions|CO2|Energy and Industrial Processes", "Emissions|CO2"])
PANELS = {  # scenario -> (years shown, [(panel title, [variables])])
    "baseline": ((2020, 2060), [CO2, ("Power CO2", ["Emissions|CO2|Energy|Supply|Electricity"]),
                                ("Coal generation", ["Secondary Energy|Electricity|Coal"]),
                                ("Non-fossil share of generation", ["Share|Electricity|Non-Fossil"])]),
    "steel2030": ((2020, 2060), [CO2, ("Steel CO2", ["Emissions|CO2|Energy and Industrial Processes|Iron and Steel"]),
                                 ("EAF share of crude steel", ["Share|Production|Iron and Steel|Steel|Secondary"]),
                                 ("Steel electricity", ["Final Energy|Industry|Iron and Steel|Electricity"])]),
    "steel2025": ((2020, 2060), [CO2, ("Steel CO2", ["Emissions|CO2|Energy and Industrial Processes|Iron and Steel"]),
                                 ("EAF share of crude steel", ["Share|Production|Iron and Steel|Steel|Secondary"]),
                                 ("Steel electricity", ["Final Energy|Industry|Iron and Steel|Electricity"])]),
    "rationing2021": ((2020, 2026), [("Crude steel output", ["Production|Iron and Steel|Steel"]),
                                     ("Unserved electricity", ["Unserved Energy|Electricity"]),
                                     ("GDP lost to rationing", ["GDP|PPP|Lost to Rationing"]),
                                     ("National CO2", ["Emissions|CO2|Energy and Industrial Processes"])]),
    "rationing-repeat": ((2024, 2032), [("Crude steel output", ["Production|Iron and Steel|Steel"]),
                                        ("Unserved electricity", ["Unserved Energy|Electricity"]),
                                        ("GDP lost to rationing", ["GDP|PPP|Lost to Rationing"]),
                                        ("National CO2", ["Emissions|CO2|Energy and Industrial Processes"])]),
    "ets-expansion": ((2020, 2060), [CO2, ("Generation: coal and gas", ["Secondary Energy|Electricity|Coal",
                                                                         "Secondary Energy|Electricity|Gas"]),
                                     ("Captured CO2", ["Carbon Capture|Geological Storage"]),
                                     ("Steel routes: EAF and H2-DRI", ["Production|Iron and Steel|Steel|Secondary",
                                                                       "Production|Iron and Steel|Steel|Primary|H2-DRI"])]),
    "campaign-style": ((2020, 2060), [CO2, ("Coal capacity", ["Capacity|Electricity|Coal"]),
                                      ("Adequacy response builds", ["Capacity Additions|Electricity|Adequacy Response"]),
                                      ("Storage capacity", ["Capacity|Electricity|Storage"])]),
    "clean-coal": ((2020, 2060), [CO2, ("Power CO2", ["Emissions|CO2|Energy|Supply|Electricity"]),
                                  ("Captured CO2", ["Carbon Capture|Geological Storage"]),
                                  ("Coal use", ["Primary Energy|Coal"])]),
    "neutrality2060": ((2020, 2060), [CO2, ("Removals", ["Carbon Removal|Land Use", "Carbon Removal|Geological Storage|Biomass"]),
                                      ("Non-fossil share of primary energy", ["Share|Primary Energy|Non-Fossil"]),
                                      ("Coal use", ["Primary Energy|Coal"])]),
    "dry-years": ((2020, 2060), [CO2, ("Hydro generation", ["Secondary Energy|Electricity|Hydro"]),
                                 ("Coal generation", ["Secondary Energy|Electricity|Coal"]),
                                 ("Power CO2", ["Emissions|CO2|Energy|Supply|Electricity"])]),
    "dual-control": ((2020, 2045), [CO2, ("CO2 intensity below 2005", ["Intensity|CO2|GDP|Reduction vs 2005"]),
                                    ("Carbon shadow price", ["Price|Carbon|Shadow"]),
                                    ("Generation: coal and gas", ["Secondary Energy|Electricity|Coal",
                                                                  "Secondary Energy|Electricity|Gas"])]),
    "ndc2035": ((2020, 2060), [("Net greenhouse gases", ["Emissions|Kyoto Gases"]),
                               ("Coal-mine methane", ["Emissions|CH4|Energy|Supply|Solids|Fugitive"]),
                               ("Non-fossil share of primary energy", ["Share|Primary Energy|Non-Fossil"]),
                               ("Wind and solar capacity", ["Capacity|Electricity|Wind and Solar"])]),
}
COLOURS = [OKABE_ITO["blue"], OKABE_ITO["vermillion"]]


def draw(name: str, path: Path, base) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    (y0, y1), panels = PANELS[name]
    res = run(path).results
    with style_context():
        fig, axes = plt.subplots(2, 2, figsize=(10, 6.4), sharex=True)
        for ax, (title, variables) in zip(axes.flat, panels, strict=True):
            for colour, variable in zip(COLOURS, variables, strict=False):
                factor, unit = display_scale(variable)
                short = variable.split("|")[-1] if len(variables) > 1 else "scenario"
                for r, style, label in ((res, "-", short), (base, "--", None)):
                    s = r.series(variable).loc[y0:y1] * factor
                    ax.plot(s.index, s.values, style, color=colour,
                            label=label if r is res else (f"{short}, baseline" if len(variables) > 1
                                                          else "baseline"))
            ax.set_title(title, fontsize=10)
            ax.set_ylabel(axis_label(title.split(":")[0], unit=display_scale(variables[0])[1]), fontsize=8)
            ax.legend(fontsize=7)
            if max(abs(v) for v in ax.get_ylim()) >= 1000:
                blocks.thousands(ax)  # 12,000 as every ctsim figure prints it
        fig.suptitle(figure_title("scenario vs baseline", prefix=name))
        out = OUT / f"{name}.png"
        fig.savefig(out, dpi=110)
        plt.close(fig)
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    base = run(ROOT / "scenarios" / "baseline.yaml").results
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        if path.stem in PANELS:
            print("wrote", draw(path.stem, path, base).relative_to(ROOT))
        else:
            print("no figure spec for", path.name)


if __name__ == "__main__":
    main()
