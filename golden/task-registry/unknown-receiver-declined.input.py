import asyncio


async def job():
    pass


async def main(scheduler):
    scheduler.create_task(job())
