import contextlib

from fastapi import FastAPI


class MetricsExporter:
    def __init__(self, path):
        self._file = open(path, "a")

    def close(self):
        self._file.close()


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI):
    exporter = MetricsExporter("/tmp/metrics.log")
    app.state.exporter = exporter
    yield


app = FastAPI(lifespan=lifespan)
