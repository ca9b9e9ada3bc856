import logging
import os

log = logging.getLogger("uploads")


def store(path: str) -> None:
    try:
        process(path)
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def process(path: str) -> None:
    pass
