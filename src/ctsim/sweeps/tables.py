"""A sweep's tables (pandas): design, per-sample metrics and verdicts, quantile trajectories (IAMC
long), target probabilities and sensitivity indices, exactly as the sweep folder holds them.

Built from whole arrays (one DataFrame per table), never per chunk; :meth:`SweepResult.tables
<ctsim.sweeps.core.SweepResult.tables>` assembles them and outputs/sweep.py only formats and saves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import registry
from ..analysis.sensitivity import COLUMNS as SENSITIVITY_COLUMNS
from ..results import MODEL_NAME, REGION

TABLES = ("design", "metrics", "quantiles", "targets", "sensitivity")
TARGET_COLUMNS = ["id", "kind", "variable", "description", "n", "met", "probability", "low_95",
                  "high_95", "threshold", "verdict"]


def design_columns(labels: list[str], values: np.ndarray) -> dict[str, np.ndarray]:
    """The columns of :func:`design_table` (views of ``values``, not copies)."""
    data: dict[str, np.ndarray] = {"sample": np.arange(values.shape[0])}
    data.update({label: values[:, j] for j, label in enumerate(labels)})
    return data


def design_table(labels: list[str], values: np.ndarray) -> pd.DataFrame:
    """sample, then one column per design column (values or scale factors)."""
    return pd.DataFrame(design_columns(labels, values))


def metrics_columns(metrics: dict[str, np.ndarray], targets: list, met: np.ndarray,
                    margin: np.ndarray) -> dict[str, np.ndarray]:
    """The columns of :func:`metrics_table`, written alike (the metrics and margins as they are, not copied:
    the sweep folder writes them without a DataFrame, 250 MB at 10^6 samples); the verdicts as
    0/1 bytes (views of ``met``), written as the DataFrame's integers are."""
    data: dict[str, np.ndarray] = {"sample": np.arange(met.shape[0])}
    data.update(metrics)
    for j, t in enumerate(targets):
        data[f"{t.id}_met"] = met[:, j].view(np.uint8)
        data[f"{t.id}_margin"] = margin[:, j]
    return data


def metrics_table(metrics: dict[str, np.ndarray], targets: list, met: np.ndarray,
                  margin: np.ndarray) -> pd.DataFrame:
    """sample, each metric, and per target ``<id>_met`` (0/1) and ``<id>_margin``."""
    data: dict[str, np.ndarray] = {"sample": np.arange(met.shape[0])}
    data.update(metrics)
    for j, t in enumerate(targets):
        data[f"{t.id}_met"] = met[:, j].astype(int)
        data[f"{t.id}_margin"] = margin[:, j]
    return pd.DataFrame(data)


def quantiles_table(scenario: str, variables: tuple[str, ...], years: np.ndarray,
                    levels: tuple[float, ...], quantiles: np.ndarray) -> pd.DataFrame:
    """IAMC long: model, scenario, region, variable, unit, year, quantile, value, from
    ``quantiles`` [Q, V, Yr] of the internal ``variables`` at ``levels``."""
    cat = registry.variables()
    q, v, y = quantiles.shape
    return pd.DataFrame({
        "model": MODEL_NAME,
        "scenario": scenario,
        "region": REGION,
        "variable": np.tile(np.repeat([cat[k].variable for k in variables], y), q),
        "unit": np.tile(np.repeat([cat[k].unit for k in variables], y), q),
        "year": np.tile(years, q * v),
        "quantile": np.repeat(levels, v * y),
        "value": quantiles.ravel(),
    })


def targets_table(rows: list[dict]) -> pd.DataFrame:
    """Target probabilities with Wilson 95 % intervals and check verdicts (one row per target)."""
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def sensitivity_table(rows: list[dict]) -> pd.DataFrame:
    """output, year (empty for whole-horizon metrics), parameter, index, value, conf."""
    frame = pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS))
    frame["year"] = frame["year"].astype("Int64")
    return frame
