"""Names of the engine's array axes and categories, defined once.

Axis 0 is always samples (S). Recorded outputs are [S, Y]. Category axes come last:
power technologies with capacity (K) and steel routes (R).
"""

SAMPLE_AXIS = 0
YEAR_AXIS = 1

# Power technologies with a capacity stock, in this order on the K axis.
POWER_TECHS = ("coal", "coal_ccs", "gas", "hydro", "nuclear", "wind", "solar")
NON_FOSSIL = ("hydro", "nuclear", "wind", "solar")  # dispatched first, by capacity factor
VARIABLE_RENEWABLES = ("wind", "solar")  # curtailed first when supply exceeds demand
K = {tech: i for i, tech in enumerate(POWER_TECHS)}

STEEL_ROUTES = ("bfbof", "bfbof_ccus", "eaf", "h2dri")
R = {route: i for i, route in enumerate(STEEL_ROUTES)}
