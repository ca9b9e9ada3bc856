"""lifespan-close at run time: a real FastAPI app, started and stopped by a real TestClient.

The original lifespan and the rewritten one are executed side by side; after shutdown the
provider's real ``httpx.AsyncClient`` is closed, and the real SQLAlchemy engine's pool holds no
connection, only in the rewritten one.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from fixkit import registry
from fixkit.engine import Job, Source, collect_project, process_source

APP = """
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from sqlalchemy import create_engine, text


class LLMProvider:
    def __init__(self, base_url):
        self._client = httpx.AsyncClient(base_url=base_url)

    async def aclose(self):
        await self._client.aclose()


@asynccontextmanager
async def lifespan(app: FastAPI):
    engine = create_engine(DATABASE_URL)
    with engine.connect() as conn:
        conn.execute(text("select 1"))
    app.state.engine = engine
    app.state.llm_provider = LLMProvider("http://127.0.0.1:9")
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/ping")
def ping():
    return {"ok": True}
"""


def _rewrite(source: str) -> str:
    cls = registry.get("lifespan-close")
    src = Source("app_main.py", data=source.encode())
    project = collect_project([cls], [src])
    report = process_source(src, Job((cls.id,), {}, project), [cls])
    return report.final.decode()


def _run(source: str, database: Path) -> Any:
    module = types.ModuleType("app_main")
    module.__dict__["DATABASE_URL"] = f"sqlite:///{database}"
    exec(compile(source, "app_main.py", "exec"), module.__dict__)
    app = module.__dict__["app"]
    with TestClient(app) as client:
        assert client.get("/ping").json() == {"ok": True}
        assert not app.state.llm_provider._client.is_closed
    return app.state


def test_rewritten_lifespan_closes_provider_and_disposes_engine(tmp_path: Path) -> None:
    fixed = _rewrite(APP)
    assert "await app.state.llm_provider.aclose()" in fixed
    assert "engine.dispose()" in fixed

    original = _run(APP, tmp_path / "original.db")
    assert not original.llm_provider._client.is_closed, "the original leaks the client"
    assert original.engine.pool.checkedin() == 1, "the original keeps a pooled connection"

    state = _run(fixed, tmp_path / "fixed.db")
    assert state.llm_provider._client.is_closed
    assert state.engine.pool.checkedin() == 0

    original.engine.dispose()


def test_rewrite_is_stable() -> None:
    fixed = _rewrite(APP)
    assert _rewrite(fixed) == fixed
