"""Golden cases: the specification of every codemod.

``golden/<id>/<case>.input.py`` is run through codemod ``<id>`` alone and
compared byte for byte with ``<case>.expected.py``; a case without an expected
file must stay unchanged. Optional companions:

- ``<case>.findings``: the findings the codemod records, one per line
  (``line:col fixed|skipped message``), compared exactly;
- ``<case>.context/``: more ``.py`` files of the same project (a model declared
  elsewhere, say), seen by the codemod's ``collect`` but never rewritten;
- ``<case>.toml``: the codemod's options, as in ``[tool.fixkit.<id>]``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from fixkit import registry
from fixkit.engine import Job, Source, collect_project, process_source
from fixkit.results import Changed, Failed, FileReport, Skipped, Unchanged

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["GoldenCase", "cases", "render_findings", "run_case"]


@dataclass(frozen=True)
class GoldenCase:
    """One golden case on disk."""

    codemod: str
    name: str
    input: Path

    @property
    def expected(self) -> Path:
        """Where the expected output is (it may not exist)."""
        return self.input.with_name(f"{self.name}.expected.py")

    @property
    def findings(self) -> Path:
        """Where the expected findings are (they may not exist)."""
        return self.input.with_name(f"{self.name}.findings")

    @property
    def context(self) -> Path:
        """The folder of other project files (it may not exist)."""
        return self.input.with_name(f"{self.name}.context")

    @property
    def options_file(self) -> Path:
        """The codemod options file (it may not exist)."""
        return self.input.with_name(f"{self.name}.toml")

    @property
    def relpath(self) -> str:
        """The path the codemod sees for the input file."""
        return f"{self.name.replace('-', '_')}.py"


def cases(root: Path) -> list[GoldenCase]:
    """Every case below ``root`` (the ``golden/`` folder), sorted."""
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for inp in sorted(folder.glob("*.input.py")):
            found.append(GoldenCase(folder.name, inp.name[: -len(".input.py")], inp))
    return found


def render_findings(report: FileReport) -> str:
    """The findings of a report in the ``.findings`` format."""
    lines = []
    for result in report.results:
        if isinstance(result, (Changed, Unchanged, Failed)):
            for f in result.findings:
                kind = "fixed" if f.fixed else "skipped"
                lines.append(f"{f.line}:{f.column} {kind} {f.message}")
        if isinstance(result, Failed):
            lines.append(f"failed {result.error}")
        if isinstance(result, Skipped):
            lines.append(f"file-skipped {result.reason}")
    return "".join(line + "\n" for line in lines)


def run_case(case: GoldenCase, data: bytes | None = None) -> FileReport:
    """Run the case's codemod on its input (or on ``data``) as the engine would."""
    cls = registry.get(case.codemod)
    options = {}
    if case.options_file.exists():
        options = tomllib.loads(case.options_file.read_text(encoding="utf-8"))
    source = Source(case.relpath, data=case.input.read_bytes() if data is None else data)
    sources = [source]
    if case.context.is_dir():
        for extra in sorted(case.context.rglob("*.py")):
            sources.append(Source(extra.relative_to(case.context).as_posix(), path=extra))
    project = collect_project([cls], sources)
    job = Job((cls.id,), {cls.id: options}, project, chain=True)
    return process_source(source, job, [cls])
