from .base import BaseProvider


class GeminiProvider(BaseProvider):
    def __init__(self, api_key):
        self.api_key = api_key

    def close(self):
        pass
