import threading


class Store:
    def __init__(self):
        self._read_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._dirty = False

    def touch(self, log):
        if not self._dirty:
            log.info("dirty")
            self._dirty = True


class Stream:
    def __init__(self):
        self._lock = threading.RLock()
        self._started = False
        self._closed = False

    def step(self, ready):
        if ready:
            pass
        elif not self._started:
            self._started = True

    def chunks(self, source):
        if not self._closed:
            yield from source
            self._closed = True
