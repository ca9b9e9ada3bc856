"""The frozen result records the engine returns, one per (file, codemod)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fixkit.codemod import Finding

__all__ = [
    "Changed",
    "Failed",
    "FileReport",
    "Result",
    "Skipped",
    "Unchanged",
]


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


def all_findings(reports: Iterable[FileReport]) -> list[tuple[str, Finding]]:
    """Every finding of every result, with its path, sorted by place."""
    out: list[tuple[str, Finding]] = []
    for report in reports:
        for result in report.results:
            if isinstance(result, (Changed, Unchanged, Failed)):
                out.extend((report.path, f) for f in result.findings)
    out.sort(key=lambda pf: (pf[0], pf[1].line, pf[1].column, pf[1].codemod))
    return out


def results_of(reports: Sequence[FileReport], codemod: str) -> list[Result]:
    """The results of one codemod across files."""
    return [r for rep in reports for r in rep.results if r.codemod == codemod]
