"""The atomic-update and bulk-delete rewrites behave like the code they replace, on real databases.

Each test loads a golden case twice: the input as written, and the output of running the
codemod on it (``fixkit.golden.run_case``). Both run against the same database: a SQLite
file, and PostgreSQL when a server can be started here (``initdb`` on the PATH or in
/usr/local/bin). Single-threaded, both give the same rows and return values; under
concurrent increments the original loses updates and the rewrite loses none; the bulk
delete issues one DELETE where the loop issued one per row.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib.util
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sa = pytest.importorskip("sqlalchemy")
from sqlalchemy import event, inspect, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from fixkit.golden import GoldenCase, run_case  # noqa: E402
from fixkit.results import Changed  # noqa: E402

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


# -- databases ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_binary(name: str) -> str | None:
    # Debian keeps the server binaries off the PATH, under /usr/lib/postgresql/<version>/bin.
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    return shutil.which(name) or next((str(p) for p in candidates if p.exists()), None)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL server on 127.0.0.1 (run as the postgres user when we are root)."""
    initdb, pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL part skipped: initdb/pg_ctl not found")
    pytest.importorskip("psycopg2", reason="PostgreSQL part skipped: psycopg2 is not installed")
    prefix: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="fixkit-pg-"))
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("PostgreSQL part skipped: running as root without runuser")
        shutil.chown(base, "postgres", "postgres")
        prefix = [runuser, "-u", "postgres", "--"]
    data, port = base / "data", _free_port()
    try:
        subprocess.run(
            [*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "postgres"],
            check=True, capture_output=True,
        )  # fmt: skip
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c max_connections=100"
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"],
            check=True, capture_output=True,
        )  # fmt: skip
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"PostgreSQL part skipped: the server did not start ({exc.stderr!r})")
    try:
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    yield url


def _engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 60})
    return sa.create_engine(url, **kwargs)


# -- loading the original and the rewritten code --------------------------------


class Pair:
    """The golden input and its rewrite, imported side by side with the case's context."""

    def __init__(
        self, original: types.ModuleType, rewritten: types.ModuleType, models: Any
    ) -> None:
        self.original = original
        self.rewritten = rewritten
        self.models = models


