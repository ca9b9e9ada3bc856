import logging
import os

logger = logging.getLogger(__name__)


def cleanup(path):
    try:
        work(path)
    finally:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            logger.warning("could not remove temporary file %s: %s", path, exc)


def work(path):
    pass
