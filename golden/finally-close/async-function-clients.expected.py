import httpx
import redis
import redis.asyncio as aioredis


async def ping_sync_client(url):
    client = redis.from_url(url)
    try:
        client.ping()
    finally:
        client.close()


async def ping_async_client(url):
    client = aioredis.from_url(url)
    try:
        pong = await client.ping()
        return pong
    finally:
        await client.aclose()


async def fetch(url):
    http = httpx.AsyncClient(timeout=5)
    try:
        response = await http.get(url)
        return response.status_code
    finally:
        await http.aclose()
