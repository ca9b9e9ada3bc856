import asyncio


async def refresh() -> None:
    pass


async def on_startup() -> None:
    # warm the cache in the background
    refresher: asyncio.Task[None] = asyncio.create_task(refresh())
    watcher = asyncio.get_running_loop().create_task(refresh())
    watcher.set_name("watcher")
