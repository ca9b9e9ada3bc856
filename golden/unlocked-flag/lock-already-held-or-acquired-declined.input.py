import threading


class Cache:
    def __init__(self):
        self._lock = threading.Lock()
        self._loaded = False
        self._warned = False
        self._flushed = False
        self._data = {}

    def load(self, source):
        with self._lock:
            # already checked and set under the lock: not a finding
            if not self._loaded:
                self._data.update(source())
                self._loaded = True

    def warn(self, log):
        if not self._warned:
            with self._lock:
                log.warning("cache holds %d keys", len(self._data))
            self._warned = True

    def _clear(self):
        with self._lock:
            self._data.clear()

    def _flush_once(self):
        self._clear()

    def flush(self):
        if not self._flushed:
            self._flush_once()
            self._flushed = True
