class Service:
    async def save(self, item):
        self._flush(item)

    async def _flush(self, item):
        print(item)
