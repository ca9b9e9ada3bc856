import httpx
import redis
import redis.asyncio as aioredis


async def ping_sync_client(url):
    client = redis.from_url(url)
    client.ping()


async def ping_async_client(url):
    client = aioredis.from_url(url)
    pong = await client.ping()
    return pong


async def fetch(url):
    http = httpx.AsyncClient(timeout=5)
    response = await http.get(url)
    return response.status_code
