import logging


class LoggingMixin:
    def log(self, message: str) -> None:
        logging.getLogger(type(self).__name__).info(message)
