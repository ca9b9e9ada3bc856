from app.core.base import BaseGateway


class Mixin:
    async def notify(self, event):
        print(event)


class Gateway(Mixin, BaseGateway):
    async def handle(self, event):
        await self.audit(event)
        await self.notify(event)
        self.log(event)
        await super().audit(event)


class Loud(Gateway):
    async def audit(self, event):
        print(event.upper())
