"""Measure the leaks of the audit on this backend, one function per fixkit codemod.

Every figure comes from a real thing: a real ``redis-server``, a real HTTP server on
127.0.0.1 counting the TCP connections it accepts, a real SQLite file shared by real threads,
real subprocesses and a real file system. Nothing under test is mocked or patched.

    python leakcheck.py                      # every measurement, as a table
    python leakcheck.py --json bulk-delete   # some of them, as JSON (used by examples/demo.py)

The tests in ``tests/`` assert on these figures; ``examples/demo.py`` prints them for the
original code and for each ``fixkit/<id>`` branch.

This file deliberately avoids the patterns the codemods rewrite (``redis.from_url``,
``create_task``, ``httpx.AsyncClient``, ...) so that fixkit leaves it alone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


class Unavailable(Exception):
    """A measurement needs something this machine does not have (the reason is the message)."""


# --------------------------------------------------------------------------- Redis server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_command(port: int, *args: str) -> bytes:
    """Send one command over a fresh RESP connection and return the raw reply."""
    payload = f"*{len(args)}\r\n".encode()
    for a in args:
        b = a.encode()
        payload += b"$%d\r\n%s\r\n" % (len(b), b)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(payload)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if data.startswith(b"$"):
                header, _, rest = data.partition(b"\r\n")
                if len(rest) >= int(header[1:]) + 2:
                    break
            elif data.endswith(b"\r\n"):
                break
        return data


def redis_connected_clients(port: int) -> int:
    """``connected_clients`` from ``INFO clients``, not counting the connection asking."""
    reply = _redis_command(port, "INFO", "clients").decode()
    for line in reply.splitlines():
        if line.startswith("connected_clients:"):
            return int(line.split(":", 1)[1]) - 1
    raise RuntimeError(f"no connected_clients in {reply!r}")


@contextlib.contextmanager
def redis_server():
    """Start a throwaway ``redis-server`` on a free port of 127.0.0.1; yield its port.

    The server is hardened the way managed offers (ElastiCache, Memorystore) are: ``CONFIG``
    is disabled. That makes the health check's ``CONFIG GET maxmemory`` fail after the
    connection is made, which is the exception path of audit 6.8.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        raise Unavailable("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="leakcheck-redis-")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
            "--rename-command",
            "CONFIG",
            "",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                if _redis_command(port, "PING").startswith(b"+PONG"):
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise Unavailable(f"redis-server did not start on port {port}")
            time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------------- LLM server


class _LLMHandler(BaseHTTPRequestHandler):
    """Speaks just enough of Gemini's and Mistral's APIs, with HTTP/1.1 keep-alive."""

    protocol_version = "HTTP/1.1"
    timeout = 10  # an idle keep-alive connection is dropped after this many seconds

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        server: LLMServer = self.server  # type: ignore[assignment]
        server.count_request()
        if ":generateContent" in self.path:
            prompt = request["contents"][0]["parts"][0]["text"]
            if server.should_fail(prompt):
                self._reply(503, {"error": {"code": 503, "message": "The model is overloaded."}})
                return
            self._reply(
                200, {"candidates": [{"content": {"parts": [{"text": f"echo: {prompt}"}]}}]}
            )
        elif self.path.endswith("/v1/chat/completions"):
            prompt = request["messages"][-1]["content"]
            self._reply(200, {"choices": [{"message": {"content": f"echo: {prompt}"}}]})
        else:
            self._reply(404, {"error": "not found"})


class LLMServer(ThreadingHTTPServer):
    """A local "LLM API" on 127.0.0.1 that counts the TCP connections it accepts.

    With ``fail_first=k`` every prompt is answered 503 ("overloaded") ``k`` times before it
    succeeds, so a client that retries makes ``k + 1`` attempts per request.
    """

    daemon_threads = True

    def __init__(self, fail_first: int = 0) -> None:
        super().__init__(("127.0.0.1", 0), _LLMHandler)
        self.fail_first = fail_first
        self.connections = 0
        self.requests = 0
        self._attempts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def get_request(self):
        conn = super().get_request()
        with self._lock:
            self.connections += 1
        return conn

    def count_request(self) -> None:
        with self._lock:
            self.requests += 1

    def should_fail(self, prompt: str) -> bool:
        with self._lock:
            seen = self._attempts.get(prompt, 0)
            self._attempts[prompt] = seen + 1
            return seen < self.fail_first

    def __enter__(self) -> LLMServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


async def _close_provider(provider: object) -> None:
    """Close a provider that has a client to close (the fixed ones do), else nothing."""
    for name in ("aclose", "close"):
        method = getattr(provider, name, None)
        if method is not None:
            result = method()
            if asyncio.iscoroutine(result):
                await result
            return


# --------------------------------------------------------------------------- measurements


def measure_finally_close(checks: int = 20) -> dict:
    """Redis connections left open by ``checks`` health checks (audit 6.1, 6.8).

    CPython closes the socket of a client nobody references (refcounting runs the client's
    ``__del__``), so a check that returns normally hides the leak. Here the health check fails
    after connecting (``CONFIG`` is disabled on the server) and, like the app does, keeps the
    exception for ``/health/detailed``: its traceback keeps the check's frame, hence the
    client, alive. That is what the app holds, and it is measured while the app holds it:
    before the fix every such check leaves one connection open; with ``finally: close()``
    the connection is released whatever happens to the client object.
    """
    from app.api.routers import health

    with redis_server() as port:
        url = f"redis://127.0.0.1:{port}/0"
        health._recent_failures.clear()
        before = redis_connected_clients(port)
        statuses = [health.check_redis(url)["status"] for _ in range(checks)]
        after = redis_connected_clients(port)
        health._recent_failures.clear()
    return {
        "checks": checks,
        "failed_checks": statuses.count("down"),
        "connected_clients_before": before,
        "connected_clients_after": after,
        "leaked_connections": after - before,
    }


def measure_task_registry(interactions: int = 20) -> dict:
    """Pending background analyses still referenced after ``gc.collect()`` (audit 1.1).

    The event loop keeps only weak references to tasks. A task waiting on a socket is also
    reachable through the selector, but one waiting on a future that nothing else holds (here:
    a risk analysis whose model answer has not arrived, modelled by a provider that awaits a
    future of its own) is reachable only from the app. Before the fix the garbage collector
    destroys such pending tasks ("Task was destroyed but it is pending!"); with a registry they
    survive until they finish.
    """
    from app.core.ai_gateway import AIGateway
    from app.llm.mistral_provider import MistralProvider

    class AnswerNotYetArrived:
        async def generate(self, prompt, temperature=0.7):
            await asyncio.get_running_loop().create_future()

    async def scenario(llm_url: str) -> dict:
        provider = MistralProvider(api_key="test", base_url=llm_url, timeout=10)
        gateway = AIGateway(provider, risk_provider=AnswerNotYetArrived())
        refs = []
        for i in range(interactions):
            await gateway.process_interaction(f"s{i}", f"question {i}")
            refs.extend(
                weakref.ref(t)
                for t in asyncio.all_tasks()
                if t.get_name().startswith("risk_analysis_") and all(r() is not t for r in refs)
            )
        for _ in range(3):  # let every analysis start and block on its future
            await asyncio.sleep(0)
        gc.collect()
        alive = [r() for r in refs if r() is not None and not r().done()]
        result = {
            "spawned": len(refs),
            "still_referenced": len(alive),
            "collected_while_pending": len(refs) - len(alive),
        }
        for t in alive:
            t.cancel()
        if alive:
            await asyncio.gather(*alive, return_exceptions=True)
        del alive
        await _close_provider(provider)
        return result

    # Pending tasks that are collected are reported by the loop's exception handler (the
    # asyncio logger): that is the symptom, not an error of the measurement.
    asyncio_logger = logging.getLogger("asyncio")
    level = asyncio_logger.level
    asyncio_logger.setLevel(logging.CRITICAL)
    try:
        with LLMServer() as server:
            return asyncio.run(scenario(server.url))
    finally:
        asyncio_logger.setLevel(level)


def measure_persistent_client(requests: int = 10, retries: int = 3) -> dict:
    """TCP connections the LLM providers open for ``requests`` calls (audit 3.2, 3.3).

    Gemini is answered 503 ``retries - 1`` times per prompt, so it makes ``retries`` attempts
    per request; Mistral makes one call per request. A client per attempt opens a connection
    per attempt; a persistent client keeps one keep-alive connection for all of them.
    """
    from app.llm.gemini_provider import GeminiProvider
    from app.llm.mistral_provider import MistralProvider

    async def run_gemini(url: str) -> None:
        provider = GeminiProvider(
            api_key="test", base_url=url, timeout=10, max_retries=retries, retry_delay=0
        )
        try:
            for i in range(requests):
                await provider.generate(f"gemini prompt {i}")
        finally:
            await _close_provider(provider)

    async def run_mistral(url: str) -> None:
        provider = MistralProvider(api_key="test", base_url=url, timeout=10)
        try:
            for i in range(requests):
                await provider.generate(f"mistral prompt {i}")
        finally:
            await _close_provider(provider)

    with LLMServer(fail_first=retries - 1) as server:
        asyncio.run(run_gemini(server.url))
        gemini = (server.requests, server.connections)
    with LLMServer() as server:
        asyncio.run(run_mistral(server.url))
        mistral = (server.requests, server.connections)
    return {
        "requests": requests,
        "gemini_attempts": gemini[0],
        "gemini_connections": gemini[1],
        "mistral_attempts": mistral[0],
        "mistral_connections": mistral[1],
    }


def _sqlite_engine(path: Path):
    from sqlalchemy import create_engine

    from app.database.models import Base

    engine = create_engine(
        f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30}
    )
    Base.metadata.create_all(engine)
    return engine


