"""Unit conversions used by the engine (physical definitions, not model assumptions).

- 1 tce (tonne of coal equivalent) = 29.3076 GJ: the Chinese standard coal equivalent (7,000 kcal/kg),
  NBS (often rounded to 29.31 GJ).
- 1 TWh = 3.6 PJ = 1,000 GWh.
- 1 GW running all year = 8.76 TWh (8,760 hours).
"""

GJ_PER_TCE = 29.3076
MTCE_PER_TWH = 3.6e6 / GJ_PER_TCE / 1e6  # 1 TWh = 3.6e6 GJ; / GJ per tce -> t; / 1e6 -> Mt (0.1228)
TWH_PER_GW_YEAR = 8.76
GCE_PER_KWH_TO_MTCE_PER_TWH = 1e-3  # x gce/kWh * 1 TWh = x * 1e9 g = x * 1e-3 Mt
GWH_PER_TWH = 1000.0
