"""Regions: the provincial (or grid-region) layer of the year loop.

At ``regions: provinces`` (or ``grid``) the engine resolves the outputs in REGIONAL_OUTPUTS by region,
[S, G] a year, recorded [S, G, Y]; every additive national output is the sum of its regions.
Equations and sources: docs/provinces.md.
"""

from __future__ import annotations

# Outputs resolved by region (internal names, as in ctsim/data/variables.csv). Additive ones sum to
# the national value; the intensities (per GDP) and shares are ratios of regional sums.
REGIONAL_ADDITIVE = (
    "demand_twh", "gen_total_twh", "gen_coal_twh", "gen_gas_twh", "gen_hydro_twh", "gen_nuclear_twh",
    "gen_wind_twh", "gen_solar_twh", "cap_coal_gw", "cap_gas_gw", "cap_hydro_gw", "cap_nuclear_gw",
    "cap_wind_gw", "cap_solar_gw", "cap_storage_gw", "unserved_twh", "net_export_twh",
    "steel_total_mt", "steel_lost_mt", "co2_power_mt", "co2_steel_mt", "co2_other_energy_mt",
    "co2_process_mt", "co2_total_mt", "gdp_bn", "pe_total_mtce",
)
REGIONAL_RATIOS = ("co2_intensity", "energy_intensity")
REGIONAL_OUTPUTS = REGIONAL_ADDITIVE + REGIONAL_RATIOS
