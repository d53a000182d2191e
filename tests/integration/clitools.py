"""Helpers for CLI tests: run the real ``ctsim`` entry point in a subprocess, snapshot folders."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def err_lines(self) -> list[str]:
        return self.stderr.splitlines()


def ctsim_command() -> list[str]:
    """The real console entry point, run with this interpreter."""
    return [sys.executable, "-m", "ctsim"]


def run_subprocess(*argv: str, cwd: Path, timeout: float = 120, env: dict | None = None):
    """Run ``python -m ctsim ARGV`` and return CliResult (timeout only guards against a hang)."""
    proc = subprocess.run([*ctsim_command(), *map(str, argv)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def snapshot(folder: Path) -> dict[str, str]:
    """{relative path: content hash} of every file and folder under ``folder`` (folders as 'dir')."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        out[rel] = "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out
