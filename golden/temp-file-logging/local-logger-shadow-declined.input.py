import logging
import os

log = logging.getLogger(__name__)


def job(path, log=None):
    try:
        pass
    finally:
        os.remove(path)
