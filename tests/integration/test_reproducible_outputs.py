"""What the README promises: two sweeps of the same scenario and seed write byte-identical folders,
except metadata.json, which differs only in ``created`` and ``command`` (issue 13)."""

from __future__ import annotations

import json

from clitools import small_sweep_scenario


def _files(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_two_sweeps_differ_only_in_created_and_command(ctsim_main, root, tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(small_sweep_scenario(root, 40), encoding="utf-8")
    for name, chunk in (("a", "40"), ("b", "7")):  # another chunking too: the same numbers
        res = ctsim_main("sweep", path, "--out", tmp_path / name, "--chunk-size", chunk)
        assert res.code == 0, res.stderr
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert sorted(a) == sorted(b) and any(n.endswith(".png") for n in a)
    for name in a:
        if name != "metadata.json":
            assert a[name] == b[name], f"{name} differs between two sweeps of the same scenario"
    ma, mb = json.loads(a["metadata.json"]), json.loads(b["metadata.json"])
    differ = {k for k in ma.keys() | mb.keys() if ma.get(k) != mb.get(k)}
    # the chunking is recorded (it is part of the command); nothing else may differ
    assert differ <= {"created", "command", "sweep"}, differ
    sa, sb = ma["sweep"], mb["sweep"]
    assert {k for k in sa.keys() | sb.keys() if sa.get(k) != sb.get(k)} == {"chunk_size", "chunks"}
