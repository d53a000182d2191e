"""report.md and compare.md write user text literally: a scenario description cannot inject HTML,
an image, a link or a heading into the Markdown (report.html escapes it too)."""

from __future__ import annotations

import re

HOSTILE = ("<script>alert(1)</script> <img src=x onerror=alert(2)> "
           "![track](http://evil.example/pixel.png) [click](http://evil.example) *bold* |a|b|\n\n"
           "# Injected heading\n\n- injected list")


def _scenario(tmp_path, root, name):
    path = tmp_path / f"{name}.yaml"
    description = HOSTILE.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    path.write_text(f"extends: {root / 'scenarios' / 'baseline.yaml'}\nname: {name}\n"
                    f'description: "{description}"\n', encoding="utf-8")
    return path


def _assert_literal(md: str) -> None:
    assert "<script" not in md and "<img" not in md
    targets = re.findall(r"(?<!\\)\]\(([^)]*)\)", md)  # every live link or image
    assert all(t.startswith("figures/") for t in targets), targets  # only ctsim's own figures
    assert "\n# Injected" not in md and "\n- injected" not in md
    assert "&lt;script&gt;" in md  # the text is kept, as text


def test_report_markdown_escapes_a_hostile_description(tmp_path, root, ctsim_main):
    result = ctsim_main("report", _scenario(tmp_path, root, "evil"), "--out", tmp_path / "r")
    assert result.code == 0, result.stderr
    _assert_literal((tmp_path / "r" / "report.md").read_text(encoding="utf-8"))
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html


def test_compare_markdown_escapes_a_hostile_description(tmp_path, root, ctsim_main):
    result = ctsim_main("compare", root / "scenarios" / "baseline.yaml",
                        _scenario(tmp_path, root, "evil"), "--out", tmp_path / "c")
    assert result.code == 0, result.stderr
    _assert_literal((tmp_path / "c" / "compare.md").read_text(encoding="utf-8"))
