"""Export helpers."""

import os
from tempfile import mkstemp

import structlog

logger = structlog.get_logger()


def export(rows):
    fd, path = mkstemp(suffix=".csv")
    os.close(fd)
    write(path, rows)
    upload(path)
    os.unlink(path)


def write(path, rows):
    pass


def upload(path):
    pass
