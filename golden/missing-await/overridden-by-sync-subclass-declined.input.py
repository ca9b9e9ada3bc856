class Store:
    async def save(self, item):
        print(item)

    async def put(self, item):
        self.save(item)
