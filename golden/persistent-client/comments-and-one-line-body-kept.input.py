import httpx


class Commented:
    def __init__(self):
        self.url = "https://example.org"

    async def first(self):
        # before the block
        async with httpx.AsyncClient() as client:  # header comment
            # leading comment of the body
            r = await client.get(self.url)  # trailing
            # footer comment, inside the block

        # after the block
        return r

    async def second(self):
        async with httpx.AsyncClient() as client: r = await client.get(self.url)
        return r.status_code

    async def third(self):
        if self.url:
            async with httpx.AsyncClient() as client:
                await client.get(self.url)
                # last words
