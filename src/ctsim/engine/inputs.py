"""The Inputs contract: what the engine reads, as typed per-sector parameter bundles.

Each bundle is a frozen dataclass of numpy arrays: a scalar parameter is an array [S or 1], a path
[S or 1, Y] over the simulated years (1 when the value is the same in every sample: numpy
broadcasting spreads it). A field is named as the parameter's key in the registry (``section.key``
-> bundle ``section``, field ``key``), so units are in the names. The input builder
(ctsim.inputs.build) fills the bundles once, before the year loop; the engine reads them as
attributes (``steel.ccus_capture_rate``), never by string, so a misspelt field fails when the module
is imported or the bundle built, not in year 37.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np

CALIBRATION_YEAR = 2020  # the engine's initial state is the observed 2020 (bundled history)

SHOCK_ARRAY = {"shock_array": True}  # metadata of a field filled from the scenario's shock list


def _take(bundle, index):
    """A bundle for a subset of samples: per-sample arrays are indexed, shared ones stay broadcast."""
    return replace(bundle, **{f.name: v if (v := getattr(bundle, f.name)).shape[0] == 1 else v[index]
                              for f in fields(bundle)})


@dataclass(frozen=True)
class MacroParams:
    gdp_2020_bn: np.ndarray
    gdp_growth: np.ndarray
    co2_intensity_reduction_2020: np.ndarray
    energy_intensity_2005_kgce_per_usd: np.ndarray
    electricity_elasticity: np.ndarray


@dataclass(frozen=True)
class PowerParams:
    demand_2020_twh: np.ndarray
    coal_capacity_2020_gw: np.ndarray
    gas_capacity_2020_gw: np.ndarray
    hydro_capacity_2020_gw: np.ndarray
    nuclear_capacity_2020_gw: np.ndarray
    wind_capacity_2020_gw: np.ndarray
    solar_capacity_2020_gw: np.ndarray
    coal_additions_gw: np.ndarray
    gas_additions_gw: np.ndarray
    hydro_additions_gw: np.ndarray
    nuclear_additions_gw: np.ndarray
    wind_additions_gw: np.ndarray
    solar_additions_gw: np.ndarray
    gas_cf: np.ndarray
    hydro_cf: np.ndarray
    nuclear_cf: np.ndarray
    wind_cf: np.ndarray
    solar_cf: np.ndarray
    coal_cf_max: np.ndarray
    gas_cf_max: np.ndarray
    coal_lifetime_yr: np.ndarray
    coal_mean_age_2020_yr: np.ndarray
    coal_heat_rate_gce_per_kwh: np.ndarray
    ccs_retrofit_gw: np.ndarray
    ccs_capture_rate: np.ndarray
    ccs_heat_rate_penalty: np.ndarray
    gas_heat_rate_gce_per_kwh: np.ndarray
    oil_heat_rate_gce_per_kwh: np.ndarray
    bio_generation_twh: np.ndarray
    oil_generation_twh: np.ndarray
    hydro_potential_gw: np.ndarray
    nuclear_build_max_gw: np.ndarray
    coal_to_gas_gw: np.ndarray
    coal_price_cny_per_tce: np.ndarray
    gas_price_cny_per_tce: np.ndarray
    coal_efficient_share: np.ndarray
    coal_heat_rate_spread_gce_per_kwh: np.ndarray
    dispatch_cost_scale_cny_per_mwh: np.ndarray
    coal_retirement_extra_gw: np.ndarray
    coal_power_price_cny_per_mwh: np.ndarray
    early_retire_max_frac: np.ndarray
    retrofit_heat_rate_saving_gce_per_kwh: np.ndarray
    retrofit_capex_cny_per_kw: np.ndarray
    retrofit_lifetime_yr: np.ndarray
    retrofit_max_frac: np.ndarray
    coal_extension_share: np.ndarray
    energy_margin: np.ndarray
    planning_hydro_shortfall: np.ndarray
    coal_cf_reliability: np.ndarray
    ccs_cost_cny_per_t_co2: np.ndarray
    ccs_uptake_scale_cny_per_t: np.ndarray
    ccs_retrofit_max_gw: np.ndarray
    early_retire_from_year: np.ndarray
    retire_benchmark_lookahead_yr: np.ndarray
    phs_capacity_2020_gw: np.ndarray
    nts_capacity_2020_gw: np.ndarray
    phs_additions_gw: np.ndarray
    nts_additions_gw: np.ndarray
    phs_duration_h: np.ndarray
    nts_duration_h: np.ndarray
    phs_round_trip: np.ndarray
    nts_round_trip: np.ndarray
    storage_cycles_per_yr: np.ndarray
    grid_flexibility: np.ndarray
    curtailment_width: np.ndarray
    load_factor: np.ndarray
    reserve_margin: np.ndarray
    credit_thermal: np.ndarray
    credit_hydro: np.ndarray
    credit_wind: np.ndarray
    credit_solar: np.ndarray
    credit_vre_halving_share: np.ndarray
    storage_credit_hours: np.ndarray
    discount_rate: np.ndarray
    nts_capex_cny_per_kw: np.ndarray
    nts_lifetime_yr: np.ndarray
    gas_capex_cny_per_kw: np.ndarray
    gas_lifetime_yr: np.ndarray
    coal_fixed_cost_cny_per_kw_yr: np.ndarray
    coal_fixed_om_cny_per_kw_yr: np.ndarray
    nuclear_capex_cny_per_kw: np.ndarray
    nuclear_lifetime_yr: np.ndarray
    wind_capex_cny_per_kw: np.ndarray
    solar_capex_cny_per_kw: np.ndarray
    vre_lifetime_yr: np.ndarray
    firm_run_hours: np.ndarray
    invest_cost_scale_cny_per_kw_yr: np.ndarray
    energy_cost_scale_cny_per_mwh: np.ndarray
    response_from_year: np.ndarray
    no_new_coal_from_year: np.ndarray
    no_new_gas_from_year: np.ndarray
    gas_supply_bcm: np.ndarray
    gas_mtce_per_bcm: np.ndarray


@dataclass(frozen=True)
class SteelParams:
    output_mt: np.ndarray
    eaf_share: np.ndarray
    h2dri_share: np.ndarray
    ccus_share: np.ndarray
    scrap_supply_mt: np.ndarray
    scrap_t_per_t_eaf: np.ndarray
    bf_coal_tce_per_t: np.ndarray
    ccus_capture_rate: np.ndarray
    eaf_direct_t_co2_per_t: np.ndarray
    h2dri_direct_t_co2_per_t: np.ndarray
    bfbof_mwh_per_t: np.ndarray
    eaf_mwh_per_t: np.ndarray
    h2dri_mwh_per_t: np.ndarray
    bf_campaign_yr: np.ndarray
    eaf_premium_cny_per_t: np.ndarray
    h2dri_premium_cny_per_t: np.ndarray
    ccus_cost_cny_per_t_co2: np.ndarray
    switch_cost_scale_cny_per_t: np.ndarray
    h2dri_max_share: np.ndarray


@dataclass(frozen=True)
class TransportParams:
    road_oil_share_2020: np.ndarray
    ev_share_2020: np.ndarray
    ev_share: np.ndarray
    ev_twh_per_mtce: np.ndarray
    road_intensity_change: np.ndarray


@dataclass(frozen=True)
class OtherParams:
    coal_total_2020_mtce: np.ndarray
    oil_total_2020_mtce: np.ndarray
    gas_total_2020_mtce: np.ndarray
    coal_intensity_change: np.ndarray
    oil_intensity_change: np.ndarray
    gas_intensity_change: np.ndarray
    cement_co2_mt: np.ndarray
    other_industry_co2_mt: np.ndarray
    coal_to_gas_mtce: np.ndarray
    coal_to_gas_gas_per_coal: np.ndarray


@dataclass(frozen=True)
class Factors:
    coal_t_co2_per_tce: np.ndarray
    oil_t_co2_per_tce: np.ndarray
    gas_t_co2_per_tce: np.ndarray
    substitution_efficiency: np.ndarray


@dataclass(frozen=True)
class PolicyParams:
    carbon_price: np.ndarray
    ets_power_start_year: np.ndarray
    ets_steel_start_year: np.ndarray
    power_benchmark_t_per_mwh: np.ndarray
    steel_benchmark_t_per_t: np.ndarray
    coal_retire_max_frac: np.ndarray
    steel_output_fall_max_frac: np.ndarray
    bfbof_fall_max_frac: np.ndarray


@dataclass(frozen=True)
class RemovalParams:
    land_sink_mt: np.ndarray
    beccs_mt: np.ndarray
    daccs_mt: np.ndarray


@dataclass(frozen=True)
class ShockParams:
    """Rationing parameters (registry section ``shock``) and the shock arrays [1 or S, Y] built from
    the scenario's shock list (ctsim.inputs.shocks): the coal supply shortfall (share of a year's
    coal generation that cannot run), factors on the hydro capacity factor and the coal price, and
    each user group's rank in the curtailment order (lowest first)."""

    max_cut_fraction: np.ndarray
    industry_share_of_base: np.ndarray
    voll_usd_per_kwh: np.ndarray
    rebound_fraction: np.ndarray
    coal_shortfall: np.ndarray = field(metadata=SHOCK_ARRAY)
    hydro_cf_factor: np.ndarray = field(metadata=SHOCK_ARRAY)
    coal_price_factor: np.ndarray = field(metadata=SHOCK_ARRAY)
    rank_steel: np.ndarray = field(metadata=SHOCK_ARRAY)
    rank_industry: np.ndarray = field(metadata=SHOCK_ARRAY)
    rank_other: np.ndarray = field(metadata=SHOCK_ARRAY)


