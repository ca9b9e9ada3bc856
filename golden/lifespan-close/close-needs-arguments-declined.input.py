from contextlib import asynccontextmanager

from fastapi import FastAPI


class Pool:
    def __init__(self, size):
        self.size = size

    async def close(self, timeout):
        pass


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.pool = Pool(10)
    yield


app = FastAPI(lifespan=lifespan)
