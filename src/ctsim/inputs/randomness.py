"""Seeded randomness shared by the design (ctsim.inputs.design) and stochastic shocks (ctsim.scenario.shocks).

Everything derives from ``numpy.random.SeedSequence(seed)`` with a fixed spawn key per purpose.
:func:`rng` gives a sequential generator (for draws made once, e.g. a whole design);
:func:`sample_uniforms` gives counter-based draws that are a pure function of (seed, purpose,
global sample index, draw number), vectorized over samples, so the same sample gets the same numbers
in any chunk, process or order. This module imports nothing from ctsim (no import cycles).
"""

from __future__ import annotations

import zlib

import numpy as np


def _purpose_key(purpose: str) -> int:
    return zlib.crc32(purpose.encode())  # stable across processes (unlike hash())


def rng(seed: int, purpose: str) -> np.random.Generator:
    """A generator for one purpose ("design", "sensitivity", ...), derived from the scenario seed."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_purpose_key(purpose),)))


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser (Steele, Lea and Flood 2014): a bijective 64-bit hash, vectorized."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def sample_uniforms(seed: int, purpose: str, sample_index: np.ndarray, n: int) -> np.ndarray:
    """Uniform draws in [0, 1), shape [len(sample_index), n], a function of (seed, purpose, global
    sample index, draw number) only: the same sample gets the same draws in any chunk or process.

    Draw j of sample i hashes the counter i n + j with a 128-bit key from the seed and purpose
    (two SplitMix64 rounds) and keeps the top 53 bits: every float64 multiple of 2^-53 in [0, 1).
    """
    key = np.random.SeedSequence(seed, spawn_key=(_purpose_key(purpose),)).generate_state(
        2, np.uint64)
    idx = np.asarray(sample_index, dtype=np.uint64)[:, None]
    counter = idx * np.uint64(n) + np.arange(n, dtype=np.uint64)[None, :]
    z = _mix64(_mix64(counter ^ key[0]) + key[1])
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
