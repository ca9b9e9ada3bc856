"""The pipeline: pre-filter -> parse once -> every codemod -> verify -> results.

Discovery happens before (see :mod:`fixkit.discovery`); sinks after (diff,
branches, in-place writes, reports). Nothing here raises for one file: every
problem becomes a :class:`~fixkit.results.Failed` or
:class:`~fixkit.results.Skipped` record.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import MetadataWrapper

from fixkit import registry
from fixkit.codemod import Codemod, Finding, ProjectFiles, Safety
from fixkit.cstutil import module_name
from fixkit.results import Changed, Failed, FileReport, Result, Skipped, Unchanged

__all__ = ["GENERATED_MARKER", "Job", "Source", "apply_codemod", "process_source", "run"]

#: Files that contain this marker are generated and never touched (libcst's convention).
GENERATED_MARKER = b"@gen" + b"erated"


@dataclass(frozen=True)
class Source:
    """One file to process: read from ``path`` unless ``data`` is given (a git blob, say)."""

    relpath: str
    path: Path | None = None
    data: bytes | None = None

    def read(self) -> bytes:
        """The file's bytes."""
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()


@dataclass(frozen=True)
class Job:
    """What every worker needs to know about a run."""

    codemods: tuple[str, ...]
    """Codemod ids, in the order they are applied."""
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    project: Mapping[str, Any] = field(default_factory=dict)
    """What each codemod's ``collect`` returned, by id."""
    chain: bool = True
    """True: each codemod sees the output of the one before (in-place, stacks).
    False: each sees the original file (check, one branch per codemod)."""


def _classes(job: Job) -> list[type[Codemod]]:
    return [registry.get(cid) for cid in job.codemods]


def apply_codemod(
    cls: type[Codemod],
    tree: cst.Module,
    relpath: str,
    options: Mapping[str, Any] | None = None,
    project: Any = None,
    wrapper: MetadataWrapper | None = None,
) -> tuple[cst.Module, list[Finding]]:
    """Run one codemod on one parsed module; returns the new module and its findings.

    ``wrapper`` (over ``tree`` itself) lets codemods share resolved metadata.
    """
    context = CodemodContext(filename=relpath, full_module_name=_module_name(relpath))
    codemod = cls(context, options=options, project=project)
    if wrapper is not None:
        codemod.share_metadata(wrapper)
    out = codemod.transform_module(tree)
    return out, list(codemod.findings)


def _module_name(relpath: str) -> str:
    return module_name(relpath)[0]


def _first_changed_line(before: str, after: str) -> int:
    for number, (a, b) in enumerate(
        zip(before.splitlines(), after.splitlines(), strict=False), start=1
    ):
        if a != b:
            return number
    return min(len(before.splitlines()), len(after.splitlines())) + 1


