from httpx import AsyncClient as HttpClient


class Search:
    def __init__(self):
        self.endpoint = "https://search.example/q"

    async def query(self, q):
        async with HttpClient() as http:
            r = await http.get(self.endpoint, params={"q": q})
        return r.json()
