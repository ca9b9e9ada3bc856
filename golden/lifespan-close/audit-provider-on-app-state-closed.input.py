from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.config import settings
from app.llm.ollama_provider import OllamaProvider


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.llm_provider = OllamaProvider(settings.ollama_url)
    yield
    # Missing: await provider.close()


app = FastAPI(lifespan=lifespan)
