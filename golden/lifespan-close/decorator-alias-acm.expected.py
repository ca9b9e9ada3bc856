from contextlib import asynccontextmanager as acm

from fastapi import FastAPI
from httpx import AsyncClient as HttpClient


@acm
async def app_lifespan(app: FastAPI):
    app.state.http = HttpClient()
    try:
        yield {"ready": True}
    finally:
        await app.state.http.aclose()


app = FastAPI(lifespan=app_lifespan)
