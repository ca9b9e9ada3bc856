"""persistent-client at runtime: the rewritten classes import, run, and reuse one connection.

Each changed golden case is imported twice, as written (``.input.py``) and as
fixkit rewrites it (``.expected.py``), and sends N requests to a keep-alive
HTTP/1.1 server on 127.0.0.1. The server counts the TCP connections it accepts:
N for the per-call clients, 1 for the shared one.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "persistent-client"
N = 5

REPLY = json.dumps(
    {
        "candidates": [{"content": {"parts": [{"text": "ok"}]}}],
        "choices": [{"message": {"content": "ok"}}],
        "response": "ok",
        "data": [{"id": "m"}],
    }
).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the connection stays open between requests

    def _reply(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.server.requests += 1  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(REPLY)))
        self.end_headers()
        self.wfile.write(REPLY)

    do_GET = do_POST = _reply

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.connections = 0
        self.requests = 0

    def get_request(self) -> Any:
        request = super().get_request()
        self.connections += 1  # accept() runs in the serving thread only
        return request


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[_CountingServer]:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    srv = _CountingServer()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _load(case: str, which: str, tmp_path: Path) -> Any:
    """Import ``<case>.<which>.py`` as a module of a package that also holds its context files."""
    package = f"pc_{case.replace('-', '_')}_{which}"
    root = tmp_path / which
    pkg = root / package
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    context = GOLDEN / f"{case}.context"
    if context.is_dir():
        shutil.copytree(context, pkg, dirs_exist_ok=True)
        sys.path.insert(0, str(pkg))  # absolute imports of the context (providers.mixins)
    shutil.copy(GOLDEN / f"{case}.{which}.py", pkg / "mod.py")
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(f"{package}.mod")
    finally:
        sys.path.remove(str(root))
        if context.is_dir():
            sys.path.remove(str(pkg))
            for name in [n for n in sys.modules if n.split(".")[0] == "providers"]:
                del sys.modules[name]


def _run(value: Any) -> Any:
    return asyncio.run(value) if inspect.iscoroutine(value) else value


def _finish(obj: Any) -> None:
    """Close the shared client the way the finding tells the owner to."""
    for name in ("aclose", "close"):
        method = getattr(obj, name, None)
        if method is not None:
            _run(method())
            return


def _sequence(obj: Any, call: Callable[[Any], Any]) -> None:
    """N calls, then close; async ones share one event loop, as in a server."""

    async def all_async(first: Any) -> None:
        await first
        for _ in range(N - 1):
            await call(obj)
        closer = getattr(obj, "aclose", None) or getattr(obj, "close", None)
        if closer is not None:
            result = closer()
            if inspect.iscoroutine(result):
                await result

    first = call(obj)
    if inspect.iscoroutine(first):
        asyncio.run(all_async(first))
        return
    for _ in range(N - 1):
        call(obj)
    _finish(obj)


# case -> (build the object for a base URL, one call that sends one request)
CASES: dict[str, tuple[Callable[[Any, str], Any], Callable[[Any], Any]]] = {
    "gemini-retry-loop-async-shares-one-client": (
        lambda mod, url: _set(mod.GeminiProvider("key", timeout=5.0), url=url + "/gen"),
        lambda p: p.generate("hi"),
    ),
    "mistral-single-call-async-extends-existing-init": (
        lambda mod, url: _set(mod.MistralProvider("key"), base_url=url),
        lambda p: p.chat([{"role": "user", "content": "hi"}]),
    ),
    "sync-httpx-client-gets-double-checked-lock": (
        lambda mod, url: _set(mod.WeatherClient(), base_url=url),
        lambda p: p.forecast("Lima"),
    ),
    "requests-session-sync-lock": (
        lambda mod, url: _set(mod.BillingApi("token"), base_url=url),
        lambda p: p.invoice(7),
    ),
    "aiohttp-session-while-retry-loop": (
        lambda mod, url: mod.Notifier(url + "/notify"),
        lambda p: p.send("hello"),
    ),
    "alias-import-httpx": (
        lambda mod, url: _set(mod.Search(), endpoint=url + "/q"),
        lambda p: p.query("x"),
    ),
    "alias-from-import-client-class": (
        lambda mod, url: _set(mod.Search(), endpoint=url + "/q"),
        lambda p: p.query("x"),
    ),
    "existing-async-close-is-extended": (
        lambda mod, url: mod.OllamaLikeProvider(url),
        lambda p: p.generate("hi"),
    ),
    "two-methods-share-one-client": (
        lambda mod, url: _set(mod.ModelsApi("key"), base_url=url),
        lambda p: _both(p.list_models(), p.is_model_available("m")),
    ),
    "per-call-headers-and-timeout-moved-to-requests": (
        lambda mod, url: mod.TraceForwarder(url + "/trace"),
        lambda p: p.forward("req-1", {"a": 1}),
    ),
    "pool-headroom-option-sizes-limits": (
        lambda mod, url: _set(mod.LimitedProvider(4), url=url + "/gen"),
        lambda p: p.generate("hi"),
    ),
    "pool-headroom-off-by-default": (
        lambda mod, url: _set(mod.LimitedProvider(4), url=url + "/gen"),
        lambda p: p.generate("hi"),
    ),
    "comments-and-one-line-body-kept": (
        lambda mod, url: _set(mod.Commented(), url=url + "/c"),
        lambda p: p.first(),
    ),
    "crlf-line-endings-kept": (
        lambda mod, url: _set(mod.Crlf(), url=url + "/crlf"),
        lambda p: p.get(),
    ),
    "base-class-without-init-gets-init": (
        lambda mod, url: _set(mod.Pinger(), url=url + "/ping"),
        lambda p: p.ping(),
    ),
}


def _set(obj: Any, **attrs: Any) -> Any:
    for name, value in attrs.items():
        setattr(obj, name, value)
    return obj


async def _both(first: Any, second: Any) -> None:
    await first
    await second


def test_every_changed_case_is_covered() -> None:
    changed = sorted(p.name[: -len(".expected.py")] for p in GOLDEN.glob("*.expected.py"))
    assert changed == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_connections_drop_from_n_to_one(case: str, server: _CountingServer, tmp_path: Path) -> None:
    build, call = CASES[case]
    url = f"http://127.0.0.1:{server.server_address[1]}"
    per_request = 2 if case == "two-methods-share-one-client" else 1

    before = _load(case, "input", tmp_path)
    obj = build(before, url)
    _sequence(obj, call)
    assert server.requests == N * per_request
    assert server.connections == N * per_request, "the original opens a connection per request"

    server.connections = server.requests = 0
    after = _load(case, "expected", tmp_path)
    obj = build(after, url)
    _sequence(obj, call)
    assert server.requests == N * per_request
    assert server.connections == 1, "the rewritten class reuses one keep-alive connection"


def test_sync_accessor_builds_one_client_under_threads(
    server: _CountingServer, tmp_path: Path
) -> None:
    mod = _load("sync-httpx-client-gets-double-checked-lock", "expected", tmp_path)
    weather = mod.WeatherClient()
    weather.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    barrier = threading.Barrier(16)

    def grab(_: int) -> int:
        barrier.wait()
        return id(weather._get_client())

    with ThreadPoolExecutor(16) as pool:
        ids = set(pool.map(grab, range(16)))
    assert len(ids) == 1
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: weather.forecast("x"), range(32)))
    assert server.requests == 32
    assert server.connections <= 8, "threads share one pool instead of a client per call"
    weather.close()
    assert weather._client is None
