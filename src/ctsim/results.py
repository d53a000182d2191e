"""Results container and its tables: IAMC long format (pyam-compatible) and a wide variant."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import registry
from .engine.regions import PREFIX as REGIONAL_PREFIX

MODEL_NAME = "ctsim"
REGION = "China"
IAMC_COLUMNS = ["model", "scenario", "region", "variable", "unit", "year", "value"]


@dataclass
class Results:
    """Engine outputs over the reporting horizon: {internal name: array [S, Y]} for China, and at
    provincial or grid-region resolution {internal name: array [S, G, Y]} for the G regions.

    ``resolution`` is the scenario's ``regions:`` ("national", "grid" or "provinces"); ``regions``
    names the G regions in order (empty for a national run); ``regional`` holds the outputs the
    engine resolves by region (ctsim.engine.regions.REGIONAL_OUTPUTS). For an additive variable the
    national array equals the sum of the regional ones.
    """

    scenario: str
    years: np.ndarray
    arrays: dict[str, np.ndarray]
    regional: dict[str, np.ndarray] = field(default_factory=dict)
    regions: tuple[str, ...] = ()
    resolution: str = "national"

    @classmethod
    def from_engine(cls, scenario: str, sim_years: np.ndarray, arrays: dict[str, np.ndarray],
                    start: int, end: int, regional: dict[str, np.ndarray] | None = None,
                    regions: tuple[str, ...] = (), resolution: str = "national") -> Results:
        i0, i1 = int(np.searchsorted(sim_years, start)), int(np.searchsorted(sim_years, end)) + 1
        regional = dict(regional or {})
        national = {}
        for k, v in arrays.items():  # the engine's regional arrays come as "regional.<name>" [S, G, Y]
            if k.startswith(REGIONAL_PREFIX):
                regional[k[len(REGIONAL_PREFIX):]] = v
            else:
                national[k] = v[:, i0:i1]  # views
        return cls(scenario, sim_years[i0:i1], national, {k: v[:, :, i0:i1] for k, v in regional.items()},
                   tuple(regions), resolution if regional else "national")

    def regional_array(self, key: str, region: str) -> np.ndarray:
        """Array [S, Y] of one region by internal or IAMC name; ``region`` "China" is the nation."""
        if region == REGION:
            return self[key]
        name = key if key in self.regional else registry.iamc_variables()[key].name
        if name not in self.regional:
            raise KeyError(f"{key} is not resolved by region")
        return self.regional[name][:, self.regions.index(region)]

    @property
    def n_samples(self) -> int:
        return next(iter(self.arrays.values())).shape[0]

    def __getitem__(self, key: str) -> np.ndarray:
        """Array [S, Y] by internal name or IAMC variable name."""
        if key in self.arrays:
            return self.arrays[key]
        return self.arrays[registry.iamc_variables()[key].name]

    def series(self, variable: str, sample: int = 0) -> pd.Series:
        return pd.Series(self[variable][sample], index=self.years, name=variable)

    def to_frame(self, sample: int = 0, region: str | None = REGION) -> pd.DataFrame:
        """Wide table of one sample: index year, one column per IAMC variable.

        ``region`` "China" (the default) is the nation; a region name gives that region's
        variables (those resolved by region); ``None`` stacks the nation and every region, index
        (region, year), the regional variables' cells of the nation filled from the national arrays.
        """
        cat = registry.variables()
        if region == REGION:
            data = {cat[k].variable: v[sample] for k, v in self.arrays.items() if k in cat}
            return pd.DataFrame(data, index=pd.Index(self.years, name="year"))
        if region is None:
            frames = [self.to_frame(sample, r) for r in (REGION, *self.regions)]
            return pd.concat(frames, keys=[REGION, *self.regions], names=["region", "year"])
        if region not in self.regions:
            raise KeyError(f"region {region!r} is not in these results (regions: "
                           f"{', '.join(self.regions) or 'none, a national run'})")
        g = self.regions.index(region)
        data = {cat[k].variable: v[sample, g] for k, v in self.regional.items() if k in cat}
        return pd.DataFrame(data, index=pd.Index(self.years, name="year"))

    def to_iamc(self, sample: int | None = 0) -> pd.DataFrame:
        """IAMC long table (model, scenario, region, variable, unit, year, value).

        Rows for ``China`` first (every variable), then, at provincial or grid-region resolution,
        one block per region (in ``regions`` order) with the variables resolved by region.
        ``sample=None`` adds a ``sample`` column with every sample; otherwise one sample.
        """
        cat = registry.variables()
        names = [k for k in cat if k in self.arrays]
        local = [k for k in cat if k in self.regional]
        samples = range(self.n_samples) if sample is None else [sample]
        frames = []
        for s in samples:
            values = np.stack([self.arrays[k][s] for k in names])  # [V, Y]
            df = self._block(REGION, names, values)
            if local and self.regions:
                regional = np.stack([self.regional[k][s] for k in local]).swapaxes(0, 1)  # [G, V, Y]
                df = pd.concat([df, *(self._block(r, local, regional[g])
                                      for g, r in enumerate(self.regions))], ignore_index=True)
            if sample is None:
                df.insert(0, "sample", s)
            frames.append(df)
        return pd.concat(frames, ignore_index=True)

    def _block(self, region: str, names: list[str], values: np.ndarray) -> pd.DataFrame:
        """IAMC rows of one region: ``values`` [V, Y] for the internal ``names``."""
        cat = registry.variables()
        return pd.DataFrame({
            "model": MODEL_NAME,
            "scenario": self.scenario,
            "region": region,
            "variable": np.repeat([cat[k].variable for k in names], len(self.years)),
            "unit": np.repeat([cat[k].unit for k in names], len(self.years)),
            "year": np.tile(self.years, len(names)),
            "value": values.ravel(),
        })

    def to_wide(self, sample: int = 0) -> pd.DataFrame:
        """IAMC wide table (years as columns), for spreadsheets."""
        long = self.to_iamc(sample)
        wide = long.pivot_table(index=["model", "scenario", "region", "variable", "unit"],
                                columns="year", values="value", sort=False)
        return wide.reset_index()
