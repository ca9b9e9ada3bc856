import logging
import os

logger = logging.getLogger(__name__)


def convert(src, dst):
    try:
        run(src, dst)
    except ValueError as exc:
        try:
            report(exc)
        finally:
            try:
                os.remove(dst)
            except FileNotFoundError:
                pass
            except OSError as exc_2:
                logger.warning("could not remove temporary file %s: %s", dst, exc_2)
        raise exc


def run(src, dst):
    pass


def report(exc):
    pass
