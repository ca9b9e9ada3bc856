from threading import RLock


class Pool:
    def __init__(self):
        self._guard = RLock()
        self._warned = False
        self._items = []

    def size(self):
        with self._guard:
            return len(self._items)

    def warn_full(self, log):
        if self._warned is False:
            log.warning("pool full: %d items", self.size())
            self._warned = True
