"""Named indices: one order per category, used by the kernels and the steps."""

from __future__ import annotations

import numpy as np

from ctsim.engine import axes, caps, shocks, steel
from ctsim.engine.arrays import divide_or
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


def test_stack_last_is_numpy_stack_of_the_broadcast_values():
    a, b = np.array([1.5, -0.0, np.nan]), np.array([-2.0])
    cases = [((a, b, 3.0), ()), ((b, 2.0), (np.zeros(3),)), ((1.0, 2.0), ()), ((np.ones((2, 1)), a), ()),
             ((np.int64(1), b), ())]
    for slots, like in cases:
        want = np.stack(np.broadcast_arrays(*slots, *like)[:len(slots)], axis=-1)
        got = axes.stack_last(slots, *like)
        assert got.shape == want.shape and got.dtype == want.dtype and got.tobytes() == want.tobytes()
        assert got.flags.c_contiguous


def test_divide_or_is_the_masked_divide():
    num = np.array([1.0, -0.0, 3.0, np.inf, np.nan, 2.0, 0.0])
    den = np.array([2.0, 5.0, 0.0, -1.0, 4.0, np.nan, 1e-300])
    for fill in (0.0, 1.0, np.inf):
        want = np.divide(num, den, out=np.full(num.shape, fill), where=den > 0)
        assert divide_or(num, den, fill).tobytes() == want.tobytes()
    shares, total = np.array([[0.2, 0.8], [0.0, 0.0]]), np.array([[1.0], [0.0]])
    want = np.divide(shares, total, out=np.zeros_like(shares), where=total > 0)
    assert divide_or(shares, total, 0.0).tobytes() == want.tobytes()
