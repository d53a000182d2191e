"""ctsim: a carbon-transition scenario simulator for China.

The public API (see docs/api.md), imported lazily so that ``import ctsim`` stays light::

    import ctsim
    run = ctsim.run("scenarios/steel2030.yaml", overrides={"policy.carbon_price": {2030: 150}})
    run.results.to_iamc()                       # IAMC long table
    result = ctsim.sweep("scenarios/steel2030.yaml", samples=500)
    result.tables()["targets"]                  # probabilities with Wilson intervals
"""

import importlib as _importlib

__version__ = "0.1.0"

# public name -> the module that defines it (imported on first use)
_API = {
    "load_scenario": "ctsim.scenario.load",
    "bundled_scenarios": "ctsim.scenario.load",
    "run": "ctsim.pipeline",
    "Run": "ctsim.pipeline",
    "Results": "ctsim.results",
    "sweep": "ctsim.api",
    "SweepResult": "ctsim.sweeps.core",
    "check": "ctsim.api",
    "CheckResult": "ctsim.api",
    "compare": "ctsim.api",
    "Comparison": "ctsim.api",
    "parameters": "ctsim.api",
    "variables": "ctsim.api",
    "CtsimError": "ctsim.errors",
    "ScenarioError": "ctsim.errors",
    "UsageError": "ctsim.errors",
    "DataError": "ctsim.errors",
    "ModelInvariantError": "ctsim.errors",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'ctsim' has no attribute '{name}'")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
