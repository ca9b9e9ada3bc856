import logging
import threading

logger = logging.getLogger(__name__)


class Worker(threading.Thread):
    def __init__(self):
        super().__init__()
        self._error_logged = False

    def run(self):
        try:
            self.work()
        except OSError as exc:
            if not self._error_logged:
                logger.error("worker failed: %s", exc)
                self._error_logged = True

    def work(self):
        pass
