"""Output folders, written atomically: run folders (IAMC tables, summary, metadata, figures) and
sweep folders (design, metrics, quantiles, targets, sensitivity)."""

COMPLETED: list = []  # callables told (with the folder) when an output folder is in place (folders.py)
