import httpx as hx


class Search:
    def __init__(self):
        self.endpoint = "https://search.example/q"

    async def query(self, q):
        async with hx.AsyncClient(http2=False) as c:
            r = await c.get(self.endpoint, params={"q": q})
        return r.json()
