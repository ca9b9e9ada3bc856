"""The frozen result records the engine returns, one per (file, codemod)."""

from __future__ import annotations

from dataclasses import dataclass

from fixkit.codemod import Finding

__all__ = ["Changed", "Failed", "FileReport", "Result", "Skipped", "Unchanged"]


@dataclass(frozen=True)
class Changed:
    """The codemod rewrote the file; ``before`` and ``after`` are the file's bytes."""

    path: str
    codemod: str
    before: bytes
    after: bytes
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Unchanged:
    """The codemod ran (or was filtered out by its triggers) and changed nothing."""

    path: str
    codemod: str
    findings: tuple[Finding, ...] = ()
    parsed: bool = True


@dataclass(frozen=True)
class Skipped:
    """The file was not given to the codemod, for the stated reason."""

    path: str
    codemod: str
    reason: str


@dataclass(frozen=True)
class Failed:
    """The codemod or the verification of its output failed; nothing of it is kept."""

    path: str
    codemod: str
    error: str
    findings: tuple[Finding, ...] = ()


Result = Changed | Unchanged | Skipped | Failed


@dataclass(frozen=True)
class FileReport:
    """Everything the engine learnt about one file."""

    path: str
    original: bytes
    final: bytes
    results: tuple[Result, ...] = ()
    parsed: bool = False
    note: str = ""
    """A file-level reason it was not looked at (binary, generated, unreadable)."""

    @property
    def changed(self) -> bool:
        """True when the final bytes differ from the original ones."""
        return self.final != self.original
