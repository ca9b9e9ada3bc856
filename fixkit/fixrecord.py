"""What one codemod did to a tree: the record behind a commit message and a PR body."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from fixkit import __version__
from fixkit.codemod import Codemod
from fixkit.diff import diffstat
from fixkit.results import Changed, Failed, FileReport, Skipped, Unchanged

__all__ = ["FileStat", "FixRecord", "Site"]


@dataclass(frozen=True)
class Site:
    """A place in a file, with what happened there."""

    path: str
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class FileStat:
    """Lines added and removed in one file."""

    path: str
    added: int
    removed: int


@dataclass(frozen=True)
class FixRecord:
    """One codemod's outcome on one tree, serialisable to JSON."""

    codemod: str
    title: str
    audit: tuple[str, ...]
    safety: str
    summary: str
    why: str
    fix_safety: str
    base: str
    version: str
    files: tuple[FileStat, ...]
    sites: tuple[Site, ...]
    skipped: tuple[Site, ...]
    failed: tuple[Site, ...]

    @property
    def changed(self) -> bool:
        """True when the codemod changed at least one file."""
        return bool(self.files)

    @classmethod
    def from_reports(
        cls, codemod: type[Codemod], reports: Sequence[FileReport], base: str = ""
    ) -> FixRecord:
        """Build the record of ``codemod`` from the engine's reports of one run."""
        changes: list[tuple[str, bytes, bytes]] = []
        sites: list[Site] = []
        skipped: list[Site] = []
        failed: list[Site] = []
        for report in reports:
            for result in report.results:
                if result.codemod != codemod.id:
                    continue
                if isinstance(result, Changed):
                    changes.append((result.path, result.before, result.after))
                if isinstance(result, (Changed, Unchanged, Failed)):
                    for f in result.findings:
                        site = Site(result.path, f.line, f.column, f.message)
                        (sites if f.fixed and isinstance(result, Changed) else skipped).append(site)
                if isinstance(result, Failed):
                    failed.append(Site(result.path, 0, 0, result.error))
                if isinstance(result, Skipped):
                    failed.append(Site(result.path, 0, 0, result.reason))
        return cls(
            codemod=codemod.id,
            title=codemod.title,
            audit=tuple(codemod.audit),
            safety=codemod.safety.value,
            summary=codemod.summary(),
            why=codemod.section("Why is this bad?"),
            fix_safety=codemod.section("Fix safety"),
            base=base,
            version=__version__,
            files=tuple(FileStat(*s) for s in diffstat(changes)),
            sites=tuple(sites),
            skipped=tuple(skipped),
            failed=tuple(failed),
        )

    def to_json(self) -> str:
        """The record as a JSON document."""
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> FixRecord:
        """Read a record written by :meth:`to_json`."""
        data: dict[str, Any] = json.loads(text)
        return cls(
            codemod=data["codemod"],
            title=data["title"],
            audit=tuple(data["audit"]),
            safety=data["safety"],
            summary=data["summary"],
            why=data["why"],
            fix_safety=data["fix_safety"],
            base=data["base"],
            version=data["version"],
            files=tuple(FileStat(**f) for f in data["files"]),
            sites=tuple(Site(**s) for s in data["sites"]),
            skipped=tuple(Site(**s) for s in data["skipped"]),
            failed=tuple(Site(**s) for s in data["failed"]),
        )