def _verify(
    cls: type[Codemod],
    new_bytes: bytes,
    relpath: str,
    options: Mapping[str, Any] | None,
    project: Any,
) -> str | None:
    """None when the new code is sound; else what is wrong with it."""
    try:
        reparsed = cst.parse_module(new_bytes)
    except cst.ParserSyntaxError as exc:
        return f"output does not parse: {exc.message} at line {exc.raw_line}"
    try:
        compile(new_bytes, relpath, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return f"output does not compile: {exc}"
    again, _ = apply_codemod(cls, reparsed, relpath, options, project)
    if again.code != reparsed.code:
        return "a second run changes the output again (not idempotent)"
    return None


def _run_one(
    cls: type[Codemod],
    tree: cst.Module,
    before: bytes,
    relpath: str,
    job: Job,
    wrapper: MetadataWrapper | None = None,
) -> tuple[Result, cst.Module]:
    options = job.options.get(cls.id)
    project = job.project.get(cls.id)
    if isinstance(project, CollectFailed):
        return Failed(relpath, cls.id, f"reading the whole tree failed: {project.error}"), tree
    try:
        out, findings = apply_codemod(cls, tree, relpath, options, project, wrapper)
    except Exception as exc:  # a codemod bug must not stop the run
        where = traceback.extract_tb(exc.__traceback__)[-1]
        error = f"codemod raised {type(exc).__name__}: {exc} ({where.filename}:{where.lineno})"
        return Failed(relpath, cls.id, error), tree
    if out.code == tree.code:
        return Unchanged(relpath, cls.id, tuple(findings)), tree
    if cls.safety is Safety.REPORT_ONLY:
        return Failed(relpath, cls.id, "a report-only codemod changed code", tuple(findings)), tree
    try:
        after = out.bytes
        problem = _verify(cls, after, relpath, options, project)
    except RecursionError:
        problem = "output too deeply nested to verify (RecursionError)"
    if problem is not None:
        return Failed(relpath, cls.id, problem, tuple(findings)), tree
    if not any(f.fixed for f in findings):
        line = _first_changed_line(tree.code, out.code)
        findings.append(Finding(cls.id, line, 1, cls.title, True, line))
    return Changed(relpath, cls.id, before, after, tuple(findings)), out


def _round_trip_problem(module: cst.Module, data: bytes) -> str | None:
    """Why the unmodified tree cannot be trusted to regenerate the file, or None."""
    try:
        same = module.bytes == data
    except RecursionError:  # code generation of a very deep tree
        return "too deeply nested for libcst (RecursionError); left alone"
    return None if same else "libcst does not reproduce this file byte for byte; left alone"


def triggered(classes: Sequence[type[Codemod]], data: bytes) -> list[type[Codemod]]:
    """The codemods that want to see ``data`` (the pre-filter: byte checks, no parse)."""
    return [c for c in classes if c.wants(data)]


def process_source(
    source: Source, job: Job, classes: Sequence[type[Codemod]] | None = None
) -> FileReport:
    """Every codemod of ``job`` on one file; never raises for the file's sake."""
    classes = list(classes) if classes is not None else _classes(job)
    rel = source.relpath
    try:
        data = source.read()
    except OSError as exc:
        return FileReport(rel, b"", b"", note=f"cannot read: {exc.strerror or exc}")
    if b"\0" in data:
        return FileReport(rel, data, data, note="binary file")
    if GENERATED_MARKER in data:
        return FileReport(rel, data, data, note="generated file (@generated)")
    selected = triggered(classes, data)
    quiet = tuple(Unchanged(rel, c.id, parsed=False) for c in classes if c not in selected)
    if not selected:
        return FileReport(rel, data, data, quiet)
    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as exc:
        error = f"syntax error: {exc.message} (line {exc.raw_line}, column {exc.raw_column + 1})"
        return FileReport(
            rel, data, data, quiet + tuple(Failed(rel, c.id, error) for c in selected)
        )
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        error = f"cannot decode: {exc}"
        return FileReport(
            rel, data, data, quiet + tuple(Failed(rel, c.id, error) for c in selected)
        )
    except RecursionError:
        error = "too deeply nested for libcst (RecursionError)"
        return FileReport(
            rel, data, data, quiet + tuple(Failed(rel, c.id, error) for c in selected)
        )
    reason = _round_trip_problem(module, data)
    if reason is not None:
        return FileReport(
            rel,
            data,
            data,
            quiet + tuple(Skipped(rel, c.id, reason) for c in selected),
            parsed=True,
        )
    results: list[Result] = list(quiet)
    # A freshly parsed tree has no shared nodes, so it needs no defensive copy and its
    # metadata serves every codemod that sees it unchanged.
    shared = MetadataWrapper(module, unsafe_skip_copy=True)
    current, current_bytes = module, data
    for cls in selected:
        base, base_bytes = (current, current_bytes) if job.chain else (module, data)
        result, out = _run_one(cls, base, base_bytes, rel, job, shared)
        results.append(result)
        if job.chain and isinstance(result, Changed):
            current, current_bytes = out, result.after
    final = current_bytes if job.chain else data
    order = {cid: i for i, cid in enumerate(job.codemods)}
    results.sort(key=lambda r: order.get(r.codemod, len(order)))
    return FileReport(rel, data, final, tuple(results), parsed=True)


# -- parallel driver --------------------------------------------------------

_WORKER_JOB: Job | None = None
_WORKER_CLASSES: list[type[Codemod]] = []


def _init_worker(job: Job, classes: list[type[Codemod]]) -> None:
    global _WORKER_JOB, _WORKER_CLASSES
    _WORKER_JOB = job
    _WORKER_CLASSES = classes


def _work(source: Source) -> FileReport:
    assert _WORKER_JOB is not None
    return process_source(source, _WORKER_JOB, _WORKER_CLASSES)


def collect_project(classes: Sequence[type[Codemod]], sources: Sequence[Source]) -> dict[str, Any]:
    """Call ``collect`` of the codemods that override it, once, over the whole tree."""
    wanted = [c for c in classes if c.collect.__func__ is not Codemod.collect.__func__]  # type: ignore[attr-defined]
    if not wanted:
        return {}
    files = ProjectFiles(_LazyFiles(sources))
    project: dict[str, Any] = {}
    for cls in wanted:
        try:
            project[cls.id] = cls.collect(files)
        except Exception as exc:  # a codemod bug must not stop the run
            project[cls.id] = CollectFailed(f"{type(exc).__name__}: {str(exc)[:200]}")
    return project


@dataclass(frozen=True)
class CollectFailed:
    """What a run keeps of a codemod whose ``collect`` raised: its files fail, the run goes on."""

    error: str


class _LazyFiles(Mapping[str, bytes]):
    def __init__(self, sources: Sequence[Source]) -> None:
        self._sources = {s.relpath: s for s in sources}
        self._cache: dict[str, bytes] = {}

    def __getitem__(self, key: str) -> bytes:
        if key not in self._cache:
            try:
                self._cache[key] = self._sources[key].read()
            except OSError:
                self._cache[key] = b""
        return self._cache[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run(
    sources: Sequence[Source],
    codemods: Sequence[type[Codemod]],
    *,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    chain: bool = True,
    jobs: int = 0,
    on_done: Callable[[FileReport], None] | None = None,
) -> list[FileReport]:
    """Run ``codemods`` over ``sources``; one report per source, in the sources' order.

    ``jobs`` 0 means all cores; 1 runs in this process (for debugging). Files
    the pre-filter rules out are never sent to a worker.
    """
    classes = list(codemods)
    project = collect_project(classes, sources)
    job = Job(tuple(c.id for c in classes), dict(options or {}), project, chain)
    reports: dict[str, FileReport] = {}
    pending: list[Source] = []
    for source in sources:
        try:
            data = source.read()
        except OSError:
            pending.append(source)
            continue
        if b"\0" not in data and not triggered(classes, data):
            report = FileReport(
                source.relpath,
                data,
                data,
                tuple(Unchanged(source.relpath, c.id, parsed=False) for c in classes),
            )
            reports[source.relpath] = report
            if on_done:
                on_done(report)
        else:
            pending.append(Source(source.relpath, source.path, data))
    workers = jobs or default_jobs()
    if workers <= 1 or len(pending) < 2:
        for source in pending:
            report = process_source(source, job, classes)
            reports[source.relpath] = report
            if on_done:
                on_done(report)
    else:
        with ProcessPoolExecutor(
            max_workers=min(workers, len(pending)),
            initializer=_init_worker,
            initargs=(job, classes),
        ) as pool:
            chunk = max(1, len(pending) // (workers * 8))
            try:
                for report in pool.map(_work, pending, chunksize=chunk):
                    reports[report.path] = report
                    if on_done:
                        on_done(report)
            except BrokenProcessPool:
                # A worker died (out of memory, a crash in native code): the files it
                # had not reported fail; the run and its other results stand.
                for source in pending:
                    if source.relpath not in reports:
                        reports[source.relpath] = _worker_died(source, classes)
    return [reports[s.relpath] for s in sources]


def _worker_died(source: Source, classes: Sequence[type[Codemod]]) -> FileReport:
    data = source.read()
    error = "the worker process died while this file was being processed"
    results = tuple(Failed(source.relpath, c.id, error) for c in triggered(classes, data))
    return FileReport(source.relpath, data, data, results)
