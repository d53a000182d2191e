"""Output folders: atomic writes, metadata and the run writer. Results appear complete or not at all."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .. import __version__
from ..errors import UsageError, WriteError
from ..history import ATTRIBUTION, HISTORY_LEGEND
from . import COMPLETED, HELD, HOLDING


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM while a few renames run, so a Ctrl-C cannot fall between them (it is
    delivered right after): masked for this thread, and held by the CLI's handler (see HOLDING
    in ctsim.outputs) whichever thread the signal reached."""
    sigs = {signal.SIGINT, signal.SIGTERM}
    HOLDING.append(True)
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    except (AttributeError, ValueError, OSError):  # no signal masks (Windows), not the main thread
        old = None
    try:
        yield
    finally:
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        HOLDING.pop()
        if not HOLDING and HELD:
            signum = HELD[0]
            HELD.clear()
            signal.raise_signal(signum)  # now handled as if it had arrived this moment


def _completed(target: Path) -> None:
    for hook in list(COMPLETED):
        hook(target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


OWN_MARKER = "metadata.json"  # every folder ctsim writes holds one (with "ctsim_version")


def _written_by_ctsim(folder: Path) -> bool:
    try:
        return "ctsim_version" in json.loads((folder / OWN_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return False


def check_target(target: Path, force: bool) -> None:
    """An output folder may be created, or replaced with ``force`` when ctsim wrote it (its
    metadata.json says so) or it is empty; never a file, a root, the working folder or a folder
    of someone else's files (``--force`` on a thesis folder must not delete the thesis)."""
    if not target.exists():
        return
    if not force:
        raise UsageError(f"{target}: output folder exists; use --force to replace it")
    if not target.is_dir():
        raise UsageError(f"{target}: exists and is not a folder; not replaced")
    resolved = target.resolve()
    if resolved.parent == resolved or resolved == Path.cwd().resolve() or target.name in ("", ".", ".."):
        raise UsageError(f"{target}: refusing to replace a root or the working folder")
    if any(target.iterdir()) and not _written_by_ctsim(target):
        raise UsageError(f"{target}: not a ctsim output folder (no ctsim {OWN_MARKER}); "
                         "not replaced, even with --force")


@contextlib.contextmanager
def atomic_folder(target: str | Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it replaces ``target`` in one rename.

    On any exception (including KeyboardInterrupt and the CLI's SIGINT/SIGTERM exception) the
    temporary folder is removed and ``target`` is left as it was. Without ``force`` an existing
    ``target`` is an error, checked before any work and again at the final rename (two runs to one
    folder: the second fails instead of replacing the first). With ``force`` the old folder (one
    that ctsim wrote, see :func:`check_target`) is moved aside,
    the new one renamed into place and the old one deleted, with signals held so that an
    interruption cannot leave neither. The folder gets the usual permissions (mkdtemp makes 0700).
    Once the folder is in place, every callable in :data:`COMPLETED` is called with it (still
    with signals held): the CLI then lets a signal that arrives later finish the command.
    """
    target = Path(target)
    check_target(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        tmp.chmod(0o777 & ~_umask())
        yield tmp
        with _signals_deferred():
            if target.exists() and not force:  # another run wrote it meanwhile: keep theirs
                raise UsageError(f"{target}: output folder appeared while this run worked; "
                                 "not replaced (use --force to replace it)")
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
                os.replace(target, old / target.name)
                try:
                    os.replace(tmp, target)
                except BaseException:
                    os.replace(old / target.name, target)  # put the old folder back
                    shutil.rmtree(old, ignore_errors=True)
                    raise
                _completed(target)  # before a held signal is delivered (see cli.main)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, target)
                _completed(target)
    except OSError as exc:  # a full disk, a read-only folder: one line naming the path
        with _signals_deferred():
            shutil.rmtree(tmp, ignore_errors=True)
        raise WriteError(_output_path(exc, tmp, target),
                         f"{exc.strerror or exc} (no output was written)") from None
    except BaseException:
        with _signals_deferred():
            shutil.rmtree(tmp, ignore_errors=True)
        raise


def _output_path(exc: OSError, tmp: Path, target: Path) -> Path:
    """The path an OSError names, with the temporary folder shown as the target it stands for
    (``out/x/metadata.json``, not ``out/.x.tmp-1234/metadata.json``); the target when it names
    none (a write to an open file)."""
    if not exc.filename:
        return target
    path = Path(os.fsdecode(exc.filename))
    try:
        return target / path.relative_to(tmp)
    except ValueError:
        return path


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(_jsonable(data), indent=2, sort_keys=False) + "\n", encoding="utf-8")


def metadata(resolved, command: list[str] | None = None, extra: dict | None = None) -> dict:
    """Everything needed to reproduce an output folder."""
    from .. import registry

    params = registry.parameters()
    return {
        "ctsim_version": __version__,
        "scenario": resolved.name,
        "scenario_hash": resolved.scenario_hash,
        "seed": resolved.seed,
        "years": list(resolved.years),
        "history_end": resolved.history_end,  # last observed year; null for a counterfactual
        "command": command if command is not None else sys.argv,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "parameters": {
            name: {"value": value, "unit": params[name].unit,
                   "provenance": resolved.provenance[name], "source": params[name].source}
            for name, value in resolved.values.items()
        },
        "targets": [t.model_dump() for t in resolved.targets],
        "shocks": [s.model_dump() for s in getattr(resolved, "shocks", [])],
        "attribution": ATTRIBUTION,
        **(extra or {}),
    }


def write_run(run, outdir: str | Path, force: bool = False, figures: bool = True,
              command: list[str] | None = None) -> Path:
    """Write trajectories.csv, trajectories_wide.csv, trajectories.xlsx, summary.json, metadata.json and figures/."""
    outdir = Path(outdir)
    with atomic_folder(outdir, force=force) as tmp:
        long = run.results.to_iamc(0)  # China, then every region at provincial or grid resolution
        long.to_csv(tmp / "trajectories.csv", index=False, float_format="%.6g")
        run.results.to_wide(0).to_csv(tmp / "trajectories_wide.csv", index=False,
                                      float_format="%.6g")
        from .xlsx import write_trajectories_xlsx

        write_trajectories_xlsx(run, tmp / "trajectories.xlsx")
        write_json(tmp / "summary.json", run.summary)
        write_json(tmp / "metadata.json", metadata(run.resolved, command))
        if figures:
            from ..history import history
            from ..plots import save_run_figures
            from ..plots.run import province_verdicts

            targets = [t.model_dump() for t in run.resolved.targets if t.region is None]  # national figures
            hist = history()
            hist.attrs["source"] = HISTORY_LEGEND
            provincial = run.results.resolution == "provinces"
            save_run_figures(run.results.to_frame(0), tmp / "figures", targets=targets,
                             history=hist, title_prefix=run.resolved.name,
                             provinces=long if provincial else None,
                             targets_met=province_verdicts(run.summary.get("targets", []))
                             if provincial else None)
    return outdir
