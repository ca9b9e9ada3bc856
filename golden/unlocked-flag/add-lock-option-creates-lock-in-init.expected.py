import logging
from concurrent.futures import ThreadPoolExecutor
import threading

logger = logging.getLogger(__name__)


class Downloader:
    """Downloads in a thread pool."""

    def __init__(self):
        """Start the pool."""
        super().__init__()
        self._slow_warning_logged_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(4)
        self._slow_warning_logged = False

    def on_slow(self, url):
        with self._slow_warning_logged_lock:
            if not self._slow_warning_logged:
                logger.warning("slow download: %s", url)
                self._slow_warning_logged = True


class Retrier:
    def __init__(self):
        self._gave_up_lock = threading.Lock()
        self._gave_up = False

    def give_up(self, log):
        with self._gave_up_lock:
            if not self._gave_up:
                log.error("giving up")
                self._gave_up = True

    def close(self, log):
        # the same new lock would be taken twice
        if not self._gave_up:
            self.give_up(log)
            self._gave_up = True
