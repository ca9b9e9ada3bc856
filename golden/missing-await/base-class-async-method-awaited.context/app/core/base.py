class BaseGateway:
    async def audit(self, event):
        print(event)

    def log(self, event):
        print(event)
