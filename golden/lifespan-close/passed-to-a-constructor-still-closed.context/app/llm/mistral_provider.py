class MistralProvider:
    def __init__(self, api_key):
        self.api_key = api_key

    async def aclose(self):
        pass
