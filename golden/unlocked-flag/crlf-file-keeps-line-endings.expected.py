import threading


class Cache:
    def __init__(self):
        self._lock = threading.Lock()
        self._logged = False

    def fail(self, log):
        with self._lock:
            if not self._logged:
                log.error("failed")
                self._logged = True
