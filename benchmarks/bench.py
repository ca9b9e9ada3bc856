"""How fast fixkit is on a large real tree: the pre-filter, the parse, the whole run.

Usage: python benchmarks/bench.py [TREE] [--jobs N ...] [--repeat N]

TREE defaults to this interpreter's standard library plus site-packages (a few
thousand files). fixkit runs every registered codemod in check mode (nothing is
written), first with the pre-filter as it is, then with the pre-filter off
(every codemod forced to parse every file), so the figures show what the
pre-filter saves.
"""

from __future__ import annotations

import argparse
import os
import sys
import sysconfig
import time
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

from fixkit import engine, registry
from fixkit.discovery import discover
from fixkit.engine import Source, run


def _default_tree() -> list[Path]:
    paths = sysconfig.get_paths()
    return [Path(paths["stdlib"]), Path(paths["purelib"])]


def _timed(
    label: str, fn: object, *args: object, repeat: int = 1, **kwargs: object
) -> tuple[float, object]:
    best = float("inf")
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args, **kwargs)  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    print(f"{label:<46} {best:8.2f} s")
    return best, result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", nargs="*", type=Path)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--no-prefilter-run", action="store_true", help="skip the run without the pre-filter"
    )
    parser.add_argument(
        "--sample", type=int, default=200, help="files in the run without the pre-filter"
    )
    args = parser.parse_args(argv)
    trees = args.tree or _default_tree()
    codemods = registry.all_codemods()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, codemods: {', '.join(c.id for c in codemods)}"
    )

    files: list[Source] = []
    for tree in trees:
        _, found = discover([tree], root=tree)
        files.extend(Source(f"{tree.name}/{f.relpath}", f.path) for f in found)
    data = {s.relpath: s.read() for s in files}
    size = sum(len(d) for d in data.values())
    print(f"tree: {len(files)} files, {size / 1e6:.1f} MB")
    sources = [Source(rel, data=d) for rel, d in data.items()]

    _timed(
        "pre-filter only (bytes search)",
        lambda: [engine.triggered(codemods, d) for d in data.values()],
        repeat=args.repeat,
    )
    hits = [rel for rel, d in data.items() if engine.triggered(codemods, d)]
    hit_size = sum(len(data[r]) for r in hits)
    print(
        f"files with a trigger: {len(hits)} ({100 * len(hits) / max(len(files), 1):.1f} %, {hit_size / 1e6:.1f} MB)"
    )

    for jobs in args.jobs:
        seconds, reports = _timed(
            f"check, all codemods, -j {jobs}",
            run,
            sources,
            codemods,
            chain=False,
            jobs=jobs,
            repeat=args.repeat,
        )
        parsed = sum(1 for r in reports if r.parsed)  # type: ignore[attr-defined]
        print(f"    parsed {parsed} files; {size / 1e6 / seconds:.1f} MB/s over the whole tree")

    if not args.no_prefilter_run:
        # Every codemod "triggers" on every file: the cost of parsing the whole tree, measured
        # on an evenly spread sample (the whole tree would take hours) and scaled up.
        sample = sources[:: max(1, len(sources) // args.sample)]
        sample_size = sum(len(data[s.relpath]) for s in sample)
        with mock.patch.object(engine, "triggered", lambda classes, data: list(classes)):
            jobs = max(args.jobs)
            seconds, _ = _timed(
                f"pre-filter off, {len(sample)} files ({sample_size / 1e6:.1f} MB), -j {jobs}",
                run,
                sample,
                codemods,
                chain=False,
                jobs=jobs,
            )
        rate = sample_size / 1e6 / seconds
        print(
            f"    {rate:.2f} MB/s; the whole tree would take about {size / 1e6 / rate / 60:.0f} min"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
