class BaseProvider:
    async def aclose(self):
        pass
