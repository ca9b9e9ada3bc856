import threading


class Reporter:
    __slots__ = ("_reported",)

    def __init__(self):
        self._reported = False

    def report(self, log):
        if not self._reported:
            log.info("report")
            self._reported = True


class Mixin:
    def warn_once(self, log):
        if not self._warned:
            log.warning("warned")
            self._warned = True
