from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from vendor_sdk import VectorStore


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.store = VectorStore("http://vectors")
    client = httpx.AsyncClient()
    client = httpx.AsyncClient(timeout=5)
    app.state.http = client
    yield


app = FastAPI(lifespan=lifespan)
