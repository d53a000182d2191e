"""Hostile YAML that stays under the file-size limit is refused quickly: the limits bound the work
(values composed, flow nesting), not only the size (kept out of the corpus: these files are large)."""

from __future__ import annotations

import pytest

from ctsim import ScenarioError
from ctsim.scenario.yamlio import MAX_DEPTH, MAX_NODES, load_yaml


@pytest.mark.parametrize(
    "text, fragment",
    [
        # 300 open flow levels, then many values: PyYAML's scanner would do ~300 steps per token
        ("description: " + "[" * 300 + "1," * 200_000 + "]" * 300, f"deeper than {MAX_DEPTH}"),
        # a flat list of many values (about 1.8 MB)
        ("x: [" + ",".join(["1"] * 900_000) + "]", f"more than {MAX_NODES} values"),
        # brackets inside quotes and comments do not count as nesting
        ("description: '" + "[" * 50 + "'  # " + "{" * 50 + "\nseed: x\n", "seed: expected"),
    ],
)
def test_large_hostile_files_fail_fast_with_one_line(tmp_path, text, fragment):
    path = tmp_path / "big.yaml"
    path.write_text(text)
    if fragment.startswith("seed"):
        from ctsim import load_scenario

        with pytest.raises(ScenarioError, match=fragment):
            load_scenario(path)
        return
    with pytest.raises(ScenarioError) as err:
        load_yaml(path)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_a_real_scenario_is_far_below_the_limits(root):
    import yaml

    for path in sorted((root / "scenarios").glob("*.yaml")):
        load_yaml(path)
        node = yaml.compose(path.read_text(encoding="utf-8"))
        count, stack = 0, [node]
        while stack:
            n = stack.pop()
            count += 1
            if isinstance(n, yaml.MappingNode):
                stack.extend(x for kv in n.value for x in kv)
            elif isinstance(n, yaml.SequenceNode):
                stack.extend(n.value)
        assert count < MAX_NODES / 10, path.name
