"""Sweeps: a plan (design, pilot, quantile grid), chunks run by executors (in-process, local
processes, Dask), a collector of per-sample results and streaming quantiles, and a store for resume."""
