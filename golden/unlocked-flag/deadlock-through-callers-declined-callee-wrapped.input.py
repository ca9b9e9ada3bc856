import threading


class Cache:
    def __init__(self):
        self._lock = threading.Lock()
        self._miss_logged = False
        self._full_logged = False
        self._data = {}

    def get(self, key, log):
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self._on_miss(log)
            return value

    def _on_miss(self, log):
        if not self._miss_logged:
            log.info("cache miss")
            self._miss_logged = True

    def put(self, key, value, log):
        if not self._full_logged:
            self._report_full(log)
            self._full_logged = True
        self._data[key] = value

    def _report_full(self, log):
        log.warning("cache full")
        if not self._miss_logged:
            log.info("no miss so far")
            self._miss_logged = True
