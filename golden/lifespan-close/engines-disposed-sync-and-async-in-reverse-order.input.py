from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import create_async_engine


@asynccontextmanager
async def lifespan(app: FastAPI):
    # Reporting reads the replica through a sync engine.
    app.state.report_engine = create_engine("postgresql://replica/app")
    engine = create_async_engine("postgresql+asyncpg://primary/app", pool_size=10)
    app.state.engine = engine
    yield


app = FastAPI(lifespan=lifespan)
