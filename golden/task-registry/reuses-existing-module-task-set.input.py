import asyncio

_tasks = set()


async def ping() -> None:
    await asyncio.sleep(0)


def fire() -> None:
    loop = asyncio.get_event_loop()
    loop.create_task(ping())
