import asyncio


async def beat() -> None:
    await asyncio.sleep(1)


async def start() -> None:
    # heartbeat, never awaited
    asyncio.create_task(beat())
