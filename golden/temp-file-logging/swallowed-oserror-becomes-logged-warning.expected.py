import logging
import os

log = logging.getLogger("uploads")


def store(path: str) -> None:
    try:
        process(path)
    finally:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("could not remove temporary file %s: %s", path, exc)


def process(path: str) -> None:
    pass
