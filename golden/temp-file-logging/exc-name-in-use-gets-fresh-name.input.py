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
            os.remove(dst)
        raise exc


def run(src, dst):
    pass


def report(exc):
    pass
