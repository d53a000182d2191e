"""Exceptions raised by the library. Only the CLI turns them into messages and exit codes.

Exit codes (see docs/errors.md): 0 ok, 1 a target or check failed, 2 bad input, 3 a model invariant broke.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path


def printable(text: str) -> str:
    """``text`` safe to print as one line on a terminal: control and format characters (line
    breaks, ANSI escapes, bidirectional overrides) and lone surrogates are shown escaped
    (``\\n``, ``\\x1b``, ``\\u202e``), so no message a file can influence spans two lines or
    drives the terminal."""
    out = []
    for c in text:
        printable_char = c.isprintable() and unicodedata.category(c) not in ("Cs", "Co")
        out.append(c if printable_char or c == " " else
                   c.encode("unicode_escape", "backslashreplace").decode("ascii"))
    return "".join(out)


class CtsimError(Exception):
    """Base class for every error ctsim raises on purpose. Its text is always printable, one line."""

    exit_code = 2

    def __str__(self) -> str:
        return printable(super().__str__())


class ScenarioError(CtsimError):
    """Bad input in a scenario file (or in a command-line value standing in for one).

    The message is one line: ``FILE: key.path: what was expected (got ...)``.
    """

    exit_code = 2

    def __init__(self, file: str | Path | None, key_path: str, message: str):
        self.file = str(file) if file is not None else "<scenario>"
        if len(key_path) > 200:  # a key path shown is bounded, whatever the file holds
            key_path = key_path[:197] + "..."
        self.key_path = key_path
        self.message = " ".join(str(message).split())  # always one line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.key_path:
            return printable(f"{self.file}: {self.key_path}: {self.message}")
        return printable(f"{self.file}: {self.message}")


class DataError(CtsimError):
    """A bundled data file or registry is malformed (a bug in the package, not in user input)."""

    exit_code = 2


class UsageError(CtsimError):
    """A command-line value is invalid (an output folder that exists without --force, ...)."""

    exit_code = 2


class WriteError(CtsimError):
    """An output (folder, file, resume chunk) cannot be written: a full disk, a read-only folder.

    One line naming the path: ``cannot write PATH: No space left on device``."""

    exit_code = 2

    def __init__(self, path: str | Path, reason: OSError | str):
        self.path = str(path)
        self.reason = reason.strerror or str(reason) if isinstance(reason, OSError) else reason
        super().__init__(f"cannot write {self.path}: {self.reason}")


class ClusterError(CtsimError):
    """A Dask cluster cannot be reached, or lost its workers or scheduler for good (exit 2)."""

    exit_code = 2


class ModelInvariantError(CtsimError):
    """The engine produced a state that breaks one of its invariants (NaN, a negative stock, ...)."""

    exit_code = 3

    def __init__(self, variable: str, year: int, sample: int, message: str):
        self.variable = variable
        self.year = year
        self.sample = sample
        super().__init__(f"model invariant broken: {variable} in {year}, sample {sample}: {message}")
