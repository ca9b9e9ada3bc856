from contextlib import asynccontextmanager

import httpx
import redis
from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.sync_http = httpx.Client()
    app.state.redis = redis.Redis(host="localhost")
    try:
        yield
    except Exception:
        app.state.failed = True
        raise
    finally:
        app.state.redis.close()
        app.state.sync_http.close()


app = FastAPI(lifespan=lifespan)
