"""The engine on real files: pre-filter, one parse, verification, encodings, parallel runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from toy_codemods import BreakCode, CountsModels, Crashes, NotIdempotent, RenameFoo

from fixkit.engine import Source, run
from fixkit.results import Changed, Failed, Skipped, Unchanged


def _one(data: bytes, *codemods: type, chain: bool = True) -> tuple:
    [report] = run([Source("m.py", data=data)], list(codemods), jobs=1, chain=chain)
    return report, report.results


def test_change_is_recorded_with_findings() -> None:
    report, [result] = _one(b"foo = 1\nkeep = 2\n", RenameFoo)
    assert isinstance(result, Changed)
    assert report.final == b"bar = 1\nkeep = 2\n"
    fixed = [f for f in result.findings if f.fixed]
    skipped = [f for f in result.findings if not f.fixed]
    assert [(f.line, f.column) for f in fixed] == [(1, 1)]
    assert [(f.line, f.message) for f in skipped] == [(2, "keep is kept")]


def test_prefilter_keeps_file_out_of_the_parser() -> None:
    # Not valid Python, but without a trigger it is never parsed, so no failure.
    report, [result] = _one(b"def (:\n", RenameFoo)
    assert isinstance(result, Unchanged) and not result.parsed
    assert not report.parsed


def test_syntax_error_is_a_failure_not_a_crash() -> None:
    report, [result] = _one(b"foo(\n", RenameFoo)
    assert isinstance(result, Failed)
    assert "syntax error" in result.error
    assert report.final == report.original


def test_output_that_does_not_compile_is_reverted() -> None:
    report, [result] = _one(b"boom\n", BreakCode)
    assert isinstance(result, Failed)
    assert "does not compile" in result.error
    assert report.final == b"boom\n"


def test_output_that_is_not_idempotent_is_reverted() -> None:
    report, [result] = _one(b"grow = 1\n", NotIdempotent)
    assert isinstance(result, Failed)
    assert "idempotent" in result.error
    assert not report.changed


def test_crashing_codemod_fails_one_file_only() -> None:
    reports = run(
        [Source("a.py", data=b"crash = 1\n"), Source("b.py", data=b"foo = 1\n")],
        [Crashes, RenameFoo],
        jobs=1,
    )
    a, b = reports
    assert isinstance(a.results[0], Failed) and "kaboom" in a.results[0].error
    assert b.final == b"bar = 1\n"


def test_round_trip_mismatch_is_skipped() -> None:
    report, [result] = _one(b"foo=1\n\n ", RenameFoo)
    assert isinstance(result, Skipped)
    assert "byte for byte" in result.reason
    assert not report.changed


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"foo = 1\r\nx = 2\r\n", b"bar = 1\r\nx = 2\r\n"),
        (b"\xef\xbb\xbffoo = 1\n", b"\xef\xbb\xbfbar = 1\n"),
        (
            b"# -*- coding: latin-1 -*-\nfoo = '\xe9'\n",
            b"# -*- coding: latin-1 -*-\nbar = '\xe9'\n",
        ),
        (b"foo = 1  \n# trailing   \nx = 1", b"bar = 1  \n# trailing   \nx = 1"),
    ],
    ids=["crlf", "bom", "latin-1", "trailing-whitespace-no-final-newline"],
)
def test_bytes_in_bytes_out(data: bytes, expected: bytes) -> None:
    report, _ = _one(data, RenameFoo)
    assert report.final == expected


def test_binary_and_generated_files_are_not_touched() -> None:
    binary, gen = run(
        [Source("b.py", data=b"foo\0"), Source("g.py", data=b"# @gen" + b"erated\nfoo = 1\n")],
        [RenameFoo],
        jobs=1,
    )
    assert binary.note == "binary file" and not binary.changed
    assert "generated" in gen.note and not gen.changed


def test_chain_applies_codemods_in_order_and_independent_mode_does_not() -> None:
    data = b"foo = 1\ngrow = 2\n"
    chained, _ = _one(data, RenameFoo, CountsModels, chain=True)
    assert chained.final == b"bar = 1\ngrow = 2\n"
    report, results = _one(b"foo = model_count\n", RenameFoo, CountsModels, chain=False)
    assert all(isinstance(r, Changed) and r.before == b"foo = model_count\n" for r in results)
    assert report.final == report.original


def test_collect_sees_the_whole_tree() -> None:
    sources = [
        Source("models/a.py", data=b"class ModelA: pass\n"),
        Source("models/b.py", data=b"class ModelB: pass\n"),
        Source("use.py", data=b"n = model_count\n"),
    ]
    reports = run(sources, [CountsModels], jobs=1)
    assert reports[2].final == b"n = 2\n"


def test_parallel_run_matches_in_process_run(tmp_path: Path) -> None:
    sources = []
    for i in range(40):
        path = tmp_path / f"m{i}.py"
        path.write_bytes(b"foo = %d\nkeep = 1\n" % i if i % 3 else b"x = 1\n")
        sources.append(Source(path.name, path))
    serial = run(sources, [RenameFoo, CountsModels], jobs=1)
    parallel = run(sources, [RenameFoo, CountsModels], jobs=2)
    assert [r.final for r in serial] == [r.final for r in parallel]
    assert [r.results for r in serial] == [r.results for r in parallel]


def test_deeply_nested_file_fails_alone() -> None:
    deep = b"foo = " + b"1 + " * 3000 + b"1\n"
    reports = run(
        [Source("deep.py", data=deep), Source("ok.py", data=b"foo = 1\n")], [RenameFoo], jobs=1
    )
    deep_report, ok = reports
    assert not deep_report.changed
    [result] = deep_report.results
    assert isinstance(result, (Failed, Skipped))
    assert "RecursionError" in (result.error if isinstance(result, Failed) else result.reason)
    assert ok.final == b"bar = 1\n"


def test_collect_that_raises_fails_that_codemod_only() -> None:
    class Broken(CountsModels):
        id = "broken-collect"

        @classmethod
        def collect(cls, files: object) -> object:
            raise RecursionError("deep")

    reports = run([Source("a.py", data=b"foo = model_count\n")], [Broken, RenameFoo], jobs=1)
    broken, renamed = reports[0].results
    assert isinstance(broken, Failed) and "RecursionError: deep" in broken.error
    assert isinstance(renamed, Changed)


def test_dead_worker_fails_its_files_not_the_run(tmp_path: Path) -> None:
    from toy_codemods import KillsWorker

    sources = [Source(f"f{i}.py", data=b"foo = 1\n") for i in range(6)]
    sources.append(Source("die.py", data=b"die = 1\n"))
    reports = run(sources, [KillsWorker], jobs=2)
    assert len(reports) == 7
    died = reports[-1].results[0]
    assert isinstance(died, Failed) and "worker process died" in died.error


def test_collect_shares_parses_and_facts_between_codemods() -> None:
    from fixkit.codemod import ProjectFiles
    from fixkit.engine import collect_project

    calls: list[str] = []

    def fact(files: ProjectFiles) -> int:
        calls.append("fact")
        return sum(1 for _ in files.ast_modules(b"class Model"))

    class First(CountsModels):
        id = "first"

        @classmethod
        def collect(cls, files: ProjectFiles) -> object:
            return files.once(fact)

    class Second(First):
        id = "second"

    sources = [Source("m.py", data=b"class ModelA: pass\n"), Source("n.py", data=b"x = 1\n")]
    assert collect_project([First, Second], sources) == {"first": 1, "second": 1}
    assert calls == ["fact"]


def test_wants_narrows_the_prefilter() -> None:
    class OnlyWithBar(RenameFoo):
        id = "only-with-bar"

        @classmethod
        def wants(cls, data: bytes) -> bool:
            return super().wants(data) and b"bar" in data

    without, with_bar = run(
        [Source("a.py", data=b"foo = 1\n"), Source("b.py", data=b"foo = bar\n")],
        [OnlyWithBar],
        jobs=1,
    )
    assert not without.parsed and not without.changed
    assert with_bar.final == b"bar = bar\n"


def test_codemods_share_the_metadata_of_the_parsed_module() -> None:
    from unittest import mock

    from libcst.metadata import MetadataWrapper

    wrappers: list[int] = []
    real_init = MetadataWrapper.__init__

    def init(self: MetadataWrapper, *args: object, **kwargs: object) -> None:
        wrappers.append(id(self))
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]

    data = b"x = 1\nfoo_keep = 2  # model_count\n"
    with mock.patch.object(MetadataWrapper, "__init__", init):
        [report] = run([Source("m.py", data=data)], [RenameFoo, CountsModels], jobs=1, chain=False)
    # Both codemods ran on the parsed module, through one wrapper (no change: no verification).
    assert [r.codemod for r in report.results] == ["rename-foo", "counts-models"]
    assert all(isinstance(r, Unchanged) and r.parsed for r in report.results)
    assert len(wrappers) == 1
