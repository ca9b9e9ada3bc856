from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.public, app.state.internal = httpx.AsyncClient(), httpx.AsyncClient()
    yield


app = FastAPI(lifespan=lifespan)
