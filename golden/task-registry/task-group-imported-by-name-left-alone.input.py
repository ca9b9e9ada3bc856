from asyncio import TaskGroup


async def job(n):
    return n


async def main():
    async with TaskGroup() as workers:
        for n in range(3):
            workers.create_task(job(n))
