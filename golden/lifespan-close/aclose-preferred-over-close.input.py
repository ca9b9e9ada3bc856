from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.llm.gemini_provider import GeminiProvider


@asynccontextmanager
async def lifespan(app: FastAPI):
    provider = GeminiProvider(api_key="k")
    app.state.llm_provider = provider
    yield


app = FastAPI(title="x", lifespan=lifespan)
