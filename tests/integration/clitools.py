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


def small_sweep_scenario(root: Path, samples: int, lifetime: bool = False) -> str:
    """A small LHS sweep of steel2030 (GDP growth and the 2030 EAF share uncertain; with
    ``lifetime`` also the coal lifetime), the scenario the fault and reproducibility tests sweep."""
    extra = ("  power.coal_lifetime_yr: {kind: triangular, low: 35, mode: 40, high: 50}\n"
             if lifetime else "")
    return (f"extends: {root}/scenarios/steel2030.yaml\nname: small\nuncertain:\n"
            "  macro.gdp_growth: {kind: uniform, low: 0.9, high: 1.1, scale: true, from_year: 2025}\n"
            "  steel.eaf_share: {kind: uniform, low: 0.12, high: 0.24, year: 2030}\n"
            f"{extra}sweep: {{samples: {samples}, method: lhs, seed: 3}}\n")
