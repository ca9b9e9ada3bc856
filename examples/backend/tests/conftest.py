"""Real services for the example's tests: redis-server, a local LLM API, a SQLite file."""

import pytest
from fastapi.testclient import TestClient

import leakcheck
from app.config import settings
from app.database import config as db_config


@pytest.fixture(scope="session")
def redis_port():
    """A throwaway redis-server on 127.0.0.1 (CONFIG disabled, like managed Redis)."""
    try:
        with leakcheck.redis_server() as port:
            yield port
    except leakcheck.Unavailable as exc:
        pytest.skip(f"needs a real Redis: {exc}")


@pytest.fixture
def llm_server():
    """The "LLM API": Gemini and Mistral endpoints on 127.0.0.1, counting connections."""
    with leakcheck.LLMServer() as server:
        yield server


@pytest.fixture
def client(tmp_path, redis_port, llm_server, monkeypatch):
    """The app, configured for the services above, with its lifespan run."""
    monkeypatch.setattr(settings, "database_url", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setattr(settings, "redis_url", f"redis://127.0.0.1:{redis_port}/0")
    monkeypatch.setattr(settings, "llm_base_url", llm_server.url)
    monkeypatch.setattr(settings, "sandbox_timeout", 2.0)
    monkeypatch.setattr(db_config, "_db_config", None)
    from app.main import app

    with TestClient(app) as test_client:
        yield test_client
    db_config.get_db_config().close()


@pytest.fixture
def db(client):
    """A session on the app's database."""
    session = db_config.get_db_config().SessionLocal()
    yield session
    session.close()