@dataclass(frozen=True)
class CapsParams:
    power_co2_mt: np.ndarray
    nonfossil_recoverable_frac: np.ndarray
    flexibility_cost_cny_per_mwh: np.ndarray
    demand_cut_max_frac: np.ndarray
    demand_cut_cost_cny_per_mwh: np.ndarray
    national_co2_mt: np.ndarray
    steel_co2_mt: np.ndarray
    co2_intensity_kg_per_usd: np.ndarray
    co2_intensity_reduction_2005: np.ndarray
    steel_margin_cny_per_t: np.ndarray


@dataclass(frozen=True)
class GhgParams:
    """Greenhouse gases other than CO2 (engine/ghg.py): coal-mine methane factors and lever, the
    other sources as paths, GWP100 weights, the last observed year and the TCRE."""

    coal_mine_ch4_kg_per_tce: np.ndarray
    coal_domestic_share: np.ndarray
    cmm_abatement_frac: np.ndarray
    ch4_oil_gas_mt: np.ndarray
    ch4_combustion_mt: np.ndarray
    ch4_agriculture_mt: np.ndarray
    ch4_waste_mt: np.ndarray
    n2o_kt: np.ndarray
    fgas_mt_co2e: np.ndarray
    gwp_ch4_fossil: np.ndarray
    gwp_ch4_biogenic: np.ndarray
    gwp_n2o: np.ndarray
    history_end_year: np.ndarray
    co2_cumulative_2019_mt: np.ndarray
    tcre_k_per_tt_co2: np.ndarray
    tcre_low_k_per_tt_co2: np.ndarray
    tcre_high_k_per_tt_co2: np.ndarray


