import asyncio
from typing import Any

_background_tasks: set[asyncio.Task[Any]] = set()


async def job(n):
    await asyncio.sleep(n)


async def main(tasks):
    for task in tasks:
        print(task)
    task_2 = asyncio.create_task(job(1))
    _background_tasks.add(task_2)
    task_2.add_done_callback(_background_tasks.discard)
    task_2.add_done_callback(print)
