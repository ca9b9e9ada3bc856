import asyncio

import anyio


async def job():
    pass


async def main():
    async with asyncio.TaskGroup() as group:
        group.create_task(job())
    async with anyio.create_task_group() as tg:
        tg.start_soon(job)
