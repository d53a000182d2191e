"""The house holds (ARCHITECTURE.md section 2): data flows one way through the pipeline stages.

Every import inside src/ctsim counts, function-level ones included. A module may import from its own
stage or an earlier one, never from a later one; no two modules import each other through any chain;
the engine imports numpy, the standard library and ctsim.errors only.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "ctsim"

# The pipeline's stages in import order: a module imports only from its own stage or the ones above.
# (The engine is a leaf under everything: it depends on ctsim.errors alone, so the registry, the
# history and the input builder may use its units and its Inputs contract.)
STAGES = ("errors", "engine", "registry", "history", "regions", "scenario", "resolve", "inputs", "results",
          "analysis", "plots", "pipeline", "sweeps", "outputs", "api", "report", "explorer", "cli")
# The package's own __init__ (the lazily imported public API) and __main__ sit on top of everything.
TOP = ("ctsim", "ctsim.__main__")
ENGINE_STDLIB = {"__future__", "dataclasses", "typing", "math", "functools", "collections", "enum",
                 "itertools", "numbers", "abc"}


def _modules() -> dict[str, Path]:
    mods = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = path
    return mods


MODULES = _modules()


def _imports(name: str, path: Path) -> tuple[set[str], set[str]]:
    """(ctsim modules imported, top-level external packages imported) by one module, anywhere in it."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    internal, external = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            if target.split(".")[0] != "ctsim":
                external.add(target.split(".")[0])
                continue
            while target and target not in MODULES:  # "from x import name": the module is x
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                internal.add(target)
    return internal, external


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def stage(module: str) -> int | None:
    """Index of a module's stage in STAGES (None for the package top: __init__, __main__)."""
    if module in TOP:
        return None
    return STAGES.index(module.split(".")[1])


def test_every_module_belongs_to_a_stage():
    unknown = sorted(m for m in MODULES if m not in TOP and m.split(".")[1] not in STAGES)
    assert not unknown, f"modules outside the stage table (add them to STAGES): {unknown}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m not in TOP))
def test_no_stage_imports_a_later_one(module):
    later = sorted(t for t in GRAPH[module][0] if t not in TOP and stage(t) > stage(module))
    assert not later, f"{module} (stage {STAGES[stage(module)]}) imports later stages: {later}"


def _cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in GRAPH[v][0]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return out


def test_no_import_circles():
    assert _cycles() == []


def test_the_circle_check_finds_a_circle():
    GRAPH["ctsim.errors"][0].add("ctsim.cli.main")  # a made-up back edge closes a circle
    try:
        assert any("ctsim.errors" in c for c in _cycles())
    finally:
        GRAPH["ctsim.errors"][0].discard("ctsim.cli.main")


# The compiled backend's switch (ctsim.engine.compiled) reads CTSIM_ENGINE and looks numba up without
# importing it; its kernel modules (ctsim.engine.compiled.<module>) are the one place numba is imported.
COMPILED = "ctsim.engine.compiled"
COMPILED_STDLIB = {"os", "importlib", "contextlib", "collections"}
CACHE_STDLIB = {"hashlib", "os", "pathlib"}  # compiled._cache: the folder of the cached kernels


def test_engine_imports_numpy_and_errors_only():
    engine = [m for m in MODULES if m == "ctsim.engine" or m.startswith("ctsim.engine.")]
    plain = [m for m in engine if not m.startswith(COMPILED)]  # the numpy engine: the reference
    external = {e for m in plain for e in GRAPH[m][1]} - ENGINE_STDLIB
    external_switch = GRAPH[COMPILED][1] - ENGINE_STDLIB
    internal = {t for m in engine for t in GRAPH[m][0] if not t.startswith("ctsim.engine")}
    assert external <= {"numpy"}, external
    assert external_switch <= COMPILED_STDLIB, external_switch
    assert internal <= {"ctsim.errors"}, internal


def test_only_the_compiled_kernels_import_numba():
    kernels = [m for m in MODULES if m.startswith(COMPILED + ".")]
    assert kernels, "no kernel modules"
    external = {e for m in kernels for e in GRAPH[m][1]} - ENGINE_STDLIB - CACHE_STDLIB
    assert external <= {"numpy", "numba"}, external
    users = {m for m in MODULES if "numba" in GRAPH[m][1]}
    assert users <= set(kernels), users - set(kernels)


def test_importing_the_engine_loads_no_heavy_package():
    code = ("import ctsim.engine, sys; print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pydantic', 'yaml', 'pandas', 'matplotlib', 'typer', 'scipy', 'numba')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
