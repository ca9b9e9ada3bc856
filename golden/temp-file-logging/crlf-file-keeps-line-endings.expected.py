import os
import tempfile
import logging

logger = logging.getLogger(__name__)


def render(data):
    tmp = tempfile.NamedTemporaryFile(delete=False).name
    try:
        draw(tmp, data)
    finally:
        try:
            os.remove(tmp)
        except FileNotFoundError:
            pass
        except OSError as exc:
            logger.warning("could not remove temporary file %s: %s", tmp, exc)


def draw(path, data):
    pass
