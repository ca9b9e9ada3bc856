class BaseProvider:
    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
