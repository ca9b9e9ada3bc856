import asyncio
from typing import Any

_background_tasks: set[asyncio.Task[Any]] = set()


async def beat() -> None:
    await asyncio.sleep(1)


async def start() -> None:
    # heartbeat, never awaited
    task = asyncio.create_task(beat())
    _background_tasks.add(task)
    task.add_done_callback(_background_tasks.discard)