# Registry section -> bundle: the one place that says where ``section.key`` lands (as ``Inputs.section``).
@dataclass(frozen=True)
class RegionalParams:
    """Registry section ``regional``: the provincial layer's assumptions (docs/provinces.md)."""

    link_utilisation: np.ndarray  # annual energy a link carries / (capacity x 8,760 h)
    link_demand_elasticity: np.ndarray  # link capacity grows as national demand ** this
    gdp_share_half_life_yr: np.ndarray  # half-life of the provincial GDP-share trends


@dataclass(frozen=True)
class RegionData:
    """The regions of a provincial (or grid-region) run, built from the bundled regional data
    (ctsim.inputs.regions). G regions, Z transfer zones (grid regions), K technologies, N non-fossil
    technologies, Y simulated years; leading 1 or S where a value may differ by sample (shocks)."""

    names: tuple[str, ...]
    zone: np.ndarray  # [G, Z] 1 where region g is in zone z
    links_gw: np.ndarray  # [Z, Z] inter-zone link capacity in the calibration year, symmetric
    intra_gw: np.ndarray  # [Z] link capacity within each zone (inf for a zone of one region)
    cap_share_obs: np.ndarray  # [H, G, K] observed regional shares of each technology, years 2020..
    add_share: np.ndarray  # [G, K] shares of national net additions after the observed years
    cf_rel: np.ndarray  # [G, N] capacity factor relative to the national one
    demand_share_obs: np.ndarray  # [G, Y] observed electricity consumption shares (last one held)
    demand_obs_index: int  # year index of the last observed demand share
    gdp_share_obs: np.ndarray  # [G, Y] observed GDP shares (last one held)
    gdp_obs_index: int  # year index of the last observed GDP share
    gdp_share_trend: np.ndarray  # [G] d log(share) / d year over the last ten observed years
    steel_share: np.ndarray  # [G, Y]
    co2_rest_share: np.ndarray  # [G] the other sectors' energy CO2 (CEADs 2019)
    co2_process_share: np.ndarray  # [G] process CO2 (CEADs 2019)
    hydro_factor: np.ndarray  # [1 or S, G, Y] drought factor on the hydro capacity factor
    coal_shortfall: np.ndarray  # [1 or S, G, Y] share of coal generation that cannot run
    any_drought: bool = False
    any_shortfall: bool = False
    outputs: tuple[str, ...] | None = None  # regional outputs to record (None: all; a sweep needs few)
    power_co2_cap_mt: np.ndarray | None = None  # [G, Y] binding cap on a region's power CO2 (inf: none)

    def take(self, index) -> RegionData:
        return replace(self, **{k: getattr(self, k) if getattr(self, k).shape[0] == 1 else getattr(self, k)[index]
                                for k in ("hydro_factor", "coal_shortfall")})


