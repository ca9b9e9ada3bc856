from contextlib import AsyncExitStack, asynccontextmanager

import httpx
from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app: FastAPI):
    stack = AsyncExitStack()
    client = httpx.AsyncClient()
    stack.push_async_callback(client.aclose)
    app.state.client = client
    yield
    await stack.aclose()


app = FastAPI(lifespan=lifespan)
