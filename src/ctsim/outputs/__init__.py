"""Output folders, written atomically: run folders (IAMC tables, summary, metadata, figures) and
sweep folders (design, metrics, quantiles, targets, sensitivity)."""
