import asyncio


async def refresh(key):
    print(key)


def refresh_soon(key):
    try:
        loop = asyncio.get_running_loop()
        loop.run_until_complete(refresh(key))
    except RuntimeError:
        refresh(key)


def refresh_other(key):
    try:
        asyncio.get_running_loop()
    except (RuntimeError, ValueError):
        refresh(key)
