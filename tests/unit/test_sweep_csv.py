"""The sweep folder's fast CSV writer: byte for byte what pandas ``to_csv`` writes (the format the
folder has always had), for a real sweep's tables and for the awkward cells (NaN, inf, -0, text to
quote, booleans, nullable integers), and its values read back as pandas reads the pandas file."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

import ctsim
from ctsim.outputs.sweep import CSV_BLOCK, EXACT, FILES, FLOAT, csv_text, write_csv


@pytest.fixture(scope="module")
def tables(root):
    result = ctsim.sweep(root / "scenarios" / "steel2030.yaml", samples=300, method="lhs",
                         store=False, processes=1)
    return result.tables()


@pytest.mark.parametrize("name", list(FILES))
def test_sweep_tables_as_pandas_writes_them(tables, name, tmp_path):
    frame, fmt = tables[name], FILES[name]
    path = tmp_path / f"{name}.csv"
    write_csv(frame, path, fmt)
    ours = path.read_bytes()
    path.unlink()
    frame.to_csv(path, index=False, float_format=fmt)
    assert ours == path.read_bytes()


def awkward(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    x = rng.normal(size=n) * 10.0 ** rng.integers(-300, 300, size=n)
    x[:6] = [np.nan, np.inf, -np.inf, -0.0, 0.1 + 0.2, 5e-324]
    return pd.DataFrame({
        "sample": np.arange(n), "x": x, "y": rng.random(n), "met": rng.random(n) < 0.5,
        "year": rng.integers(2020, 2061, size=n),
        "text": np.array(["plain", "a,b", 'say "hi"', "line\nbreak", "", "Mt CO2/yr"] * n,
                         dtype=object)[:n],
        "needs, quoting": rng.random(n),
    })


@pytest.mark.parametrize("fmt", [FLOAT, EXACT, "%.6g"])
def test_awkward_cells_as_pandas_writes_them(fmt):
    frame = awkward(2 * CSV_BLOCK + 7)  # more than one block, and a partial one
    assert csv_text(frame, fmt) == frame.to_csv(index=False, float_format=fmt)


def test_types_left_to_pandas_still_written_as_pandas_writes_them():
    frames = [pd.DataFrame({"year": pd.array([2030, None], dtype="Int64"), "v": [1.0, 2.5]}),
              pd.DataFrame({"only": [None, None]}), pd.DataFrame({"mixed": [1, "a"], "v": [0.5, 1]}),
              pd.DataFrame({"x": [np.nan, 1.0], "t": ["a", None]})]
    for frame in frames:
        assert csv_text(frame, FLOAT) == frame.to_csv(index=False, float_format=FLOAT)


def test_exact_format_reads_back_to_the_same_float64(tmp_path):
    frame = awkward(1000)
    path = tmp_path / "design.csv"
    write_csv(frame, path, EXACT)
    back = pd.read_csv(path, keep_default_na=True)
    x, y = frame["x"].to_numpy(), back["x"].to_numpy()
    assert np.array_equal(x, y, equal_nan=True)
    assert np.array_equal(np.signbit(x[3]), np.signbit(y[3]))
    assert np.array_equal(frame["y"].to_numpy(), back["y"].to_numpy())
    assert os.linesep.encode() in path.read_bytes()


def test_columns_without_a_dataframe_are_written_as_their_dataframe(tables, root):
    result = ctsim.sweep(root / "scenarios" / "steel2030.yaml", samples=300, method="lhs",
                         store=False, processes=1)
    columns = result.tables(frames=())
    for name in ("design", "metrics"):
        assert isinstance(columns[name], dict)
        assert csv_text(columns[name], FILES[name]) == tables[name].to_csv(
            index=False, float_format=FILES[name])
    assert np.shares_memory(columns["design"][result.design.labels[0]], result.design.values)


def test_the_lines_of_each_chunk_are_the_lines_of_the_whole_table(root):
    """What a worker formats for its chunk (outputs.sweep.chunk_text) joins, in chunk order, into
    the table's file after its header: also with NaN and infinite cells in some chunks only."""
    from ctsim.outputs.sweep import chunk_text

    result = ctsim.sweep(root / "scenarios" / "steel2030.yaml", samples=300, method="lhs",
                         store=False, processes=1, chunk_size=70)
    plan = result.plan
    metrics = np.column_stack([result.metrics[k] for k in plan.context.metric_names])
    margin = result.margin.copy()
    metrics[[3, 150], 0] = np.nan
    margin[[7, 299], -1] = [np.inf, np.nan]
    whole = result.tables(frames=())
    whole["metrics"] = dict(whole["metrics"])
    whole["metrics"][plan.context.metric_names[0]] = metrics[:, 0]
    whole["metrics"][f"{result.targets[-1].id}_margin"] = margin[:, -1]
    parts = {"design": [], "metrics": []}
    for index, a, b in plan.chunks():
        chunk = ctsim.sweeps.core.ChunkResult(index, a, metrics[a:b], result.met[a:b],
                                              margin[a:b], series=np.zeros((0, 0)))
        for name, text in chunk_text(plan.context, chunk, plan.design.values[a:b]).items():
            parts[name].append(text)
    assert len(plan.chunks()) == 5
    for name, lines in parts.items():
        header, body = csv_text(whole[name], FILES[name]).split(os.linesep, 1)
        assert "".join(lines) == body, name
        assert name == "design" or ("inf" in body and ",," in body)  # the awkward cells are in
