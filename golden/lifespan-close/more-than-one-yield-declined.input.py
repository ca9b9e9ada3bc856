import os
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.http = httpx.AsyncClient()
    if os.environ.get("DRY_RUN"):
        yield
        return
    yield


app = FastAPI(lifespan=lifespan)