def measure_atomic_update(threads: int = 4, increments: int = 50) -> dict:
    """Lost updates of a counter incremented by ``threads`` real threads (audit 5.2-5.4, 5.8).

    Each thread has its own session and connection to one SQLite file and calls
    ``SessionRepository.increment_interaction_count`` ``increments`` times. The original
    method reads the row (SELECT), adds one in Python and writes it back (UPDATE): two
    statements, so another thread's commit in between is overwritten. The fixed method sends
    one ``UPDATE ... SET n = n + 1``.
    """
    from sqlalchemy.orm import sessionmaker

    from app.database.models import SessionDB, UserDB
    from app.database.repositories import SessionRepository

    with tempfile.TemporaryDirectory(prefix="leakcheck-db-") as tmp:
        engine = _sqlite_engine(Path(tmp) / "app.db")
        Session = sessionmaker(bind=engine)
        with Session() as db:
            db.add(UserDB(id="u1", email="u1@example.edu"))
            db.add(SessionDB(id="s1", student_id="u1", interaction_count=0))
            db.commit()

        errors: list[BaseException] = []
        start = threading.Barrier(threads)

        def worker() -> None:
            with Session() as db:
                repo = SessionRepository(db)
                start.wait()
                for _ in range(increments):
                    try:
                        repo.increment_interaction_count("s1")
                    except Exception as exc:
                        db.rollback()
                        errors.append(exc)

        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join(timeout=120)
        with Session() as db:
            final = db.get(SessionDB, "s1").interaction_count
        engine.dispose()
    expected = threads * increments
    return {
        "expected": expected,
        "final": final,
        "lost_updates": expected - final - len(errors),
        "errors": len(errors),
    }


