"""Redis cache with an in-memory fallback (audit 5.5)."""

import logging
import threading

logger = logging.getLogger(__name__)


class RedisCache:
    def __init__(self, client):
        self._client = client
        self._lock = threading.Lock()
        self._connection_error_logged = False

    def get(self, key):
        try:
            return self._client.get(key)
        except ConnectionError as e:
            if not self._connection_error_logged:    # Check without lock
                logger.error(f"Redis connection error: {e}")
                self._connection_error_logged = True  # Set without lock
            return None
