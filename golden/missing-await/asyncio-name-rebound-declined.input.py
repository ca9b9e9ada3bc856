from asyncio import get_running_loop

from app import compat as asyncio


async def refresh(key):
    print(key)


def refresh_soon(key):
    try:
        get_running_loop()
    except RuntimeError:
        refresh(key)
    asyncio.noop()
