from contextlib import asynccontextmanager

import redis.asyncio as aioredis
from fastapi import FastAPI

from app import scheduler


@asynccontextmanager
async def lifespan(app: FastAPI):
    cache = aioredis.from_url("redis://localhost:6379/0")
    app.state.cache = cache
    scheduler.start()
    try:
        yield
    finally:
        scheduler.stop()  # stop jobs first: they use the cache


app = FastAPI(lifespan=lifespan)
