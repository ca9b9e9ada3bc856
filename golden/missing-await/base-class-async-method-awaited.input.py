from app.core.base import BaseGateway


class Mixin:
    async def notify(self, event):
        print(event)


class Gateway(Mixin, BaseGateway):
    async def handle(self, event):
        self.audit(event)
        self.notify(event)
        self.log(event)
        super().audit(event)


class Loud(Gateway):
    async def audit(self, event):
        print(event.upper())
