from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.llm.gemini_provider import GeminiProvider


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.llm_provider = GeminiProvider(api_key="k")
    yield


app = FastAPI(lifespan=lifespan)
