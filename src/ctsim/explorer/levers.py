"""The explorer's controls and graphs as data: which registry parameters the page's sliders set
and what each slider means, the shocks, and the output variables each graph draws.

session.py turns these into scenario documents; docs/explorer.md describes them for users.
"""

from __future__ import annotations

from dataclasses import dataclass

from ctsim.history import last_observed_year

# Observed years (2020 to the last bundled year) are history; levers shape only the projection,
# from the first year after the bundled data, as scenario files do.
PROJECTION_START = last_observed_year() + 1
CAP_FROM = 2030  # a cap lever applies from this year (resolve: no cap before a cap path's first key)
MAX_FIELDS = 200  # settings in one page state; the page has about 40 controls
SHOW_YEARS = (2030, 2060)  # years whose effective lever values the page prints beside a slider


@dataclass(frozen=True)
class Lever:
    """One control of the page: a registry parameter and what its slider means."""

    param: str
    kind: str  # scale | value | level | cap
    lo: float | None  # slider range; None: the registry's bounds
    hi: float | None
    step: float
    label: str = ""


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    levers: tuple[Lever, ...]
    note: str = ""


def _s(param, hi=3.0, label="", step=0.05):
    return Lever(param, "scale", 0.0, hi, step, label)


# The page's controls, grouped as the issue and docs/parameters.md group the levers (the registry
# gives each its unit, bounds and description).
LEVER_GROUPS = (
    Group("carbon", "Carbon price and ETS coverage", (
        _s("policy.carbon_price", 5.0, "Carbon price (x path)"),
        # from 2025 (steel joined the national ETS in 2025: earlier is history) to the horizon's end
        Lever("policy.ets_steel_start_year", "value", 2025, 2060, 1, "Steel joins the ETS in"),
    )),
    Group("coal", "Coal retirement and no new coal", (
        Lever("power.coal_lifetime_yr", "value", None, None, 1, "Coal plant lifetime"),
        # 0-150 GW/yr: 150 closes the whole 2024 fleet (~1,190 GW) within a decade; the registry's
        # 500 would leave the useful part of the slider a sliver
        Lever("power.coal_retirement_extra_gw", "level", 0, 150, 1, "Extra coal closures from 2025"),
        _s("power.coal_additions_gw", 2.0, "New coal build (x path)"),
    )),
    Group("clean", "Wind, solar, nuclear, hydro build", (
        _s("power.wind_additions_gw", 4.0, "Wind build (x path)"),
        _s("power.solar_additions_gw", 3.0, "Solar build (x path)"),
        _s("power.nuclear_additions_gw", 4.0, "Nuclear build (x path)"),
        _s("power.hydro_additions_gw", 3.0, "Hydro build (x path)"),
    )),
    Group("storage", "Storage and grid flexibility", (
        _s("power.phs_additions_gw", 3.0, "Pumped-hydro build (x path)"),
        _s("power.nts_additions_gw", 4.0, "New-type (battery) storage build (x path)"),
        _s("power.grid_flexibility", 2.0, "Grid flexibility (x path)"),
    ), note="Build paths set the storage a scenario plans; the adequacy step may build more when "
            "firm capacity falls short or shifting surplus wind and solar pays (docs/model.md)."),
    Group("ev", "Electric vehicles", (
        _s("transport.ev_share", 1.5, "EV share of road transport (x path)"),
    )),
    Group("steel", "Steel: EAF and H2-DRI", (
        _s("steel.eaf_share", 2.5, "Scrap-EAF share (x path)"),
        _s("steel.h2dri_share", 4.0, "H2-DRI share (x path)"),
        _s("steel.h2dri_max_share", 2.5, "H2-DRI ceiling (x path)"),
    )),
    # caps: the registry's top value (100000) means "no cap", which the switch stands for; the
    # slider spans levels that bind somewhere between today's emissions and deep cuts
    Group("caps", "CO2 caps (from 2030)", (
        Lever("caps.national_co2_mt", "cap", 4000, 14000, 100, "National CO2 cap"),
        Lever("caps.power_co2_mt", "cap", 1000, 6000, 50, "Power CO2 cap"),
        Lever("caps.steel_co2_mt", "cap", 300, 2500, 25, "Steel CO2 cap"),
    )),
)

