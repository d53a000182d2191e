"""HTML/Markdown documents of runs, sweeps and comparisons (``ctsim report``, ``ctsim compare``)."""
