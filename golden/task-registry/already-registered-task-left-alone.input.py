import asyncio
from typing import Any

background: set[asyncio.Task[Any]] = set()


async def job() -> None:
    pass


async def main() -> None:
    task = asyncio.create_task(job())
    background.add(task)
    task.add_done_callback(background.discard)
