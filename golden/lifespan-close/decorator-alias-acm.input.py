from contextlib import asynccontextmanager as acm

from fastapi import FastAPI
from httpx import AsyncClient as HttpClient


@acm
async def app_lifespan(app: FastAPI):
    app.state.http = HttpClient()
    yield {"ready": True}


app = FastAPI(lifespan=app_lifespan)
