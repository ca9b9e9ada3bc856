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

    try:
        yield

        logger.info("stopping, %d requests served", app.state.served)
        await client.get("http://registry.local/deregister")
    finally:
        await client.aclose()


app = FastAPI(lifespan=lifespan)
