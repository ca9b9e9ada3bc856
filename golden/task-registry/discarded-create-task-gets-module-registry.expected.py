import asyncio
from typing import Any

_background_tasks: set[asyncio.Task[Any]] = set()


async def notify(user_id: int) -> None:
    await asyncio.sleep(0)


async def handle(user_id: int) -> dict[str, bool]:
    task = asyncio.create_task(notify(user_id))  # send it in the background
    _background_tasks.add(task)
    task.add_done_callback(_background_tasks.discard)
    return {"ok": True}
