from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.database.config import get_db_config


@asynccontextmanager
async def lifespan(app: FastAPI):
    get_db_config().create_tables()
    try:
        yield
    finally:
        get_db_config().close()


app = FastAPI(lifespan=lifespan)
