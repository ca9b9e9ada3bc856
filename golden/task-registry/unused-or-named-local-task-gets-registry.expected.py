import asyncio
from typing import Any

_background_tasks: set[asyncio.Task[Any]] = set()


async def refresh() -> None:
    pass


async def on_startup() -> None:
    # warm the cache in the background
    refresher: asyncio.Task[None] = asyncio.create_task(refresh())
    _background_tasks.add(refresher)
    refresher.add_done_callback(_background_tasks.discard)
    watcher = asyncio.get_running_loop().create_task(refresh())
    _background_tasks.add(watcher)
    watcher.add_done_callback(_background_tasks.discard)
    watcher.set_name("watcher")