BUNDLES = {"macro": MacroParams, "power": PowerParams, "steel": SteelParams, "transport": TransportParams,
           "other": OtherParams, "factors": Factors, "policy": PolicyParams, "removals": RemovalParams,
           "shock": ShockParams, "caps": CapsParams, "ghg": GhgParams,
           "regional": RegionalParams}


def registry_fields() -> dict[str, tuple[str, str]]:
    """Registry name ``section.key`` -> (Inputs attribute, field) of every bundle field that comes
    from the parameter registry (all but the shock arrays)."""
    return {f"{section}.{f.name}": (section, f.name)
            for section, cls in BUNDLES.items() for f in fields(cls) if not f.metadata.get("shock_array")}


def shock_fields() -> tuple[str, ...]:
    """Fields of :class:`ShockParams` filled from the scenario's shock list."""
    return tuple(f.name for f in fields(ShockParams) if f.metadata.get("shock_array"))


@dataclass(frozen=True)
class Inputs:
    """Everything the engine reads: the simulated years, the number of samples S and one bundle per
    sector."""

    years: np.ndarray  # simulated years, from the calibration year to the horizon end
    n_samples: int
    macro: MacroParams
    power: PowerParams
    steel: SteelParams
    transport: TransportParams
    other: OtherParams
    factors: Factors
    policy: PolicyParams
    removals: RemovalParams
    shock: ShockParams
    caps: CapsParams
    ghg: GhgParams
    regional: RegionalParams
    # History is observed: years up to ``history_end`` are simulated with ``history`` (the
    # registry's inputs over the same years, shared by every sample), whatever these inputs say;
    # None simulates every year with these inputs (a counterfactual of history).
    history: Inputs | None = None
    history_end: int = CALIBRATION_YEAR - 1
    regions: RegionData | None = None  # None: a national run

    def take(self, index: np.ndarray | slice) -> Inputs:
        """The inputs of a subset of samples (a chunk); shared values stay broadcast."""
        n = len(np.arange(self.n_samples)[index])
        hist = None if self.history is None else self.history.take(index)
        regions = None if self.regions is None else self.regions.take(index)
        return replace(self, n_samples=n, history=hist, regions=regions,
                       **{s: _take(getattr(self, s), index) for s in BUNDLES})

    def for_year(self, year: int) -> Inputs:
        """The inputs the engine reads in ``year``: the history's in an observed year."""
        return self.history if self.history is not None and year <= self.history_end else self
