from contextlib import asynccontextmanager

import httpx


@asynccontextmanager
async def http_client():
    client = httpx.AsyncClient()
    yield client


def open_thing():
    return httpx.Client()
