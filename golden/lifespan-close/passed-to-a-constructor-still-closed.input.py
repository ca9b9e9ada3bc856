from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.core.ai_gateway import AIGateway
from app.llm.mistral_provider import MistralProvider


@asynccontextmanager
async def lifespan(app: FastAPI):
    provider = MistralProvider(api_key="k")
    app.state.ai_gateway = AIGateway(provider)
    yield


app = FastAPI(lifespan=lifespan)
