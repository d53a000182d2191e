"""Expand the IAMC common-definitions variable codelist into (variable, unit) rows.

The codelist (https://github.com/IAMconsortium/common-definitions, folder ``definitions/variable``)
writes variables with tags, e.g. ``Emissions|{Level-1 Species}|Energy`` with unit
``{Level-1 Species}``; each ``tag_*.yaml`` lists a tag's codes and their attributes. This tool
substitutes every combination (as the ``nomenclature`` package does) and writes the rows whose first two
segments ctsim uses, so the snapshot in the repository stays small:

    python tools/codelist_snapshot.py ../shared/reference/common-definitions/variable \
        --out tests/data/common_definitions_variables.csv
"""

from __future__ import annotations

import argparse
import csv
import itertools
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TAG = re.compile(r"\{([^}]+)\}")


def expand(folder: Path) -> dict[str, str]:
    """{variable: unit} of every code in the codelist folder, tags substituted."""
    tags: dict[str, dict[str, dict]] = {}
    codes: list[tuple[str, dict]] = []
    for f in sorted(folder.rglob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or []
        for item in data:
            for key, value in item.items():
                if f.name.startswith("tag_"):
                    tags[key] = {code: (attrs or {}) for entry in value for code, attrs in entry.items()}
                else:
                    codes.append((key, value or {}))
    out: dict[str, str] = {}
    for name, attrs in codes:
        used = TAG.findall(name)
        unit = attrs.get("unit")
        for combo in itertools.product(*(tags[t].items() for t in used)):
            n, u = name, unit
            for tag, (code, tag_attrs) in zip(used, combo, strict=True):
                n = n.replace("{" + tag + "}", code)
                if isinstance(u, str) and "{" + tag + "}" in u:
                    u = tag_attrs.get("unit", u)
            out[n] = u if isinstance(u, str) else ("" if u is None else ";".join(map(str, u)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="the codelist's variable folder")
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "common_definitions_variables.csv")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from ctsim import registry

    roots = {tuple(v.variable.split("|")[:2]) for v in registry.variables().values()}
    rows = sorted((n, u) for n, u in expand(args.folder).items()
                  if any(tuple(n.split("|")[:len(r)]) == r for r in roots))
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# IAMC common-definitions variables whose first two segments a ctsim variable uses ({len(rows)} rows),\n"
                 "# expanded from the codelist snapshot by tools/codelist_snapshot.py\n")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["variable", "unit"])
        writer.writerows(rows)
    print(f"wrote {args.out} ({len(rows)} variables)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