def measure_bulk_delete(rows: int = 50, kept: int = 5) -> dict:
    """DELETE statements the cleanup script runs to remove ``rows`` attempts (audit 2.2).

    Counted with an engine ``before_cursor_execute`` listener. The ORM sends the deletes of a
    loop as one ``executemany``, which the driver runs once per parameter set, so an
    executemany counts as that many statements: what the database executes.
    """
    from sqlalchemy import event
    from sqlalchemy.orm import sessionmaker

    from app.database.models import ExerciseAttemptDB, ExerciseDB, UserDB
    from scripts.clean_and_reset_db import clean_database

    with tempfile.TemporaryDirectory(prefix="leakcheck-db-") as tmp:
        engine = _sqlite_engine(Path(tmp) / "app.db")
        Session = sessionmaker(bind=engine)
        with Session() as db:
            db.add(UserDB(id="u1", email="u1@example.edu"))
            db.add(ExerciseDB(id="e-gen", title="Loops", category="general"))
            db.add(ExerciseDB(id="e-sec", title="SQL injection", category="security"))
            db.add_all(ExerciseAttemptDB(exercise_id="e-gen", student_id="u1") for _ in range(rows))
            db.add_all(ExerciseAttemptDB(exercise_id="e-sec", student_id="u1") for _ in range(kept))
            db.commit()

        statements = 0

        def count(conn, cursor, statement, parameters, context, executemany):
            nonlocal statements
            if statement.lstrip().upper().startswith("DELETE FROM EXERCISE_ATTEMPTS"):
                statements += len(parameters) if executemany else 1

        event.listen(engine, "before_cursor_execute", count)
        with Session() as db:
            clean_database(db)
        event.remove(engine, "before_cursor_execute", count)
        with Session() as db:
            remaining = db.query(ExerciseAttemptDB).count()
        engine.dispose()
    return {"rows_deleted": rows + kept - remaining, "delete_statements": statements}


