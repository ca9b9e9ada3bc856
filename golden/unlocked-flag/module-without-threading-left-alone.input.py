import logging

logger = logging.getLogger(__name__)


class Cache:
    def __init__(self):
        self._connection_error_logged = False

    def get(self, key):
        if not self._connection_error_logged:
            logger.error("connection error")
            self._connection_error_logged = True
