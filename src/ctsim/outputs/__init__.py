"""Output folders, written atomically: run folders (IAMC tables, summary, metadata, figures) and
sweep folders (design, metrics, quantiles, targets, sensitivity)."""

COMPLETED: list = []  # callables told (with the folder) when an output folder is in place (folders.py)
# While renames run (folders._signals_deferred) HOLDING is non-empty; a signal handler that
# cooperates (cli.main's) then appends its signal to HELD instead of acting, and it is raised
# again when the renames are done. A signal mask alone is not enough: it holds a signal only for
# the thread that sets it, and another thread (Dask's event loop, say) can take the signal.
HOLDING: list = []
HELD: list = []
