import threading


class Flags:
    def __init__(self):
        self._lock = threading.Lock()
        self._done = False
        self._count = 0

    def maybe(self, other):
        if not self._done:
            self._count += 1  # never sets the flag
        if not other._done:
            other._done = True  # another object's flag
        if not self._done and other:
            self._done = True  # a compound test

    @staticmethod
    def helper(obj):
        if not obj._done:
            obj._done = True


def free(obj):
    if not obj._done:
        obj._done = True
