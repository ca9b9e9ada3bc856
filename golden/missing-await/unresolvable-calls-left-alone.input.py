import httpx
from somewhere import maybe_async


def helper():
    return 1


async def handler(client: httpx.AsyncClient, callback):
    helper()
    maybe_async()
    callback()
    client.aclose()
    print("done")
    handler = helper
    handler()


class Service:
    async def run(self, other):
        other.run(self)
        self.missing()
