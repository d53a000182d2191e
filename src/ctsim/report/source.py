"""Report inputs: a scenario file (run now), a ``ctsim run`` folder or a ``ctsim sweep`` folder, each
read into one :class:`Source` that the report and comparison sections draw from."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import UsageError
from ..outputs.folders import metadata
from ..pipeline import run
from ..scenario.load import is_library_name

SCENARIO_SUFFIXES = (".yaml", ".yml")
SWEEP_FILES = ("quantiles.csv", "metrics.csv", "targets.csv", "sensitivity.csv", "design.csv")


@dataclass
class Source:
    """One report input, whatever it was read from."""

    name: str
    kind: str  # "run" | "sweep"
    description: str
    metadata: dict
    path: Path | None = None
    frame: pd.DataFrame | None = None  # run: index year, IAMC variable columns
    metrics: dict[str, dict] = field(default_factory=dict)  # name -> {label, value, unit}
    verdicts: list[dict] = field(default_factory=list)  # Verdict.as_dict() entries
    targets: list[dict] = field(default_factory=list)  # target definitions (for drawing)
    sweep: object | None = None  # ctsim.report.sweep.SweepData
    resolved: object | None = None  # ResolvedScenario when run here (compare re-runs from it)
    provinces: pd.DataFrame | None = None  # provincial run: IAMC long rows of the provinces


def wide_from_iamc(long: pd.DataFrame) -> pd.DataFrame:
    """IAMC long table of one run -> index year, one column per variable (China's rows: a
    provincial run's table also has a block per region)."""
    if "region" in long:
        long = long[long["region"] == "China"]
    wide = long.pivot_table(index="year", columns="variable", values="value", sort=False)
    wide.columns.name = None
    wide.index = wide.index.astype(int)
    return wide.sort_index()


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: cannot read ({exc})") from None


def source_from_run(run, command: list[str] | None = None, path: Path | None = None) -> Source:
    """A Source from an in-memory :class:`ctsim.pipeline.Run`."""
    s = run.summary
    return Source(
        name=run.resolved.name,
        kind="run",
        description=run.resolved.description,
        metadata=metadata(run.resolved, command),
        path=path,
        frame=run.results.to_frame(0),
        metrics=s["metrics"],
        verdicts=s["targets"],
        targets=[t.model_dump() for t in run.resolved.targets if t.region is None],
        resolved=run.resolved,
        provinces=_province_rows(run.results.to_iamc(0))
        if run.results.resolution == "provinces" else None,
    )


def _province_rows(long: pd.DataFrame) -> pd.DataFrame | None:
    """The provinces' rows of an IAMC long table; None when it has none (a national run)."""
    from ..regions import provinces

    rows = long[long["region"].isin(provinces())] if "region" in long else long.iloc[:0]
    return rows if not rows.empty else None


def _source_from_run_folder(folder: Path) -> Source:
    meta = _read_json(folder / "metadata.json")
    summ = _read_json(folder / "summary.json") if (folder / "summary.json").exists() else {}
    try:
        long = pd.read_csv(folder / "trajectories.csv")
    except (OSError, ValueError) as exc:
        raise UsageError(f"{folder / 'trajectories.csv'}: cannot read ({exc})") from None
    return Source(
        name=str(summ.get("scenario") or meta.get("scenario") or folder.name),
        kind="run",
        description=str(summ.get("description", "")),
        metadata=meta,
        path=folder,
        frame=wide_from_iamc(long),
        metrics=summ.get("metrics", {}),
        verdicts=summ.get("targets", []),
        targets=[t for t in meta.get("targets", []) if not t.get("region")],
        provinces=_province_rows(long),
    )


@dataclass
class SweepData:
    quantiles: pd.DataFrame | None = None
    metrics: pd.DataFrame | None = None
    targets: pd.DataFrame | None = None
    sensitivity: pd.DataFrame | None = None
    design: pd.DataFrame | None = None

    @property
    def n_samples(self) -> int | None:
        for frame in (self.metrics, self.design):
            if frame is not None:
                return len(frame)
        return None


def is_sweep_folder(path: Path) -> bool:
    return (path / "quantiles.csv").exists() or (path / "metrics.csv").exists()


def _csv(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    try:
        return pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read ({exc})") from None


def source_from_sweep_folder(path: Path):
    data = SweepData(*(_csv(path / name) for name in SWEEP_FILES))
    meta = {}
    if (path / "metadata.json").exists():
        try:
            meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise UsageError(f"{path / 'metadata.json'}: cannot read ({exc})") from None
    name = meta.get("scenario")
    if not name and data.quantiles is not None and "scenario" in data.quantiles.columns:
        name = str(data.quantiles["scenario"].iloc[0])
    summary = {}
    if (path / "summary.json").exists():
        summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
    return Source(name=str(name or path.name), kind="sweep",
                  description=str(meta.get("description") or summary.get("description") or ""),
                  metadata=meta, path=path, targets=meta.get("targets", []), sweep=data)


def load_source(path: str | Path, command: list[str] | None = None) -> Source:
    """Read one report input: a scenario file (run now), a run folder or a sweep folder."""
    path = Path(path)
    if path.is_dir():
        if (path / "trajectories.csv").exists():
            return _source_from_run_folder(path)
        if is_sweep_folder(path):
            return source_from_sweep_folder(path)
        raise UsageError(f"{path}: not an output folder of 'ctsim run' or 'ctsim sweep' "
                         "(no trajectories.csv or quantiles.csv)")
    if path.suffix.lower() in SCENARIO_SUFFIXES or (is_library_name(path) and not path.exists()):
        return source_from_run(run(path), command, path)  # (a bare name: a bundled scenario)
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    raise UsageError(f"{path}: expected a scenario file (.yaml) or an output folder")
