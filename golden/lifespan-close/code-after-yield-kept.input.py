import logging
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

logger = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI):
    client = httpx.AsyncClient(timeout=10)
    app.state.http = client
    logger.info("started")

    yield

    logger.info("stopping, %d requests served", app.state.served)
    await client.get("http://registry.local/deregister")


app = FastAPI(lifespan=lifespan)
