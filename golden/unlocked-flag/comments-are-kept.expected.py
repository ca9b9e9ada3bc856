import threading


class Cache:
    def __init__(self):
        self._lock = threading.Lock()
        self._logged = False

    def fail(self, log, exc):
        # Log the first connection error only.
        with self._lock:
            if not self._logged:  # checked by every thread
                # the expensive part
                log.error("failed: %s", exc)

                self._logged = True  # set once
                # trailing comment in the block
        return None
