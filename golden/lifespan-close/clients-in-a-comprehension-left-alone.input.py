from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app: FastAPI):
    clients = [httpx.AsyncClient() for _ in range(3)]
    app.state.clients = clients
    yield


app = FastAPI(lifespan=lifespan)
