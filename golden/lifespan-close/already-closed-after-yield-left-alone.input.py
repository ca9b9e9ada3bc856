from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from sqlalchemy import create_engine


@asynccontextmanager
async def lifespan(app: FastAPI):
    engine = create_engine("sqlite:///./app.db")
    app.state.http = httpx.AsyncClient()
    yield
    if hasattr(app.state, "http"):
        await app.state.http.aclose()
    engine.dispose()


app = FastAPI(lifespan=lifespan)
