"""Named indices: one order per category, used by the kernels and the steps."""

from __future__ import annotations

import numpy as np

from ctsim.engine import axes, caps, shocks, steel
from ctsim.engine.loop import OUTPUTS
from ctsim.scenario.shocks import USERS


def test_orders_match_their_names_and_the_outputs():
    assert [axes.POWER_TECHS[i] for i in axes.NON_FOSSIL] == ["hydro", "nuclear", "wind", "solar"]
    vre = zip(axes.NON_FOSSIL, axes.VARIABLE_RENEWABLE, strict=True)
    assert [axes.POWER_TECHS[i] for i, v in vre if v] == ["wind", "solar"]
    assert [axes.STEEL_ROUTES[i] for i in axes.ALT_ROUTES] == ["bfbof_ccus", "eaf", "h2dri"]
    assert axes.USERS == USERS  # the order the shock arrays rank
    assert {f"cap_{t}_gw" for t in axes.POWER_TECHS} <= set(OUTPUTS)
    assert {f"steel_{r}_mt" for r in axes.STEEL_ROUTES} <= set(OUTPUTS)


def test_stacks_put_each_value_at_its_named_index():
    alt = steel.stack_alt(1.0, 2.0, 3.0, np.zeros(2))
    assert alt.shape == (2, 3)
    assert (alt[:, axes.ALT_CCUS] == 1).all() and (alt[:, axes.ALT_EAF] == 2).all()
    assert (alt[:, axes.ALT_H2DRI] == 3).all()
    routes = steel.stack_routes(np.array([1.0]), 2.0, 3.0, 4.0)
    assert routes[0, axes.BFBOF] == 1 and routes[0, axes.BFBOF_CCUS] == 2
    assert routes[0, axes.EAF] == 3 and routes[0, axes.H2DRI] == 4
    users = shocks.by_user(5.0, 6.0, np.array([7.0]))
    assert users[0, axes.USER_STEEL] == 5 and users[0, axes.USER_INDUSTRY] == 6 and users[0, axes.USER_OTHER] == 7


def test_a_steel_cap_option_moves_bfbof_tonnes_to_its_route():
    units = np.zeros((1, len(axes.STEEL_CAP_OPTIONS)))
    units[0, axes.OPT_EAF], units[0, axes.OPT_H2DRI], units[0, axes.OPT_STEEL_CUT] = 1.0, 2.0, 4.0
    moved = (units @ caps.STEEL_MOVES)[0]
    assert moved[axes.BFBOF] == -7 and moved[axes.EAF] == 1 and moved[axes.H2DRI] == 2
    assert moved[axes.BFBOF_CCUS] == 0