ASSUMPTION_GROUPS = (
    Group("macro", "Economy and demand", (
        _s("macro.gdp_growth", 2.0, "GDP growth (x path)"),
        _s("macro.electricity_elasticity", 2.0, "Electricity elasticity (x path)"),
    )),
    Group("costs", "Costs and prices", (
        _s("power.coal_price_cny_per_tce", 3.0, "Coal price (x path)"),
        _s("power.gas_price_cny_per_tce", 3.0, "Gas price (x path)"),
        _s("steel.eaf_premium_cny_per_t", 3.0, "EAF cost premium (x path)"),
        _s("steel.h2dri_premium_cny_per_t", 3.0, "H2-DRI cost premium (x path)"),
        Lever("power.ccs_cost_cny_per_t_co2", "value", None, None, 10, "Power CCS cost"),
        Lever("steel.ccus_cost_cny_per_t_co2", "value", None, None, 10, "Steel CCUS cost"),
        _s("steel.scrap_supply_mt", 2.0, "Scrap supply (x path)"),
    )),
)

# Switches that are not one registry value: key -> (label, fields {name: (lo, hi, step, default)})
SHOCKS = {
    "rationing": ("A 2021-style coal shortfall and power rationing", "power_rationing",
                  {"year": (PROJECTION_START, 2060, 1, 2027), "shortfall": (0.01, 0.3, 0.01, 0.10)}),
    "drought": ("A hydro drought (Sichuan 2022 kind)", "hydro_drought",
                {"year": (PROJECTION_START, 2060, 1, 2030), "cf_factor": (0.5, 0.99, 0.01, 0.80)}),
}
NO_NEW_COAL = "no_new_coal"
SWEEP_ONLY = ("uncertain", "sweep", "checks")  # scenario blocks that a single run does not read

# What the graphs show: chart id -> (title, ((internal variable name, legend label), ...)); the
# first series is the one drawn for the scenario as written (dashed) and, where observed, the
# history. Internal names are turned into IAMC names through ctsim.variables() in one place,
# :func:`variable_names`, so renamed IAMC variables need no change here.
CHARTS = (
    ("co2", "CO2 by sector", (("co2_total_mt", "Total"), ("co2_power_mt", "Power"),
                              ("co2_steel_mt", "Steel"), ("co2_other_energy_mt", "Other energy"),
                              ("co2_process_mt", "Processes"))),
    ("generation", "Generation mix", (("gen_coal_twh", "Coal"), ("gen_gas_twh", "Gas"),
                                      ("gen_hydro_twh", "Hydro"), ("gen_nuclear_twh", "Nuclear"),
                                      ("gen_wind_twh", "Wind"), ("gen_solar_twh", "Solar"),
                                      ("gen_bio_twh", "Biomass"))),
    ("capacity", "Capacity", (("cap_coal_gw", "Coal"), ("cap_gas_gw", "Gas"), ("cap_hydro_gw", "Hydro"),
                              ("cap_nuclear_gw", "Nuclear"), ("cap_wind_gw", "Wind"),
                              ("cap_solar_gw", "Solar"), ("cap_storage_gw", "Storage"))),
    ("steel", "Steel routes", (("steel_bfbof_mt", "BF-BOF"), ("steel_eaf_mt", "EAF"),
                               ("steel_h2dri_mt", "H2-DRI"))),
    ("coal", "Coal use", (("coal_total_mtce", "Total"), ("coal_power_mtce", "Power"),
                          ("coal_steel_mtce", "Steel"), ("coal_other_mtce", "Other"))),
    ("price", "Carbon price", (("carbon_price", "ETS price"),)),
)
HISTORY_CHARTS = ("co2", "generation", "coal")  # charts with observed history on their first series
