"""From the observed years to the projection: what a scenario's structural values change at the switch.

The engine simulates the observed years (2020 to the last bundled year) with the history's inputs and
the projection with the scenario's (ctsim.engine.inputs.Inputs.for_year). Most inputs act year by
year, so the switch needs nothing. The coal lifetime does not: the 2020 fleet retires on a schedule
(:func:`ctsim.engine.capacity.initial_fleet_retirement`) whose cumulative share by year t (years since
2020) is R(L, t) = P(age >= L - t). Had the history run on lifetime L_h and the scenario then simply
continued its own schedule for lifetime L, units would retire twice (L > L_h) or never (L < L_h).
So from the first projected year t_s the cumulative retirement of the 2020 fleet is made
C(t) = max(R(L, t), R_h), with R_h = R(L_h, t_s - 1) what history retired: in year t the schedule's
K(t) = R(L, t) - R(L, t - 1) is corrected by

    C(t) - C(t-1) - K(t) = g(t) - g(t-1),   g(t) = max(R_h - R(L, t), 0) (t >= t_s),
                                            g(t_s - 1) = R_h - R(L, t_s - 1),

times the 2020 capacity: at t_s a shorter lifetime retires what it would already have retired (a
positive correction, within the step-by-step limits), and a longer one does not retire again what
history retired. C(t) - C(t-1) >= 0, so the corrected schedule is never negative; for L = L_h the
correction is exactly zero.
"""

from __future__ import annotations

import numpy as np

from .capacity import initial_fleet_survival


def lifetime_switch_gw(capacity_2020_gw: np.ndarray, mean_age_yr: np.ndarray, history_lifetime_yr: np.ndarray,
                       lifetime_yr: np.ndarray, t: int, t_switch: int) -> np.ndarray:
    """Correction (GW, [S]) to year ``t``'s scheduled retirement of the 2020 coal fleet when the
    lifetime changes from ``history_lifetime_yr`` to ``lifetime_yr`` at year index ``t_switch``
    (see the module); 0 before the switch."""
    if t < t_switch:
        return np.zeros(np.shape(capacity_2020_gw))
    max_age = 3.0 * mean_age_yr

    def retired(life, k):  # R(L, k): share of the 2020 fleet retired by the end of year k
        return initial_fleet_survival(life - k, max_age)

    r_hist = retired(history_lifetime_yr, t_switch - 1)
    g_before = (r_hist - retired(lifetime_yr, t - 1) if t == t_switch
                else np.maximum(r_hist - retired(lifetime_yr, t - 1), 0.0))
    return capacity_2020_gw * (np.maximum(r_hist - retired(lifetime_yr, t), 0.0) - g_before)
