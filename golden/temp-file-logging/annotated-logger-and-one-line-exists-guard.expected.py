import logging
import os
import tempfile

logger: logging.Logger = logging.getLogger(__name__)


def job():
    handle = tempfile.NamedTemporaryFile(suffix=".txt", delete=False)
    handle.close()
    try:
        os.unlink(handle.name)
    except FileNotFoundError:
        pass
    except OSError as exc:
        logger.warning("could not remove temporary file %s: %s", handle.name, exc)
