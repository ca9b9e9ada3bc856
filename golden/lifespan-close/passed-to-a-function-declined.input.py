from contextlib import asynccontextmanager

import redis.asyncio as aioredis
from fastapi import FastAPI

from app.cache import init_cache


@asynccontextmanager
async def lifespan(app: FastAPI):
    client = aioredis.from_url("redis://localhost")
    init_cache(client)
    yield


app = FastAPI(lifespan=lifespan)
