"""The FastAPI application."""

from contextlib import asynccontextmanager, contextmanager

from fastapi import FastAPI

from app.api.routers import exercises, health, interactions, users
from app.config import settings
from app.core.ai_gateway import AIGateway
from app.database.config import get_db_config
from app.database.repositories import SessionRepository
from app.llm.gemini_provider import GeminiProvider
from app.llm.mistral_provider import MistralProvider


@contextmanager
def _session_repo():
    db = get_db_config().SessionLocal()
    try:
        yield SessionRepository(db)
    finally:
        db.close()


@asynccontextmanager
async def lifespan(app: FastAPI):
    get_db_config().create_tables()
    provider = GeminiProvider(
        api_key=settings.llm_api_key,
        base_url=settings.llm_base_url,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
    )
    risk_provider = MistralProvider(
        api_key=settings.llm_api_key, base_url=settings.llm_base_url, timeout=settings.llm_timeout
    )
    app.state.llm_provider = provider
    app.state.ai_gateway = AIGateway(provider, risk_provider, session_repo_factory=_session_repo)
    yield


app = FastAPI(title="Tutor backend", lifespan=lifespan)
app.include_router(health.router)
app.include_router(exercises.router)
app.include_router(interactions.router)
app.include_router(users.router)
