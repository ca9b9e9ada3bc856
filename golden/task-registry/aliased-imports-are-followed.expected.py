import asyncio as aio
from asyncio import create_task as ct
from asyncio import ensure_future
from typing import Any

_background_tasks: set[aio.Task[Any]] = set()


async def work(n: int) -> int:
    return n


async def fan_out() -> None:
    task = ct(work(1))
    _background_tasks.add(task)
    task.add_done_callback(_background_tasks.discard)
    task = aio.ensure_future(work(2))
    _background_tasks.add(task)
    task.add_done_callback(_background_tasks.discard)
    task = ensure_future(work(3))
    _background_tasks.add(task)
    task.add_done_callback(_background_tasks.discard)
    task = aio.create_task(work(4))
    _background_tasks.add(task)
    task.add_done_callback(_background_tasks.discard)


def shutdown() -> Any:
    return None
