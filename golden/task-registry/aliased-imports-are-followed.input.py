import asyncio as aio
from asyncio import create_task as ct
from asyncio import ensure_future
from typing import Any


async def work(n: int) -> int:
    return n


async def fan_out() -> None:
    ct(work(1))
    aio.ensure_future(work(2))
    ensure_future(work(3))
    aio.create_task(work(4))


def shutdown() -> Any:
    return None