# Student code that replaces its own script file with a non-empty directory: the sandbox's
# ``os.remove`` then fails for real (IsADirectoryError), even for root. It notes its path in
# REPORT so that the measurement finds exactly its own leftovers.
_REPLACE_SELF = """
import os, sys
path = sys.argv[0]
with open({report!r}, "a") as f:
    f.write(path + "\\n")
os.remove(path)
os.mkdir(path)
with open(os.path.join(path, "notes.txt"), "w") as f:
    f.write("mine now")
print("replaced")
"""


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def measure_temp_file_logging(timeout: float = 1.0) -> dict:
    """What happens when the sandbox cannot remove its temp file (audit 6.2).

    Two runs of student code that replaces its script with a non-empty directory: one that
    then exits, one that then spins past the timeout. Before the fix the ``os.remove`` in
    ``finally`` raises: the first run's result is lost, the second run's ``TimeoutExpired``
    is masked by the ``IsADirectoryError``, and nothing is logged. After the fix each failure
    is logged (a warning or worse, from any logger) and the run's own outcome comes through.
    """
    from app.api.routers.exercises import run_sandboxed

    handler = _Records()
    root = logging.getLogger()
    root.addHandler(handler)
    escaped = []
    returned = []
    with tempfile.TemporaryDirectory(prefix="leakcheck-sandbox-") as tmp:
        report = Path(tmp) / "paths.txt"
        code = _REPLACE_SELF.format(report=str(report))
        try:
            for program in (code, code + "while True:\n    pass\n"):
                try:
                    result = run_sandboxed(program, timeout)
                    returned.append(result["stdout"].strip() == "replaced")
                    escaped.append(None)
                except Exception as exc:
                    returned.append(False)
                    escaped.append(type(exc).__name__)
        finally:
            root.removeHandler(handler)
            paths = report.read_text().split() if report.exists() else []
            leftovers = [p for p in paths if os.path.lexists(p)]
            for p in leftovers:
                shutil.rmtree(p, ignore_errors=True)
    return {
        "removal_failures": len(leftovers),
        "failures_logged": sum(
            1 for r in handler.records if any(p in r.getMessage() for p in paths)
        ),
        "result_returned": returned[0],
        "exception_after_timeout": escaped[1],
    }


def _open_descriptors(path: Path) -> int:
    """File descriptors of this process open on ``path`` (read from /proc/self/fd)."""
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        raise Unavailable("/proc/self/fd is not available on this system")
    target = str(path.resolve())
    count = 0
    for entry in fd_dir.iterdir():
        try:
            if os.readlink(entry) == target:
                count += 1
        except OSError:
            continue
    return count


