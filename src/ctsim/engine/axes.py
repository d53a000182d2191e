"""Named axes and named indices of the engine's categories, defined once and used everywhere.

Axis 0 is samples (S); category axes come last, so kernels index them as ``x[..., EAF]`` and stay
elementwise over any leading axes (a region axis after samples can be added without rewriting
them). Recorded outputs are [S, Y].
"""

import numpy as np

# Power technologies with a capacity stock: the K axis.
POWER_TECHS = ("coal", "coal_ccs", "gas", "hydro", "nuclear", "wind", "solar")
COAL, COAL_CCS, GAS, HYDRO, NUCLEAR, WIND, SOLAR = range(len(POWER_TECHS))

# Non-fossil technologies, dispatched first by capacity factor: the N axis (positions on K in NON_FOSSIL).
NON_FOSSIL = (HYDRO, NUCLEAR, WIND, SOLAR)
NF_HYDRO, NF_NUCLEAR, NF_WIND, NF_SOLAR = range(len(NON_FOSSIL))
VARIABLE_RENEWABLE = (False, False, True, True)  # on N: wind and solar, curtailed first

# Storage kinds with a stock (GW, GWh): pumped hydro and new-type (battery) storage.
STORAGE_KINDS = ("pumped_hydro", "new_type")
PHS, NTS = range(len(STORAGE_KINDS))

# Options the adequacy step builds when firm capacity falls short, and when energy falls short.
FIRM_OPTIONS = ("storage", "gas", "coal", "nuclear")
FIRM_STORAGE, FIRM_GAS, FIRM_COAL, FIRM_NUCLEAR = range(len(FIRM_OPTIONS))
ENERGY_OPTIONS = ("coal", "nuclear", "wind", "solar")
EN_COAL, EN_NUCLEAR, EN_WIND, EN_SOLAR = range(len(ENERGY_OPTIONS))

# Steel routes: the R axis.
STEEL_ROUTES = ("bfbof", "bfbof_ccus", "eaf", "h2dri")
BFBOF, BFBOF_CCUS, EAF, H2DRI = range(len(STEEL_ROUTES))

# Alternatives to unabated BF-BOF (policy-requested and cost-driven route shares): the A axis.
ALT_ROUTES = (BFBOF_CCUS, EAF, H2DRI)
ALT_CCUS, ALT_EAF, ALT_H2DRI = range(len(ALT_ROUTES))

# Electricity users that rationing can curtail (ctsim.scenario.shocks.USERS): the U axis.
USERS = ("steel", "industry", "other")
USER_STEEL, USER_INDUSTRY, USER_OTHER = range(len(USERS))

# Options a cap uses, in order (docs/model.md, "Caps"): steel cap, and power/national caps in power.
STEEL_CAP_OPTIONS = ("eaf", "h2dri", "output_cut")
OPT_EAF, OPT_H2DRI, OPT_STEEL_CUT = range(len(STEEL_CAP_OPTIONS))
POWER_CAP_OPTIONS = ("recovered_vre", "coal_to_gas", "demand_cut")
OPT_RECOVER, OPT_TO_GAS, OPT_DEMAND_CUT = range(len(POWER_CAP_OPTIONS))


def sum_last(x):
    """Sum over the last (category) axis, added left to right from +0.0: the same numbers as
    ``x.sum(axis=-1)`` (numpy adds an axis shorter than 8 in that order; tests/unit/test_guards_fast.py
    checks it bit for bit), several times faster on [S, few] arrays. Longer axes use numpy's sum."""
    n = x.shape[-1]
    if n >= 8:
        return x.sum(axis=-1)
    acc = x[..., 0] + 0.0
    for k in range(1, n):
        acc += x[..., k]
    return acc


def stack_last(slots, *like):
    """The values ``slots`` on a new last (category) axis, broadcast together (and with ``like``, e.g.
    ``np.zeros(S)`` to give every sample a row): the same array as
    ``np.stack(np.broadcast_arrays(*slots, *like)[:len(slots)], axis=-1)``, written one category at a
    time (numpy's stack copies [S, 1] pieces into the short axis, one element per inner loop: 2-3x
    slower on [S, few] arrays; tests/unit/test_axes.py checks the two agree)."""
    shape = np.broadcast(*slots, *like).shape
    out = np.empty(shape + (len(slots),), dtype=np.result_type(*slots))
    for k, x in enumerate(slots):
        out[..., k] = x
    return out
