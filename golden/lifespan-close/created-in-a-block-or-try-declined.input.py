from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from sqlalchemy import create_engine

from app.config import settings


@asynccontextmanager
async def lifespan(app: FastAPI):
    if settings.use_proxy:
        app.state.proxy = httpx.AsyncClient(proxy=settings.proxy_url)
    try:
        engine = create_engine(settings.database_url)
        yield
    finally:
        print("bye")


app = FastAPI(lifespan=lifespan)