def measure_lifespan_close() -> dict:
    """Database connections still open after the app has shut down (audit 1.9, 3.6, 4.6, 6.6).

    The real app is started and stopped by FastAPI's ``TestClient`` (its lifespan runs: the
    startup creates the tables through the database config's engine). After shutdown the
    figures are the engine pool's idle connections and this process's file descriptors on the
    SQLite file. Before the fix nothing closes the database config at shutdown, so the pooled
    connection and its descriptor stay open; with the lifespan's ``finally:`` closing it, none
    remain.
    """
    from fastapi.testclient import TestClient

    from app.config import settings
    from app.database import config as db_config
    from app.main import app

    saved = (settings.database_url, db_config._db_config)
    with tempfile.TemporaryDirectory(prefix="leakcheck-lifespan-") as tmp:
        path = Path(tmp) / "app.db"
        settings.database_url = f"sqlite:///{path}"
        db_config._db_config = None
        try:
            with TestClient(app):
                during = _open_descriptors(path)
            config = db_config.get_db_config()
            pooled = config.engine.pool.checkedin()
            after = _open_descriptors(path)
        finally:
            if db_config._db_config is not None:
                db_config._db_config.close()
            settings.database_url, db_config._db_config = saved
    return {
        "descriptors_while_running": during,
        "pooled_connections_after_shutdown": pooled,
        "descriptors_after_shutdown": after,
    }


MEASURES = {
    "finally-close": measure_finally_close,
    "task-registry": measure_task_registry,
    "persistent-client": measure_persistent_client,
    "atomic-update": measure_atomic_update,
    "bulk-delete": measure_bulk_delete,
    "temp-file-logging": measure_temp_file_logging,
    "lifespan-close": measure_lifespan_close,
}


#: id -> (what the headline figure is, how to read it from the figures); used by demo.py
HEADLINES = {
    "finally-close": (
        "Redis connections left open by 20 failing health checks",
        lambda f: str(f["leaked_connections"]),
    ),
    "task-registry": (
        "pending background analyses destroyed by gc, of 20",
        lambda f: str(f["collected_while_pending"]),
    ),
    "persistent-client": (
        "TCP connections for 10 requests: Gemini (3 attempts each) / Mistral",
        lambda f: f"{f['gemini_connections']} / {f['mistral_connections']}",
    ),
    "atomic-update": (
        "lost updates among 4 threads x 50 increments",
        lambda f: str(f["lost_updates"]),
    ),
    "bulk-delete": (
        "DELETE statements run to remove 50 rows",
        lambda f: str(f["delete_statements"]),
    ),
    "temp-file-logging": (
        "failed temp-file removals logged, of 2 / what a timeout raises",
        lambda f: f"{f['failures_logged']} / {f['exception_after_timeout'] or '-'}",
    ),
    "lifespan-close": (
        "SQLite connections still open after the app shut down",
        lambda f: str(f["descriptors_after_shutdown"]),
    ),
}


def headline(codemod_id: str, figures: dict) -> str:
    """The one figure of a measurement worth a table cell."""
    if "unavailable" in figures:
        return "n/a"
    if "error" in figures:
        return "error"
    return HEADLINES[codemod_id][1](figures)


def measure(codemod_id: str) -> dict:
    """Run one measurement; ``{"unavailable": reason}`` when the machine lacks what it needs."""
    try:
        return MEASURES[codemod_id]()
    except Unavailable as exc:
        return {"unavailable": str(exc)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", metavar="ID", help="any of: " + ", ".join(MEASURES))
    parser.add_argument("--json", action="store_true", help="print one JSON object keyed by id")
    args = parser.parse_args(argv)
    # The app's warnings (failed checks, retries) are part of what is measured, not output.
    logging.getLogger().addHandler(logging.NullHandler())
    unknown = [i for i in args.ids if i not in MEASURES]
    if unknown:
        parser.error(f"unknown id(s): {', '.join(unknown)}")
    results = {i: measure(i) for i in (args.ids or MEASURES)}
    if args.json:
        print(json.dumps(results))
    else:
        for i, figures in results.items():
            print(f"{i:<18} {headline(i, figures):>14}  {HEADLINES[i][0]}")
            print(f"{'':<18} " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    os.chdir(HERE)
    sys.exit(main())
