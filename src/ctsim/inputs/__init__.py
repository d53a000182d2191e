"""ResolvedScenario -> engine inputs: arrays (build.py), samplers and designs (design.py), shock
arrays (shocks.py) and the seeded randomness they share (randomness.py)."""
