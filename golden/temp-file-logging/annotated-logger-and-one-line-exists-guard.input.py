import logging
import os
import tempfile

logger: logging.Logger = logging.getLogger(__name__)


def job():
    handle = tempfile.NamedTemporaryFile(suffix=".txt", delete=False)
    handle.close()
    if os.path.exists(handle.name): os.unlink(handle.name)
