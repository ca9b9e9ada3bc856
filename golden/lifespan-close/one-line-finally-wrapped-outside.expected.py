from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.http = httpx.AsyncClient()
    try:
        try: yield
        finally: print("stopped")
    finally:
        await app.state.http.aclose()


app = FastAPI(lifespan=lifespan)
