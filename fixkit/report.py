"""Reports for people (text) and machines (JSON, SARIF 2.1.0)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fixkit import __version__
from fixkit.codemod import Codemod, Finding, Safety
from fixkit.diff import unified_diff
from fixkit.results import Changed, Failed, FileReport, Skipped, Unchanged

__all__ = ["Summary", "finding_lines", "to_json", "to_sarif"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


@dataclass(frozen=True)
class Summary:
    """The closing counts of a run."""

    scanned: int
    parsed: int
    changed: int
    fixes: int
    skipped: int
    failed: int
    not_looked_at: int

    @classmethod
    def of(cls, reports: Sequence[FileReport]) -> Summary:
        """Count what the engine did."""
        fixes = skipped = failed = 0
        for rep in reports:
            for r in rep.results:
                if isinstance(r, (Changed, Unchanged, Failed)):
                    fixes += sum(1 for f in r.findings if f.fixed and isinstance(r, Changed))
                    skipped += sum(1 for f in r.findings if not f.fixed)
                if isinstance(r, Failed):
                    failed += 1
        return cls(
            scanned=len(reports),
            parsed=sum(1 for r in reports if r.parsed),
            changed=sum(1 for r in reports if r.changed),
            fixes=fixes,
            skipped=skipped,
            failed=failed,
            not_looked_at=sum(1 for r in reports if r.note),
        )

    def line(self) -> str:
        """One line for the end of a run."""
        parts = [
            f"{self.scanned} files scanned",
            f"{self.parsed} parsed",
            f"{self.changed} changed",
            f"{self.fixes} fixes",
            f"{self.skipped} skipped findings",
            f"{self.failed} failures",
        ]
        if self.not_looked_at:
            parts.append(f"{self.not_looked_at} not looked at")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, int]:
        """JSON-ready counts."""
        return dict(vars(self))


def _fix_marker(cls: type[Codemod] | None) -> str:
    if cls is None or cls.safety is Safety.REPORT_ONLY:
        return ""
    return " [*]" if cls.safety is Safety.SAFE else " [unsafe fix]"


def finding_lines(reports: Sequence[FileReport], classes: dict[str, type[Codemod]]) -> list[str]:
    """Linter-style lines: ``path:line:col: id message``, sorted by place."""
    rows: list[tuple[str, int, int, str]] = []
    for rep in reports:
        if rep.note and rep.note != "generated file (@generated)":
            rows.append((rep.path, 0, 0, f"{rep.path}: note: {rep.note}"))
        for r in rep.results:
            if isinstance(r, (Changed, Unchanged, Failed)):
                for f in r.findings:
                    text = f.message if f.fixed else f"not fixed: {f.message}"
                    marker = _fix_marker(classes.get(f.codemod)) if f.fixed else ""
                    rows.append(
                        (
                            rep.path,
                            f.line,
                            f.column,
                            f"{rep.path}:{f.line}:{f.column}: {f.codemod} {text}{marker}",
                        )
                    )
            if isinstance(r, Failed):
                rows.append((rep.path, 0, 0, f"{rep.path}: error: {r.codemod}: {r.error}"))
            if isinstance(r, Skipped):
                rows.append((rep.path, 0, 0, f"{rep.path}: skipped: {r.codemod}: {r.reason}"))
    rows.sort(key=lambda row: row[:3])
    return [row[3] for row in rows]


def _result_dict(r: Changed | Unchanged | Skipped | Failed) -> dict[str, Any]:
    out: dict[str, Any] = {"codemod": r.codemod}
    if isinstance(r, Changed):
        out["status"] = "changed"
    elif isinstance(r, Unchanged):
        out["status"] = "unchanged" if r.parsed else "not-triggered"
    elif isinstance(r, Skipped):
        out["status"] = "skipped"
        out["reason"] = r.reason
    else:
        out["status"] = "failed"
        out["error"] = r.error
    if not isinstance(r, Skipped):
        out["findings"] = [f.to_dict() for f in r.findings]
    return out


def to_json(
    reports: Sequence[FileReport], *, with_diff: bool = False, only_interesting: bool = True
) -> str:
    """The whole run as one JSON document."""
    files = []
    for rep in reports:
        results = [
            r
            for r in rep.results
            if not (isinstance(r, Unchanged) and not r.findings and only_interesting)
        ]
        if only_interesting and not results and not rep.note:
            continue
        entry: dict[str, Any] = {
            "path": rep.path,
            "changed": rep.changed,
            "results": [_result_dict(r) for r in results],
        }
        if rep.note:
            entry["note"] = rep.note
        if with_diff and rep.changed:
            entry["diff"] = unified_diff(rep.path, rep.original, rep.final).decode(
                "utf-8", "surrogateescape"
            )
        files.append(entry)
    doc = {"fixkit": __version__, "summary": Summary.of(reports).to_dict(), "files": files}
    return json.dumps(doc, indent=2, ensure_ascii=True)


def _sarif_result(path: str, f: Finding, rule_index: int) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)}
    if f.end_line:
        region["endLine"] = max(f.end_line, region["startLine"])
    return {
        "ruleId": f.codemod,
        "ruleIndex": rule_index,
        "level": "warning" if f.fixed else "note",
        "kind": "fail" if f.fixed else "review",
        "message": {"text": f.message if f.fixed else f"Not fixed automatically: {f.message}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }
        ],
    }


def to_sarif(reports: Sequence[FileReport], classes: Sequence[type[Codemod]]) -> str:
    """The findings as a SARIF 2.1.0 log, for code scanning."""
    rules = []
    index: dict[str, int] = {}
    for i, cls in enumerate(classes):
        index[cls.id] = i
        rules.append(
            {
                "id": cls.id,
                "name": "".join(part.capitalize() for part in cls.id.split("-")),
                "shortDescription": {"text": cls.title},
                "fullDescription": {"text": cls.summary() or cls.title},
                "help": {"text": cls.doc(), "markdown": cls.doc()},
                "properties": {
                    "audit": list(cls.audit),
                    "safety": cls.safety.value,
                    "tags": ["audit"],
                },
            }
        )
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for rep in reports:
        for r in rep.results:
            if isinstance(r, (Changed, Unchanged, Failed)):
                results.extend(
                    _sarif_result(rep.path, f, index.get(f.codemod, 0)) for f in r.findings
                )
            if isinstance(r, (Failed, Skipped)):
                text = r.error if isinstance(r, Failed) else r.reason
                notifications.append(
                    {
                        "level": "error" if isinstance(r, Failed) else "note",
                        "message": {"text": f"{r.codemod}: {text}"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": rep.path, "uriBaseId": "%SRCROOT%"}
                                }
                            }
                        ],
                    }
                )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fixkit",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "invocations": [
                    {"executionSuccessful": True, "toolExecutionNotifications": notifications}
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2)