def _import(path: Path, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def golden_pair(codemod: str, case: str, models: str, tmp_path: Path) -> Iterator[Pair]:
    """Import ``case``'s input and the codemod's output of it; ``models`` names the context module."""
    folder = GOLDEN / codemod
    golden = GoldenCase(codemod, case, folder / f"{case}.input.py")
    report = run_case(golden)
    assert any(isinstance(r, Changed) for r in report.results), (
        "the codemod left the case unchanged"
    )
    rewritten = tmp_path / f"{case}_rewritten.py"
    rewritten.write_bytes(report.final)
    context = golden.context
    sys.path.insert(0, str(context))
    before = set(sys.modules)
    try:
        tag = case.replace("-", "_")
        pair = Pair(
            _import(golden.input, f"original_{tag}"),
            _import(rewritten, f"rewritten_{tag}"),
            importlib.import_module(models),
        )
        yield pair
    finally:
        sys.path.remove(str(context))
        for name in set(sys.modules) - before:
            del sys.modules[name]


def _rows(engine: Engine, table: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]


def _as_dict(obj: Any) -> Any:
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    return {a.key: getattr(obj, a.key) for a in inspect(obj).mapper.column_attrs}


def _outcome(call: Callable[[], Any]) -> Any:
    """The return value (columns of a returned object) or the exception type."""
    try:
        return ("returned", _as_dict(call()))
    except Exception as exc:
        return ("raised", type(exc).__name__)


@contextlib.contextmanager
def statements() -> Iterator[list[str]]:
    """The verb of every SQL statement any engine executes while the block runs.

    An ``executemany`` counts once per parameter set: the driver runs the statement that
    many times (the ORM batches the DELETEs of a flush that way).
    """
    seen: list[str] = []

    def record(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper()
        seen.extend([verb] * (len(parameters) if executemany else 1))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


# -- atomic-update: the same rows and return values -----------------------------


def _seed_users(engine: Engine, models: Any) -> None:
    models.Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all(
            [
                models.UserDB(id="u1", email="a@x", name="A", is_verified=False, login_count=3),
                models.UserDB(id="u2", email="b@x", name="B", is_verified=True, is_active=False),
            ]
        )
        s.commit()


def _run_both(
    pair: Pair,
    url: str,
    seed: Callable[[Engine, Any], None],
    table: str,
    call: Callable[[Any, Session], Any],
) -> tuple[Any, Any]:
    """Run ``call`` with the original and the rewritten module, each on a freshly seeded database."""
    results = []
    for module in (pair.original, pair.rewritten):
        engine = _engine(url)
        pair.models.Base.metadata.drop_all(engine)
        seed(engine, pair.models)
        with Session(engine) as session:
            outcome = _outcome(lambda module=module, session=session: call(module, session))
        results.append((outcome, _rows(engine, table)))
        pair.models.Base.metadata.drop_all(engine)
        engine.dispose()
    return results[0], results[1]


@pytest.mark.parametrize("user_id", ["u1", "u2", "missing"])
def test_verify_user_same_rows_and_result(database: str, tmp_path: Path, user_id: str) -> None:
    with golden_pair(
        "atomic-update", "verify-user-audit-shape-helper-1x", "models", tmp_path
    ) as pair:
        before, after = _run_both(
            pair, database, _seed_users, "users",
            lambda mod, s: mod.UserRepository(s).verify_user(user_id),
        )  # fmt: skip
    assert before == after


@pytest.mark.parametrize("user_id", ["u1", "u2", "missing"])
def test_deactivate_and_reactivate_same_rows_and_result(
    database: str, tmp_path: Path, user_id: str
) -> None:
    def deactivated(engine: Engine) -> list[tuple[Any, ...]]:
        return [(r[0], r[4], r[5] is not None) for r in _rows(engine, "users")]

    with golden_pair(
        "atomic-update", "deactivate-user-generic-base-repository", "models", tmp_path
    ) as pair:
        seen = []
        for module in (pair.original, pair.rewritten):
            engine = _engine(database)
            _seed_users(engine, pair.models)
            with Session(engine) as s:
                seen.append(
                    (
                        _outcome(lambda m=module: m.UserRepository(s).deactivate_user(user_id)),
                        deactivated(engine),
                    )
                )
            pair.models.Base.metadata.drop_all(engine)
            engine.dispose()
        assert seen[0] == seen[1]
    with golden_pair(
        "atomic-update", "reactivate-user-refresh-and-return", "models", tmp_path
    ) as pair:
        before, after = _run_both(
            pair, database, _seed_users, "users",
            lambda mod, s: mod.UserRepository(s).reactivate_user(user_id),
        )  # fmt: skip
        assert before == after


def test_update_status_and_one_same_result(database: str, tmp_path: Path) -> None:
    def seed(engine: Engine, models: Any) -> None:
        models.Base.metadata.create_all(engine)
        with Session(engine) as s:
            s.add(models.SessionDB(id="s1", status="open"))
            s.commit()

    case = "update-status-audit-shape-no-guard"
    with golden_pair("atomic-update", case, f"original_{case.replace('-', '_')}", tmp_path) as pair:
        before, after = _run_both(
            pair,
            database,
            seed,
            "sessions",
            lambda mod, s: mod.SessionRepository(s).update_status("s1", "closed"),
        )
        assert before == after == (("returned", None), [("s1", "closed")])
        # The one documented difference: a missing row no longer raises AttributeError.
        before, after = _run_both(
            pair,
            database,
            seed,
            "sessions",
            lambda mod, s: mod.SessionRepository(s).update_status("nope", "x"),
        )
        assert before == (("raised", "AttributeError"), [("s1", "open")])
        assert after == (("returned", None), [("s1", "open")])
    with golden_pair("atomic-update", "one-raises-no-result-found", "models", tmp_path) as pair:
        for user_id in ("u1", "missing"):
            before, after = _run_both(
                pair,
                database,
                _seed_users,
                "users",
                lambda mod, s, u=user_id: mod.rename(s, u, "Z"),
            )
            assert before == after


def test_counter_and_augmented_assignment_same_result(database: str, tmp_path: Path) -> None:
    with golden_pair("atomic-update", "counter-increment-select-2-0", "models", tmp_path) as pair:
        for user_id in ("u1", "missing"):
            before, after = _run_both(
                pair,
                database,
                _seed_users,
                "users",
                lambda mod, s, u=user_id: mod.record_login(s, u),
            )
            assert before == after

    def seed_items(engine: Engine, models: Any) -> None:
        models.Base.metadata.create_all(engine)
        with Session(engine) as s:
            s.add(models.Owner(id=1))
            s.add(models.Item(id=1, sku="A", stock=10, reserved=0, owner_id=1))
            s.commit()

    with golden_pair(
        "atomic-update", "augmented-assignment-session-get-mapped", "shop.models", tmp_path
    ) as pair:
        for item_id in (1, 2):
            before, after = _run_both(
                pair, database, seed_items, "items", lambda mod, s, i=item_id: mod.reserve(s, i, 3)
            )
            assert before == after


# -- atomic-update: lost updates under concurrency ------------------------------


def _hammer(
    module: types.ModuleType, engine: Engine, threads: int, rounds: int
) -> list[BaseException]:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(rounds):
                with Session(engine) as s:
                    module.record_login(s, "u1")
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return errors


def _login_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT login_count FROM users WHERE id = 'u1'")).scalar_one())


def test_concurrent_increments_lose_updates_only_in_the_original(
    database: str, tmp_path: Path
) -> None:
    threads, rounds = 8, 30
    with golden_pair("atomic-update", "counter-increment-select-2-0", "models", tmp_path) as pair:
        lost = {}
        for label, module in (("original", pair.original), ("rewritten", pair.rewritten)):
            engine = _engine(database, pool_size=threads, max_overflow=0)
            pair.models.Base.metadata.drop_all(engine)
            _seed_users(engine, pair.models)
            start = _login_count(engine)
            errors = _hammer(module, engine, threads, rounds)
            assert not errors, errors[:3]
            lost[label] = start + threads * rounds - _login_count(engine)
            pair.models.Base.metadata.drop_all(engine)
            engine.dispose()
    assert lost["rewritten"] == 0
    # Two requests read the same count and both write count + 1 (PostgreSQL's READ
    # COMMITTED; SQLite's SELECT runs before the write transaction begins).
    assert lost["original"] > 0, "the original lost no update; the proof is not reliable"
    print(
        f"{database.split(':')[0]}: original lost {lost['original']} of {threads * rounds} updates"
    )


# -- bulk-delete -------------------------------------------------------------------


def _seed_events(engine: Engine, models: Any, n: int = 25) -> None:
    models.Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all(
            models.SimulatorEventDB(id=i, session_id="s1" if i % 5 else "s2")
            for i in range(1, n + 1)
        )
        s.add(models.ExerciseDB(id=1, title="t"))
        s.add_all(
            models.ExerciseAttemptDB(id=i, exercise_id=1, is_sec=i % 3 == 0)
            for i in range(1, n + 1)
        )
        s.commit()


def _bulk_run(
    pair: Pair, url: str, table: str, call: Callable[[Any, Session], Any]
) -> list[tuple[Any, list[tuple[Any, ...]], int]]:
    results = []
    for module in (pair.original, pair.rewritten):
        engine = _engine(url)
        pair.models.Base.metadata.drop_all(engine)
        _seed_events(engine, pair.models)
        with Session(engine) as session, statements() as seen:
            outcome = _outcome(lambda module=module, session=session: call(module, session))
        results.append((outcome, _rows(engine, table), seen.count("DELETE")))
        pair.models.Base.metadata.drop_all(engine)
        engine.dispose()
    return results


def test_clean_and_reset_db_one_delete(database: str, tmp_path: Path) -> None:
    case = "clean-and-reset-db-audit-shape"
    with golden_pair("bulk-delete", case, "models", tmp_path) as pair:
        config = types.SimpleNamespace(database_url=database)
        results = []
        for module in (pair.original, pair.rewritten):
            engine = _engine(database)
            pair.models.Base.metadata.drop_all(engine)
            _seed_events(engine, pair.models)
            out = io.StringIO()
            with statements() as seen, contextlib.redirect_stdout(out):
                module.clean(config)
            results.append(
                (out.getvalue(), _rows(engine, "exercise_attempts"), seen.count("DELETE"))
            )
            pair.models.Base.metadata.drop_all(engine)
            engine.dispose()
    (printed, rows, deletes), (printed2, rows2, deletes2) = results
    assert printed == printed2 == "Deleted 17 non-SEC attempts\n"
    assert rows == rows2 and len(rows) == 8
    assert deletes == 17 and deletes2 == 1


@pytest.mark.parametrize(
    ("case", "table", "call", "count"),
    [
        ("inline-query-all-loop", "simulator_events",
         lambda mod, s: mod.SimulatorEventRepository(s).delete_for_session("s1"), 20),
        ("scalars-select-2-0", "simulator_events", lambda mod, s: mod.delete_session_events(s, "s1"), 20),
        ("execute-scalars-len-2-0", "simulator_events", lambda mod, s: mod.purge(s, "s2"), 5),
        ("many-to-one-relationship-in-other-file", "exercise_attempts",
         lambda mod, s: mod.drop_attempts(s, 1), 25),
    ],
)  # fmt: skip
def test_bulk_delete_same_rows_one_statement(
    database: str,
    tmp_path: Path,
    case: str,
    table: str,
    call: Callable[[Any, Session], Any],
    count: int,
) -> None:
    with golden_pair("bulk-delete", case, "models", tmp_path) as pair:
        (before, rows, deletes), (after, rows2, deletes2) = _bulk_run(pair, database, table, call)
    assert before == after
    assert rows == rows2
    assert deletes == count
    assert deletes2 == 1


def test_counted_delete_returns_the_row_count(database: str, tmp_path: Path) -> None:
    with golden_pair("bulk-delete", "counter-in-loop-uses-row-count", "models", tmp_path) as pair:
        engine = _engine(database)
        results = []
        for module in (pair.original, pair.rewritten):
            _seed_events(engine, pair.models)
            with engine.begin() as conn:
                conn.execute(
                    text("UPDATE simulator_events SET created_at = '2020-01-01' WHERE id <= 7")
                )
            with Session(engine) as s, statements() as seen:
                results.append(
                    (module.purge_before(s, datetime.datetime(2021, 1, 1)), seen.count("DELETE"))
                )
            remaining = _rows(engine, "simulator_events")
            pair.models.Base.metadata.drop_all(engine)
            assert len(remaining) == 18
        engine.dispose()
    assert results == [(7, 7), (7, 1)]
